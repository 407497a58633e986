#pragma once
// The update rule of IHT (docs/SPEC.md §3.6): θ ← H_s(θ − γ∇f(θ)).
//
// What an update rule gives iht_run (a second rule is a second file):
//   Update::kMayShortcut   whether a step that changes no bit of θ may end the
//                          run (the settle shortcut). True only for rules that
//                          are deterministic and memoryless: the next step is
//                          a function of θ alone, so it would repeat forever.
//                          A rule that draws (mini-batch SIHT) or keeps state
//                          (a backtracking γ) must say false.
//   Update::step(w, shape, s, γ, θ, ∇f, next, kept)
//                          writes θᵏ⁺¹ into next; returns its support, given
//                          the last one as a hint (θ, ∇f, next: Params<W, T>,
//                          lane i holding entry i, zero past n).
//   Update::step_wide(w, n, s, γ, θ, ∇f, next, kept)
//                          the same on the wide engine (wide_run.hpp): arrays
//                          in scratch, lane l owning entries l, l + 32, …;
//                          kept (1/0 per entry) is the hint and the answer.
#include <cstdint>

#include "common.hpp"
#include "entries.hpp"
#include "fast_math.hpp"
#include "select.hpp"
#include "select_wide.hpp"

IHT_KERNEL_WARNINGS_OFF

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

struct IhtUpdate {
  static constexpr bool kMayShortcut = true;

  template <class W, class T, class Shape>
  static IHT_HD uint32_t step(const W& w, const Shape& shape, int s, T gamma, const Params<W, T>& theta,
                              const Params<W, T>& grad, Params<W, T>& next, uint32_t kept) {
    const int n = shape.n;
    // Past n, next is 0 (not −γ·0 + 0, a NaN when γ is infinite).
    w.each([&](int l) IHT_LAMBDA { next[l] = l < n ? ScalarLaneBits<T>::fma(-gamma, grad[l], theta[l]) : T(0); });
    return s < n ? hard_threshold<T>(w, shape, next, s, next, kept) : kept;  // H_n is the identity
  }

  template <class W, class T>
  static IHT_HD void step_wide(const W& w, int n, int s, T gamma, const T* theta, const T* grad, T* next, T* kept) {
    // θ − γ∇f as the compact engine computes it (GCC and nvcc fuse it into this FMA).
    each_entry(w, n, [&](int, int i) IHT_LAMBDA { next[i] = ScalarLaneBits<T>::fma(-gamma, grad[i], theta[i]); });
    // read by the lane that wrote it: the selection ends with w.sync(), and the caller's move too
    if (s < n) hard_threshold_wide(w, n, next, s, next, kept, true);  // H_n is the identity
  }
};

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp

IHT_KERNEL_WARNINGS_ON
