#pragma once
// The CPU reference: one run at a time, float64, obvious loops (docs/SPEC.md §3).
// It is the oracle for every other backend and shares no code with kernels/
// beyond the RNG, the dataset and the config.
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "ihtbatch/backend.hpp"

namespace iht {

/// Per-step history of a run: entry k is at θᵏ, k = 0..steps.
struct RunTrace {
  std::vector<double> train_loss, test_loss;
  std::vector<int> support_size;
};

/// A run's intermediate values, for `ihtbatch run`.
struct RunDetail {
  std::vector<int> train_indices, test_indices;
  std::vector<double> theta0;
  std::vector<double> grad;  // ∇f(θ*)
  RunTrace trace;            // filled when asked for
};

/// One run exactly as docs/SPEC.md §3; `detail` (optional) receives the split, θ⁰,
/// ∇f(θ*) and, when want_trace, the per-step trace. When *stop becomes true
/// (a cancelled sweep) the run returns at its next step, not computed (steps −1).
RunResult reference_run(const Dataset& data, const ExperimentConfig& config, const RunSpec& spec,
                        RunDetail* detail = nullptr, bool want_trace = false,
                        const std::atomic<bool>* stop = nullptr);

/// f(θ): mean cross-entropy of config's network on the training split of data_seed.
double reference_loss(const Dataset& data, const ExperimentConfig& config, uint64_t data_seed,
                      const std::vector<double>& theta);

/// H_s: keep the s largest |v_i|, ties to the smaller index.
std::vector<double> reference_hard_threshold(const std::vector<double>& v, int s);

/// ∇f(θ) on the training split of data_seed.
std::vector<double> reference_gradient(const Dataset& data, const ExperimentConfig& config, uint64_t data_seed,
                                       const std::vector<double>& theta);

std::unique_ptr<Backend> make_reference_backend(int threads);

}  // namespace iht
