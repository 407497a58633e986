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

// The loss pass inlines all it calls on the CPU: left to itself, GCC calls
// each loop's lambda once per lane group (~7 % of a step in ihtbatch).
#if defined(__GNUC__) && !defined(__CUDACC__)
#define IHT_FLATTEN __attribute__((flatten))
#else
#define IHT_FLATTEN
#endif

// The loss pass's loops over staged chunks: unrolled on the GPU, where one
// chunk is staged and its values must stay in registers; kept as loops on the
// CPU, whose stage is in memory.
#if defined(__CUDA_ARCH__)
#define IHT_STAGE_LOOP _Pragma("unroll")
#elif defined(__CUDACC__)
#define IHT_STAGE_LOOP
#else
#define IHT_STAGE_LOOP _Pragma("GCC unroll 1")
#endif

/// A run's split in the warp's scratch: x (d, padded) feature-major, labels
/// y, and targets t (c, padded): row 0 is 1 for a sample and 0 for padding,
/// row j ≥ 1 the one-hot indicator of class j.
template <class T>
struct SplitView {
  const T* x;
  const int* y;
  const T* t;
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
  auto write = [&](T* x, int* y, T* t, int first, int count) {
    const int stride = padded(count);
    w.each([&](int l) {
      for (int k = l; k < stride; k += kWarpWidth) {
        const bool valid = k < count;
        const int row = valid ? s.perm[first + k] : 0;
        for (int f = 0; f < p.d; ++f)
          x[f * stride + k] = valid ? static_cast<T>((p.x[row * p.d + f] - mean[f]) * inv_sd[f]) : T(0);
        y[k] = valid ? p.y[row] : -1;
        t[k] = valid ? T(1) : T(0);
        for (int j = 1; j < p.c; ++j) t[j * stride + k] = valid && p.y[row] == j ? T(1) : T(0);
      }
    });
  };
  write(s.train_x, s.train_y, s.train_t, 0, p.m_train);
  write(s.test_x, s.test_y, s.test_t, p.m_train, p.m_test);
}

/// f(θ) = mean softmax cross-entropy over the split; with kGrad also ∇f.
///
/// Softmax does not change when every logit loses class 0's, so the pass works
/// with z_j − z_0 (j ≥ 1), from weights and biases relative to class 0: one
/// class fewer to compute and to accumulate. Per sample, with
/// zmax = max(0, z_j − z_0) and e_j = e^(z_j − z_0 − zmax):
///   loss term  zmax − (z_y − z_0) + ln Σ_j e_j,
///   ∂/∂z_j     e_j / Σ e − [y = j]; these add to 0 over j, so class 0's
///              gradient is minus the sum of the others'.
/// The indicators [y = j] and the padding mask are loaded (SplitView::t), not
/// compared.
///
/// Lane l handles samples l, l+32, …, in tiles of W::kStagedChunks chunks,
/// each through four loops that hand values on in a W::Stage: logits (and the
/// loss's linear terms), the c − 1 exponentials, softmax (the sums, their
/// product for the loss, the residuals), gradient sums; then the logs. Each
/// loop holds many short independent chains where one loop per sample would
/// hold one long chain (forward → max → exp → sum → divide → gradient) that a
/// CPU core cannot overlap with the next sample's. Each sum is added in
/// sample order and kept per lane (W::Lanes); the warp sums them at the end,
/// so the tile size does not change a bit. Per-lane code runs on lane values
/// V: one lane's scalar on the GPU, a SIMD group of lanes on the CPU. Products
/// of the sums Σ e_j are kept, and the log of two lanes' products taken every
/// 8 chunks (each sum is in [1, c ≤ 16], so 16 of them cannot overflow even
/// in float): half the logs of one per lane.
template <bool kGrad, class W, class T, class Shape>
IHT_HD IHT_FLATTEN T loss_and_grad(const W& w, const Shape& shape, const T* theta, const SplitView<T>& data, T* grad) {
  using V = typename W::template Vec<T>;
  using B = LaneBits<V>;
  using Lanes = typename W::template Lanes<T>;
  constexpr int kTile = W::kStagedChunks, kC = Shape::kClassBound;
  static_assert(8 % kTile == 0, "a tile must end where the loss takes the log of its product (every 8 chunks)");
  const int d = shape.d, c = shape.c;
  const int row = d + 1;           // one relative class: d weights, then the bias
  const int rows = (c - 1) * row;  // parameters of the relative classes
  T rel[kMaxParams];               // rel[(j−1)·row + f] = θ(f, j) − θ(f, 0), f = d the bias
  IHT_UNROLL
  for (int j = 1; j < c; ++j) {
    IHT_UNROLL
    for (int f = 0; f <= d; ++f) rel[(j - 1) * row + f] = theta[f * c + j] - theta[f * c];
  }
  const int stride = data.stride;
  // Per-lane sums, carried from tile to tile (the first tile starts them):
  // the loss (its zmax − (z_y − z_0) terms, and the logs of the products of
  // Σe, which always follow the terms of the same chunks), the product of Σe
  // since the last log (and a pair of lanes' product), and the gradient's.
  Lanes loss_lanes, prod_lanes, pair_lanes, g_lanes[kGrad ? kMaxParams : 1];
  // Chunks holding a sample of the lane (group) at `lane`: the rest would add only zeros.
  auto chunks_of = [&](int lane) { return (data.count - lane + kWarpWidth - 1) / kWarpWidth; };
  typename W::template Stage<T, kC> logit;  // [0] zmax, [j] z_j − z_0 − zmax
  typename W::template Stage<T, kC> ex;     // [j] e_j, then [j ≥ 1] the residual e_j/Σe − [y = j]
  for (int k0 = 0; k0 < chunks_of(0); k0 += kTile) {
    // Runs body(u, at) for each chunk k0 + u of this tile that holds a sample
    // of the lane (group) at `lane`; at is that sample's index.
    auto each_chunk = [&](int lane, auto&& body) {
      const int tile = chunks_of(lane) - k0;
      IHT_STAGE_LOOP
      for (int u = 0; u < kTile; ++u) {
        if (u >= tile) break;
        body(u, (k0 + u) * kWarpWidth + lane);
      }
    };
    // 1. Logits relative to class 0, their max, and the linear part of the loss.
    w.template each_group<T>([&](int lane) {
      V loss = k0 == 0 ? V{} : w.load(loss_lanes, lane);
      each_chunk(lane, [&](int u, int at) {
        V x[kMaxFeatures], z[kC];
        IHT_UNROLL
        for (int f = 0; f < d; ++f) x[f] = w.load(data.x + f * stride + at);
        V zmax{}, zy{};  // zy = z_y − z_0
        IHT_UNROLL
        for (int j = 1; j < c; ++j) {
          const T* a = rel + (j - 1) * row;
          z[j] = x[0] * a[0] + a[d];
          IHT_UNROLL
          for (int f = 1; f < d; ++f) z[j] += x[f] * a[f];
          zmax = z[j] > zmax ? z[j] : zmax;  // a NaN reaches e_j and zy
          zy += w.load(data.t + j * stride + at) * z[j];
        }
        loss += w.load(data.t + at) * (zmax - zy);  // t[0]: 0 for padding
        V* out = logit.at(lane, u);
        out[0] = zmax;
        IHT_UNROLL
        for (int j = 1; j < c; ++j) out[j] = z[j] - zmax;
      });
      w.store(loss_lanes, lane, loss);
    });
    // 2. c − 1 exponentials: a class at the max has e_j = 1, and its slot
    //    computes class 0's e^(−zmax) instead (1 when no class beats class 0).
    w.template each_group<T>([&](int lane) {
      const V one = V{} + T(1);
      each_chunk(lane, [&](int u, int) {
        const V* in = logit.at(lane, u);
        V* e = ex.at(lane, u);
        V e0 = one;
        IHT_UNROLL
        for (int j = 1; j < c; ++j) {
          const auto top = in[j] == T(0);
          const V ej = exp_nonpositive(top ? V{} - in[0] : in[j]);
          e0 = top ? ej : e0;
          e[j] = top ? one : ej;
        }
        e[0] = e0;
      });
    });
    // 3. Softmax: the sum (into the loss's product of sums) and the residuals.
    w.template each_group<T>([&](int lane) {
      const V zero{}, one = zero + T(1);
      V prod = k0 % 8 == 0 ? one : w.load(prod_lanes, lane);  // a new product every 8 chunks
      each_chunk(lane, [&](int u, int at) {
        V* e = ex.at(lane, u);
        V sum = e[0];
        IHT_UNROLL
        for (int j = 1; j < c; ++j) sum += e[j];
        const V valid = w.load(data.t + at);  // 1, or 0 for padding
        // prod · sum for a sample, prod for padding: prod + (valid·prod)(sum − 1)
        // is rounded once, like prod · sum (sum − 1 is exact for sum ≥ ½).
        prod = B::fma(valid * prod, sum - one, prod);
        if constexpr (kGrad) {
          const V inv = valid / sum;
          IHT_UNROLL
          for (int j = 1; j < c; ++j) e[j] = B::fma(e[j], inv, zero - w.load(data.t + j * stride + at));
        }
      });
      w.store(prod_lanes, lane, prod);
    });
    // The logs, one per pair of lanes (l, l + 16), of the pair's product,
    // every 8 chunks and after the pair's last (its lower lane has the most
    // chunks): always at the end of a tile, since tiles start at multiples of
    // 8 chunks. A pair's product holds at most 16 sums ≤ c: below 2^64.
    w.template each_group<T>([&](int lane) {
      w.store(pair_lanes, lane, w.load(prod_lanes, lane) * w.template load_xor<kWarpWidth / 2>(prod_lanes, lane));
    });
    w.template each_group_below<T>(kWarpWidth / 2, [&](int lane) {
      const int chunks = chunks_of(lane), last = (k0 + kTile < chunks ? k0 + kTile : chunks) - 1;
      if (last >= k0 && ((last & 7) == 7 || last == chunks - 1))
        w.store(loss_lanes, lane, w.load(loss_lanes, lane) + log_positive(w.load(pair_lanes, lane)));
    });
    // 4. Gradient sums: residual times x, per relative class.
    if constexpr (kGrad) {
      w.template each_group<T>([&](int lane) {
        V g[kMaxParams];
        IHT_UNROLL
        for (int i = 0; i < rows; ++i) g[i] = k0 == 0 ? V{} : w.load(g_lanes[i], lane);
        each_chunk(lane, [&](int u, int at) {
          V x[kMaxFeatures];
          IHT_UNROLL
          for (int f = 0; f < d; ++f) x[f] = w.load(data.x + f * stride + at);
          const V* r = ex.at(lane, u);
          IHT_UNROLL
          for (int j = 1; j < c; ++j) {
            V* gj = g + (j - 1) * row;
            gj[d] += r[j];
            IHT_UNROLL
            for (int f = 0; f < d; ++f) gj[f] += x[f] * r[j];
          }
        });
        IHT_UNROLL
        for (int i = 0; i < rows; ++i) w.store(g_lanes[i], lane, g[i]);
      });
    }
  }
  const T inv_m = T(1) / static_cast<T>(data.count);
  if constexpr (kGrad) {
    IHT_UNROLL
    for (int f = 0; f <= d; ++f) {
      T others = T(0);
      IHT_UNROLL
      for (int j = 1; j < c; ++j) {
        const T sum = w.sum(g_lanes[(j - 1) * row + f]);
        grad[f * c + j] = sum * inv_m;
        others += sum;
      }
      grad[f * c] = -others * inv_m;
    }
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

/// |v|, with NaN as +inf (so a NaN ranks first).
template <class T>
IHT_HD T magnitude(T v) {
  return v != v ? T(INFINITY) : (v < T(0) ? -v : v);
}

/// Whether `kept` (bit i: index i) is the top-s set of v under SPEC §3.7's
/// order: it has s members, and their smallest magnitude is above the
/// largest outside it. (A tie there would need the index order: false, and
/// the caller ranks.) O(n) and uniform across lanes.
template <class T, class Shape>
IHT_HD bool is_top_set(const Shape& shape, const T* v, int s, uint32_t kept) {
  const int n = shape.n;
  int members = 0;
  T lowest_in = T(INFINITY), highest_out = T(-1);
  IHT_UNROLL
  for (int i = 0; i < n; ++i) {
    const T m = magnitude(v[i]);
    const bool in = (kept >> i) & 1u;
    members += in ? 1 : 0;
    lowest_in = in && m < lowest_in ? m : lowest_in;
    highest_out = !in && m > highest_out ? m : highest_out;
  }
  return members == s && lowest_in > highest_out;
}

/// out = H_s(v) (out may be v); returns the kept set (bit i: index i). NaN counts as +inf.
/// `hint` is a guess at the kept set, such as the last step's (IHT's support
/// seldom changes): when it is the top-s set (is_top_set) it is the answer.
/// Otherwise lane i ranks v_i by (|v| descending, index ascending) against
/// all n entries, and a ballot of rank < s is the kept set.
/// (Reading mag at the lane costs the GPU one local-memory load.)
template <class W, class T, class Shape>
IHT_HD uint32_t hard_threshold(const W& w, const Shape& shape, const T* v, int s, T* out, uint32_t hint = 0) {
  using V = typename W::template Vec<T>;
  const int n = shape.n;
  uint32_t mask = hint;
  if (!is_top_set(shape, v, s, hint)) {
    T mag[kMaxParams];  // zero past n: the CPU's last lane group reads there
    IHT_UNROLL
    for (int i = 0; i < kMaxParams; ++i) mag[i] = i < n ? magnitude(v[i]) : T(0);
    typename W::template Lanes<T> keep;
    w.each([&](int l) { keep[l] = T(0); });
    w.template each_group_below<T>(n, [&](int lane) {
      const V mine = w.load(mag + lane), index = w.template lane_index<T>(lane);
      V rank{};  // counted in T: the CPU side keeps one vector width
      IHT_UNROLL
      for (int j = 0; j < n; ++j) rank += (mag[j] > mine) | ((mag[j] == mine) & (index > T(j))) ? T(1) : T(0);
      w.store(keep, lane, (rank < static_cast<T>(s)) & (index < static_cast<T>(n)) ? T(1) : T(0));
    });
    mask = w.ballot(keep);
  }
  IHT_UNROLL
  for (int i = 0; i < n; ++i) out[i] = (mask >> i) & 1u ? v[i] : T(0);
  return mask;
}

/// θ with U(−a, a) entries, a = 1/√d, zeroed outside s random indices
/// (SPEC §3.3–3.4; also the Monte Carlo draws of §3.5 with other streams).
/// Returns the support (bit i: index i).
template <class T, class Shape>
IHT_HD uint32_t sparse_uniform(const Shape& shape, int s, uint64_t value_seed, Stream values,
                               uint64_t support_seed, Stream support, uint32_t substream, T* theta) {
  const int n = shape.n;
  const double a = 1.0 / sqrt(static_cast<double>(shape.d));
  each_uniform01(value_seed, values, substream, n,
                 [&](int i, double u) { theta[i] = static_cast<T>(symmetric(u, a)); });
  if (s >= n) return n >= 32 ? ~0u : (1u << n) - 1u;
  int perm[kMaxParams];
  random_permutation(support_seed, support, substream, perm, n, s);
  uint32_t kept = 0;
  for (int k = 0; k < s; ++k) kept |= 1u << perm[k];
  for (int i = 0; i < n; ++i) theta[i] = (kept >> i) & 1u ? theta[i] : T(0);
  return kept;
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
    const uint32_t support =
        sparse_uniform(shape, s, init_seed, Stream::kMonteValues, init_seed, Stream::kMonteSupport, sub, theta);
    T delta = T(INFINITY);
    for (int i = 0; i < n; ++i) {
      const T m = magnitude(theta[i]);
      delta = theta[i] != T(0) && m < delta ? m : delta;
    }
    for (int i = 0; i < n; ++i)
      moved[i] = theta[i] + delta * static_cast<T>(standard_normal(init_seed, Stream::kMonteNormal, sub, i));
    hard_threshold(w, shape, moved, s, tilde, support);  // the move seldom changes the top s
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

/// theta = next; false when that changes no bit of theta.
template <class T, class Shape>
IHT_HD bool move_to(const Shape& shape, const T* next, T* theta) {
  using UInt = typename FloatFormat<T>::UInt;
  UInt changed = 0;
  IHT_UNROLL
  for (int i = 0; i < shape.n; ++i) {
    changed |= bit_copy<UInt>(next[i]) ^ bit_copy<UInt>(theta[i]);
    theta[i] = next[i];
  }
  return changed != 0;
}

/// The whole run: split, θ⁰, step size, IHT until tol / max_steps / divergence,
/// final metrics. Lane 0 writes *out.
template <class W, class T, class Shape>
IHT_HD void iht_run(const W& w, const Shape& shape, const WarpProblem& p, const WarpRunSpec& run,
                    const WarpScratch<T>& scratch, WarpResult* out) {
  const int n = shape.n, s = run.sparsity;
  prepare_split(w, p, run.data_seed, scratch);
  const SplitView<T> train{scratch.train_x, scratch.train_y, scratch.train_t, p.m_train, padded(p.m_train)};
  const SplitView<T> test{scratch.test_x, scratch.test_y, scratch.test_t, p.m_test, padded(p.m_test)};

  const T lipschitz = estimate_lipschitz(w, shape, p, s, run.init_seed, train);
  const T gamma = p.step_size > 0 ? static_cast<T>(p.step_size) : T(1) / lipschitz;

  T theta[kMaxParams], grad[kMaxParams], step[kMaxParams];
  // The kept set of the last step (first θ⁰'s support): the next step's hint.
  uint32_t kept =
      sparse_uniform(shape, s, run.init_seed, Stream::kInitValues, run.support_seed, Stream::kSupport, 0, theta);
  long long k = 0;
  int stop = 0;
  long long settled_at = -1;
  T f = T(0);
  for (;; ++k) {
    f = loss_and_grad<true>(w, shape, theta, train, grad);
    if (f <= static_cast<T>(p.tol)) { stop = 0; break; }
    if (k == p.max_steps) { stop = 1; break; }
    if (!(f - f == T(0))) { stop = 2; break; }  // not finite
    IHT_UNROLL
    for (int i = 0; i < n; ++i) step[i] = theta[i] - gamma * grad[i];
    if (s < n) kept = hard_threshold(w, shape, step, s, step, kept);
    if (!move_to(shape, step, theta)) {
      // A fixed point: every later step would compute this same f and ∇f
      // and make this same update, so the run ends at max_steps exactly as
      // it stands. (On IRIS most runs of s = 1 and 2 settle, on average
      // halfway.)
      settled_at = k + 1;
      k = p.max_steps;
      stop = 1;
      break;
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
    out->settled_at = settled_at;
    out->stop = stop;
    for (int i = 0; i < kMaxParams; ++i) out->theta[i] = i < n ? static_cast<double>(theta[i]) : 0.0;
  });
}

}  // namespace iht::warp

#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#pragma GCC diagnostic pop
#endif
