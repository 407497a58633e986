#pragma once
// One run in detail, as `ihtbatch run` and the Python package show it: the
// row from the chosen backend, exactly as a sweep computes it, and around it
// the split, θ⁰, ∇f(θ*) and (when asked) the per-step trace from the reference.
#include "ihtbatch/backend.hpp"
#include "ihtbatch/reference.hpp"

namespace iht {

/// The run `spec` on `backend`; `detail` receives the split, θ⁰, ∇f(θ*) at the
/// backend's θ*, and with want_trace the reference's float64 trace. A cancel
/// (progress.cancel) stops it: the result then has steps −1.
RunResult run_in_detail(const Dataset& data, const ExperimentConfig& config, const RunSpec& spec, Backend& backend,
                        RunDetail& detail, bool want_trace, Progress& progress);

}  // namespace iht
