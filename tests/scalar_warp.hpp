#pragma once
// The GPU's arrangement of the warp contract, run on the CPU: a lane group
// is one lane (Vec<T> = T), one chunk at a time through the loss pass, and
// sum and max in the shuffle butterfly's order, every lane's value kept as
// the GPU's lanes keep them. The kernels run on it must give the CpuWarp's
// bits, as on a device (what no CPU-only test saw before: the GPU side's sum
// orders and lane ownership, without a GPU).
//
// It also checks what a GPU lane can do: per-lane code (the bodies of each,
// each_group and each_group_below) may touch only its own lane's value of a
// Lanes, and other lanes' values are read through lane_value, which every
// lane must call: a shuffle (lane_value, load_xor), a sum, a maximum or a
// ballot inside each_group_below or single, where lanes diverge, is a
// breach, and so is any Lanes value but lane 0's inside single (only lane 0
// runs it). Each breach is counted (ScalarWarp::breaches()); the tests
// require none. What it cannot see: a lane-dependent `if` around a shuffle
// inside each (the lanes run one by one here, whatever the branch), and a
// body that reads a Lanes through lane_value and stores to it too (the
// GPU's lanes all read before any writes; here lane 0 writes first).
#include <cstdint>
#include <cstring>

#include "warp.hpp"

namespace iht::test {

/// The lane whose per-lane code runs now, or −1 in code every lane runs alike.
inline thread_local int scalar_active_lane = -1;
inline thread_local bool scalar_lanes_diverged = false;
inline thread_local long scalar_breaches = 0;

/// Runs body(lane) as that lane's per-lane code.
template <class Body>
void as_lane(int lane, bool diverged, Body&& body) {
  scalar_active_lane = lane;
  scalar_lanes_diverged = diverged;
  body(lane);
  scalar_active_lane = -1;
  scalar_lanes_diverged = false;
}

/// Counts a lane's touch of another lane's value.
inline void check_own_lane(int lane) {
  if (lane != scalar_active_lane) ++scalar_breaches;
}

struct ScalarWarp {
  static constexpr int kWidth = warp::kWarpWidth;
  /// Breaches of lane ownership since the last reset (see the file's header).
  static long breaches() { return scalar_breaches; }
  static void reset_breaches() { scalar_breaches = 0; }
  static constexpr int kStagedChunks = 1;

  template <class T>
  struct Lanes {
    T v[kWidth];
    T& operator[](int lane) {
      check_own_lane(lane);
      return v[lane];
    }
    const T& operator[](int lane) const {
      check_own_lane(lane);
      return v[lane];
    }
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
    for (int lane = 0; lane < kWidth; ++lane) as_lane(lane, false, body);
  }
  template <class T, class Body>
  void each_group_below(int count, Body&& body) const {
    for (int lane = 0; lane < kWidth && lane < count; ++lane) as_lane(lane, true, body);
  }
  template <class Body>
  void each(Body&& body) const {
    for (int lane = 0; lane < kWidth; ++lane) as_lane(lane, false, body);
  }
  template <class Body>
  void single(Body&& body) const {
    as_lane(0, true, [&](int) { body(); });
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
    check_own_lane(lane);
    return x.v[lane];
  }
  template <int kOffset, class T>
  T load_xor(const Lanes<T>& x, int lane) const {
    check_converged();
    return x.v[lane ^ kOffset];
  }
  template <class T>
  static void store_at(T* at, T v) {
    *at = v;
  }
  template <class T>
  static void store(Lanes<T>& x, int lane, T v) {
    check_own_lane(lane);
    x.v[lane] = v;
  }
  /// Lane i's value, for every lane: a shuffle, which all lanes must reach.
  template <class T>
  T lane_value(const Lanes<T>& x, int i) const {
    check_converged();
    return x.v[i];
  }
  /// Lane i's value becomes v: code every lane runs alike.
  template <class T>
  void set_lane(Lanes<T>& x, int i, T v) const {
    if (scalar_active_lane != -1) ++scalar_breaches;
    x.v[i] = v;
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
  /// Counts a collective that diverged lanes would not all reach.
  static void check_converged() {
    if (scalar_lanes_diverged) ++scalar_breaches;
  }
  template <class T>
  T sum(const Lanes<T>& x) const {
    check_converged();
    return butterfly(x, [](T mine, T other) { return mine + other; });
  }
  template <int kMost, class T>
  void sums(const Lanes<T>* x, int count, T* out) const {
    for (int i = 0; i < kMost && i < count; ++i) out[i] = sum(x[i]);
  }
  template <class T>
  T max(const Lanes<T>& x) const {
    check_converged();
    return butterfly(x, [](T mine, T other) { return other > mine ? other : mine; });
  }
  template <class T>
  uint32_t ballot(const Lanes<T>& pred) const {
    check_converged();
    uint32_t mask = 0;
    for (int lane = 0; lane < kWidth; ++lane) mask |= static_cast<uint32_t>(pred.v[lane] != T(0)) << lane;
    return mask;
  }
};

static_assert(warp::check_warp_contract<ScalarWarp>());

}  // namespace iht::test
