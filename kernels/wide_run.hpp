#pragma once
// One run (docs/SPEC.md §3) on the wide engine: any network of up to
// kMaxWideParams parameters, with or without a hidden layer (mlp.hpp). The
// same steps as iht_run.hpp, with θ, ∇f and the step in the warp's scratch
// and every loop over parameters split across the lanes (lane l: entries
// l, l + 32, …). Written once over the warp contract for CPU and GPU.
//
// Memory between lanes (the GPU's lanes run apart): an array a lane writes
// entry by entry and every lane then reads (θ, θ̃ after a selection) is
// followed by w.sync(); what one lane writes for all (w.single) is ordered
// by w.single itself; the rest is read only by the lane that wrote it.
#include <cmath>
#include <cstdint>

#include "common.hpp"
#include "entries.hpp"
#include "iht_run.hpp"
#include "iht_update.hpp"
#include "mlp.hpp"
#include "select_wide.hpp"
#include "split.hpp"

IHT_KERNEL_WARNINGS_OFF

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// θ_i ~ U(−a_i, a_i), zeroed outside s random indices; kept[i] = 1 on the
/// support. The draws are the compact engine's (init.hpp), index by index.
template <class Model, class W, class T>
IHT_HD void sparse_uniform_wide(const W& w, const WideShape& sh, int s, uint64_t value_seed, Stream values,
                                uint64_t support_seed, Stream support, uint32_t substream, T* theta, T* kept,
                                int* order) {
  const int n = sh.n;
  w.each([&](int l) {
    for (int i = l; i < n; i += kWarpWidth) {
      const double u = uniform01(value_seed, values, substream, static_cast<uint32_t>(i));
      theta[i] = static_cast<T>(symmetric(u, Model::init_bound(sh, i)));
      if (s >= n) kept[i] = T(1);
    }
  });
  if (s >= n) {
    w.sync();
    return;
  }
  w.single([&] {  // kept is lane 0's alone here: no lane wrote it above
    random_permutation(support_seed, support, substream, order, n, s);
    for (int i = 0; i < n; ++i) kept[i] = T(0);
    for (int k = 0; k < s; ++k) kept[order[k]] = T(1);
  });
  w.each([&](int l) {
    for (int i = l; i < n; i += kWarpWidth) theta[i] = kept[i] != T(0) ? theta[i] : T(0);
  });
  w.sync();
}

/// L̂ of §3.5 as estimate_lipschitz (step_size.hpp) computes it, arrays in
/// scratch: θʲ in theta, θ̃ in next, their gradients in grad and other.
template <class Model, class W, class T>
IHT_HD T estimate_lipschitz_wide(const W& w, const WideShape& sh, const WarpProblem& p, int s, uint64_t init_seed,
                                 const SplitView<T>& train, const WideBuffers<T>& buf, const WarpScratch<T>& scr) {
  using B = ScalarLaneBits<T>;
  const int n = sh.n;
  typename W::template Lanes<T> lanes_a, lanes_b;
  T best = T(0);
  for (int j = 0; j < p.n_monte; ++j) {
    if (time_to_check_stop_monte(j) && w.stop_requested()) break;  // the run is then dropped
    const auto sub = static_cast<uint32_t>(j);
    sparse_uniform_wide<Model>(w, sh, s, init_seed, Stream::kMonteValues, init_seed, Stream::kMonteSupport, sub,
                               scr.theta, scr.kept, scr.order);
    w.each([&](int l) {
      T low = T(INFINITY);
      for (int i = l; i < n; i += kWarpWidth) {
        const T m = magnitude(scr.theta[i]);
        low = scr.theta[i] != T(0) && m < low ? m : low;
      }
      lanes_a[l] = -low;
    });
    const T delta = -w.max(lanes_a);
    w.each([&](int l) {
      for (int i = l; i < n; i += kWarpWidth)
        scr.next[i] = B::fma(delta, static_cast<T>(standard_normal(init_seed, Stream::kMonteNormal, sub, i)),
                             scr.theta[i]);
    });
    hard_threshold_wide(w, n, scr.next, s, scr.next, scr.kept, true);  // θʲ's support: the move seldom changes it
    Model::loss_and_grad(w, sh, scr.next, train, buf, scr.grad);
    Model::loss_and_grad(w, sh, scr.theta, train, buf, scr.other);
    w.each([&](int l) {
      T dg = T(0), dt = T(0);
      for (int i = l; i < n; i += kWarpWidth) {
        dg = B::fma(scr.grad[i] - scr.other[i], scr.grad[i] - scr.other[i], dg);
        dt = B::fma(scr.next[i] - scr.theta[i], scr.next[i] - scr.theta[i], dt);
      }
      lanes_a[l] = dg;
      lanes_b[l] = dt;
    });
    const T ratio = B::sqrt(w.sum(lanes_a)) / B::sqrt(w.sum(lanes_b));
    best = ratio > best && ratio < T(INFINITY) ? ratio : best;
  }
  return best;
}

/// The whole run. Lane 0 writes *out; the lanes write θ* into theta_out (n doubles).
template <class Model, class Update, class W, class T>
IHT_HD void wide_run(const W& w, const WideShape& sh, const WarpProblem& p, const WarpRunSpec& run,
                     const WarpScratch<T>& scr, WarpResult* out, double* theta_out) {
  const int n = sh.n, s = run.sparsity;
  prepare_split(w, p, run.data_seed, scr);  // each lane's own samples, as the loss passes read them
  const SplitView<T> train = train_view(p, scr), test = test_view(p, scr);
  const WideBuffers<T> buf{scr.hidden, scr.delta, scr.logits};

  const T lipschitz = estimate_lipschitz_wide<Model>(w, sh, p, s, run.init_seed, train, buf, scr);
  if (w.stop_requested()) return;  // stopped in the estimate (or just after): a stopped run writes nothing
  const T gamma = p.step_size > 0 ? static_cast<T>(p.step_size) : T(1) / lipschitz;

  sparse_uniform_wide<Model>(w, sh, s, run.init_seed, Stream::kInitValues, run.support_seed, Stream::kSupport, 0,
                             scr.theta, scr.kept, scr.order);
  using UInt = typename FloatFormat<T>::UInt;
  typename W::template Lanes<T> lanes_a, lanes_b, lanes_c;
  long long k = 0, settled_at = -1;
  StopReason stop = StopReason::kMaxSteps;
  T train_loss = T(0);
  for (;; ++k) {
    if (time_to_check_stop(k) && w.stop_requested()) return;  // a stopped run writes nothing
    train_loss = Model::loss_and_grad(w, sh, scr.theta, train, buf, scr.grad);
    if (stops_before_update(train_loss, k, p, &stop)) break;
    Update::step_wide(w, n, s, gamma, scr.theta, scr.grad, scr.next, scr.kept);
    w.each([&](int l) IHT_LAMBDA { lanes_a[l] = T(0); });
    each_entry(w, n, [&](int l, int i) IHT_LAMBDA {  // θ ← next, noting whether a bit changed
      lanes_a[l] = bit_copy<UInt>(scr.next[i]) != bit_copy<UInt>(scr.theta[i]) ? T(1) : lanes_a[l];
      scr.theta[i] = scr.next[i];
    });
    const bool changed = w.ballot(lanes_a) != 0;
    w.sync();
    if constexpr (Update::kMayShortcut) {
      if (!changed) {  // a fixed point: see iht_run
        settled_at = k + 1;
        k = p.max_steps;
        stop = StopReason::kMaxSteps;
        break;
      }
    }
  }

  FinalMetrics m;
  m.train_acc = Model::accuracy(w, sh, scr.theta, train, buf);
  m.test_loss = static_cast<double>(Model::loss(w, sh, scr.theta, test, buf));
  m.test_acc = Model::accuracy(w, sh, scr.theta, test, buf);
  w.each([&](int l) {  // the HT test of §3.8, lane by lane, then across lanes
    T min_kept = T(INFINITY), max_out = T(-1), max_in = T(0);
    for (int i = l; i < n; i += kWarpWidth) {
      const T t = scr.theta[i] < T(0) ? -scr.theta[i] : scr.theta[i];  // a NaN compares false: it
      // enters no maximum (the flags below account for it); + 0 makes a −0
      // gradient +0, so w.max of zeros is +0 on every side (its butterfly
      // and the CPU's loop may otherwise pick different zeros)
      const T g = (scr.grad[i] < T(0) ? -scr.grad[i] : scr.grad[i]) + T(0);
      if (scr.theta[i] != T(0)) {
        min_kept = t < min_kept ? t : min_kept;
        max_in = g > max_in ? g : max_in;
      } else {
        max_out = g > max_out ? g : max_out;
      }
    }
    lanes_a[l] = -min_kept;
    lanes_b[l] = max_out;
    lanes_c[l] = max_in;
  });
  const double min_kept = -static_cast<double>(w.max(lanes_a)), max_out = static_cast<double>(w.max(lanes_b));
  // −1: nothing outside. The FMA named: GCC (with FMA) and nvcc fuse it so.
  m.ht_margin = max_out >= 0 ? ScalarLaneBits<double>::fma(-static_cast<double>(gamma), max_out, min_kept) : INFINITY;
  m.grad_support_inf = static_cast<double>(w.max(lanes_c));
  // NaNs as iht_run's final_metrics: a kept θ_i or an outside gradient makes
  // the margin NaN (not HT-stable), a gradient on the support grad_support_inf.
  // (max_out is −1 also when every gradient outside is NaN: `outside` says
  // whether there is an outside at all.)
  w.each([&](int l) {
    bool margin_nan = false, in_nan = false, outside = false;
    for (int i = l; i < n; i += kWarpWidth) {
      const bool kept = scr.theta[i] != T(0), g_nan = scr.grad[i] != scr.grad[i];
      margin_nan = margin_nan || (kept ? scr.theta[i] != scr.theta[i] : g_nan);
      in_nan = in_nan || (kept && g_nan);
      outside = outside || !kept;
    }
    lanes_a[l] = margin_nan ? T(1) : T(0);
    lanes_b[l] = in_nan ? T(1) : T(0);
    lanes_c[l] = outside ? T(1) : T(0);
  });
  if (w.ballot(lanes_c) != 0 && w.ballot(lanes_a) != 0) m.ht_margin = NAN;
  if (w.ballot(lanes_b) != 0) m.grad_support_inf = NAN;
  w.single([&] { write_result(out, lipschitz, gamma, train_loss, m, k, settled_at, stop); });
  w.each([&](int l) {
    for (int i = l; i < n; i += kWarpWidth) theta_out[i] = static_cast<double>(scr.theta[i]);
  });
}

/// The wide engine's run for KernelVariant<Model, Update, WideShape> (iht_run.hpp).
template <class Model, class Update, class W, class T>
IHT_HD void run_engine(const W& w, const WideShape& shape, const WarpProblem& p, const WarpRunSpec& spec,
                       const WarpScratch<T>& scratch, WarpResult* out, double* theta_out) {
  wide_run<Model, Update>(w, shape, p, spec, scratch, out, theta_out);
}

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp

IHT_KERNEL_WARNINGS_ON
