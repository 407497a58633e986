#include "cpu_engine_wide.hpp"

#include <vector>

#include "warp_cpu.hpp"

namespace iht {

template <class T>
RunResult run_wide_on_cpu(const warp::WarpProblem& p, const RunSpec& spec, warp::AlignedScratch& buffer) {
  const auto scratch = warp::host_scratch<T>(p, buffer);
  warp::WarpResult result{};
  result.steps = -1;
  std::vector<double> theta(p.n);
  warp::dispatch_wide(
      p, [&](auto kernel) { kernel.run(warp::CpuWarp{}, p, warp::to_warp(spec), scratch, &result, theta.data()); });
  return warp::to_run_result(result, theta.data(), spec, p.n);
}

template RunResult run_wide_on_cpu<double>(const warp::WarpProblem&, const RunSpec&, warp::AlignedScratch&);
template RunResult run_wide_on_cpu<float>(const warp::WarpProblem&, const RunSpec&, warp::AlignedScratch&);

}  // namespace iht
