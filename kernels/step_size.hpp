#pragma once
// The step size's Monte Carlo estimate of the restricted Lipschitz constant
// (docs/SPEC.md §3.5).
#include <cmath>
#include <cstdint>

#include "common.hpp"
#include "fast_math.hpp"
#include "init.hpp"
#include "select.hpp"
#include "split.hpp"

IHT_KERNEL_WARNINGS_OFF

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// How often the estimate asks whether its host wants the run stopped: each
/// sample costs two gradients, so a cancel waits about as long as in the
/// steps (iht_run.hpp's kStopCheckSteps), even at --monte 10^6.
inline constexpr int kMonteStopCheckSamples = 16;
IHT_HD bool time_to_check_stop_monte(int j) {
  return (j & (kMonteStopCheckSamples - 1)) == kMonteStopCheckSamples - 1;
}

/// L̂ = max over Monte Carlo samples j of ‖∇f(θ̃) − ∇f(θʲ)‖ / ‖θ̃ − θʲ‖, with
/// θ̃ = H_s(θʲ + δ·N(0, I)) and δ the smallest nonzero |θʲ_i|. A stop
/// request ends it early; the caller then drops the run (its L̂ is partial).
template <class Model, class W, class T, class Shape>
IHT_HD T estimate_lipschitz(const W& w, const Shape& shape, const WarpProblem& p, int s, uint64_t init_seed,
                            const SplitView<T>& train) {
  using B = ScalarLaneBits<T>;  // explicit fused multiply-adds and T's own sqrt: the same bits on CPU and GPU
  const int n = shape.n;
  T best = T(0);
  for (int j = 0; j < p.n_monte; ++j) {
    if (time_to_check_stop_monte(j) && w.stop_requested()) break;
    const auto sub = static_cast<uint32_t>(j);
    Params<W, T> theta, moved, tilde, g1, g2, low;
    const uint32_t support = sparse_uniform_lanes<Model, T>(w, shape, s, init_seed, Stream::kMonteValues, init_seed,
                                                   Stream::kMonteSupport, sub, theta);
    // δ, the smallest nonzero |θ_i|: −δ is the largest of the −|θ_i| (θ is finite).
    w.each([&](int l) IHT_LAMBDA { low[l] = theta[l] != T(0) ? -magnitude(theta[l]) : T(-INFINITY); });
    const T delta = -w.max(low);
    w.each([&](int l) IHT_LAMBDA {
      // Every lane draws, and a mask of bits zeroes the move past n (for any
      // δ, inf too): with a condition around the draw or the move, GCC would
      // sink the draw into a branch, and the CPU's lane loop of draws would
      // not vectorize.
      using UInt = typename FloatFormat<T>::UInt;
      const T z = static_cast<T>(standard_normal(init_seed, Stream::kMonteNormal, sub, l));
      const UInt inside = UInt(0) - static_cast<UInt>(l < n);
      moved[l] = bit_copy<T>(bit_copy<UInt>(B::fma(delta, z, theta[l])) & inside);
    });
    hard_threshold<T>(w, shape, moved, s, tilde, support);  // the move seldom changes the top s
    Model::grad(w, shape, tilde, train, g1);
    Model::grad(w, shape, theta, train, g2);
    T dg = T(0), dt = T(0);  // added in index order, as every engine adds them
    for (int i = 0; i < n; ++i) {
      const T a = w.lane_value(g1, i) - w.lane_value(g2, i), b = w.lane_value(tilde, i) - w.lane_value(theta, i);
      dg = B::fma(a, a, dg);
      dt = B::fma(b, b, dt);
    }
    const T ratio = B::sqrt(dg) / B::sqrt(dt);  // in T on both sides (IEEE sqrt and division)
    best = ratio > best && ratio < T(INFINITY) ? ratio : best;
  }
  return best;
}

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp

IHT_KERNEL_WARNINGS_ON
