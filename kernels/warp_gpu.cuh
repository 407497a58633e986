#pragma once
// The GPU side of the warp contract (warp.hpp): one lane is one thread;
// collectives are warp shuffles and ballots over the full warp. These thin
// wrappers are the only kernel code the CPU tests cannot execute.
#include <cstdint>

#include "warp.hpp"

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

struct GpuWarp {
  /// One chunk at a time through the loss pass's loops: the other warps hide
  /// a thread's latency, and its staged values stay in registers.
  static constexpr int kStagedChunks = 1;
  static constexpr unsigned kFull = 0xffffffffu;
  int lane_id;

  template <class T>
  struct Lanes {
    T v;
    __device__ __forceinline__ T& operator[](int) { return v; }
    __device__ __forceinline__ const T& operator[](int) const { return v; }
  };

  /// A lane group is the lane itself: values are plain T.
  template <class T>
  using Vec = T;
  template <class T>
  static constexpr int kGroup = 1;

  /// The thread's own values between the loss pass's loops (registers, once unrolled).
  template <class T, int N>
  struct Stage {
    T v[kStagedChunks][N];
    __device__ __forceinline__ T* at(int, int chunk) { return v[chunk]; }
  };

  template <class T, class Body>
  __device__ __forceinline__ void each_group(Body&& body) const {
    body(lane_id);
  }

  template <class T, class Body>
  __device__ __forceinline__ void each_group_below(int count, Body&& body) const {
    if (lane_id < count) body(lane_id);
  }

  template <class T>
  __device__ __forceinline__ static T lane_index(int lane) {
    return static_cast<T>(lane);
  }

  template <class T>
  __device__ __forceinline__ static T load(const T* at) {
    return *at;
  }

  template <class T>
  __device__ __forceinline__ static T load(const Lanes<T>& x, int) {
    return x.v;
  }

  /// Lane (lane ^ kOffset)'s value; every lane of the warp must call it.
  template <int kOffset, class T>
  __device__ __forceinline__ T load_xor(const Lanes<T>& x, int) const {
    return __shfl_xor_sync(kFull, x.v, kOffset);
  }

  template <class T>
  __device__ __forceinline__ static void store_at(T* at, T v) {
    *at = v;
  }

  template <class T>
  __device__ __forceinline__ static void store(Lanes<T>& x, int, T v) {
    x.v = v;
  }

  template <class Body>
  __device__ __forceinline__ void each(Body&& body) const {
    body(lane_id);
  }

  template <class Body>
  __device__ __forceinline__ void single(Body&& body) const {
    if (lane_id == 0) body();
    __syncwarp(kFull);
  }

  template <class T>
  __device__ __forceinline__ T sum(Lanes<T> x) const {
    T v = x.v;
#pragma unroll
    for (int offset = kWarpWidth / 2; offset > 0; offset /= 2) v = v + __shfl_xor_sync(kFull, v, offset);
    return v;
  }

  /// out[i] = sum(x[i]) for i < count (≤ kMost).
  template <int kMost, class T>
  __device__ __forceinline__ void sums(const Lanes<T>* x, int count, T* out) const {
#pragma unroll
    for (int i = 0; i < kMost; ++i)
      if (i < count) out[i] = sum(x[i]);
  }

  template <class T>
  __device__ __forceinline__ T max(Lanes<T> x) const {
    T v = x.v;
#pragma unroll
    for (int offset = kWarpWidth / 2; offset > 0; offset /= 2) {
      const T other = __shfl_xor_sync(kFull, v, offset);
      v = other > v ? other : v;
    }
    return v;
  }

  /// Lane i's value of x, in every lane; every lane of the warp must call it.
  template <class T>
  __device__ __forceinline__ T lane_value(const Lanes<T>& x, int i) const {
    return __shfl_sync(kFull, x.v, i);
  }

  /// Lane i's value of x becomes v (the same in every lane).
  template <class T>
  __device__ __forceinline__ void set_lane(Lanes<T>& x, int i, T v) const {
    if (lane_id == i) x.v = v;
  }

  /// Orders the lanes' memory writes before every lane's later reads.
  __device__ __forceinline__ void sync() const { __syncwarp(kFull); }

  /// A launch's runs always finish (the host cancels between runs).
  __device__ __forceinline__ constexpr bool stop_requested() const { return false; }

  template <class T>
  __device__ __forceinline__ uint32_t ballot(const Lanes<T>& pred) const {
    return __ballot_sync(kFull, pred.v != T(0));
  }
};

static_assert(check_warp_contract<GpuWarp>());

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp
