#pragma once
// The wide engine's model (docs/SPEC.md §2, §9): softmax cross-entropy of a
// one-layer network, or of one with a hidden layer, for n up to
// kMaxWideParams, θ in the warp's scratch.
//   One layer:    θ = [W (d×c, input-major), b (c)]
//   Hidden layer: θ = [W1 (d×H), b1 (H), W2 (H×c, hidden-major), b2 (c)]
//
// A loss pass has two phases.
//  1. Per sample (lane l: samples l, l + 32, …): the forward pass, the
//     loss term, and the backward pass to each layer's output, into the
//     scratch rows of the sample (logits, hidden, delta).
//  2. Per parameter (lane l: parameters l, l + 32, …): ∂f/∂θ_i is a sum
//     over samples of (the layer's input) × (the gradient at its output),
//     added in sample order.
// Every multiply-add is an explicit FMA and every sum has a fixed order, so
// the CPU and GPU sides compute the same bits.
#include <cmath>

#include "common.hpp"
#include "fast_math.hpp"
#include "problem.hpp"
#include "split.hpp"

IHT_KERNEL_WARNINGS_OFF

namespace iht::warp {

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

/// The scratch rows a loss pass works in (sample-major: row k is sample k).
template <class T>
struct WideBuffers {
  T* hidden;  // (m, h) act(W1ᵀx + b1)
  T* delta;   // (m, h) act′, then ∂loss_k/∂(W1ᵀx + b1)
  T* logits;  // (m, c) z, then ∂loss_k/∂z
};

/// act(v). tanh and the sigmoid from e^(−|·|) (no overflow); ReLU keeps a NaN.
template <class T>
IHT_HD T activate(WarpActivation a, T v) {
  const T size = v < T(0) ? -v : v;
  if (a == WarpActivation::kRelu) return v < T(0) ? T(0) : v;
  if (a == WarpActivation::kTanh) {
    const T e = exp_nonpositive(T(-2) * size);
    const T t = (T(1) - e) / (T(1) + e);
    return v < T(0) ? -t : t;
  }
  const T e = exp_nonpositive(-size);  // sigmoid
  return v < T(0) ? e / (T(1) + e) : T(1) / (T(1) + e);
}

/// act′ at v, from v and act(v). ReLU's is 0 at 0 (docs/SPEC.md §9).
template <class T>
IHT_HD T activation_slope(WarpActivation a, T v, T act) {
  if (a == WarpActivation::kRelu) return v > T(0) ? T(1) : T(0);
  if (a == WarpActivation::kTanh) return ScalarLaneBits<T>::fma(-act, act, T(1));
  return act * (T(1) - act);
}

struct Mlp {
  /// Sample k forward: the hidden row (and act′ into delta) and the logits row.
  template <class T>
  static IHT_HD void forward(const WideShape& sh, const T* theta, const SplitView<T>& data, const WideBuffers<T>& buf,
                             int k) {
    using B = ScalarLaneBits<T>;
    const int d = sh.d, h = sh.h, c = sh.c;
    T* z = buf.logits + k * c;
    if (h == 0) {
      for (int j = 0; j < c; ++j) {
        T v = theta[d * c + j];
        for (int f = 0; f < d; ++f) v = B::fma(data.x[f * data.stride + k], theta[f * c + j], v);
        z[j] = v;
      }
      return;
    }
    T* a = buf.hidden + k * h;
    T* slope = buf.delta + k * h;
    for (int u = 0; u < h; ++u) {
      T v = theta[d * h + u];
      for (int f = 0; f < d; ++f) v = B::fma(data.x[f * data.stride + k], theta[f * h + u], v);
      a[u] = activate(sh.activation, v);
      slope[u] = activation_slope(sh.activation, v, a[u]);
    }
    const T* w2 = theta + sh.out_weights();
    for (int j = 0; j < c; ++j) {
      T v = theta[sh.out_biases() + j];
      for (int u = 0; u < h; ++u) v = B::fma(a[u], w2[u * c + j], v);
      z[j] = v;
    }
  }

  /// Phase 2 for parameter i: the sum over samples of input × output gradient.
  /// The input of a bias is the sample mask (1 for every sample).
  template <class T>
  static IHT_HD T parameter_sum(const WideShape& sh, const SplitView<T>& data, const WideBuffers<T>& buf, int i) {
    using B = ScalarLaneBits<T>;
    const int d = sh.d, h = sh.h, c = sh.c;
    const T* in = data.t;  // row 0: the sample mask
    int in_step = 1;
    const T* out;
    int out_step;
    if (h == 0) {
      out = buf.logits + (i < d * c ? i % c : i - d * c);
      out_step = c;
      if (i < d * c) in = data.x + (i / c) * data.stride;
    } else if (i < sh.out_weights()) {
      out = buf.delta + (i < d * h ? i % h : i - d * h);
      out_step = h;
      if (i < d * h) in = data.x + (i / h) * data.stride;
    } else {
      const int r = i - sh.out_weights();
      out = buf.logits + (r < h * c ? r % c : r - h * c);
      out_step = c;
      if (r < h * c) {
        in = buf.hidden + r / c;
        in_step = h;
      }
    }
    T sum = T(0);
    for (int k = 0; k < data.count; ++k) sum = B::fma(in[k * in_step], out[k * out_step], sum);
    return sum;
  }

  /// f(θ), and with kGrad ∇f(θ) into grad (θ order).
  template <bool kGrad, class W, class T>
  static IHT_HD T loss_pass(const W& w, const WideShape& sh, const T* theta, const SplitView<T>& data,
                            const WideBuffers<T>& buf, T* grad) {
    using B = ScalarLaneBits<T>;
    const int h = sh.h, c = sh.c;
    typename W::template Lanes<T> loss;
    w.each([&](int l) {
      T total = T(0);
      for (int k = l; k < data.count; k += kWarpWidth) {
        forward(sh, theta, data, buf, k);
        T* z = buf.logits + k * c;
        const int y = data.y[k];
        T zmax = z[0];
        for (int j = 1; j < c; ++j) zmax = z[j] > zmax ? z[j] : zmax;
        T sum = T(0);
        const T zy = z[y];
        for (int j = 0; j < c; ++j) {
          const T e = exp_nonpositive(z[j] - zmax);
          sum += e;
          z[j] = e;
        }
        total += (zmax - zy) + log_positive(sum);  // logsumexp(z) − z_y
        if constexpr (kGrad) {
          // softmax − onehot; class 0's is minus the others' sum (their sum is 0),
          // so with two classes the gradients are exact negatives and their
          // ties exact (docs/SPEC.md §2), as in the compact engine.
          const T inv = T(1) / sum;
          T others = T(0);
          for (int j = 1; j < c; ++j) {
            z[j] = B::fma(z[j], inv, j == y ? T(-1) : T(0));
            others += z[j];
          }
          z[0] = -others;
          if (h > 0) {
            const T* w2 = theta + sh.out_weights();
            T* back = buf.delta + k * h;
            for (int u = 0; u < h; ++u) {
              T g = T(0);
              for (int j = 0; j < c; ++j) g = B::fma(w2[u * c + j], z[j], g);
              back[u] *= g;
            }
          }
        }
      }
      loss[l] = total;
    });
    const T inv_m = T(1) / static_cast<T>(data.count);
    if constexpr (kGrad) {
      w.sync();  // phase 2 reads every sample's rows
      w.each([&](int l) {
        for (int i = l; i < sh.n; i += kWarpWidth) grad[i] = parameter_sum(sh, data, buf, i) * inv_m;
      });
      w.sync();
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
    const T f = loss_pass<false>(w, sh, theta, data, buf, static_cast<T*>(nullptr));
    w.sync();  // the next pass rewrites these rows
    return f;
  }

  /// Fraction of the split classified right: argmax of z, ties to the smaller class.
  template <class W, class T>
  static IHT_HD double accuracy(const W& w, const WideShape& sh, const T* theta, const SplitView<T>& data,
                                const WideBuffers<T>& buf) {
    typename W::template Lanes<T> correct;
    w.each([&](int l) {
      T right = T(0);
      for (int k = l; k < data.count; k += kWarpWidth) {
        forward(sh, theta, data, buf, k);
        const T* z = buf.logits + k * sh.c;
        int best = 0;
        for (int j = 1; j < sh.c; ++j) best = z[j] > z[best] ? j : best;
        right += best == data.y[k] ? T(1) : T(0);
      }
      correct[l] = right;
    });
    w.sync();
    return static_cast<double>(w.sum(correct)) / data.count;
  }

  /// a of θ_i ~ U(−a, a): 1/√fan_in of θ_i's layer (docs/SPEC.md §9).
  static IHT_HD double init_bound(const WideShape& sh, int i) {
    const int fan_in = sh.h > 0 && i >= sh.out_weights() ? sh.h : sh.d;
    return 1.0 / sqrt(static_cast<double>(fan_in));
  }
};

}  // namespace iht::warp

IHT_KERNEL_WARNINGS_ON
