#pragma once
// Host-side glue shared by the CPU and GPU warp engines: the problem a batch
// runs on, and a warp's result as a RunResult.
#include <string>

#include "ihtbatch/config.hpp"
#include "ihtbatch/dataset.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/run.hpp"
#include "warp_problem.hpp"

namespace iht::warp {

/// Throws InputError when the network does not fit one warp.
inline WarpProblem make_problem(const Dataset& data, const ExperimentConfig& c) {
  if (data.parameters() > kMaxParams)
    throw InputError(data.path + ": " + std::to_string(data.parameters()) + " parameters (" +
                     std::to_string(data.features) + " features x " + std::to_string(data.classes) +
                     " classes + biases) do not fit the warp engine's " + std::to_string(kMaxParams) +
                     " lanes; use --backend reference");
  return WarpProblem{data.x.data(), data.y.data(), data.samples, data.features, data.classes,
                     data.parameters(), data.train_size(), data.test_size(), c.max_steps, c.tol,
                     c.n_monte, c.step_size};
}

inline WarpRunSpec to_warp(const RunSpec& s) {
  return WarpRunSpec{s.sparsity, s.data_seed, s.init_seed, s.support_seed};
}

inline RunResult to_run_result(const WarpResult& w, const RunSpec& spec, int parameters) {
  RunResult r;
  r.spec = spec;
  r.lipschitz = w.lipschitz;
  r.step_size = w.step_size;
  r.steps = w.steps;
  r.settled_at = static_cast<long>(w.settled_at);
  r.stop = static_cast<StopReason>(w.stop);
  r.train_loss = w.train_loss;
  r.train_acc = w.train_acc;
  r.test_loss = w.test_loss;
  r.test_acc = w.test_acc;
  r.ht_stable = w.ht_stable != 0;
  r.ht_margin = w.ht_margin;
  r.grad_support_inf = w.grad_support_inf;
  r.theta.assign(w.theta, w.theta + parameters);
  return r;
}

}  // namespace iht::warp
