// The CPU warp engine: each thread plays one warp at a time (CpuWarp), taking
// the next run from a shared counter. The kernels are those of the SIMD path
// taken (cpu_paths.cpp); this file is compiled for the baseline instruction set.
#include <vector>

#include "ihtbatch/engines.hpp"
#include "ihtbatch/simd.hpp"
#include "parallel.hpp"
#include "path_kernels.hpp"
#include "warp_host.hpp"

namespace iht {
namespace {

RunResult run_one(const cpu_paths::PathKernels& kernels, bool single, const warp::WarpProblem& p,
                  const RunSpec& spec, warp::AlignedScratch& buffer, const std::atomic<bool>& stop) {
  warp::WarpResult result{};
  result.steps = -1;
  std::vector<double> theta(p.n);
  unsigned char* scratch = buffer.reserve(kernels.scratch_bytes(p, single));
  kernels.run(p, warp::to_warp(spec), single, scratch, &result, theta.data(), &stop);
  return warp::to_run_result(result, theta.data(), spec, p.n);
}

class CpuWarpBackend final : public Backend {
 public:
  CpuWarpBackend(int threads, SimdPath path) : threads_(threads), kernels_(cpu_paths::path_kernels(path)) {}
  BackendKind kind() const override { return BackendKind::kCpu; }
  std::string device() const override {
    return "cpu warp engine (" + std::to_string(resolve_threads(threads_)) + " threads, " +
           to_string(kernels_.path) + ")";
  }
  std::string simd() const override { return to_string(kernels_.path); }
  void run(const Dataset& data, const ExperimentConfig& config, const std::vector<RunSpec>& specs,
           std::vector<RunResult>& results, Progress& progress) override {
    const warp::WarpProblem p = warp::make_problem(data, config);
    results.assign(specs.size(), RunResult{});
    const bool single = config.precision == Precision::kFloat32;
    parallel_for(specs.size(), threads_, progress, [&](size_t i) {
      thread_local warp::AlignedScratch buffer;
      // A cancel stops the runs under way too (a digits run takes seconds); they stay not computed.
      results[i] = run_one(kernels_, single, p, specs[i], buffer, progress.cancel);
      return results[i].steps >= 0;
    });
  }

 private:
  int threads_;
  const cpu_paths::PathKernels& kernels_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(int threads, SimdPath path) {
  return std::make_unique<CpuWarpBackend>(threads, path);
}
std::unique_ptr<Backend> make_cpu_backend(int threads) { return make_cpu_backend(threads, chosen_simd_path()); }

}  // namespace iht
