#pragma once
// One run (docs/SPEC.md §3) computed by one warp: split, θ⁰, step size, the
// update until a stop, final metrics. Written once over the warp contract
// (warp.hpp) for CpuWarp and GpuWarp, and over a model (softmax_regression.hpp)
// and an update rule (iht_update.hpp). Precision T is double (matches the
// reference) or float.
#include <cmath>
#include <cstdint>

#include "common.hpp"
#include "iht_update.hpp"
#include "init.hpp"
#include "softmax_regression.hpp"
#include "split.hpp"
#include "step_size.hpp"

IHT_KERNEL_WARNINGS_OFF

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// The tests before update k (§3.6), in order: f ≤ tol, k = max_steps, f not
/// finite. True when the run stops, and why in *why.
template <class T>
IHT_HD bool stops_before_update(T loss, long long k, const WarpProblem& p, StopReason* why) {
  if (loss <= static_cast<T>(p.tol)) {
    *why = StopReason::kTol;
    return true;
  }
  if (k == p.max_steps) {
    *why = StopReason::kMaxSteps;
    return true;
  }
  if (!(loss - loss == T(0))) {  // not finite
    *why = StopReason::kDiverged;
    return true;
  }
  return false;
}

/// theta = next; false when that changes no bit of theta.
template <class T, class W>
IHT_HD bool move_to(const W& w, const Params<W, T>& next, Params<W, T>& theta) {
  using UInt = typename FloatFormat<T>::UInt;
  Params<W, T> changed;
  w.each([&](int l) IHT_LAMBDA {
    changed[l] = bit_copy<UInt>(next[l]) != bit_copy<UInt>(theta[l]) ? T(1) : T(0);
    theta[l] = next[l];
  });
  return w.ballot(changed) != 0;
}

/// What is measured at θ* (§3.8), uniform across lanes.
struct FinalMetrics {
  double train_acc, test_loss, test_acc, ht_margin, grad_support_inf;
};

template <class Model, class W, class T, class Shape>
IHT_HD FinalMetrics final_metrics(const W& w, const Shape& shape, const Params<W, T>& theta,
                                  const Params<W, T>& grad, T gamma, const SplitView<T>& train,
                                  const SplitView<T>& test) {
  const int n = shape.n;
  FinalMetrics m;
  m.train_acc = Model::accuracy(w, shape, theta, train);
  m.test_loss = static_cast<double>(Model::loss(w, shape, theta, test));
  m.test_acc = Model::accuracy(w, shape, theta, test);
  // Each lane its own entry, then three maxima: −(the smallest kept |θ_i|),
  // the largest |∇f_i| outside the support and inside it. A NaN enters none
  // of them (the flags below account for it), and no −0 enters w.max.
  Params<W, double> low_kept, high_out, high_in, out;
  w.each([&](int l) IHT_LAMBDA {
    const double t = fabs(static_cast<double>(theta[l])), g = fabs(static_cast<double>(grad[l]));
    const bool kept = theta[l] != T(0), g_counts = g > 0;  // false for NaN
    low_kept[l] = kept && t == t ? -t : -INFINITY;
    high_in[l] = kept && g_counts ? g : 0.0;
    high_out[l] = !kept && l < n && g_counts ? g : 0.0;
    out[l] = !kept && l < n ? 1.0 : 0.0;
  });
  const double min_kept = -w.max(low_kept), max_out = w.max(high_out), max_in = w.max(high_in);
  const bool any_out = w.ballot(out) != 0;
  // The FMA named: GCC (with FMA) and nvcc fuse it so; a build without FMA would not.
  m.ht_margin = any_out ? ScalarLaneBits<double>::fma(-static_cast<double>(gamma), max_out, min_kept) : INFINITY;
  m.grad_support_inf = max_in;
  // A NaN among the kept θ_i or the gradients outside leaves the margin
  // undefined: NaN, so the run is not HT-stable (§3.8); a NaN gradient on
  // the support makes grad_support_inf NaN. (A diverged run's θ and ∇f.)
  w.each([&](int l) IHT_LAMBDA {
    const bool kept = theta[l] != T(0), g_nan = grad[l] != grad[l];
    low_kept[l] = (kept && theta[l] != theta[l]) || (!kept && l < n && g_nan) ? 1.0 : 0.0;
    high_in[l] = kept && g_nan ? 1.0 : 0.0;
  });
  if (any_out && w.ballot(low_kept) != 0) m.ht_margin = NAN;
  if (w.ballot(high_in) != 0) m.grad_support_inf = NAN;
  return m;
}

/// How often a run asks whether its host wants it stopped (w.stop_requested):
/// a cancelled sweep waits at most this many steps of each run under way.
inline constexpr long long kStopCheckSteps = 64;
static_assert((kStopCheckSteps & (kStopCheckSteps - 1)) == 0, "a power of two: the test is a mask");

IHT_HD bool time_to_check_stop(long long k) { return (k & (kStopCheckSteps - 1)) == kStopCheckSteps - 1; }

/// A run's result as lane 0 writes it (both engines).
IHT_HD void write_result(WarpResult* out, double lipschitz, double gamma, double train_loss, const FinalMetrics& m,
                         long long steps, long long settled_at, StopReason stop) {
  out->lipschitz = lipschitz;
  out->step_size = gamma;
  out->train_loss = train_loss;
  out->train_acc = m.train_acc;
  out->test_loss = m.test_loss;
  out->test_acc = m.test_acc;
  out->ht_margin = m.ht_margin;
  out->ht_stable = m.ht_margin >= 0;
  out->grad_support_inf = m.grad_support_inf;
  out->steps = steps;
  out->settled_at = settled_at;
  out->stop = stop;
}

/// The whole run. Lane 0 writes *out and θ* into theta_out (n doubles).
template <class Model, class Update, class W, class T, class Shape>
IHT_HD void iht_run(const W& w, const Shape& shape, const WarpProblem& p, const WarpRunSpec& run,
                    const WarpScratch<T>& scratch, WarpResult* out, double* theta_out) {
  const int n = shape.n, s = run.sparsity;
  prepare_split(w, p, run.data_seed, scratch);
  const SplitView<T> train = train_view(p, scratch), test = test_view(p, scratch);

  const T lipschitz = estimate_lipschitz<Model>(w, shape, p, s, run.init_seed, train);
  if (w.stop_requested()) return;  // stopped in the estimate (or just after): a stopped run writes nothing
  const T gamma = p.step_size > 0 ? static_cast<T>(p.step_size) : T(1) / lipschitz;

  Params<W, T> theta, grad, next;  // lane i holds entry i: one register each on the GPU
  // The kept set of the last step (first θ⁰'s support): the next step's hint.
  uint32_t kept = sparse_uniform_lanes<Model, T>(w, shape, s, run.init_seed, Stream::kInitValues, run.support_seed,
                                                 Stream::kSupport, 0, theta);
  long long k = 0, settled_at = -1;
  StopReason stop = StopReason::kMaxSteps;
  T train_loss = T(0);
  for (;; ++k) {
    if (time_to_check_stop(k) && w.stop_requested()) return;  // a stopped run writes nothing
    train_loss = Model::loss_and_grad(w, shape, theta, train, grad);
    if (stops_before_update(train_loss, k, p, &stop)) break;
    kept = Update::step(w, shape, s, gamma, theta, grad, next, kept);
    const bool changed = move_to<T>(w, next, theta);
    if constexpr (Update::kMayShortcut) {
      if (!changed) {
        // A fixed point: every later step would compute this same f and ∇f
        // and make this same update, so the run ends at max_steps exactly as
        // it stands. (On IRIS most runs of s = 1 and 2 settle, on average
        // halfway.)
        settled_at = k + 1;
        k = p.max_steps;
        stop = StopReason::kMaxSteps;
        break;
      }
    }
  }

  const FinalMetrics m = final_metrics<Model>(w, shape, theta, grad, gamma, train, test);
  w.each([&](int l) IHT_LAMBDA {
    if (l < n) theta_out[l] = static_cast<double>(theta[l]);
  });
  w.single([&] { write_result(out, lipschitz, gamma, train_loss, m, k, settled_at, stop); });
}

/// The run of a shape: the compact engine's here; wide_run.hpp adds the wide
/// engine's for WideShape.
template <class Model, class Update, class W, class T, class Shape>
IHT_HD void run_engine(const W& w, const Shape& shape, const WarpProblem& p, const WarpRunSpec& spec,
                       const WarpScratch<T>& scratch, WarpResult* out, double* theta_out) {
  iht_run<Model, Update>(w, shape, p, spec, scratch, out, theta_out);
}

/// A compiled variant of the engine: a model, an update rule and a shape
/// (FixedShape and DynamicShape run iht_run, WideShape wide_run). The
/// backends choose one in one place (src/backends/warp_host.hpp).
template <class M, class U, class S>
struct KernelVariant {
  using Model = M;
  using Update = U;
  S shape;

  template <class W, class T>
  IHT_HD void run(const W& w, const WarpProblem& p, const WarpRunSpec& spec, const WarpScratch<T>& scratch,
                  WarpResult* out, double* theta_out) const {
    run_engine<Model, Update>(w, shape, p, spec, scratch, out, theta_out);
  }
};

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp

IHT_KERNEL_WARNINGS_ON
