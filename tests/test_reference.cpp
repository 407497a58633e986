#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "test_support.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/dataset.hpp"
#include "ihtbatch/philox.hpp"
#include "ihtbatch/reference.hpp"

using namespace iht;
using iht::test::iris;

namespace {

ExperimentConfig quick_config(long max_steps = 2000) {
  ExperimentConfig c;
  c.max_steps = max_steps;
  return c;
}

}  // namespace

TEST(Reference, GradientMatchesCentralDifferences) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    std::vector<double> theta(15);
    for (int i = 0; i < 15; ++i) theta[i] = uniform_symmetric(seed, Stream::kInitValues, 0, i, 1.5);
    const std::vector<double> grad = reference_gradient(iris(), ExperimentConfig{}, seed, theta);
    for (int i = 0; i < 15; ++i) {
      const double h = 1e-5;
      std::vector<double> plus = theta, minus = theta;
      plus[i] += h;
      minus[i] -= h;
      const double fd = (reference_loss(iris(), ExperimentConfig{}, seed, plus) - reference_loss(iris(), ExperimentConfig{}, seed, minus)) / (2 * h);
      EXPECT_NEAR(grad[i], fd, 1e-8) << "parameter " << i;
    }
  }
}

TEST(Reference, HardThresholdKeepsLargestMagnitudes) {
  const std::vector<double> v = {0.5, -3, 2, -0.1, 0};
  EXPECT_EQ(reference_hard_threshold(v, 2), (std::vector<double>{0, -3, 2, 0, 0}));
  EXPECT_EQ(reference_hard_threshold(v, 5), v);
}

TEST(Reference, HardThresholdBreaksTiesToSmallerIndex) {
  const std::vector<double> v = {1, -2, 2, -2, 1};
  EXPECT_EQ(reference_hard_threshold(v, 1), (std::vector<double>{0, -2, 0, 0, 0}));
  EXPECT_EQ(reference_hard_threshold(v, 2), (std::vector<double>{0, -2, 2, 0, 0}));
  EXPECT_EQ(reference_hard_threshold(v, 4), (std::vector<double>{1, -2, 2, -2, 0}));
  // Exactly s kept even when fewer are nonzero: zeros tie, smaller index first.
  const std::vector<double> z = {0, 0, 3, 0};
  EXPECT_EQ(reference_hard_threshold(z, 2), (std::vector<double>{0, 0, 3, 0}));
}

TEST(Reference, SparsityHoldsAtEveryStep) {
  for (int s : {1, 4, 7, 14}) {
    RunDetail detail;
    const RunResult r = reference_run(iris(), quick_config(500), RunSpec{s, 0, 42, 21, 84}, &detail, true);
    ASSERT_EQ(detail.trace.support_size.size(), static_cast<size_t>(r.steps + 1));
    for (int size : detail.trace.support_size) EXPECT_LE(size, s);
    EXPECT_LE(std::count_if(r.theta.begin(), r.theta.end(), [](double t) { return t != 0; }), s);
    const int initial = std::count_if(detail.theta0.begin(), detail.theta0.end(), [](double t) { return t != 0; });
    EXPECT_EQ(initial, s);
  }
}

TEST(Reference, SplitIsAPartitionOfTheData) {
  RunDetail detail;
  reference_run(iris(), quick_config(1), RunSpec{3, 0, 42, 21, 84}, &detail);
  std::vector<int> all = detail.train_indices;
  all.insert(all.end(), detail.test_indices.begin(), detail.test_indices.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), 150u);
  for (int i = 0; i < 150; ++i) EXPECT_EQ(all[i], i);
  EXPECT_EQ(detail.train_indices.size(), 120u);
}

TEST(Reference, StopsAtTolWithLossBelowTol) {
  ExperimentConfig c = quick_config(10000);
  c.tol = 0.1;
  const RunResult r = reference_run(iris(), c, RunSpec{15, 0, 42, 21, 84});
  EXPECT_EQ(r.stop, StopReason::kTol);
  EXPECT_LE(r.train_loss, 0.1);
  EXPECT_GT(r.steps, 0);
  EXPECT_TRUE(r.ht_stable);                 // dense: the complement of S is empty
  EXPECT_TRUE(std::isinf(r.ht_margin));
  EXPECT_GT(r.train_acc, 0.95);
}

TEST(Reference, StopsAtMaxSteps) {
  const RunResult r = reference_run(iris(), quick_config(37), RunSpec{2, 0, 42, 21, 84});
  EXPECT_EQ(r.stop, StopReason::kMaxSteps);
  EXPECT_EQ(r.steps, 37);
  EXPECT_GT(r.train_loss, 0.05);
}

TEST(Reference, StopsWhenTheLossIsNotFinite) {
  ExperimentConfig c = quick_config(1000);
  c.step_size = 1e308;  // logits overflow within a step or two
  const RunResult r = reference_run(iris(), c, RunSpec{15, 0, 42, 21, 84});
  EXPECT_EQ(r.stop, StopReason::kDiverged);
  EXPECT_LT(r.steps, 1000);
  EXPECT_FALSE(std::isfinite(r.train_loss));
}

TEST(Reference, ZeroStepsEvaluatesTheInitialPoint) {
  RunDetail detail;
  const RunResult r = reference_run(iris(), quick_config(0), RunSpec{5, 0, 1, 2, 3}, &detail);
  EXPECT_EQ(r.steps, 0);
  EXPECT_EQ(r.theta, detail.theta0);
}

TEST(Reference, StepSizeIsTheInverseLipschitzEstimate) {
  const RunResult r = reference_run(iris(), quick_config(1), RunSpec{7, 0, 42, 21, 84});
  EXPECT_GT(r.lipschitz, 0);
  EXPECT_DOUBLE_EQ(r.step_size, 1.0 / r.lipschitz);
  // The cross-entropy Hessian is bounded by ‖X‖²/2 per class pair; γ is O(1) here.
  EXPECT_GT(r.step_size, 0.01);
  EXPECT_LT(r.step_size, 100);
}

TEST(Reference, IsAPureFunctionOfTheSeeds) {
  const RunSpec spec{6, 0, 5, 6, 7};
  const RunResult a = reference_run(iris(), quick_config(300), spec);
  const RunResult b = reference_run(iris(), quick_config(300), spec);
  EXPECT_EQ(a.theta, b.theta);
  EXPECT_EQ(a.train_loss, b.train_loss);
  const RunResult c = reference_run(iris(), quick_config(300), RunSpec{6, 0, 5, 6, 8});
  EXPECT_NE(a.theta, c.theta);
}

TEST(Reference, ARunAskedToStopIsNotComputed) {
  std::atomic<bool> stop{true};
  const RunResult stopped = reference_run(iris(), quick_config(300), RunSpec{7, 0, 1, 2, 3}, nullptr, false, &stop);
  EXPECT_EQ(stopped.steps, -1);
  EXPECT_TRUE(stopped.theta.empty());
  stop = false;
  EXPECT_EQ(reference_run(iris(), quick_config(300), RunSpec{7, 0, 1, 2, 3}, nullptr, false, &stop).steps, 300);
}
