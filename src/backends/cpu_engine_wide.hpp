#pragma once
// One run of the wide engine (kernels/wide_run.hpp) on the CPU, compiled in
// its own translation unit (cpu_engine_wide.cpp).
#include "ihtbatch/run.hpp"
#include "warp_host.hpp"

namespace iht {

template <class T>
RunResult run_wide_on_cpu(const warp::WarpProblem& p, const RunSpec& spec, warp::AlignedScratch& buffer);

extern template RunResult run_wide_on_cpu<double>(const warp::WarpProblem&, const RunSpec&, warp::AlignedScratch&);
extern template RunResult run_wide_on_cpu<float>(const warp::WarpProblem&, const RunSpec&, warp::AlignedScratch&);

}  // namespace iht
