// step_bench: µs per IHT step of the CPU warp engine on one thread, as the
// minimum over many short timings. On a shared VM whose speed drifts by tens of
// percent for seconds at a time, a minimum of many ~1 ms runs is the steadiest
// figure to compare two builds by; medians and sweeps tell what users see.
// Each timing is one whole run (split, L̂ from --monte samples, --steps
// updates with tol = 0, final metrics) divided by its number of steps.
// The kernels are the cpu backend's, on the SIMD path it takes here
// (IHTBATCH_SIMD forces one).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "ihtbatch/config.hpp"
#include "ihtbatch/dataset.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/seeds.hpp"
#include "ihtbatch/simd.hpp"
#include "path_kernels.hpp"
#include "warp_host.hpp"

namespace {

struct Timing {
  double min_us, median_us;
};

Timing time_steps(const iht::cpu_paths::PathKernels& kernels, bool single, const iht::Dataset& data,
                  const iht::ExperimentConfig& config, int sparsity, int runs) {
  using namespace iht::warp;
  const WarpProblem p = make_problem(data, config);
  if (p.d != 4 || p.c != 3) throw iht::InputError(data.path + ": step_bench times the 4-feature, 3-class shape");
  AlignedScratch buffer;
  unsigned char* scratch = buffer.reserve(kernels.scratch_bytes(p, single));
  std::vector<double> per_step;
  for (int r = 0; r < runs; ++r) {
    const iht::RunSpec spec = iht::derive_run(0, r % 16, sparsity);
    WarpResult result{};
    std::vector<double> theta(p.n);
    const auto start = std::chrono::steady_clock::now();
    kernels.run(p, to_warp(spec), single, scratch, &result, theta.data(), nullptr);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const iht::RunResult run = to_run_result(result, theta.data(), spec, p.n);
    if (run.steps != config.max_steps) throw iht::InputError("a run stopped early: tol must be 0");
    // A run that settles skips its last steps: time per step computed.
    per_step.push_back(s / static_cast<double>(run.steps_computed()) * 1e6);
  }
  std::sort(per_step.begin(), per_step.end());
  return {per_step.front(), per_step[per_step.size() / 2]};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"µs per step of the CPU warp engine, one thread: minimum and median over many runs"};
  int sparsity = 7, runs = 300, monte = 1;
  long long steps = 1000;
  std::string path = iht::default_data_path();
  app.add_option("--sparsity", sparsity, "s of every run")->capture_default_str();
  app.add_option("--runs", runs, "timed runs per precision")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--steps", steps, "IHT steps per run")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--monte", monte, "Monte Carlo samples for L-hat")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--data", path, "dataset")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    const iht::Dataset data = iht::load_dataset(path);
    if (sparsity < 1 || sparsity > iht::network_of(data, iht::ExperimentConfig{}).parameters())
      throw iht::InputError("--sparsity must be in 1.." + std::to_string(iht::network_of(data, iht::ExperimentConfig{}).parameters()));
    iht::ExperimentConfig config;
    config.max_steps = steps;
    config.tol = 0.0;
    config.n_monte = monte;
    const iht::SimdPath simd = iht::chosen_simd_path();
    const auto& kernels = iht::cpu_paths::path_kernels(simd);
    const Timing f64 = time_steps(kernels, false, data, config, sparsity, runs);
    const Timing f32 = time_steps(kernels, true, data, config, sparsity, runs);
    std::printf("us/step, one thread, %s, s=%d, %d runs x %lld steps: float64 min %.3f median %.3f | float32 min %.3f median %.3f\n",
                iht::to_string(simd).c_str(), sparsity, runs, steps, f64.min_us, f64.median_us, f32.min_us, f32.median_us);
  } catch (const iht::InputError& e) {
    std::fprintf(stderr, "step_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
