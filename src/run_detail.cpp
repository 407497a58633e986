#include "ihtbatch/run_detail.hpp"

namespace iht {

RunResult run_in_detail(const Dataset& data, const ExperimentConfig& config, const RunSpec& spec, Backend& backend,
                        RunDetail& detail, bool want_trace) {
  if (backend.kind() == BackendKind::kReference) return reference_run(data, config, spec, &detail, want_trace);
  // The detail around the row (split, θ⁰, trace) from the reference, in float64.
  ExperimentConfig reference_config = config;
  reference_config.precision = Precision::kFloat64;
  reference_run(data, reference_config, spec, &detail, want_trace);
  std::vector<RunResult> out;
  Progress progress;
  backend.run(data, config, {spec}, out, progress);
  detail.grad = reference_gradient(data, config, spec.data_seed, out.at(0).theta);
  return out.at(0);
}

}  // namespace iht
