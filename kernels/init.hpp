#pragma once
// Random sparse parameter vectors (docs/SPEC.md §3.3–3.4): θ⁰, and the Monte
// Carlo samples of the step size (§3.5) from other streams.
#include <cstdint>

#include "common.hpp"
#include "ihtbatch/philox.hpp"
#include "select.hpp"
#include "warp.hpp"

IHT_KERNEL_WARNINGS_OFF

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// θ_i ~ U(−a_i, a_i) with a_i the model's init_bound, zeroed outside s
/// random indices. Returns the support (bit i: index i).
template <class Model, class T, class Shape>
IHT_HD uint32_t sparse_uniform(const Shape& shape, int s, uint64_t value_seed, Stream values, uint64_t support_seed,
                               Stream support, uint32_t substream, T* theta) {
  const int n = shape.n;
  each_uniform01(value_seed, values, substream, n,
                 [&](int i, double u) { theta[i] = static_cast<T>(symmetric(u, Model::init_bound(shape, i))); });
  if (s >= n) return all_of(n);
  int perm[kMaxParams];
  random_permutation(support_seed, support, substream, perm, n, s);
  uint32_t kept = 0;
  for (int k = 0; k < s; ++k) kept |= 1u << perm[k];
  for (int i = 0; i < n; ++i) theta[i] = (kept >> i) & 1u ? theta[i] : T(0);
  return kept;
}

/// The same into a parameter vector (lane i holding θ_i, zero past n).
template <class Model, class T, class W, class Shape>
IHT_HD uint32_t sparse_uniform_lanes(const W& w, const Shape& shape, int s, uint64_t value_seed, Stream values,
                               uint64_t support_seed, Stream support, uint32_t substream, Params<W, T>& theta) {
  T drawn[kMaxParams];
  const uint32_t kept = sparse_uniform<Model>(shape, s, value_seed, values, support_seed, support, substream, drawn);
  const int n = shape.n;
  w.each([&](int l) IHT_LAMBDA {
    T mine = T(0);  // drawn[l], with indices the GPU knows at compile time
    IHT_UNROLL
    for (int i = 0; i < kMaxParams; ++i) mine = i == l && i < n ? drawn[i] : mine;
    theta[l] = mine;
  });
  return kept;
}

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp

IHT_KERNEL_WARNINGS_ON
