#pragma once
// The CPU side of the warp abstraction: a warp's 32 lanes are explicit arrays
// and a collective is a loop. Kernel code written against it (see
// iht_warp.hpp) also compiles against GpuWarp (warp_gpu.cuh), where a lane is
// a thread and collectives are shuffles and ballots.
//
// Example:
//   CpuWarp w;
//   CpuWarp::Lanes<double> x;
//   w.each([&](int l) { x[l] = l; });
//   double total = w.sum(x);  // 496, in the GPU's butterfly order
#include <cstdint>

namespace iht::warp {

struct CpuWarp {
  static constexpr int kWidth = 32;

  /// One value per lane.
  template <class T>
  struct Lanes {
    alignas(64) T v[kWidth];
    T& operator[](int lane) { return v[lane]; }
    const T& operator[](int lane) const { return v[lane]; }
  };

  /// Runs body(lane) for every lane: the per-lane part of a kernel. The loop
  /// is what the compiler vectorizes.
  template <class Body>
  void each(Body&& body) const {
#pragma omp simd
    for (int lane = 0; lane < kWidth; ++lane) body(lane);
  }

  /// Runs body(lane) for lanes 0..count-1 only (count ≤ 32); the other
  /// lanes idle. Saves the CPU the work of lanes that hold nothing.
  template <class Body>
  void each_below(int count, Body&& body) const {
#pragma omp simd
    for (int lane = 0; lane < count; ++lane) body(lane);
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
    T v[kWidth / 2];
#pragma GCC unroll 16
    for (int lane = 0; lane < kWidth / 2; ++lane) v[lane] = x[lane] + x[lane + kWidth / 2];
#pragma GCC unroll 8
    for (int lane = 0; lane < 8; ++lane) v[lane] = v[lane] + v[lane + 8];
#pragma GCC unroll 4
    for (int lane = 0; lane < 4; ++lane) v[lane] = v[lane] + v[lane + 4];
    v[0] = v[0] + v[2];
    v[1] = v[1] + v[3];
    return v[0] + v[1];
  }

  /// Bit l set when pred[l] is nonzero.
  uint32_t ballot(const Lanes<int>& pred) const {
    uint32_t mask = 0;
    for (int lane = 0; lane < kWidth; ++lane) mask |= static_cast<uint32_t>(pred[lane] != 0) << lane;
    return mask;
  }
};

}  // namespace iht::warp
