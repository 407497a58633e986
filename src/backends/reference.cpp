// The plain float64 reference of docs/SPEC.md §3: obvious loops, one run at a time.
#include "ihtbatch/reference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "ihtbatch/error.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/philox.hpp"
#include "parallel.hpp"

namespace iht {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A standardized split: x row-major (samples, features).
struct Samples {
  std::vector<double> x;
  std::vector<int> y;
  int count = 0;
};

struct Problem {
  Network net;
  int d = 0, c = 0, n = 0;
  Samples train, test;
  std::vector<int> train_indices, test_indices;
};

Problem make_problem(const Dataset& data, const ExperimentConfig& config, uint64_t data_seed) {
  Problem p;
  p.net = network_of(data, config);
  p.d = data.features;
  p.c = data.classes;
  p.n = static_cast<int>(p.net.parameters());
  const int m = data.train_size();
  std::vector<int> perm(data.samples);
  random_permutation(data_seed, Stream::kSplit, 0, perm.data(), data.samples, m);
  p.train_indices.assign(perm.begin(), perm.begin() + m);
  p.test_indices.assign(perm.begin() + m, perm.end());

  // docs/SPEC.md §3.2: in units of a power of two near the largest |x| (no
  // overflow, no other effect); a constant feature is centred on its value.
  std::vector<double> scale(p.d, 1.0), mean(p.d, 0.0), sd(p.d, 0.0);
  for (int f = 0; f < p.d; ++f) {
    double largest = 0.0, first = data.x[p.train_indices[0] * p.d + f];
    bool constant = true;
    for (int i : p.train_indices) {
      largest = std::max(largest, std::fabs(data.x[i * p.d + f]));
      constant = constant && data.x[i * p.d + f] == first;
    }
    if (constant) {
      mean[f] = first;
      sd[f] = 1.0;
      continue;
    }
    int exponent = 0;
    std::frexp(largest, &exponent);  // largest = q·2^exponent, q in [½, 1)
    scale[f] = largest >= std::numeric_limits<double>::min() ? std::ldexp(1.0, exponent - 1) : 1.0;
    for (int i : p.train_indices) mean[f] += data.x[i * p.d + f] / scale[f];
    mean[f] /= m;
    for (int i : p.train_indices) sd[f] += std::pow(data.x[i * p.d + f] / scale[f] - mean[f], 2);
    sd[f] = std::sqrt(sd[f] / m);
  }
  auto fill = [&](Samples& out, const std::vector<int>& rows) {
    out.count = static_cast<int>(rows.size());
    for (int i : rows) {
      for (int f = 0; f < p.d; ++f) out.x.push_back((data.x[i * p.d + f] / scale[f] - mean[f]) / sd[f]);
      out.y.push_back(data.y[i]);
    }
  };
  fill(p.train, p.train_indices);
  fill(p.test, p.test_indices);
  return p;
}

/// The network's layers (docs/SPEC.md §2, §9). One layer: θ = [W (d×c,
/// input-major), b (c)]. Hidden layer: θ = [W1 (d×H), b1 (H), W2 (H×c), b2 (c)].
struct Layer {
  int in, out, weights, biases;  // θ offsets of the weights and the biases
};

std::vector<Layer> layers_of(const Problem& p) {
  if (p.net.hidden == 0) return {{p.d, p.c, 0, p.d * p.c}};
  const int h = p.net.hidden, second = p.d * h + h;
  return {{p.d, h, 0, p.d * h}, {h, p.c, second, second + h * p.c}};
}

double activate(Activation a, double v) {
  switch (a) {
    case Activation::kTanh: return std::tanh(v);
    case Activation::kRelu: return v < 0 ? 0.0 : v;  // a NaN stays NaN (docs/SPEC.md §9)
    case Activation::kSigmoid: return 1.0 / (1.0 + std::exp(-v));
  }
  return v;
}

/// d act / d v, from v and act(v).
double activation_slope(Activation a, double v, double act) {
  switch (a) {
    case Activation::kTanh: return 1.0 - act * act;
    case Activation::kRelu: return v > 0 ? 1.0 : 0.0;  // 0 at 0 (docs/SPEC.md §9)
    case Activation::kSigmoid: return act * (1.0 - act);
  }
  return 1.0;
}

/// out_j = b_j + Σ_i in_i w_ij.
std::vector<double> affine(const Layer& l, const std::vector<double>& theta, const std::vector<double>& in) {
  std::vector<double> out(l.out);
  for (int j = 0; j < l.out; ++j) {
    out[j] = theta[l.biases + j];
    for (int i = 0; i < l.in; ++i) out[j] += in[i] * theta[l.weights + i * l.out + j];
  }
  return out;
}

/// One sample through the network: each layer's input, the hidden layer's
/// pre-activations, and the logits.
struct Forward {
  std::vector<double> input, pre, hidden, z;
};

Forward forward(const Problem& p, const std::vector<double>& theta, const double* x) {
  const std::vector<Layer> layers = layers_of(p);
  Forward f;
  f.input.assign(x, x + p.d);
  if (layers.size() == 1) {
    f.z = affine(layers[0], theta, f.input);
    return f;
  }
  f.pre = affine(layers[0], theta, f.input);
  for (double v : f.pre) f.hidden.push_back(activate(p.net.activation, v));
  f.z = affine(layers[1], theta, f.hidden);
  return f;
}

/// Mean softmax cross-entropy over `s`; its gradient into *grad when given,
/// by backpropagation written out by hand.
double loss(const Problem& p, const Samples& s, const std::vector<double>& theta,
            std::vector<double>* grad = nullptr) {
  if (grad) grad->assign(p.n, 0.0);
  const std::vector<Layer> layers = layers_of(p);
  double total = 0.0;
  for (int k = 0; k < s.count; ++k) {
    const Forward f = forward(p, theta, &s.x[k * p.d]);
    const double zmax = *std::max_element(f.z.begin(), f.z.end());
    double sum = 0.0;
    for (double zj : f.z) sum += std::exp(zj - zmax);
    const double lse = zmax + std::log(sum);
    total += lse - f.z[s.y[k]];
    if (!grad) continue;
    // ∂loss/∂z_j = softmax_j − [y = j], over the mean's m.
    // Class 0's is minus the others' sum (the c terms add to 0): with two
    // classes the gradients are exact negatives, so their ties are exact.
    std::vector<double> delta(p.c);
    delta[0] = 0.0;
    for (int j = 1; j < p.c; ++j) {
      delta[j] = (std::exp(f.z[j] - lse) - (j == s.y[k] ? 1.0 : 0.0)) / s.count;
      delta[0] -= delta[j];
    }
    const Layer& last = layers.back();
    const std::vector<double>& in = layers.size() == 1 ? f.input : f.hidden;
    for (int j = 0; j < p.c; ++j) {
      for (int i = 0; i < last.in; ++i) (*grad)[last.weights + i * p.c + j] += in[i] * delta[j];
      (*grad)[last.biases + j] += delta[j];
    }
    if (layers.size() == 1) continue;
    // Back through W2 and the activation to the first layer.
    const Layer& first = layers[0];
    for (int h = 0; h < first.out; ++h) {
      double back = 0.0;
      for (int j = 0; j < p.c; ++j) back += theta[last.weights + h * p.c + j] * delta[j];
      back *= activation_slope(p.net.activation, f.pre[h], f.hidden[h]);
      for (int i = 0; i < p.d; ++i) (*grad)[first.weights + i * first.out + h] += f.input[i] * back;
      (*grad)[first.biases + h] += back;
    }
  }
  return total / s.count;
}

double accuracy(const Problem& p, const Samples& s, const std::vector<double>& theta) {
  int correct = 0;
  for (int k = 0; k < s.count; ++k) {
    const std::vector<double> z = forward(p, theta, &s.x[k * p.d]).z;
    // max_element returns the first maximum: ties go to the smaller class.
    correct += (std::max_element(z.begin(), z.end()) - z.begin()) == s.y[k];
  }
  return static_cast<double>(correct) / s.count;
}

/// H_s: keep the s largest |v_i|, ties to the smaller index (stable sort).
std::vector<double> hard_threshold(const std::vector<double>& v, int s) {
  auto magnitude = [&](int i) { return std::isnan(v[i]) ? kInf : std::fabs(v[i]); };
  std::vector<int> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return magnitude(a) > magnitude(b); });
  std::vector<double> out(v.size(), 0.0);
  for (int k = 0; k < s && k < static_cast<int>(v.size()); ++k) out[order[k]] = v[order[k]];
  return out;
}

/// θ with U(−a, a) values, zeroed outside s random indices (docs/SPEC.md §3.3–3.4).
std::vector<double> sparse_uniform(const Problem& p, int s, uint64_t value_seed, Stream values,
                                   uint64_t support_seed, Stream support, uint32_t substream) {
  std::vector<double> theta(p.n);
  for (int i = 0; i < p.n; ++i) theta[i] = uniform_symmetric(value_seed, values, substream, i, p.net.init_bound(i));
  if (s < p.n) {
    std::vector<int> perm(p.n);
    random_permutation(support_seed, support, substream, perm.data(), p.n, s);
    std::vector<bool> keep(p.n, false);
    for (int k = 0; k < s; ++k) keep[perm[k]] = true;
    for (int i = 0; i < p.n; ++i)
      if (!keep[i]) theta[i] = 0.0;
  }
  return theta;
}

double norm2(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0.0;
  for (size_t i = 0; i < a.size(); ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(sum);
}

/// L̂ = max_j ‖∇f(θ̃) − ∇f(θʲ)‖ / ‖θ̃ − θʲ‖ (docs/SPEC.md §3.5). A stop
/// request ends it early (the run is then dropped).
double estimate_lipschitz(const Problem& p, int s, uint64_t init_seed, int n_monte, const std::atomic<bool>* stop) {
  double best = 0.0;
  for (int j = 0; j < n_monte; ++j) {
    if (stop && stop->load(std::memory_order_relaxed)) break;
    const auto sub = static_cast<uint32_t>(j);
    const std::vector<double> theta =
        sparse_uniform(p, s, init_seed, Stream::kMonteValues, init_seed, Stream::kMonteSupport, sub);
    double delta = kInf;
    for (double t : theta)
      if (t != 0.0) delta = std::min(delta, std::fabs(t));
    std::vector<double> moved(p.n);
    for (int i = 0; i < p.n; ++i)
      moved[i] = theta[i] + delta * standard_normal(init_seed, Stream::kMonteNormal, sub, i);
    const std::vector<double> tilde = hard_threshold(moved, s);
    std::vector<double> g1, g2;
    loss(p, p.train, tilde, &g1);
    loss(p, p.train, theta, &g2);
    const double ratio = norm2(g1, g2) / norm2(tilde, theta);
    if (std::isfinite(ratio)) best = std::max(best, ratio);
  }
  return best;
}

void final_metrics(const Problem& p, const std::vector<double>& theta,
                   const std::vector<double>& grad, RunResult& r) {
  r.train_acc = accuracy(p, p.train, theta);
  r.test_loss = loss(p, p.test, theta);
  r.test_acc = accuracy(p, p.test, theta);
  // A NaN in a minimum or maximum makes it NaN (a diverged run's θ and ∇f):
  // the margin is then undefined and the run not HT-stable (§3.8).
  // (std::min and std::max would drop a NaN; these keep it.)
  const auto min_of = [](double a, double b) { return std::isnan(a) || std::isnan(b) ? kNaN : std::min(a, b); };
  const auto max_of = [](double a, double b) { return std::isnan(a) || std::isnan(b) ? kNaN : std::max(a, b); };
  double min_kept = kInf, max_grad_out = 0.0, max_grad_in = 0.0;
  bool any_out = false;
  for (int i = 0; i < p.n; ++i) {
    if (theta[i] != 0.0) {
      min_kept = min_of(min_kept, std::fabs(theta[i]));
      max_grad_in = max_of(max_grad_in, std::fabs(grad[i]));
    } else {
      any_out = true;
      max_grad_out = max_of(max_grad_out, std::fabs(grad[i]));
    }
  }
  r.ht_margin = any_out ? min_kept - r.step_size * max_grad_out : kInf;
  r.ht_stable = r.ht_margin >= 0;  // false for NaN
  r.grad_support_inf = max_grad_in;
}

int count_nonzero(const std::vector<double>& v) {
  return static_cast<int>(std::count_if(v.begin(), v.end(), [](double t) { return t != 0.0; }));
}

class ReferenceBackend final : public Backend {
 public:
  explicit ReferenceBackend(int threads) : threads_(threads) {}
  BackendKind kind() const override { return BackendKind::kReference; }
  std::string device() const override { return "cpu (" + std::to_string(resolve_threads(threads_)) + " threads)"; }
  void run(const Dataset& data, const ExperimentConfig& config, const std::vector<RunSpec>& specs,
           std::vector<RunResult>& results, Progress& progress) override {
    results.assign(specs.size(), RunResult{});
    parallel_for(specs.size(), threads_, progress, [&](size_t i) {
      results[i] = reference_run(data, config, specs[i], nullptr, false, &progress.cancel);
      return results[i].steps >= 0;
    });
  }

 private:
  int threads_;
};

}  // namespace

RunResult reference_run(const Dataset& data, const ExperimentConfig& config, const RunSpec& spec,
                        RunDetail* detail, bool want_trace, const std::atomic<bool>* stop) {
  if (config.precision != Precision::kFloat64)
    throw InputError("the reference backend computes in float64 only (--precision float64)");
  const Problem p = make_problem(data, config, spec.data_seed);
  const int s = spec.sparsity;
  RunResult r;
  r.spec = spec;
  r.lipschitz = estimate_lipschitz(p, s, spec.init_seed, config.n_monte, stop);
  r.step_size = config.step_size > 0 ? config.step_size : 1.0 / r.lipschitz;

  std::vector<double> theta =
      sparse_uniform(p, s, spec.init_seed, Stream::kInitValues, spec.support_seed, Stream::kSupport, 0);
  if (detail) {
    detail->train_indices = p.train_indices;
    detail->test_indices = p.test_indices;
    detail->theta0 = theta;
  }
  std::vector<double> grad;
  long k = 0;
  for (;; ++k) {
    if (stop && stop->load(std::memory_order_relaxed)) {
      RunResult stopped;  // not a result: dropped by whoever asked it to stop
      stopped.spec = spec;
      return stopped;
    }
    const double train_loss = loss(p, p.train, theta, &grad);
    if (detail && want_trace) {
      detail->trace.train_loss.push_back(train_loss);
      detail->trace.test_loss.push_back(loss(p, p.test, theta));
      detail->trace.support_size.push_back(count_nonzero(theta));
    }
    r.train_loss = train_loss;
    if (train_loss <= config.tol) { r.stop = StopReason::kTol; break; }
    if (k == config.max_steps) { r.stop = StopReason::kMaxSteps; break; }
    if (!std::isfinite(train_loss)) { r.stop = StopReason::kDiverged; break; }
    std::vector<double> step(p.n);
    for (int i = 0; i < p.n; ++i) step[i] = theta[i] - r.step_size * grad[i];
    theta = hard_threshold(step, s);
  }
  r.steps = k;
  r.theta = theta;
  final_metrics(p, theta, grad, r);
  if (detail) detail->grad = grad;
  return r;
}

double reference_loss(const Dataset& data, const ExperimentConfig& config, uint64_t data_seed,
                      const std::vector<double>& theta) {
  const Problem p = make_problem(data, config, data_seed);
  return loss(p, p.train, theta);
}

std::vector<double> reference_hard_threshold(const std::vector<double>& v, int s) {
  return hard_threshold(v, s);
}

std::vector<double> reference_gradient(const Dataset& data, const ExperimentConfig& config, uint64_t data_seed,
                                       const std::vector<double>& theta) {
  const Problem p = make_problem(data, config, data_seed);
  std::vector<double> grad;
  loss(p, p.train, theta, &grad);
  return grad;
}

std::unique_ptr<Backend> make_reference_backend(int threads) {
  return std::make_unique<ReferenceBackend>(threads);
}

}  // namespace iht
