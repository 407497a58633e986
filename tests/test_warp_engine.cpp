// The CPU warp engine (the kernel source the GPU also runs) against the
// independent float64 reference.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>
#include <sstream>

#include "test_support.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/compare.hpp"
#include "ihtbatch/engines.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/output.hpp"
#include "ihtbatch/reference.hpp"
#include "ihtbatch/sweep.hpp"
#include "warp_cpu.hpp"
#include "warp_host.hpp"

using namespace iht;
using iht::test::iris;
using iht::test::run_on;

namespace {

/// r runs of every level 1..n (n = dense).
std::vector<RunSpec> all_levels(const Dataset& data, long runs, uint64_t seed = 0) {
  SweepConfig s;
  s.sparsities = default_sparsity_levels(network_of(data, ExperimentConfig{}).parameters());
  s.runs = runs;
  s.seed = seed;
  return plan_sweep(s, data);
}

ExperimentConfig short_config() {
  ExperimentConfig c;
  c.max_steps = 1500;
  c.n_monte = 20;
  return c;
}

void expect_agreement(const std::vector<RunResult>& a, const std::vector<RunResult>& b, Precision p, int levels) {
  const auto agreement = compare_results(a, b, AgreementRule::for_precision(p));
  ASSERT_EQ(static_cast<int>(agreement.size()), levels);
  std::ostringstream report;
  print_agreement(report, agreement, a, b, "cpu", "reference", 15);
  for (const auto& l : agreement) EXPECT_GE(l.fraction(), 0.99) << report.str();
}

std::string csv(const std::vector<RunResult>& r) {
  std::ostringstream out;
  write_runs_csv(out, r, network_of(iris(), ExperimentConfig{}).parameter_names());
  return out.str();
}

}  // namespace

TEST(WarpEngine, AgreesWithTheReferenceOnEveryLevelInFloat64) {
  const auto specs = all_levels(iris(), 20);  // 300 runs, s = 1..15
  const auto cpu = run_on("cpu", iris(), short_config(), specs);
  const auto ref = run_on("reference", iris(), short_config(), specs);
  expect_agreement(cpu, ref, Precision::kFloat64, 15);
  // Also the step size itself: the Monte Carlo estimate uses the same draws.
  for (size_t i = 0; i < specs.size(); ++i) EXPECT_NEAR(cpu[i].step_size, ref[i].step_size, 1e-12 * ref[i].step_size);
}

TEST(WarpEngine, AgreesWithTheReferenceInFloat32WithinTheStatedTolerance) {
  ExperimentConfig c32 = short_config();
  c32.precision = Precision::kFloat32;
  const auto specs = all_levels(iris(), 8);
  const auto cpu = run_on("cpu", iris(), c32, specs);
  const auto ref = run_on("reference", iris(), short_config(), specs);
  expect_agreement(cpu, ref, Precision::kFloat32, 15);
}

TEST(WarpEngine, AwkwardBatchSizesComputeEveryRun) {
  ExperimentConfig c;
  c.max_steps = 3;
  c.n_monte = 1;
  for (long count : {1L, 31L, 33L, 4097L}) {
    SweepConfig s;
    s.sparsities = {7};
    s.runs = count;
    s.dense = false;
    const auto specs = plan_sweep(s, iris());
    const auto results = run_on("cpu", iris(), c, specs);
    ASSERT_EQ(results.size(), specs.size());
    for (const auto& r : results) ASSERT_EQ(r.steps, 3);
    // The last run of the batch equals that run computed alone.
    const auto alone = run_on("cpu", iris(), c, {specs.back()});
    EXPECT_EQ(alone[0].theta, results.back().theta) << count;
  }
}

TEST(WarpEngine, IdenticalResultsForAnyThreadCount) {
  const auto specs = all_levels(iris(), 3);
  ExperimentConfig c = short_config();
  c.max_steps = 300;
  const std::string one = csv(run_on("cpu", iris(), c, specs, 1));
  EXPECT_EQ(one, csv(run_on("cpu", iris(), c, specs, 2)));
  EXPECT_EQ(one, csv(run_on("cpu", iris(), c, specs, 5)));
}

TEST(WarpEngine, OtherShapesAgreeWithTheReference) {
  // Three features, a shape the engine handles at run time (n = 12).
  const std::string path = ::testing::TempDir() + "iris3.csv";
  {
    std::ofstream out(path);
    out << "a,b,c,y\n";
    const Dataset& d = iris();
    for (int i = 0; i < d.samples; ++i)
      out << d.x[i * 4] << ',' << d.x[i * 4 + 1] << ',' << d.x[i * 4 + 3] << ',' << d.y[i] << '\n';
  }
  const Dataset small = load_csv(path);
  ASSERT_EQ(network_of(small, ExperimentConfig{}).parameters(), 12);
  const auto specs = all_levels(small, 6);
  const auto cpu = run_on("cpu", small, short_config(), specs);
  const auto ref = run_on("reference", small, short_config(), specs);
  const auto agreement = compare_results(cpu, ref, AgreementRule::for_precision(Precision::kFloat64));
  for (const auto& l : agreement) EXPECT_GE(l.fraction(), 0.99) << "s=" << l.sparsity;
}

TEST(WarpEngine, AgreesWithTheReferenceOnASplitOfManyTiles) {
  // 2,000 samples: 1,600 train, 50 chunks of 32 per lane, so 7 tiles of the
  // loss pass and a log of the lane products every 8 chunks; 4 × 3 as IRIS.
  const std::string path = ::testing::TempDir() + "many_tiles.csv";
  {
    std::ofstream out(path);
    out << "a,b,c,d,y\n";
    const Dataset& d = iris();
    for (int i = 0; i < 2000; ++i) {
      const int k = (i * 37) % d.samples;  // IRIS rows, each nudged so no two are equal
      for (int f = 0; f < 4; ++f) out << d.x[k * 4 + f] + 0.001 * ((i * (f + 3)) % 97) << ',';
      out << d.y[k] << '\n';
    }
  }
  const Dataset big = load_csv(path);
  ASSERT_EQ(big.train_size(), 1600);
  SweepConfig sweep;
  sweep.sparsities = parse_sparsity_list("3,7");  // and the dense baseline
  sweep.runs = 3;
  const auto specs = plan_sweep(sweep, big);
  ExperimentConfig config = short_config();
  config.max_steps = 300;
  config.n_monte = 5;
  const auto cpu = run_on("cpu", big, config, specs);
  const auto ref = run_on("reference", big, config, specs);
  expect_agreement(cpu, ref, Precision::kFloat64, 3);
}

TEST(WarpEngine, RunsThatSettleEndAsIfEveryStepWereComputed) {
  // Most runs of s = 1 and 2 reach θᵏ⁺¹ = θᵏ to the bit; the engine then
  // skips to max_steps. The reference computes every step.
  SweepConfig sweep;
  sweep.sparsities = {1, 2};
  sweep.runs = 12;
  sweep.dense = false;
  const auto specs = plan_sweep(sweep, iris());
  ExperimentConfig config = short_config();
  config.max_steps = 4000;
  const warp::WarpProblem p = warp::make_problem(iris(), config);
  warp::AlignedScratch buffer;
  const auto scratch = warp::host_scratch<double>(p, buffer);
  std::vector<RunResult> cpu;
  int settled = 0;
  for (const RunSpec& spec : specs) {
    warp::WarpResult r{};
    std::vector<double> theta(p.n);
    warp::dispatch_kernel(
        p, [&](auto kernel) { kernel.run(warp::CpuWarp{}, p, warp::to_warp(spec), scratch, &r, theta.data()); });
    if (r.settled_at >= 0) {
      ++settled;
      EXPECT_GT(r.settled_at, 0);
      EXPECT_LT(r.settled_at, config.max_steps);
      EXPECT_EQ(r.steps, config.max_steps);
      EXPECT_EQ(r.stop, StopReason::kMaxSteps);
    }
    cpu.push_back(warp::to_run_result(r, theta.data(), spec, p.n));
  }
  EXPECT_GE(settled, 3) << "too few settled runs to test the skip";
  expect_agreement(cpu, run_on("reference", iris(), config, specs), Precision::kFloat64, 2);
}

TEST(WarpEngine, RefusesANetworkOfMoreThan1024Parameters) {
  const std::string path = ::testing::TempDir() + "too_wide.csv";
  {
    std::ofstream out(path);  // 204 features x 5 classes + 5 = 1025 parameters
    for (int f = 0; f < 204; ++f) out << 'x' << f << ',';
    out << "y\n";
    for (int i = 0; i < 10; ++i) {
      for (int f = 0; f < 204; ++f) out << (i * 7 + f) % 11 << ',';
      out << i % 5 << '\n';
    }
  }
  const Dataset wide = load_csv(path);
  for (const char* backend : {"cpu", "reference"}) {
    try {
      run_on(backend, wide, short_config(), {RunSpec{3, 0, 1, 2, 3}});
      ADD_FAILURE() << backend << " accepted 1025 parameters";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("n = 1025"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("1024"), std::string::npos) << e.what();
    }
  }
  ExperimentConfig hidden;
  hidden.hidden = 128;  // IRIS 4→128→3: 8·128 + 3 = 1027
  EXPECT_THROW(run_on("cpu", iris(), hidden, {RunSpec{3, 0, 1, 2, 3}}), InputError);
}

TEST(WarpEngine, CancelledBatchLeavesRunsUnwritten) {
  std::vector<RunResult> out;
  Progress progress;
  progress.cancel = true;
  make_backend("cpu", 2)->run(iris(), short_config(), all_levels(iris(), 2), out, progress);
  for (const auto& r : out) EXPECT_EQ(r.steps, -1);
}

TEST(WarpEngine, ARunAskedToStopReturnsWithoutWritingOnEitherEngine) {
  ExperimentConfig hidden = short_config();
  hidden.hidden = 4;  // the wide engine
  for (const ExperimentConfig& config : {short_config(), hidden}) {
    const warp::WarpProblem p = warp::make_problem(iris(), config);
    warp::AlignedScratch buffer;
    const auto scratch = warp::host_scratch<double>(p, buffer);
    std::atomic<bool> stop{true};
    warp::WarpResult r{};
    r.steps = -1;
    std::vector<double> theta(p.n, -7.0);
    warp::dispatch_kernel(p, [&](auto kernel) {
      kernel.run(warp::CpuWarp{&stop}, p, warp::to_warp(RunSpec{3, 0, 1, 2, 3}), scratch, &r, theta.data());
    });
    EXPECT_EQ(r.steps, -1) << "hidden " << config.hidden;
    for (double t : theta) EXPECT_EQ(t, -7.0);
    stop = false;  // the same run, not stopped, is written
    warp::dispatch_kernel(p, [&](auto kernel) {
      kernel.run(warp::CpuWarp{&stop}, p, warp::to_warp(RunSpec{3, 0, 1, 2, 3}), scratch, &r, theta.data());
    });
    EXPECT_GE(r.steps, 0);
  }
}

namespace {

/// Runs `specs` on `backend`, cancelled 0.2 s in, and checks none was
/// computed or counted done, and that they were under way when the cancel
/// came (not refused at the start).
void expect_cancelled_part_way(const std::string& backend, int threads, const Dataset& data,
                               const ExperimentConfig& config, const std::vector<RunSpec>& specs) {
  std::vector<RunResult> out;
  Progress progress;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    progress.cancel = true;
  });
  const auto start = std::chrono::steady_clock::now();
  make_backend(backend, threads)->run(data, config, specs, out, progress);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200)) << backend;
  canceller.join();
  ASSERT_EQ(out.size(), specs.size());
  for (const auto& r : out)
    EXPECT_EQ(r.steps, -1) << backend << ", hidden " << config.hidden << ", monte " << config.n_monte;
  EXPECT_EQ(progress.done.load(), 0) << backend;
}

}  // namespace

TEST(WarpEngine, ACancelStopsTheRunsUnderWay) {
  // digits runs far too long to finish in the 0.2 s before the cancel (10^5
  // steps of 0.15 ms, and no fixed point in sight): it must stop them part
  // way, leave them not computed and count none as done.
  const Dataset digits = load_dataset("digits");
  ExperimentConfig config = short_config();
  config.max_steps = 100000;
  config.tol = 0;
  expect_cancelled_part_way("cpu", 2, digits, config, {RunSpec{650, 0, 1, 2, 3}, RunSpec{65, 1, 4, 5, 6}});
}

TEST(WarpEngine, ACancelStopsTheMonteCarloEstimate) {
  // 10^6 Monte Carlo samples take seconds (minutes on digits) before a run's
  // first step: a cancel must stop them too, on every engine, and leave the
  // runs not computed (--max-steps 10 ends the steps before their own check).
  ExperimentConfig one_layer = short_config(), hidden = short_config();
  hidden.hidden = 4;  // the wide engine
  for (ExperimentConfig config : {one_layer, hidden}) {
    config.n_monte = 1000000;
    config.max_steps = 10;
    for (const char* backend : {"cpu", "reference"})
      expect_cancelled_part_way(backend, 1, iris(), config, {RunSpec{3, 0, 1, 2, 3}});
  }
}

TEST(WarpEngine, HostScratchIsAlignedAsTheKernelsRequire) {
  warp::AlignedScratch buffer;
  for (int extra : {0, 1000, 0}) {  // grows, then is reused
    warp::WarpProblem p = warp::make_problem(iris(), ExperimentConfig{});
    p.m_train += extra;
    const auto s = warp::host_scratch<double>(p, buffer);
    const void* arrays[] = {s.train_x, s.train_y, s.train_t, s.test_x, s.test_y, s.test_t, s.perm};
    for (const void* at : arrays) EXPECT_EQ(reinterpret_cast<uintptr_t>(at) % warp::kScratchAlignment, 0u);
  }
}

namespace {

/// IRIS with its features rewritten by `row(i, out)`, through a CSV file.
template <class Row>
Dataset iris_variant(const std::string& name, const std::string& header, Row row) {
  const std::string path = ::testing::TempDir() + name;
  {
    std::ofstream out(path);
    out.precision(17);
    out << header << '\n';
    for (int i = 0; i < iris().samples; ++i) {
      row(i, out);
      out << iris().y[i] << '\n';
    }
  }
  return load_csv(path);
}

}  // namespace

TEST(WarpEngine, AConstantFeatureIsCentredExactlyOnEveryBackend) {
  // 0.1 in every row: its mean over 120 rows is not exactly 0.1, so a
  // standardization by mean and sd would blow rounding noise up to ±1.
  const Dataset d = iris_variant("constant.csv", "a,b,c,d,k,y", [](int i, std::ostream& out) {
    for (int f = 0; f < 4; ++f) out << iris().x[i * 4 + f] << ',';
    out << "0.1,";
  });
  const auto specs = all_levels(d, 4);
  ExperimentConfig c = short_config();
  c.max_steps = 500;
  const auto cpu = run_on("cpu", d, c, specs), ref = run_on("reference", d, c, specs);
  const auto agreement = compare_results(cpu, ref, AgreementRule::for_precision(Precision::kFloat64));
  for (const auto& l : agreement) EXPECT_GE(l.fraction(), 0.99) << "s=" << l.sparsity;
  // Its standardized value is exactly 0 on the training part, so its weights
  // get no gradient: a dense run leaves them at θ⁰ to the bit.
  for (const auto& r : cpu)
    if (r.spec.sparsity == network_of(d, ExperimentConfig{}).parameters()) {
      RunDetail detail;
      reference_run(d, c, r.spec, &detail);
      for (int j = 0; j < 3; ++j) EXPECT_EQ(r.theta[4 * 3 + j], detail.theta0[4 * 3 + j]) << "w5" << j + 1;
    }
}

TEST(WarpEngine, HugeFeatureValuesStandardizeWithoutOverflow) {
  // Features near 1e200: their squares overflow a double, so a plain sd is
  // inf and the feature vanishes. Standardized, they are IRIS again.
  const Dataset huge = iris_variant("huge.csv", "a,b,c,d,y", [](int i, std::ostream& out) {
    for (int f = 0; f < 4; ++f) out << iris().x[i * 4 + f] * (f == 2 ? 1e200 : 1.0) << ',';
  });
  const auto specs = all_levels(huge, 2);
  ExperimentConfig c = short_config();
  c.max_steps = 500;
  const auto cpu = run_on("cpu", huge, c, specs), ref = run_on("reference", huge, c, specs);
  const auto plain = run_on("cpu", iris(), c, specs);
  const auto agreement = compare_results(cpu, ref, AgreementRule::for_precision(Precision::kFloat64));
  for (const auto& l : agreement) EXPECT_GE(l.fraction(), 0.99) << "s=" << l.sparsity;
  for (size_t i = 0; i < specs.size(); ++i) {
    ASSERT_TRUE(std::isfinite(cpu[i].train_loss));
    EXPECT_NEAR(cpu[i].train_loss, plain[i].train_loss, 1e-6) << "run " << i;
  }
}
