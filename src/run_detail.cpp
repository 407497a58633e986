#include "ihtbatch/run_detail.hpp"

namespace iht {

RunResult run_in_detail(const Dataset& data, const ExperimentConfig& config, const RunSpec& spec, Backend& backend,
                        RunDetail& detail, bool want_trace, Progress& progress) {
  if (backend.kind() == BackendKind::kReference)
    return reference_run(data, config, spec, &detail, want_trace, &progress.cancel);
  // The detail around the row (split, θ⁰, trace) from the reference, in
  // float64; without a trace it only sets the run up (no step: a run of
  // millions of steps is not computed twice).
  ExperimentConfig reference_config = config;
  reference_config.precision = Precision::kFloat64;
  if (!want_trace) reference_config.max_steps = 0;
  if (reference_run(data, reference_config, spec, &detail, want_trace, &progress.cancel).steps < 0) {
    RunResult stopped;
    stopped.spec = spec;
    return stopped;
  }
  std::vector<RunResult> out;
  backend.run(data, config, {spec}, out, progress);
  if (out.at(0).steps >= 0) detail.grad = reference_gradient(data, config, spec.data_seed, out.at(0).theta);
  return out.at(0);
}

}  // namespace iht
