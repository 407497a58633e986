#pragma once
// The CPU side of the warp contract (warp.hpp): a warp's 32 lanes are
// explicit arrays, a lane group is a SIMD vector of consecutive lanes
// (lane_vec.hpp), and a collective is a loop.
//
// Example:
//   CpuWarp w;
//   CpuWarp::Lanes<double> x;
//   w.each([&](int l) { x[l] = l; });
//   double total = w.sum(x);  // 496, in the GPU's butterfly order
#include <atomic>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "common.hpp"
#include "lane_vec.hpp"
#include "warp.hpp"

namespace iht::warp {

/// Whether the host's cancel flag is set. Defined once, in the host code
/// (src/backends/cpu_paths.cpp), so that no SIMD path compiles std::atomic's
/// inline functions for its own instruction set (hostdevice.hpp).
bool host_stop_requested(const std::atomic<bool>& flag);

IHT_SIMD_NAMESPACE_BEGIN

/// kStaged: chunks per tile of the loss pass (see kStagedChunks); other
/// values than the default serve the tests, which check they change no bit.
template <int kStaged>
struct CpuWarpTiled {
  /// One value per lane.
  template <class T>
  struct Lanes {
    alignas(64) T v[kWarpWidth];
    T& operator[](int lane) { return v[lane]; }
    const T& operator[](int lane) const { return v[lane]; }
  };

  /// A lane group's value: consecutive lanes in one SIMD vector.
  template <class T>
  using Vec = typename LaneVec<T>::type;
  template <class T>
  static constexpr int kGroup = static_cast<int>(sizeof(Vec<T>) / sizeof(T));

  /// Chunks of 32 samples a loop of the loss pass covers before the next loop
  /// starts: each loop then holds many independent chains (a dozen
  /// exponentials, say), which the core overlaps; one long chain per sample
  /// would leave the pipelines idle.
  static constexpr int kStagedChunks = kStaged;

  /// Values the loss pass hands from one loop to the next: N per lane group
  /// and staged chunk, in memory (a few kB).
  template <class T, int N>
  struct Stage {
    Vec<T> v[kWarpWidth / kGroup<T>][kStagedChunks][N];
    Vec<T>* at(int first, int chunk) { return v[first / kGroup<T>][chunk]; }
  };

  /// Runs body(first) once per group of kGroup<T> lanes first, first+1, …;
  /// inside, lane values are Vec<T> (see load, store).
  template <class T, class Body>
  IHT_LAMBDA void each_group(Body&& body) const {
    for (int first = 0; first < kWarpWidth; first += kGroup<T>) body(first);
  }

  /// Only the groups holding lanes below count (≤ 32): saves the CPU the
  /// work of groups that hold nothing. The other lanes of the last group run too.
  template <class T, class Body>
  IHT_LAMBDA void each_group_below(int count, Body&& body) const {
    for (int first = 0; first < count; first += kGroup<T>) body(first);
  }

  /// The group's lane numbers first, first+1, … as T.
  template <class T>
  static Vec<T> lane_index(int first) {
    Vec<T> v;
    for (int i = 0; i < kGroup<T>; ++i) v[i] = static_cast<T>(first + i);
    return v;
  }

  /// The group's values at + 0 … kGroup−1, as one Vec.
  template <class T>
  static Vec<T> load(const T* at) {
    Vec<T> v;
    std::memcpy(&v, at, sizeof v);
    return v;
  }

  /// Lanes first … first+kGroup−1 of x, as one Vec.
  template <class T>
  static Vec<T> load(const Lanes<T>& x, int first) {
    return load(x.v + first);
  }

  /// Each lane's value of lane (lane ^ kOffset), for the group at first: a
  /// whole other group, since kOffset is a multiple of the group size.
  template <int kOffset, class T>
  static Vec<T> load_xor(const Lanes<T>& x, int first) {
    static_assert(kOffset % kGroup<T> == 0 && kOffset < kWarpWidth, "an offset of whole lane groups");
    return load(x.v + (first ^ kOffset));
  }

  /// Writes the group's values to at + 0 … kGroup−1.
  template <class T>
  static void store_at(T* at, Vec<T> v) {
    std::memcpy(at, &v, sizeof v);
  }

  /// Writes the group's values into lanes first … first+kGroup−1 of x.
  template <class T>
  static void store(Lanes<T>& x, int first, Vec<T> v) {
    std::memcpy(&x.v[first], &v, sizeof v);
  }

  /// Runs body(lane) for every lane: the per-lane part of a kernel. The loop
  /// is what the compiler vectorizes.
  template <class Body>
  IHT_LAMBDA void each(Body&& body) const {
#pragma omp simd
    for (int lane = 0; lane < kWarpWidth; ++lane) body(lane);
  }

  /// Runs body() once, as lane 0 would; the other lanes see its writes after.
  template <class Body>
  void single(Body&& body) const {
    body();
  }

  /// Sum over lanes in the order of a shuffle-xor butterfly (offsets 16, 8,
  /// 4, 2, 1), so the result is bitwise the one every GPU lane gets.
  template <class T>
  T sum(const Lanes<T>& x) const {
    constexpr int g = kGroup<T>;
    Vec<T> v = across_groups(x);
    // … the rest add lanes inside the vector.
    for (int half = g / 2; half >= 1; half /= 2)
      for (int i = 0; i < half; ++i) v[i] = v[i] + v[i + half];
    return v[0];
  }

  /// out[i] = sum(x[i]) for i < count (≤ kMost), the same bits: a lane
  /// group's worth of sums at a time, whose levels inside the vector run side
  /// by side in one vector's lanes (each level pairs the sums' halves as it
  /// adds them), not lane by lane in each sum's vector.
  template <int kMost, class T>
  void sums(const Lanes<T>* x, int count, T* out) const {
    constexpr int g = kGroup<T>;
    for (int first = 0; first < count; first += g) {
      Vec<T> v[g];
      for (int e = 0; e < g; ++e) v[e] = first + e < count ? across_groups(x[first + e]) : Vec<T>{};
      add_halves_level<g / 2, T>(v);
      // Lane p now holds the sum of x[first + e], e the bits of p reversed.
      for (int p = 0; p < g; ++p) {
        const int e = reversed_bits<g>(p);
        if (first + e < count) out[first + e] = v[0][p];
      }
    }
  }

  /// The butterfly's offsets of a whole lane group or more (16, 8, … ≥ kGroup)
  /// added as vectors: lane i of the result is the sum of lanes i, i + kGroup, …
  /// in that order.
  template <class T>
  static Vec<T> across_groups(const Lanes<T>& x) {
    constexpr int g = kGroup<T>;
    Vec<T> v[kWarpWidth / g];
    for (int i = 0; i < kWarpWidth / g; ++i) v[i] = load(x.v + i * g);
    for (int half = kWarpWidth / 2; half >= g; half /= 2)
      for (int i = 0; i < half / g; ++i) v[i] = v[i] + v[i + half / g];
    return v[0];
  }

  /// A level of the sums' butterflies inside vectors, then the levels below:
  /// v[0 … 2·kHalf) hold the lanes of as many sums, in blocks of 2·kHalf
  /// lanes; v[2j] and v[2j + 1] become v[j], whose every block is their two
  /// blocks there, each with its lane i + kHalf added to lane i (i < kHalf),
  /// v[2j]'s first.
  template <int kHalf, class T>
  static void add_halves_level(Vec<T>* v) {
    if constexpr (kHalf >= 1) {
      for (int j = 0; j < kHalf; ++j)
        v[j] = add_halves<kHalf, T>(v[2 * j], v[2 * j + 1], std::make_index_sequence<kGroup<T>>{});
      add_halves_level<kHalf / 2, T>(v);
    }
  }
  template <int kHalf, class T, size_t... K>
  static Vec<T> add_halves(Vec<T> a, Vec<T> b, std::index_sequence<K...>) {
    using Mask = typename LaneVec<T>::bits;
    using Index = std::conditional_t<sizeof(T) == 8, uint64_t, uint32_t>;
    constexpr int n = kGroup<T>;
    // Lane k of the first operand: a's lane (block start + i) in a block's first half, b's in its second.
    constexpr auto first = [](int k) {
      const int start = k / (2 * kHalf) * (2 * kHalf), i = k % (2 * kHalf);
      return static_cast<Index>(i < kHalf ? start + i : n + start + i - kHalf);
    };
    const Vec<T> lo = __builtin_shuffle(a, b, Mask{first(K)...});
    const Vec<T> hi = __builtin_shuffle(a, b, Mask{(first(K) + kHalf)...});
    return lo + hi;
  }
  /// p with its log2(kCount) bits in reverse order.
  template <int kCount>
  static constexpr int reversed_bits(int p) {
    int r = 0;
    for (int bit = 1; bit < kCount; bit *= 2) r = r * 2 + (p & bit ? 1 : 0);
    return r;
  }

  /// The largest of the lanes' values (NaN-free values: any order gives it),
  /// a lane group at a time.
  template <class T>
  T max(const Lanes<T>& x) const {
    constexpr int g = kGroup<T>;
    Vec<T> best = load(x.v);
    for (int first = g; first < kWarpWidth; first += g) {
      const Vec<T> v = load(x.v + first);
      best = v > best ? v : best;
    }
    return max_in_vector<T, sizeof(Vec<T>)>(best);
  }

  /// The largest lane of a vector of kBytes: the larger of its halves, as a
  /// vector half as wide, until one value is left (a tree of log2 steps, not
  /// a chain through every lane).
  template <class T, int kBytes, class V>
  static T max_in_vector(V v) {
    if constexpr (kBytes == sizeof(T)) {
      return v[0];
    } else {
      typedef T Half __attribute__((vector_size(kBytes / 2)));
      Half low, high;
      std::memcpy(&low, &v, sizeof low);
      std::memcpy(&high, reinterpret_cast<const char*>(&v) + sizeof low, sizeof high);
      return max_in_vector<T, kBytes / 2>(high > low ? high : low);
    }
  }

  /// Lane i's value of x (a plain read here; a shuffle on the GPU).
  template <class T>
  static T lane_value(const Lanes<T>& x, int i) {
    return x[i];
  }

  /// Lane i's value of x becomes v.
  template <class T>
  static void set_lane(Lanes<T>& x, int i, T v) {
    x[i] = v;
  }

  /// Lanes run one after another here: every write is already seen.
  void sync() const {}

  /// The host's cancel flag (none: never stops).
  const std::atomic<bool>* stop = nullptr;
  bool stop_requested() const { return stop != nullptr && host_stop_requested(*stop); }

  /// Bit l set when pred[l] is nonzero.
  template <class T>
  uint32_t ballot(const Lanes<T>& pred) const {
    uint32_t mask = 0;
#pragma omp simd reduction(| : mask)
    for (int lane = 0; lane < kWarpWidth; ++lane) mask |= static_cast<uint32_t>(pred.v[lane] != T(0)) << lane;
    return mask;
  }
};

using CpuWarp = CpuWarpTiled<8>;
static_assert(check_warp_contract<CpuWarp>());

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp
