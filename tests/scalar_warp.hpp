#pragma once
// The GPU's arrangement of the warp contract, run on the CPU: a lane group
// is one lane (Vec<T> = T), one chunk at a time through the loss pass, and
// sum and max in the shuffle butterfly's order, every lane's value kept as
// the GPU's lanes keep them. The kernels run on it must give the CpuWarp's
// bits, as on a device (what no CPU-only test saw before: the GPU side's sum
// orders and lane ownership, without a GPU).
#include <cstdint>
#include <cstring>

#include "warp.hpp"

namespace iht::test {

struct ScalarWarp {
  static constexpr int kWidth = warp::kWarpWidth;
  static constexpr int kStagedChunks = 1;

  template <class T>
  struct Lanes {
    T v[kWidth];
    T& operator[](int lane) { return v[lane]; }
    const T& operator[](int lane) const { return v[lane]; }
  };
  template <class T>
  using Vec = T;
  template <class T>
  static constexpr int kGroup = 1;
  template <class T, int N>
  struct Stage {
    T v[kWidth][kStagedChunks][N];
    T* at(int lane, int chunk) { return v[lane][chunk]; }
  };

  template <class T, class Body>
  void each_group(Body&& body) const {
    for (int lane = 0; lane < kWidth; ++lane) body(lane);
  }
  template <class T, class Body>
  void each_group_below(int count, Body&& body) const {
    for (int lane = 0; lane < kWidth && lane < count; ++lane) body(lane);
  }
  template <class Body>
  void each(Body&& body) const {
    for (int lane = 0; lane < kWidth; ++lane) body(lane);
  }
  template <class Body>
  void single(Body&& body) const {
    body();
  }
  void sync() const {}
  bool stop_requested() const { return false; }

  template <class T>
  static T lane_index(int lane) {
    return static_cast<T>(lane);
  }
  template <class T>
  static T load(const T* at) {
    return *at;
  }
  template <class T>
  static T load(const Lanes<T>& x, int lane) {
    return x.v[lane];
  }
  template <int kOffset, class T>
  T load_xor(const Lanes<T>& x, int lane) const {
    return x.v[lane ^ kOffset];
  }
  template <class T>
  static void store_at(T* at, T v) {
    *at = v;
  }
  template <class T>
  static void store(Lanes<T>& x, int lane, T v) {
    x.v[lane] = v;
  }

  /// Lane 0's result of the butterfly: every lane adds (or takes the larger
  /// of) its value and lane (l ^ offset)'s, offsets 16, 8, 4, 2, 1.
  template <class T, class Combine>
  static T butterfly(const Lanes<T>& x, Combine combine) {
    T v[kWidth];
    std::memcpy(v, x.v, sizeof v);
    for (int offset = kWidth / 2; offset > 0; offset /= 2) {
      T next[kWidth];
      for (int lane = 0; lane < kWidth; ++lane) next[lane] = combine(v[lane], v[lane ^ offset]);
      std::memcpy(v, next, sizeof v);
    }
    return v[0];
  }
  template <class T>
  T sum(const Lanes<T>& x) const {
    return butterfly(x, [](T mine, T other) { return mine + other; });
  }
  template <class T>
  T max(const Lanes<T>& x) const {
    return butterfly(x, [](T mine, T other) { return other > mine ? other : mine; });
  }
  template <class T>
  uint32_t ballot(const Lanes<T>& pred) const {
    uint32_t mask = 0;
    for (int lane = 0; lane < kWidth; ++lane) mask |= static_cast<uint32_t>(pred.v[lane] != T(0)) << lane;
    return mask;
  }
};

static_assert(warp::check_warp_contract<ScalarWarp>());

}  // namespace iht::test
