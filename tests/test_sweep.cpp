#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "test_support.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/output.hpp"
#include "ihtbatch/reference.hpp"
#include "ihtbatch/run_detail.hpp"
#include "ihtbatch/seeds.hpp"
#include "ihtbatch/summary.hpp"
#include "ihtbatch/sweep.hpp"

using namespace iht;
using iht::test::iris;

namespace {

SweepConfig small_sweep(int threads) {
  SweepConfig c;
  c.sparsities = {1, 5, 14};
  c.runs = 6;
  c.threads = threads;
  c.backend = BackendKind::kReference;
  c.experiment.max_steps = 400;
  return c;
}

std::vector<RunResult> run_sweep(const SweepConfig& c) {
  auto backend = make_backend(c.backend, c.threads);
  std::vector<RunResult> results;
  Progress progress;
  backend->run(iris(), c.experiment, plan_sweep(c, iris()), results, progress);
  pair_with_dense(results, 15);
  EXPECT_EQ(progress.done.load(), static_cast<long>(results.size()));
  return results;
}

std::string runs_csv(const std::vector<RunResult>& results) {
  std::ostringstream out;
  write_runs_csv(out, results, Network{4, 0, 3}.parameter_names());
  return out.str();
}

}  // namespace

TEST(Sweep, SeedsArePairedAcrossLevels) {
  const RunSpec a = derive_run(0, 3, 2), b = derive_run(0, 3, 9), c = derive_run(0, 4, 2);
  EXPECT_EQ(a.data_seed, b.data_seed);  // same run index: same split
  EXPECT_NE(a.init_seed, b.init_seed);
  EXPECT_NE(a.support_seed, b.support_seed);
  EXPECT_NE(a.data_seed, c.data_seed);
  EXPECT_NE(derive_run(1, 3, 2).data_seed, a.data_seed);
  EXPECT_LT(a.data_seed, uint64_t{1} << 53);
}

TEST(Sweep, PlanOrdersLevelsThenRunsWithDenseLast) {
  const auto specs = plan_sweep(small_sweep(1), iris());
  ASSERT_EQ(specs.size(), 24u);
  EXPECT_EQ(specs[0].sparsity, 1);
  EXPECT_EQ(specs[5].run, 5);
  EXPECT_EQ(specs[6].sparsity, 5);
  EXPECT_EQ(specs[23].sparsity, 15);
}

TEST(Sweep, OneAndTwoThreadsGiveIdenticalFiles) {
  const auto one = run_sweep(small_sweep(1));
  const auto two = run_sweep(small_sweep(2));
  EXPECT_EQ(runs_csv(one), runs_csv(two));
  std::ostringstream s1, s2;
  write_summary_csv(s1, summarize(one));
  write_summary_csv(s2, summarize(two));
  EXPECT_EQ(s1.str(), s2.str());
}

TEST(Sweep, ARunReplaysItsSweepRowExactly) {
  const SweepConfig c = small_sweep(2);
  const auto results = run_sweep(c);
  for (size_t i : {0ul, 9ul, 17ul, 23ul}) {
    const RunResult& row = results[i];
    const RunResult again = reference_run(iris(), c.experiment, derive_run(c.seed, row.spec.run, row.spec.sparsity));
    EXPECT_EQ(again.theta, row.theta);
    EXPECT_EQ(again.train_loss, row.train_loss);
    EXPECT_EQ(again.steps, row.steps);
    EXPECT_EQ(again.step_size, row.step_size);
  }
}

TEST(Sweep, ARunInDetailOnTheCpuGivesItsRowAndTheReferencesSplitAndStart) {
  // Without a trace the reference only sets the run up (split, θ⁰): the row
  // is the backend's, and a long run is not computed twice.
  ExperimentConfig config;
  config.max_steps = 3000;
  const RunSpec spec = derive_run(0, 4, 6);
  RunDetail full;
  reference_run(iris(), config, spec, &full);
  auto cpu = make_backend(BackendKind::kCpu, 1);
  std::vector<RunResult> rows;
  Progress sweep_progress;
  cpu->run(iris(), config, {spec}, rows, sweep_progress);
  RunDetail detail;
  Progress progress;
  const RunResult r = run_in_detail(iris(), config, spec, *cpu, detail, false, progress);
  EXPECT_EQ(r.theta, rows.at(0).theta);
  EXPECT_EQ(r.steps, rows.at(0).steps);
  EXPECT_EQ(r.train_loss, rows.at(0).train_loss);
  EXPECT_EQ(detail.train_indices, full.train_indices);
  EXPECT_EQ(detail.test_indices, full.test_indices);
  EXPECT_EQ(detail.theta0, full.theta0);
  EXPECT_EQ(detail.grad, reference_gradient(iris(), config, spec.data_seed, r.theta));
  EXPECT_TRUE(detail.trace.train_loss.empty());
}

TEST(Sweep, ARunWhoseGradientIsNaNIsNotHtStable) {
  // A step size near the largest double sends θ to ±inf at once: the run
  // diverges, its gradient is NaN, and no backend may call it HT-stable.
  ExperimentConfig config;
  config.step_size = 1.7e308;
  config.n_monte = 5;
  config.max_steps = 50;
  for (int hidden : {0, 2}) {
    config.hidden = hidden;
    const RunSpec spec = derive_run(0, hidden == 0 ? 0 : 2, hidden == 0 ? 5 : 3);
    for (BackendKind kind : {BackendKind::kCpu, BackendKind::kReference}) {
      auto backend = make_backend(kind, 1);
      std::vector<RunResult> rows;
      Progress progress;
      backend->run(iris(), config, {spec}, rows, progress);
      const RunResult& r = rows.at(0);
      const std::string what = to_string(kind) + ", hidden " + std::to_string(hidden);
      ASSERT_EQ(r.stop, StopReason::kDiverged) << what;
      const std::vector<double> g = reference_gradient(iris(), config, spec.data_seed, r.theta);
      ASSERT_TRUE(std::any_of(g.begin(), g.end(), [](double v) { return std::isnan(v); })) << what;
      EXPECT_FALSE(r.ht_stable) << what;
      EXPECT_TRUE(std::isnan(r.ht_margin)) << what << ": margin " << r.ht_margin;
      if (std::all_of(g.begin(), g.end(), [](double v) { return std::isnan(v); }))
        EXPECT_TRUE(std::isnan(r.grad_support_inf)) << what << ": " << r.grad_support_inf;
    }
  }
}

TEST(Sweep, EpsIsPairedWithTheDenseRun) {
  const auto results = run_sweep(small_sweep(2));
  for (const auto& r : results) {
    const RunResult& dense = results[18 + r.spec.run];
    ASSERT_EQ(dense.spec.sparsity, 15);
    EXPECT_DOUBLE_EQ(r.eps, r.train_loss - dense.train_loss);
  }
}

TEST(Sweep, SmallSweepSummaryIsSane) {
  SweepConfig c = small_sweep(2);
  c.experiment.max_steps = 10000;
  c.sparsities = {5};
  c.runs = 8;
  const auto levels = summarize(run_sweep(c));
  ASSERT_EQ(levels.size(), 2u);
  const LevelSummary& sparse = levels[0];
  const LevelSummary& dense = levels[1];
  EXPECT_EQ(dense.sparsity, 15);
  EXPECT_DOUBLE_EQ(dense.frac_tol, 1.0);      // dense gradient descent reaches tol
  EXPECT_LE(dense.metrics[2][4], 0.05);        // max train loss
  EXPECT_GT(sparse.metrics[5][2], 0.6);        // median test accuracy above chance (1/3)
  EXPECT_GT(dense.metrics[5][2], 0.85);
  EXPECT_EQ(sparse.runs, 8);
}

TEST(Sweep, CancelledRunsStayMarkedNotComputed) {
  SweepConfig c = small_sweep(1);
  auto backend = make_backend("reference", 1);
  std::vector<RunResult> results;
  Progress progress;
  progress.cancel = true;
  backend->run(iris(), c.experiment, plan_sweep(c, iris()), results, progress);
  for (const auto& r : results) EXPECT_EQ(r.steps, -1);
  const std::string csv = runs_csv(results);
  EXPECT_EQ(csv.rfind("sparsity,run", 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1);  // the header only
}
