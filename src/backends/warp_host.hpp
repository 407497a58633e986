#pragma once
// Host-side glue shared by the CPU and GPU warp engines: the problem a batch
// runs on, the one dispatch to a compiled kernel variant, aligned scratch,
// and a warp's result as a RunResult.
#include <memory>
#include <new>
#include <string>

#include "ihtbatch/config.hpp"
#include "ihtbatch/dataset.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/run.hpp"
#include "ihtbatch/network.hpp"
#include "iht_run.hpp"
#include "wide_run.hpp"
#include "problem.hpp"
#include "scratch.hpp"

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// The batch's problem. Throws InputError when the network is larger than
/// docs/SPEC.md §9 allows (network_of).
inline WarpProblem make_problem(const Dataset& data, const ExperimentConfig& c) {
  static_assert(kMaxWideParams == kMaxNetworkParams, "the wide engine holds every network the spec allows");
  static_assert(static_cast<int>(Activation::kTanh) == static_cast<int>(WarpActivation::kTanh) &&
                    static_cast<int>(Activation::kRelu) == static_cast<int>(WarpActivation::kRelu) &&
                    static_cast<int>(Activation::kSigmoid) == static_cast<int>(WarpActivation::kSigmoid),
                "one order of activations");
  const Network net = network_of(data, c);
  return WarpProblem{data.x.data(), data.y.data(), data.samples, data.features, data.classes,
                     static_cast<int>(net.parameters()), data.train_size(), data.test_size(), c.max_steps, c.tol,
                     c.n_monte, c.step_size, net.hidden, static_cast<WarpActivation>(net.activation)};
}

/// Calls f(variant) with the kernel variant that computes p: the one place
/// that maps a problem to a model, an update rule and a shape. One-layer
/// networks of up to kMaxParams run on the compact engine (IRIS's 4×3
/// compiled as a fixed shape), the rest on the wide engine; a new model or
/// rule adds a line here.
template <class F>
decltype(auto) dispatch_kernel(const WarpProblem& p, F&& f) {
  using Update = IhtUpdate;
  if (is_wide(p)) return f(KernelVariant<Mlp, Update, WideShape>{WideShape{p.d, p.hidden, p.c, p.n, p.activation}});
  using Model = SoftmaxRegression;
  if (p.d == 4 && p.c == 3) return f(KernelVariant<Model, Update, FixedShape<4, 3>>{});
  return f(KernelVariant<Model, Update, DynamicShape>{DynamicShape{p.d, p.c, p.n}});
}

/// A growable block of host memory aligned as carve_scratch requires.
class AlignedScratch {
 public:
  AlignedScratch() = default;
  AlignedScratch(const AlignedScratch&) = delete;
  AlignedScratch& operator=(const AlignedScratch&) = delete;

  /// At least `bytes` long (and never null), kScratchAlignment-aligned; the
  /// contents are not kept.
  unsigned char* reserve(size_t bytes) {
    if (!block_ || bytes > size_) {
      if (bytes == 0) bytes = kScratchAlignment;
      block_.reset(static_cast<unsigned char*>(::operator new(bytes, std::align_val_t(kScratchAlignment))));
      size_ = bytes;
    }
    return block_.get();
  }

 private:
  struct Free {
    void operator()(unsigned char* p) const { ::operator delete(p, std::align_val_t(kScratchAlignment)); }
  };
  std::unique_ptr<unsigned char, Free> block_;
  size_t size_ = 0;
};

/// One warp's scratch for p, carved from `buffer`.
template <class T>
WarpScratch<T> host_scratch(const WarpProblem& p, AlignedScratch& buffer) {
  return carve_scratch<T>(p, buffer.reserve(scratch_bytes<T>(p)));
}

inline WarpRunSpec to_warp(const RunSpec& spec) {
  return WarpRunSpec{spec.sparsity, spec.data_seed, spec.init_seed, spec.support_seed};
}

/// A warp's result and its θ* (parameters doubles) as a RunResult.
inline RunResult to_run_result(const WarpResult& w, const double* theta, const RunSpec& spec, int parameters) {
  RunResult r;
  r.spec = spec;
  r.lipschitz = w.lipschitz;
  r.step_size = w.step_size;
  r.steps = w.steps;
  r.settled_at = static_cast<long>(w.settled_at);
  r.stop = w.stop;
  r.train_loss = w.train_loss;
  r.train_acc = w.train_acc;
  r.test_loss = w.test_loss;
  r.test_acc = w.test_acc;
  r.ht_stable = w.ht_stable != 0;
  r.ht_margin = w.ht_margin;
  r.grad_support_inf = w.grad_support_inf;
  r.theta.assign(theta, theta + parameters);
  return r;
}

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp
