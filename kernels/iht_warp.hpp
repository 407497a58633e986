#pragma once
// One IHT run (SPEC §3) computed by one 32-lane warp. Written once over the
// warp abstraction W (CpuWarp or GpuWarp): per-lane code sits inside
// w.each(...) (one lane at a time) or w.each_group<T>(...) (lane values V =
// W::Vec<T>: one lane's scalar on the GPU, a SIMD vector of consecutive lanes
// on the CPU); lane l owns training samples l, l+32, …; collectives (w.sum,
// w.ballot) combine lanes; everything else is uniform across lanes.
// Precision T is double (matches the reference) or float.
#include <cmath>
#include <cstdint>

#include "fast_math.hpp"
#include "ihtbatch/philox.hpp"
#include "warp_problem.hpp"

// GCC's unrolling of the dynamic shape's run-time-bounded loops (bounded by
// kMaxParams only) raises false alarms about indices it can prove unreachable.
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Warray-bounds"
#endif

namespace iht::warp {

// Loops over features, classes and parameters unroll completely for a fixed
// shape: θ stays in registers on the GPU, and the CPU lane loops vectorize.
#if defined(__CUDA_ARCH__)
#define IHT_UNROLL _Pragma("unroll")
#elif defined(__CUDACC__)
#define IHT_UNROLL
#else
#define IHT_UNROLL _Pragma("GCC unroll 32")
#endif

/// A run's split in the warp's scratch: x (d, padded) feature-major.
template <class T>
struct SplitView {
  const T* x;
  const int* y;
  int count, stride;
};

/// Draws the split (SPEC §3.1) and writes both parts standardized with the
/// training mean and population sd (§3.2) into scratch. Lane l writes exactly
/// the samples it later reads, so no barrier is needed after the writes.
template <class W, class T>
IHT_HD void prepare_split(const W& w, const WarpProblem& p, uint64_t data_seed, const WarpScratch<T>& s) {
  w.single([&] { random_permutation(data_seed, Stream::kSplit, 0, s.perm, p.samples, p.m_train); });
  double mean[kMaxFeatures], inv_sd[kMaxFeatures];
  typename W::template Lanes<double> acc;
  for (int f = 0; f < p.d; ++f) {
    w.each([&](int l) {
      acc[l] = 0.0;
      for (int k = l; k < p.m_train; k += kWarpWidth) acc[l] += p.x[s.perm[k] * p.d + f];
    });
    mean[f] = w.sum(acc) / p.m_train;
    w.each([&](int l) {
      acc[l] = 0.0;
      for (int k = l; k < p.m_train; k += kWarpWidth) {
        const double dev = p.x[s.perm[k] * p.d + f] - mean[f];
        acc[l] += dev * dev;
      }
    });
    const double sd = sqrt(w.sum(acc) / p.m_train);
    inv_sd[f] = sd > 0.0 ? 1.0 / sd : 1.0;  // a constant feature: centre it only
  }
  auto write = [&](T* x, int* y, int first, int count) {
    const int stride = padded(count);
    w.each([&](int l) {
      for (int k = l; k < stride; k += kWarpWidth) {
        const bool valid = k < count;
        const int row = valid ? s.perm[first + k] : 0;
        for (int f = 0; f < p.d; ++f)
          x[f * stride + k] = valid ? static_cast<T>((p.x[row * p.d + f] - mean[f]) * inv_sd[f]) : T(0);
        y[k] = valid ? p.y[row] : -1;
      }
    });
  };
  write(s.train_x, s.train_y, 0, p.m_train);
  write(s.test_x, s.test_y, p.m_train, p.m_test);
}

/// Chunks of 32 samples a lane works on side by side in the loss pass: their
/// exponentials and divisions are independent, which keeps the pipelines full.
inline constexpr int kChunksTogether = 2;

/// f(θ) = mean softmax cross-entropy over the split; with kGrad also ∇f.
/// Lane l handles samples l, l+32, … and keeps its loss and gradient sums in
/// registers, adding to them in sample order; the warp sums them at the end.
/// Per-lane code runs on lane values V: one lane's scalar on the GPU, a SIMD
/// group of lanes on the CPU. The arg-max class's term e^0 = 1 is not
/// computed: c − 1 exponentials per sample. Products of the per-sample sums of
/// exponentials are kept and their log taken every 8 chunks (each sum is in
/// [1, c], so 8 of them cannot overflow even in float).
template <bool kGrad, class W, class T, class Shape>
IHT_HD T loss_and_grad(const W& w, const Shape& shape, const T* theta_in, const SplitView<T>& data, T* grad) {
  using V = typename W::template Vec<T>;
  constexpr int kU = kChunksTogether;
  const int d = shape.d, c = shape.c, n = shape.n;
  T theta[kMaxParams];  // a private copy: the compiler need not reload it after each store
  IHT_UNROLL
  for (int i = 0; i < n; ++i) theta[i] = theta_in[i];
  const int stride = data.stride;
  typename W::template Lanes<T> g_lanes[kGrad ? kMaxParams : 1];
  typename W::template Lanes<T> loss_lanes;
  w.template each_group<T>([&](int lane) {
    const V zero{}, one = zero + T(1);
    V g[kGrad ? kMaxParams : 1];
    IHT_UNROLL
    for (int i = 0; i < (kGrad ? n : 1); ++i) g[i] = zero;
    V loss = zero, prod = one;
    // Chunks holding a sample of this lane (group): the rest would add only zeros.
    const int chunks = (data.count - lane + kWarpWidth - 1) / kWarpWidth;
    for (int k0 = 0; k0 < chunks; k0 += kU) {
      // Sample values of chunks k0 … k0+kU−1; one past the end is all padding.
      V y[kU], x[kU][kMaxFeatures], zmax[kU], amax[kU], zy[kU];
      IHT_UNROLL
      for (int u = 0; u < kU; ++u) {
        const int at = (k0 + u < chunks ? k0 + u : k0) * kWarpWidth + lane;
        y[u] = k0 + u < chunks ? w.template load_label<T>(data.y + at) : zero - T(1);  // −1 marks padding
        IHT_UNROLL
        for (int f = 0; f < d; ++f) x[u][f] = w.load(data.x + f * stride + at);
      }
      V z[kU][kMaxClasses];
      IHT_UNROLL
      for (int j = 0; j < c; ++j) {
        IHT_UNROLL
        for (int u = 0; u < kU; ++u) {
          z[u][j] = x[u][0] * theta[j] + theta[d * c + j];
          IHT_UNROLL
          for (int f = 1; f < d; ++f) z[u][j] += x[u][f] * theta[f * c + j];
        }
      }
      IHT_UNROLL
      for (int u = 0; u < kU; ++u) {
        zmax[u] = z[u][0];
        amax[u] = zero;  // the class index held in T: one vector width on the CPU
        zy[u] = zero;
        IHT_UNROLL
        for (int j = 0; j < c; ++j) {
          const auto above = z[u][j] > zmax[u];  // a NaN in z[0] sticks
          zmax[u] = above ? z[u][j] : zmax[u];
          amax[u] = above ? T(j) : amax[u];
          zy[u] = y[u] == T(j) ? z[u][j] : zy[u];
        }
      }
      // ex[j] = e^(z − zmax) of the j-th class other than the arg-max.
      V ex[kU][kMaxClasses - 1];
      IHT_UNROLL
      for (int j = 0; j + 1 < c; ++j) {
        IHT_UNROLL
        for (int u = 0; u < kU; ++u)
          ex[u][j] = exp_nonpositive((amax[u] > T(j) ? z[u][j] : z[u][j + 1]) - zmax[u]);
      }
      V e[kU][kMaxClasses], sum[kU], inv[kU];
      IHT_UNROLL
      for (int u = 0; u < kU; ++u) {
        sum[u] = zero;
        IHT_UNROLL
        for (int j = 0; j < c; ++j) {
          const V from_left = j + 1 < c ? ex[u][j + 1 < c ? j : 0] : one;  // used when j < arg-max
          const V from_right = j > 0 ? ex[u][j > 0 ? j - 1 : 0] : one;     // used when j > arg-max
          e[u][j] = amax[u] > T(j) ? from_left : (amax[u] == T(j) ? one : from_right);
          sum[u] += e[u][j];
        }
        if constexpr (kGrad) inv[u] = one / sum[u];
      }
      // Into the sums, in sample order.
      IHT_UNROLL
      for (int u = 0; u < kU; ++u) {
        const int k = k0 + u;
        if (k >= chunks) break;
        const auto valid = y[u] >= T(0);
        loss += valid ? zmax[u] - zy[u] : zero;
        prod *= valid ? sum[u] : one;
        if constexpr (kGrad) {
          IHT_UNROLL
          for (int j = 0; j < c; ++j) {
            const V r = valid ? e[u][j] * inv[u] - (y[u] == T(j) ? one : zero) : zero;
            g[d * c + j] += r;
            IHT_UNROLL
            for (int f = 0; f < d; ++f) g[f * c + j] += x[u][f] * r;
          }
        }
        if ((k & 7) == 7 || k == chunks - 1) {
          loss += log_positive(prod);
          prod = one;
        }
      }
    }
    w.store(loss_lanes, lane, loss);
    if constexpr (kGrad) {
      IHT_UNROLL
      for (int i = 0; i < n; ++i) w.store(g_lanes[i], lane, g[i]);
    }
  });
  const T inv_m = T(1) / static_cast<T>(data.count);
  if constexpr (kGrad) {
    IHT_UNROLL
    for (int i = 0; i < n; ++i) grad[i] = w.sum(g_lanes[i]) * inv_m;
  }
  return w.sum(loss_lanes) * inv_m;
}

/// Fraction of the split classified right: argmax of z, ties to the smaller class.
template <class W, class T, class Shape>
IHT_HD double accuracy(const W& w, const Shape& shape, const T* theta, const SplitView<T>& data) {
  const int d = shape.d, c = shape.c;
  typename W::template Lanes<T> correct;
  w.each([&](int l) {
    correct[l] = T(0);
    for (int idx = l; idx < data.stride; idx += kWarpWidth) {
      int best = 0;
      T best_z = T(0);
      for (int j = 0; j < c; ++j) {
        T z = theta[d * c + j];
        for (int f = 0; f < d; ++f) z += data.x[f * data.stride + idx] * theta[f * c + j];
        if (j == 0 || z > best_z) {
          best_z = z;
          best = j;
        }
      }
      correct[l] += best == data.y[idx] ? T(1) : T(0);  // padding has y = −1
    }
  });
  return static_cast<double>(w.sum(correct)) / data.count;
}

/// out = H_s(v): lane i ranks v_i by (|v| descending, index ascending) against
/// all n entries; a ballot of rank < s is the kept set. NaN counts as +inf.
/// (Reading mag at the lane costs the GPU one local-memory load per step.)
template <class W, class T, class Shape>
IHT_HD void hard_threshold(const W& w, const Shape& shape, const T* v, int s, T* out) {
  using V = typename W::template Vec<T>;
  const int n = shape.n;
  T mag[kMaxParams];  // zero past n: the CPU's last lane group reads there
  IHT_UNROLL
  for (int i = 0; i < kMaxParams; ++i) mag[i] = i >= n ? T(0) : v[i] != v[i] ? T(INFINITY) : (v[i] < T(0) ? -v[i] : v[i]);
  typename W::template Lanes<T> keep;
  w.each([&](int l) { keep[l] = T(0); });
  w.template each_group_below<T>(n, [&](int lane) {
    const V mine = w.load(mag + lane), index = w.template lane_index<T>(lane);
    V rank{};  // counted in T: the CPU side keeps one vector width
    IHT_UNROLL
    for (int j = 0; j < n; ++j) rank += (mag[j] > mine) | ((mag[j] == mine) & (index > T(j))) ? T(1) : T(0);
    w.store(keep, lane, (rank < static_cast<T>(s)) & (index < static_cast<T>(n)) ? T(1) : T(0));
  });
  const uint32_t mask = w.ballot(keep);
  IHT_UNROLL
  for (int i = 0; i < n; ++i) out[i] = (mask >> i) & 1u ? v[i] : T(0);
}

/// θ with U(−a, a) entries, a = 1/√d, zeroed outside s random indices
/// (SPEC §3.3–3.4; also the Monte Carlo draws of §3.5 with other streams).
template <class T, class Shape>
IHT_HD void sparse_uniform(const Shape& shape, int s, uint64_t value_seed, Stream values, uint64_t support_seed,
                           Stream support, uint32_t substream, T* theta) {
  const int n = shape.n;
  const double a = 1.0 / sqrt(static_cast<double>(shape.d));
  for (int i = 0; i < n; ++i)
    theta[i] = static_cast<T>(uniform_symmetric(value_seed, values, substream, static_cast<uint32_t>(i), a));
  if (s >= n) return;
  int perm[kMaxParams];
  random_permutation(support_seed, support, substream, perm, n, s);
  uint32_t kept = 0;
  for (int k = 0; k < s; ++k) kept |= 1u << perm[k];
  for (int i = 0; i < n; ++i) theta[i] = (kept >> i) & 1u ? theta[i] : T(0);
}

/// L̂ = max over Monte Carlo samples of ‖∇f(θ̃) − ∇f(θʲ)‖ / ‖θ̃ − θʲ‖ (SPEC §3.5).
template <class W, class T, class Shape>
IHT_HD T estimate_lipschitz(const W& w, const Shape& shape, const WarpProblem& p, int s, uint64_t init_seed,
                            const SplitView<T>& train) {
  const int n = shape.n;
  T best = T(0);
  for (int j = 0; j < p.n_monte; ++j) {
    const auto sub = static_cast<uint32_t>(j);
    T theta[kMaxParams], moved[kMaxParams], tilde[kMaxParams], g1[kMaxParams], g2[kMaxParams];
    sparse_uniform(shape, s, init_seed, Stream::kMonteValues, init_seed, Stream::kMonteSupport, sub, theta);
    T delta = T(INFINITY);
    for (int i = 0; i < n; ++i) {
      const T m = theta[i] < T(0) ? -theta[i] : theta[i];
      delta = theta[i] != T(0) && m < delta ? m : delta;
    }
    for (int i = 0; i < n; ++i)
      moved[i] = theta[i] + delta * static_cast<T>(standard_normal(init_seed, Stream::kMonteNormal, sub, i));
    hard_threshold(w, shape, moved, s, tilde);
    loss_and_grad<true>(w, shape, tilde, train, g1);
    loss_and_grad<true>(w, shape, theta, train, g2);
    T dg = T(0), dt = T(0);
    for (int i = 0; i < n; ++i) {
      dg += (g1[i] - g2[i]) * (g1[i] - g2[i]);
      dt += (tilde[i] - theta[i]) * (tilde[i] - theta[i]);
    }
    const T ratio = sqrt(dg) / sqrt(dt);
    best = ratio > best && ratio < T(INFINITY) ? ratio : best;
  }
  return best;
}

/// The whole run: split, θ⁰, step size, IHT until tol / max_steps / divergence,
/// final metrics. Lane 0 writes *out.
template <class W, class T, class Shape>
IHT_HD void iht_run(const W& w, const Shape& shape, const WarpProblem& p, const WarpRunSpec& run,
                    const WarpScratch<T>& scratch, WarpResult* out) {
  const int n = shape.n, s = run.sparsity;
  prepare_split(w, p, run.data_seed, scratch);
  const SplitView<T> train{scratch.train_x, scratch.train_y, p.m_train, padded(p.m_train)};
  const SplitView<T> test{scratch.test_x, scratch.test_y, p.m_test, padded(p.m_test)};

  const T lipschitz = estimate_lipschitz(w, shape, p, s, run.init_seed, train);
  const T gamma = p.step_size > 0 ? static_cast<T>(p.step_size) : T(1) / lipschitz;

  T theta[kMaxParams], grad[kMaxParams], step[kMaxParams];
  sparse_uniform(shape, s, run.init_seed, Stream::kInitValues, run.support_seed, Stream::kSupport, 0, theta);
  long long k = 0;
  int stop = 0;
  T f = T(0);
  for (;; ++k) {
    f = loss_and_grad<true>(w, shape, theta, train, grad);
    if (f <= static_cast<T>(p.tol)) { stop = 0; break; }
    if (k == p.max_steps) { stop = 1; break; }
    if (!(f - f == T(0))) { stop = 2; break; }  // not finite
    IHT_UNROLL
    for (int i = 0; i < n; ++i) step[i] = theta[i] - gamma * grad[i];
    if (s < n) {
      hard_threshold(w, shape, step, s, theta);
    } else {
      IHT_UNROLL
      for (int i = 0; i < n; ++i) theta[i] = step[i];
    }
  }

  const double train_acc = accuracy(w, shape, theta, train);
  const T test_loss = loss_and_grad<false>(w, shape, theta, test, static_cast<T*>(nullptr));
  const double test_acc = accuracy(w, shape, theta, test);
  double min_kept = INFINITY, max_out = 0, max_in = 0;
  bool any_out = false;
  for (int i = 0; i < n; ++i) {
    const double t = fabs(static_cast<double>(theta[i])), g = fabs(static_cast<double>(grad[i]));
    if (theta[i] != T(0)) {
      min_kept = t < min_kept ? t : min_kept;
      max_in = g > max_in ? g : max_in;
    } else {
      any_out = true;
      max_out = g > max_out ? g : max_out;
    }
  }
  w.single([&] {
    out->lipschitz = lipschitz;
    out->step_size = gamma;
    out->train_loss = f;
    out->train_acc = train_acc;
    out->test_loss = test_loss;
    out->test_acc = test_acc;
    out->ht_margin = any_out ? min_kept - static_cast<double>(gamma) * max_out : INFINITY;
    out->ht_stable = out->ht_margin >= 0;
    out->grad_support_inf = max_in;
    out->steps = k;
    out->stop = stop;
    for (int i = 0; i < kMaxParams; ++i) out->theta[i] = i < n ? static_cast<double>(theta[i]) : 0.0;
  });
}

}  // namespace iht::warp

#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#pragma GCC diagnostic pop
#endif
