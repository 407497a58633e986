#pragma once
// The wide engine's model (docs/SPEC.md §2, §9): softmax cross-entropy of a
// one-layer network, or of one with a hidden layer, for n up to
// kMaxWideParams, θ in the warp's scratch.
//   One layer:    θ = [W (d×c, input-major), b (c)]
//   Hidden layer: θ = [W1 (d×H), b1 (H), W2 (H×c, hidden-major), b2 (c)]
//
// Lane l owns samples l, l + 32, … (as in the compact engine): per-lane code
// runs on lane values V, one lane on the GPU, a SIMD group of lanes on the
// CPU, so the samples' loops vectorize there. A loss pass has two phases
// (loss_pass). Every multiply-add here is an explicit FMA and every sum has a
// fixed order (each lane's samples in order, then the warp's butterfly), so
// the CPU and GPU sides compute the same bits. (exp and log, fast_math.hpp,
// rely on GCC and nvcc fusing their a·b + c alike: see there.)
//
// Memory between lanes: each lane reads and writes only its own samples'
// columns of the scratch rows, so the passes need no barrier for them; θ and
// ∇f, read by every lane, are ordered by the callers' w.sync() (wide_run.hpp)
// and by w.single here.
#include <cmath>

#include "common.hpp"
#include "fast_math.hpp"
#include "problem.hpp"
#include "split.hpp"

IHT_KERNEL_WARNINGS_OFF

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// A network's shape at run time: d inputs, h hidden units (0: none), c classes.
struct WideShape {
  int d, h, c, n;
  WarpActivation activation;

  /// Where θ's blocks start: the first layer's weights (0) and biases, the
  /// output layer's weights and biases (the same layer when h = 0).
  IHT_HD int first_biases() const { return d * (h > 0 ? h : c); }
  IHT_HD int out_weights() const { return h > 0 ? d * h + h : 0; }
  IHT_HD int out_biases() const { return h > 0 ? d * h + h + h * c : d * c; }
};

/// The scratch rows a loss pass works in: a row per unit or class, the
/// split's samples contiguous along it (stride: the split's padded count).
template <class T>
struct WideBuffers {
  T* hidden;  // (h, stride) act(W1ᵀx + b1)
  T* delta;   // (h, stride) act′, then ∂loss/∂(W1ᵀx + b1)
  T* logits;  // (c, stride) z, then e^(z − zmax), then ∂loss/∂z
};

/// tanh and the sigmoid from e^(−|·|) (no overflow), in two halves around
/// the exponential so that Mlp::activate_tile can run several side by side.
template <WarpActivation kAct, class V>
IHT_HD V activation_exponent(V v) {  // x ≤ 0 whose e^x act(v) needs: −2|v| (tanh), −|v| (sigmoid)
  using S = typename LaneBits<V>::Scalar;
  const V zero{};
  const V size = v < S(0) ? zero - v : v;
  if constexpr (kAct == WarpActivation::kTanh)
    return size * S(-2);
  else
    return zero - size;
}
template <WarpActivation kAct, class V>
IHT_HD V activation_from_exp(V v, V e) {  // e = e^activation_exponent(v)
  using S = typename LaneBits<V>::Scalar;
  const V zero{}, one = zero + S(1);
  if constexpr (kAct == WarpActivation::kTanh) {
    const V t = (one - e) / (one + e);
    return v < S(0) ? zero - t : t;
  } else {
    // e/(1 + e) below 0, 1/(1 + e) from 0: one division of the chosen numerator
    return (v < S(0) ? e : one) / (one + e);
  }
}
/// act′ at v, from v and act(v). ReLU's is 0 at 0 (docs/SPEC.md §9).
template <WarpActivation kAct, class V>
IHT_HD V activation_slope(V v, V act) {
  using B = LaneBits<V>;
  using S = typename B::Scalar;
  const V zero{}, one = zero + S(1);
  if constexpr (kAct == WarpActivation::kRelu)
    return v > S(0) ? one : zero;
  else if constexpr (kAct == WarpActivation::kTanh)
    return B::fma(zero - act, act, one);
  else
    return act * (one - act);
}

struct Mlp {
  /// The gradient's tile: kRows inputs × kCols outputs, kRows + kCols loads for
  /// kRows·kCols FMAs per chunk.
  static constexpr int kRows = 4, kCols = 2;
  static_assert(kRows == 4 && kCols == 2, "gradient_block names its edge tiles for these");

  /// Chunks of 32 samples the forward pass takes at once: on the CPU two,
  /// so each weight loaded feeds two lane groups' FMAs (and a narrow tile
  /// still has chains to overlap); on the GPU one, its values in registers.
  /// Each sample's sums are the same either way.
  template <class W, class T>
  static constexpr int kForwardChunks = W::template kGroup<T> > 1 ? 2 : 1;

  /// out_j = bias_j + Σ_i in_i · w[i·ld + j] for j0 ≤ j < j0 + kWidth, for
  /// the lane group's samples at k + 32·q, q < kChunks; in_i is row i of
  /// `in` (i < rows, samples contiguous), out_j row j of `out`. The sum runs
  /// bias first, then i in order.
  template <int kWidth, int kChunks, class W, class T>
  static IHT_HD void affine_tile(const W& w, int k, const T* in, int rows, int stride, const T* weights, int ld,
                                 const T* bias, int j0, T* out) {
    using V = typename W::template Vec<T>;
    using B = LaneBits<V>;
    V acc[kChunks][kWidth];
    IHT_UNROLL
    for (int q = 0; q < kChunks; ++q)
      IHT_UNROLL
      for (int u = 0; u < kWidth; ++u) acc[q][u] = B::splat(bias[j0 + u]);
    for (int i = 0; i < rows; ++i) {
      V x[kChunks];
      IHT_UNROLL
      for (int q = 0; q < kChunks; ++q) x[q] = w.load(in + i * stride + k + q * kWarpWidth);
      const T* wi = weights + i * ld + j0;
      IHT_UNROLL
      for (int u = 0; u < kWidth; ++u) {
        const V wu = B::splat(wi[u]);
        IHT_UNROLL
        for (int q = 0; q < kChunks; ++q) acc[q][u] = B::fma(x[q], wu, acc[q][u]);
      }
    }
    IHT_UNROLL
    for (int q = 0; q < kChunks; ++q)
      IHT_UNROLL
      for (int u = 0; u < kWidth; ++u) W::store_at(out + (j0 + u) * stride + k + q * kWarpWidth, acc[q][u]);
  }

  /// affine_tile over j < count: tiles of 8 accumulators (4 units × 2 chunks
  /// on the CPU, 8 units on the GPU), then narrower ones (no lane of a tile
  /// computes a unit that is not there).
  template <int kChunks, class W, class T>
  static IHT_HD void affine(const W& w, int k, const T* in, int rows, int stride, const T* weights, int ld,
                            const T* bias, int count, T* out) {
    constexpr int kWide = 8 / kChunks;
    int j0 = 0;
    for (; j0 + kWide <= count; j0 += kWide)
      affine_tile<kWide, kChunks>(w, k, in, rows, stride, weights, ld, bias, j0, out);
    if (kWide > 4 && count - j0 >= 4) affine_tile<4, kChunks>(w, k, in, rows, stride, weights, ld, bias, j0, out), j0 += 4;
    // Three left (IRIS's classes), on the CPU: one tile of 3, whose 6 chains
    // overlap, not one of 2 and then one of 1 (measured: bench/README.md).
    if constexpr (kChunks > 1)
      if (count - j0 == 3) affine_tile<3, kChunks>(w, k, in, rows, stride, weights, ld, bias, j0, out), j0 += 3;
    if (count - j0 >= 2) affine_tile<2, kChunks>(w, k, in, rows, stride, weights, ld, bias, j0, out), j0 += 2;
    if (count - j0 >= 1) affine_tile<1, kChunks>(w, k, in, rows, stride, weights, ld, bias, j0, out);
  }

  /// Rows u0 … u0 + kCount − 1 of the hidden layer at the lane group's
  /// samples at `at`: act into hidden, act′ into delta. Several rows at once:
  /// their exponentials and divisions are independent chains, which the core
  /// overlaps (one row at a time, each waited on its division).
  template <int kCount, WarpActivation kAct, class W, class T>
  static IHT_HD void activate_tile(const W& w, const WideBuffers<T>& buf, int stride, int at) {
    using V = typename W::template Vec<T>;
    V pre[kCount], act[kCount];
    IHT_UNROLL
    for (int r = 0; r < kCount; ++r) pre[r] = w.load(buf.hidden + r * stride + at);
    if constexpr (kAct == WarpActivation::kRelu) {
      IHT_UNROLL
      for (int r = 0; r < kCount; ++r) act[r] = pre[r] < T(0) ? V{} : pre[r];  // a NaN stays NaN
    } else {
      // the activation's steps, each over all the rows before the next
      V e[kCount];
      IHT_UNROLL
      for (int r = 0; r < kCount; ++r) e[r] = activation_exponent<kAct>(pre[r]);
      IHT_UNROLL
      for (int r = 0; r < kCount; ++r) e[r] = exp_nonpositive(e[r]);
      IHT_UNROLL
      for (int r = 0; r < kCount; ++r) act[r] = activation_from_exp<kAct>(pre[r], e[r]);
    }
    IHT_UNROLL
    for (int r = 0; r < kCount; ++r) {
      W::store_at(buf.hidden + r * stride + at, act[r]);
      W::store_at(buf.delta + r * stride + at, activation_slope<kAct>(pre[r], act[r]));
    }
  }

  /// Every hidden row at the lane group's samples at k + 32·q, q < kChunks:
  /// activate_tile over 4 rows at a time, then one at a time.
  template <int kChunks, WarpActivation kAct, class W, class T>
  static IHT_HD void activate_rows(const W& w, int h, const WideBuffers<T>& buf, int stride, int k) {
    constexpr int kRowsAtOnce = 4;
    for (int q = 0; q < kChunks; ++q) {
      const int at = k + q * kWarpWidth;
      int u = 0;
      for (; u + kRowsAtOnce <= h; u += kRowsAtOnce) activate_tile<kRowsAtOnce, kAct>(w, buf, stride, u * stride + at);
      for (; u < h; ++u) activate_tile<1, kAct>(w, buf, stride, u * stride + at);
    }
  }

  /// The lane group's samples at k + 32·q, q < kChunks, forward: the hidden
  /// rows (and act′ into delta) and the logits.
  template <int kChunks, class W, class T>
  static IHT_HD void forward(const W& w, const WideShape& sh, const T* theta, const SplitView<T>& data,
                             const WideBuffers<T>& buf, int k) {
    const int d = sh.d, h = sh.h, c = sh.c, stride = data.stride;
    if (h == 0) {
      affine<kChunks>(w, k, data.x, d, stride, theta, c, theta + d * c, c, buf.logits);
      return;
    }
    affine<kChunks>(w, k, data.x, d, stride, theta, h, theta + d * h, h, buf.hidden);
    switch (sh.activation) {
      case WarpActivation::kTanh:
        activate_rows<kChunks, WarpActivation::kTanh>(w, h, buf, stride, k);
        break;
      case WarpActivation::kRelu:
        activate_rows<kChunks, WarpActivation::kRelu>(w, h, buf, stride, k);
        break;
      default:
        activate_rows<kChunks, WarpActivation::kSigmoid>(w, h, buf, stride, k);
    }
    affine<kChunks>(w, k, buf.hidden, h, stride, theta + sh.out_weights(), c, theta + sh.out_biases(), c, buf.logits);
  }

  /// How many chunks a body is handed at once (ChunkCount<N>::value).
  template <int N>
  struct ChunkCount {
    static constexpr int value = N;
  };

  /// Runs the forward pass over every chunk of the lane group at `first`
  /// (kForwardChunks at a time, one at the end), then body(k, ChunkCount<N>)
  /// for those N chunks, k the first one's first sample: the loop the loss
  /// pass and accuracy share. A body works on its chunks side by side (their
  /// chains overlap) and visits them in order.
  template <class W, class T, class Body>
  static IHT_HD void each_forward_chunk(const W& w, const WideShape& sh, const T* theta, const SplitView<T>& data,
                                        const WideBuffers<T>& buf, int first, Body&& body) {
    constexpr int kMost = kForwardChunks<W, T>;
    const int chunks = data.stride / kWarpWidth;
    for (int t0 = 0; t0 < chunks;) {
      const int taken = kMost > 1 && chunks - t0 >= kMost ? kMost : 1;
      if (taken == kMost) {
        forward<kMost>(w, sh, theta, data, buf, t0 * kWarpWidth + first);
        body(t0 * kWarpWidth + first, ChunkCount<kMost>{});
      } else {
        forward<1>(w, sh, theta, data, buf, t0 * kWarpWidth + first);
        body(t0 * kWarpWidth + first, ChunkCount<1>{});
      }
      t0 += taken;
    }
  }

  /// delta_u ← act′_u · Σ_j W2[u][j]·r_j (j in order) for u0 ≤ u < u0 + kWidth,
  /// at the lane group's samples at k + 32·q, q < kChunks (each weight
  /// loaded once for them all).
  template <int kWidth, int kChunks, class W, class T>
  static IHT_HD void back_tile(const W& w, const WideShape& sh, const T* w2, const WideBuffers<T>& buf, int stride,
                               int k, int u0) {
    using V = typename W::template Vec<T>;
    using B = LaneBits<V>;
    const int c = sh.c;
    V g[kChunks][kWidth];
    IHT_UNROLL
    for (int q = 0; q < kChunks; ++q)
      IHT_UNROLL
      for (int u = 0; u < kWidth; ++u) g[q][u] = V{};
    for (int j = 0; j < c; ++j) {
      V r[kChunks];
      IHT_UNROLL
      for (int q = 0; q < kChunks; ++q) r[q] = w.load(buf.logits + j * stride + k + q * kWarpWidth);
      IHT_UNROLL
      for (int u = 0; u < kWidth; ++u) {
        const V wu = B::splat(w2[(u0 + u) * c + j]);
        IHT_UNROLL
        for (int q = 0; q < kChunks; ++q) g[q][u] = B::fma(r[q], wu, g[q][u]);
      }
    }
    IHT_UNROLL
    for (int q = 0; q < kChunks; ++q)
      IHT_UNROLL
      for (int u = 0; u < kWidth; ++u) {
        T* slot = buf.delta + (u0 + u) * stride + k + q * kWarpWidth;
        W::store_at(slot, w.load(slot) * g[q][u]);
      }
  }

  /// The residuals back through W2 and act′ into delta, for the lane group's
  /// samples at k + 32·q, q < kChunks: back_tile over every hidden unit, in
  /// tiles of 8 accumulators, then narrower ones.
  template <int kChunks, class W, class T>
  static IHT_HD void back_through_output(const W& w, const WideShape& sh, const T* theta, const WideBuffers<T>& buf,
                                         int stride, int k) {
    constexpr int kWide = 8 / kChunks;
    const T* w2 = theta + sh.out_weights();
    const int h = sh.h;
    int u0 = 0;
    for (; u0 + kWide <= h; u0 += kWide) back_tile<kWide, kChunks>(w, sh, w2, buf, stride, k, u0);
    if (kWide > 4 && h - u0 >= 4) back_tile<4, kChunks>(w, sh, w2, buf, stride, k, u0), u0 += 4;
    if (h - u0 >= 2) back_tile<2, kChunks>(w, sh, w2, buf, stride, k, u0), u0 += 2;
    if (h - u0 >= 1) back_tile<1, kChunks>(w, sh, w2, buf, stride, k, u0);
  }

  /// [y = 0] for the lane group's samples at k: the sample mask (targets row
  /// 0) less the other classes' indicators, exactly 0 or 1.
  template <class W, class T>
  static IHT_HD typename W::template Vec<T> class0(const W& w, const SplitView<T>& data, int c, int k) {
    auto v = w.load(data.t + k);
    for (int j = 1; j < c; ++j) v = v - w.load(data.t + j * data.stride + k);
    return v;
  }

  /// Rows r0 … r0 + kR − 1 of `in` (row `rows` is the sample mask: a bias)
  /// against rows c0 … c0 + kC − 1 of `out`: grad[r·cols + col] =
  /// Σ_k in_r[k]·out_col[k] / m. Lane l sums its samples l, l + 32, … in
  /// order, the warp sums the lanes.
  template <int kR, int kC, class W, class T>
  static IHT_HD void gradient_tile(const W& w, const SplitView<T>& data, const T* in, int rows, const T* out,
                                   int cols, int r0, int c0, T inv_m, T* grad) {
    using V = typename W::template Vec<T>;
    using B = LaneBits<V>;
    const int stride = data.stride, chunks = stride / kWarpWidth;
    typename W::template Lanes<T> part[kR * kC];
    const T* row[kR];
    const T* col[kC];
    IHT_UNROLL
    for (int a = 0; a < kR; ++a) row[a] = r0 + a == rows ? data.t : in + (r0 + a) * stride;
    IHT_UNROLL
    for (int b = 0; b < kC; ++b) col[b] = out + (c0 + b) * stride;
    w.template each_group<T>([&](int first) IHT_LAMBDA {
      V acc[kR * kC];
      IHT_UNROLL
      for (int q = 0; q < kR * kC; ++q) acc[q] = V{};
      for (int t = 0; t < chunks; ++t) {
        const int k = t * kWarpWidth + first;
        V x[kR], y[kC];
        IHT_UNROLL
        for (int a = 0; a < kR; ++a) x[a] = w.load(row[a] + k);
        IHT_UNROLL
        for (int b = 0; b < kC; ++b) y[b] = w.load(col[b] + k);
        IHT_UNROLL
        for (int a = 0; a < kR; ++a)
          IHT_UNROLL
          for (int b = 0; b < kC; ++b) acc[a * kC + b] = B::fma(x[a], y[b], acc[a * kC + b]);
      }
      IHT_UNROLL
      for (int q = 0; q < kR * kC; ++q) w.store(part[q], first, acc[q]);
    });
    T sums[kR * kC];  // the same in every lane
    w.template sums<kR * kC>(part, kR * kC, sums);
    IHT_UNROLL
    for (int q = 0; q < kR * kC; ++q) sums[q] = sums[q] * inv_m;
    w.single([&] {  // one lane writes them
      for (int a = 0; a < kR; ++a)
        for (int b = 0; b < kC; ++b) grad[(r0 + a) * cols + c0 + b] = sums[a * kC + b];
    });
  }

  /// gradient_tile over rows r ≤ rows and columns col < cols, in tiles of
  /// kRows × kCols and smaller ones at the edges.
  template <class W, class T>
  static IHT_HD void gradient_block(const W& w, const SplitView<T>& data, const T* in, int rows, const T* out,
                                    int cols, T inv_m, T* grad) {
    for (int r0 = 0; r0 <= rows;) {
      const int left = rows + 1 - r0;
      const int height = left >= kRows ? kRows : left >= 2 ? 2 : 1;
      for (int c0 = 0; c0 < cols;) {
        const int width = cols - c0 >= kCols ? kCols : 1;
        if (height == kRows && width == kCols)
          gradient_tile<kRows, kCols>(w, data, in, rows, out, cols, r0, c0, inv_m, grad);
        else if (height == kRows)
          gradient_tile<kRows, 1>(w, data, in, rows, out, cols, r0, c0, inv_m, grad);
        else if (height == 2 && width == kCols)
          gradient_tile<2, kCols>(w, data, in, rows, out, cols, r0, c0, inv_m, grad);
        else if (height == 2)
          gradient_tile<2, 1>(w, data, in, rows, out, cols, r0, c0, inv_m, grad);
        else if (width == kCols)
          gradient_tile<1, kCols>(w, data, in, rows, out, cols, r0, c0, inv_m, grad);
        else
          gradient_tile<1, 1>(w, data, in, rows, out, cols, r0, c0, inv_m, grad);
        c0 += width;
      }
      r0 += height;
    }
  }

  /// f(θ), and with kGrad ∇f(θ) into grad (θ order).
  ///
  /// Phase 1, per lane group of samples (lane l: samples l, l + 32, …):
  /// forward, loss, and the backward pass to each layer's output, into the
  /// scratch rows (logits: softmax − onehot; delta: ∂loss/∂(W1ᵀx + b1)).
  /// Padding samples get zero residuals and add nothing.
  /// Phase 2, per layer: each gradient entry's sum over the samples
  /// (gradient_block).
  template <bool kGrad, class W, class T>
  static IHT_HD T loss_pass(const W& w, const WideShape& sh, const T* theta, const SplitView<T>& data,
                            const WideBuffers<T>& buf, T* grad) {
    using V = typename W::template Vec<T>;
    using B = LaneBits<V>;
    const int h = sh.h, c = sh.c, stride = data.stride;
    typename W::template Lanes<T> loss;
    w.template each_group<T>([&](int first) IHT_LAMBDA {
      V total{};
      each_forward_chunk(w, sh, theta, data, buf, first, [&](int k0, auto chunks) IHT_LAMBDA {
        constexpr int kQ = decltype(chunks)::value;
        // Each chunk's softmax as one chunk's alone, the chunks side by side.
        T* z[kQ];
        V valid[kQ], zmax[kQ], zy[kQ], sum[kQ];
        IHT_UNROLL
        for (int q = 0; q < kQ; ++q) {
          z[q] = buf.logits + k0 + q * kWarpWidth;
          valid[q] = w.load(data.t + k0 + q * kWarpWidth);  // 1, or 0 for padding
          zmax[q] = w.load(z[q]);
        }
        for (int j = 1; j < c; ++j)
          IHT_UNROLL
          for (int q = 0; q < kQ; ++q) {
            const V zj = w.load(z[q] + j * stride);
            zmax[q] = zj > zmax[q] ? zj : zmax[q];
          }
        // z_y: the one-hot's one term. Its first product an explicit FMA too,
        // so no compiler can fold a bare product into the subtraction below.
        IHT_UNROLL
        for (int q = 0; q < kQ; ++q) zy[q] = B::fma(class0(w, data, c, k0 + q * kWarpWidth), w.load(z[q]), V{});
        for (int j = 1; j < c; ++j)
          IHT_UNROLL
          for (int q = 0; q < kQ; ++q)
            zy[q] = B::fma(w.load(data.t + j * stride + k0 + q * kWarpWidth), w.load(z[q] + j * stride), zy[q]);
        IHT_UNROLL
        for (int q = 0; q < kQ; ++q) sum[q] = V{};
        for (int j = 0; j < c; ++j)
          IHT_UNROLL
          for (int q = 0; q < kQ; ++q) {
            const V e = exp_nonpositive(w.load(z[q] + j * stride) - zmax[q]);
            sum[q] = sum[q] + e;
            W::store_at(z[q] + j * stride, e);
          }
        IHT_UNROLL
        for (int q = 0; q < kQ; ++q) {
          const V term = (zmax[q] - zy[q]) + log_positive(sum[q]);  // logsumexp(z) − z_y
          total = total + (valid[q] != T(0) ? term : V{});
        }
        if constexpr (kGrad) {
          // softmax − onehot; class 0's is minus the others' sum (their sum is
          // 0), so with two classes the gradients are exact negatives and
          // their ties exact (docs/SPEC.md §9), as in the compact engine.
          V inv[kQ], others[kQ];
          IHT_UNROLL
          for (int q = 0; q < kQ; ++q) inv[q] = valid[q] / sum[q], others[q] = V{};
          for (int j = 1; j < c; ++j)
            IHT_UNROLL
            for (int q = 0; q < kQ; ++q) {
              const V r = B::fma(w.load(z[q] + j * stride), inv[q],
                                 V{} - w.load(data.t + j * stride + k0 + q * kWarpWidth));
              others[q] = others[q] + r;
              W::store_at(z[q] + j * stride, r);
            }
          IHT_UNROLL
          for (int q = 0; q < kQ; ++q) W::store_at(z[q], V{} - others[q]);
          if (h > 0) back_through_output<kQ>(w, sh, theta, buf, stride, k0);
        }
      });
      w.store(loss, first, total);
    });
    const T inv_m = T(1) / static_cast<T>(data.count);
    if constexpr (kGrad) {
      // Phase 2 reads only the lane's own samples' rows, as phase 1 wrote
      // them: no barrier between. (Its w.single orders the grad writes.)
      if (h == 0) {
        gradient_block(w, data, data.x, sh.d, buf.logits, c, inv_m, grad);
      } else {
        gradient_block(w, data, data.x, sh.d, buf.delta, h, inv_m, grad);
        gradient_block(w, data, buf.hidden, h, buf.logits, c, inv_m, grad + sh.out_weights());
      }
    }
    return w.sum(loss) * inv_m;
  }

  template <class W, class T>
  static IHT_HD T loss_and_grad(const W& w, const WideShape& sh, const T* theta, const SplitView<T>& data,
                                const WideBuffers<T>& buf, T* grad) {
    return loss_pass<true>(w, sh, theta, data, buf, grad);
  }

  template <class W, class T>
  static IHT_HD T loss(const W& w, const WideShape& sh, const T* theta, const SplitView<T>& data,
                       const WideBuffers<T>& buf) {
    return loss_pass<false>(w, sh, theta, data, buf, static_cast<T*>(nullptr));
  }

  /// Fraction of the split classified right: argmax of z, ties to the smaller class.
  template <class W, class T>
  static IHT_HD double accuracy(const W& w, const WideShape& sh, const T* theta, const SplitView<T>& data,
                                const WideBuffers<T>& buf) {
    using V = typename W::template Vec<T>;
    const int c = sh.c, stride = data.stride;
    typename W::template Lanes<T> correct;
    w.template each_group<T>([&](int first) IHT_LAMBDA {
      V right{};
      each_forward_chunk(w, sh, theta, data, buf, first, [&](int k0, auto chunks) IHT_LAMBDA {
        for (int q = 0; q < decltype(chunks)::value; ++q) {
          const int k = k0 + q * kWarpWidth;
          const T* z = buf.logits + k;
          V best_z = w.load(z), best{};
          for (int j = 1; j < c; ++j) {
            const V zj = w.load(z + j * stride);
            const auto better = zj > best_z;
            best_z = better ? zj : best_z;
            best = better ? V{} + T(j) : best;
          }
          V hit = best == T(0) ? class0(w, data, c, k) : V{};  // [y = best]; 0 for padding
          for (int j = 1; j < c; ++j) hit = best == T(j) ? w.load(data.t + j * stride + k) : hit;
          right = right + hit;
        }
      });
      w.store(correct, first, right);
    });
    return static_cast<double>(w.sum(correct)) / data.count;
  }

  /// a of θ_i ~ U(−a, a): 1/√fan_in of θ_i's layer (docs/SPEC.md §9).
  static IHT_HD double init_bound(const WideShape& sh, int i) {
    const int fan_in = sh.h > 0 && i >= sh.out_weights() ? sh.h : sh.d;
    return 1.0 / sqrt(static_cast<double>(fan_in));
  }
};

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp

IHT_KERNEL_WARNINGS_ON
