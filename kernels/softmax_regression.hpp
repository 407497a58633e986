#pragma once
// The paper's model (docs/SPEC.md §2): one linear layer, z = Wᵀx + b, and the
// mean softmax cross-entropy. θ = [w (d×c, input-major: θ[f·c + j] is the
// weight from input f to class j), b (c): θ[d·c + j]].
//
// What a model gives iht_run (a second model is a second file like this one):
//   Model::loss_and_grad(w, shape, θ, split, grad)  f(θ), and ∇f(θ) into grad
//   Model::loss(w, shape, θ, split)                 f(θ)
//   Model::grad(w, shape, θ, split, grad)           ∇f(θ) alone (the step size's)
// (θ and ∇f are parameter vectors, Params<W, T>: lane i holds entry i)
//   Model::accuracy(w, shape, θ, split)             fraction classified right
//   Model::init_bound(shape, i)                     a of θ_i ~ U(−a, a) (§3.3)
// and a line in dispatch_kernel (src/backends/warp_host.hpp). What is still
// this model's elsewhere: its parameter count n = (d + 1)·c (shape.hpp,
// Dataset::parameters()) and the one-hot target rows the split writes
// (split.hpp, sized in scratch.hpp); a model with another θ layout extends
// those.
#include <cmath>

#include "common.hpp"
#include "fast_math.hpp"
#include "split.hpp"

IHT_KERNEL_WARNINGS_OFF

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// The loss takes one log per pair of lanes every kChunksPerLog chunks, of the
/// product of the pair's sums Σe (each in [1, c], c ≤ kMaxClasses): at most
/// 16^(2·8) = 2^64, far inside even float's range (2^128).
inline constexpr int kChunksPerLog = 8;
constexpr double power(double base, int exponent) { return exponent == 0 ? 1.0 : base * power(base, exponent - 1); }
static_assert(power(kMaxClasses, 2 * kChunksPerLog) <= power(2.0, 64), "a pair's product of sums stays within 2^64");

/// f(θ), and with kGrad ∇f(θ) into grad (θ order): one pass over a split.
/// Without kLoss (the step size's gradients) it computes ∇f alone, to the
/// same bits, and returns 0.
///
/// Relative logits: softmax does not change when every logit loses class 0's,
/// so the pass works with z_j − z_0 (j ≥ 1), from weights and biases relative
/// to class 0: one class fewer to compute and to accumulate. Per sample, with
/// zmax = max(0, z_j − z_0) and e_j = e^(z_j − z_0 − zmax):
///   loss term  zmax − (z_y − z_0) + ln Σ_j e_j,
///   ∂/∂z_j     e_j / Σ e − [y = j]; these add to 0 over j, so class 0's
///              gradient is minus the sum of the others'.
/// Padding masks: the indicators [y = j] and the sample mask are loaded
/// (SplitView::t), not compared; padding adds exact zeros.
///
/// Staged tiles: lane l handles samples l, l+32, …, in tiles of
/// W::kStagedChunks chunks, each through four loops that hand values on in a
/// W::Stage (logits, exponentials, softmax, gradient_sums), then the logs.
/// Each loop holds many short independent chains where one loop per sample
/// would hold one long chain (forward → max → exp → sum → divide → gradient)
/// that a CPU core cannot overlap with the next sample's. Every sum is added
/// in sample order and kept per lane (W::Lanes); the warp sums them at the
/// end, so the tile size does not change a bit.
///
/// Lane groups: per-lane code runs on lane values V: one lane's scalar on the
/// GPU, a SIMD group of lanes on the CPU.
///
/// One function, its stages in the order they run: the stages share per-lane
/// state that must stay in locals, and their bodies inline only as written.
/// (As a class with a method per stage, nvcc spilled the float64 IRIS kernel
/// 796/1092 bytes per thread against 248/292. GCC inlines the stage lambdas
/// only because they are IHT_LAMBDA: its lambda budget ran out otherwise.)
template <bool kGrad, bool kLoss, class W, class T, class Shape>
IHT_HD IHT_FLATTEN T softmax_loss_pass(const W& w, const Shape& shape, const Params<W, T>& theta,
                                       const SplitView<T>& data, Params<W, T>* grad) {
  using V = typename W::template Vec<T>;
  using B = LaneBits<V>;
  using Lanes = typename W::template Lanes<T>;
  constexpr int kTile = W::kStagedChunks, kC = Shape::kClassBound;
  static_assert(kChunksPerLog % kTile == 0, "a tile ends where the loss may take its log");
  static_assert(kGrad || kLoss, "a pass computes something");
  const int d = shape.d, c = shape.c;
  const int row = d + 1;           // one relative class: d weights, then the bias
  const int rows = (c - 1) * row;  // parameters of the relative classes
  T rel[kMaxParams];               // rel[(j−1)·row + f] = θ(f, j) − θ(f, 0), f = d the bias
  IHT_UNROLL
  for (int f = 0; f <= d; ++f) {
    const T base = w.lane_value(theta, f * c);
    IHT_UNROLL
    for (int j = 1; j < c; ++j) rel[(j - 1) * row + f] = w.lane_value(theta, f * c + j) - base;
  }
  const int stride = data.stride;
  // Per-lane sums, carried from tile to tile (the first tile starts them):
  // the loss (its zmax − (z_y − z_0) terms, and the logs of the products of
  // Σe, which always follow the terms of the same chunks), the product of Σe
  // since the last log (and a pair of lanes' product), and the gradient's.
  Lanes loss_lanes, prod_lanes, pair_lanes, g_lanes[kGrad ? kMaxParams : 1];
  // Chunks holding a sample of the lane (group) at `lane`: the rest would add only zeros.
  auto chunks_of = [&](int lane) IHT_LAMBDA { return (data.count - lane + kWarpWidth - 1) / kWarpWidth; };
  typename W::template Stage<T, kC> logit;  // [0] zmax, [j] z_j − z_0 − zmax
  typename W::template Stage<T, kC> ex;     // [j] e_j, then [j ≥ 1] the residual e_j/Σe − [y = j]
  for (int k0 = 0; k0 < chunks_of(0); k0 += kTile) {
    // Runs body(u, at) for each chunk k0 + u of this tile that holds a sample
    // of the lane (group) at `lane`; at is that sample's index.
    auto each_chunk = [&](int lane, auto&& body) IHT_LAMBDA {
      const int tile = chunks_of(lane) - k0;
      IHT_STAGE_LOOP
      for (int u = 0; u < kTile; ++u) {
        if (u >= tile) break;
        body(u, (k0 + u) * kWarpWidth + lane);
      }
    };
    // 1. Logits relative to class 0, their max, and the linear part of the loss.
    w.template each_group<T>([&](int lane) IHT_LAMBDA {
      V loss = k0 == 0 ? V{} : w.load(loss_lanes, lane);
      each_chunk(lane, [&](int u, int at) IHT_LAMBDA {
        V x[kMaxFeatures], z[kC];
        IHT_UNROLL
        for (int f = 0; f < d; ++f) x[f] = w.load(data.x + f * stride + at);
        V zmax{}, zy{};  // zy = z_y − z_0
        IHT_UNROLL
        for (int j = 1; j < c; ++j) {
          const T* a = rel + (j - 1) * row;
          z[j] = fma_c(x[0], a[0], a[d]);
          IHT_UNROLL
          for (int f = 1; f < d; ++f) z[j] = fma_c(x[f], a[f], z[j]);
          zmax = z[j] > zmax ? z[j] : zmax;  // a NaN reaches e_j and zy
          if constexpr (kLoss) zy = B::fma(w.load(data.t + j * stride + at), z[j], zy);
        }
        if constexpr (kLoss) loss = B::fma(w.load(data.t + at), zmax - zy, loss);  // t[0]: 0 for padding
        V* out = logit.at(lane, u);
        out[0] = zmax;
        IHT_UNROLL
        for (int j = 1; j < c; ++j) out[j] = z[j] - zmax;
      });
      w.store(loss_lanes, lane, loss);
    });
    // 2. c − 1 exponentials: a class at the max has e_j = 1, and its slot
    //    computes class 0's e^(−zmax) instead (1 when no class beats class 0).
    w.template each_group<T>([&](int lane) IHT_LAMBDA {
      const V one = V{} + T(1);
      each_chunk(lane, [&](int u, int) IHT_LAMBDA {
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
    w.template each_group<T>([&](int lane) IHT_LAMBDA {
      const V zero{}, one = zero + T(1);
      V prod = k0 % kChunksPerLog == 0 ? one : w.load(prod_lanes, lane);  // a new product after each log
      each_chunk(lane, [&](int u, int at) IHT_LAMBDA {
        V* e = ex.at(lane, u);
        V sum = e[0];
        IHT_UNROLL
        for (int j = 1; j < c; ++j) sum += e[j];
        const V valid = w.load(data.t + at);  // 1, or 0 for padding
        // prod · sum for a sample, prod for padding: prod + (valid·prod)(sum − 1)
        // is rounded once, like prod · sum (sum − 1 is exact for sum ≥ ½).
        if constexpr (kLoss) prod = B::fma(valid * prod, sum - one, prod);
        if constexpr (kGrad) {
          const V inv = valid / sum;
          IHT_UNROLL
          for (int j = 1; j < c; ++j) e[j] = B::fma(e[j], inv, zero - w.load(data.t + j * stride + at));
        }
      });
      w.store(prod_lanes, lane, prod);
    });
    // The logs, one per pair of lanes (l, l + 16), of the pair's product,
    // every kChunksPerLog chunks and after the pair's last (its lower lane
    // has the most chunks): always at the end of a tile, since tiles start at
    // multiples of kChunksPerLog chunks.
    if constexpr (kLoss) {
      w.template each_group<T>([&](int lane) IHT_LAMBDA {
        w.store(pair_lanes, lane, w.load(prod_lanes, lane) * w.template load_xor<kWarpWidth / 2>(prod_lanes, lane));
      });
      w.template each_group_below<T>(kWarpWidth / 2, [&](int lane) IHT_LAMBDA {
        const int chunks = chunks_of(lane), last = (k0 + kTile < chunks ? k0 + kTile : chunks) - 1;
        if (last >= k0 && (last % kChunksPerLog == kChunksPerLog - 1 || last == chunks - 1))
          w.store(loss_lanes, lane, w.load(loss_lanes, lane) + log_positive(w.load(pair_lanes, lane)));
      });
    }
    // 4. Gradient sums: residual times x, per relative class.
    if constexpr (kGrad) {
      w.template each_group<T>([&](int lane) IHT_LAMBDA {
        V g[kMaxParams];
        IHT_UNROLL
        for (int i = 0; i < rows; ++i) g[i] = k0 == 0 ? V{} : w.load(g_lanes[i], lane);
        each_chunk(lane, [&](int u, int at) IHT_LAMBDA {
          V x[kMaxFeatures];
          IHT_UNROLL
          for (int f = 0; f < d; ++f) x[f] = w.load(data.x + f * stride + at);
          const V* r = ex.at(lane, u);
          IHT_UNROLL
          for (int j = 1; j < c; ++j) {
            V* gj = g + (j - 1) * row;
            gj[d] += r[j];
            IHT_UNROLL
            for (int f = 0; f < d; ++f) gj[f] = B::fma(x[f], r[j], gj[f]);
          }
        });
        IHT_UNROLL
        for (int i = 0; i < rows; ++i) w.store(g_lanes[i], lane, g[i]);
      });
    }
  }
  const T inv_m = T(1) / static_cast<T>(data.count);
  if constexpr (kGrad) {
    // ∇f in θ order from the relative classes' sums; class 0's is minus their sum.
    Params<W, T>& g = *grad;
    w.each([&](int l) IHT_LAMBDA { g[l] = T(0); });  // zero past n
    IHT_UNROLL
    for (int f = 0; f <= d; ++f) {
      T others = T(0);
      IHT_UNROLL
      for (int j = 1; j < c; ++j) {
        const T sum = w.sum(g_lanes[(j - 1) * row + f]);
        w.set_lane(g, f * c + j, sum * inv_m);
        others += sum;
      }
      w.set_lane(g, f * c, -others * inv_m);
    }
  }
  if constexpr (kLoss)
    return w.sum(loss_lanes) * inv_m;
  else
    return T(0);
}


struct SoftmaxRegression {
  template <class W, class T, class Shape>
  static IHT_HD T loss_and_grad(const W& w, const Shape& shape, const Params<W, T>& theta, const SplitView<T>& data,
                                Params<W, T>& grad) {
    return softmax_loss_pass<true, true>(w, shape, theta, data, &grad);
  }

  template <class W, class T, class Shape>
  static IHT_HD void grad(const W& w, const Shape& shape, const Params<W, T>& theta, const SplitView<T>& data,
                          Params<W, T>& grad) {
    softmax_loss_pass<true, false>(w, shape, theta, data, &grad);
  }

  template <class W, class T, class Shape>
  static IHT_HD T loss(const W& w, const Shape& shape, const Params<W, T>& theta, const SplitView<T>& data) {
    return softmax_loss_pass<false, true>(w, shape, theta, data, static_cast<Params<W, T>*>(nullptr));
  }

  /// Fraction of the split classified right: argmax of z, ties to the smaller class.
  template <class W, class T, class Shape>
  static IHT_HD double accuracy(const W& w, const Shape& shape, const Params<W, T>& params,
                                const SplitView<T>& data) {
    const int d = shape.d, c = shape.c;
    T theta[kMaxParams];  // every lane's copy
    IHT_UNROLL
    for (int i = 0; i < shape.n; ++i) theta[i] = w.lane_value(params, i);
    typename W::template Lanes<T> correct;
    w.each([&](int l) IHT_LAMBDA {
      correct[l] = T(0);
      for (int idx = l; idx < data.stride; idx += kWarpWidth) {
        int best = 0;
        T best_z = T(0);
        for (int j = 0; j < c; ++j) {
          T z = theta[d * c + j];
          for (int f = 0; f < d; ++f) z = LaneBits<T>::fma(data.x[f * data.stride + idx], theta[f * c + j], z);
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

  /// θ_i ~ U(−a, a) with a = 1/√d for every entry (PyTorch's nn.Linear default).
  template <class Shape>
  static IHT_HD double init_bound(const Shape& shape, int) {
    return 1.0 / sqrt(static_cast<double>(shape.d));
  }
};

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp

IHT_KERNEL_WARNINGS_ON
