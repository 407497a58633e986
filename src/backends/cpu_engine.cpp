// The CPU warp engine: each thread plays one warp at a time (CpuWarp), taking
// the next run from a shared counter.
#include <vector>

#include "ihtbatch/engines.hpp"
#include "parallel.hpp"
#include "warp_cpu.hpp"
#include "warp_host.hpp"

namespace iht {
namespace {

template <class T>
RunResult run_one(const warp::WarpProblem& p, const RunSpec& spec, warp::AlignedScratch& buffer,
                  const std::atomic<bool>& stop) {
  const auto scratch = warp::host_scratch<T>(p, buffer);
  warp::WarpResult result{};
  result.steps = -1;
  std::vector<double> theta(p.n);
  warp::dispatch_kernel(
      p, [&](auto kernel) { kernel.run(warp::CpuWarp{&stop}, p, warp::to_warp(spec), scratch, &result, theta.data()); });
  return warp::to_run_result(result, theta.data(), spec, p.n);
}

class CpuWarpBackend final : public Backend {
 public:
  explicit CpuWarpBackend(int threads) : threads_(threads) {}
  BackendKind kind() const override { return BackendKind::kCpu; }
  std::string device() const override {
    return "cpu warp engine (" + std::to_string(resolve_threads(threads_)) + " threads)";
  }
  void run(const Dataset& data, const ExperimentConfig& config, const std::vector<RunSpec>& specs,
           std::vector<RunResult>& results, Progress& progress) override {
    const warp::WarpProblem p = warp::make_problem(data, config);
    results.assign(specs.size(), RunResult{});
    const bool single = config.precision == Precision::kFloat32;
    parallel_for(specs.size(), threads_, progress, [&](size_t i) {
      thread_local warp::AlignedScratch buffer;
      // A cancel stops the runs under way too (a digits run takes seconds); they stay not computed.
      results[i] = single ? run_one<float>(p, specs[i], buffer, progress.cancel)
                          : run_one<double>(p, specs[i], buffer, progress.cancel);
      return results[i].steps >= 0;
    });
  }

 private:
  int threads_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(int threads) { return std::make_unique<CpuWarpBackend>(threads); }

}  // namespace iht
