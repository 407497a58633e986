// The GPU backend against the reference and the CPU warp engine. Skipped,
// visibly and with the reason, where it cannot run; a failure instead when
// IHTBATCH_REQUIRE_GPU=1 (on a machine that has a GPU).
#include <gtest/gtest.h>

#include "gpu_test_support.hpp"
#include "test_support.hpp"
#include "ihtbatch/compare.hpp"
#include "ihtbatch/engines.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/sweep.hpp"

using namespace iht;
using iht::test::iris;
using iht::test::run_on;

namespace {

std::vector<RunSpec> every_level(long runs) {
  SweepConfig s;
  s.sparsities = parse_sparsity_list("1-14");
  s.runs = runs;
  return plan_sweep(s, iris());
}

}  // namespace

TEST(Gpu, AgreesWithTheReferenceInFloat64) {
  REQUIRE_GPU();
  ExperimentConfig c;
  c.max_steps = 3000;
  const auto specs = every_level(40);
  const auto agreement = compare_results(run_on("gpu", iris(), c, specs), run_on("reference", iris(), c, specs),
                                         AgreementRule::for_precision(Precision::kFloat64));
  ASSERT_EQ(agreement.size(), 15u);
  for (const auto& l : agreement) EXPECT_GE(l.fraction(), 0.99) << "s=" << l.sparsity;
}

TEST(Gpu, AgreesWithTheCpuWarpEngineInBothPrecisions) {
  REQUIRE_GPU();
  for (Precision p : {Precision::kFloat64, Precision::kFloat32}) {
    ExperimentConfig c;
    c.max_steps = 3000;
    c.precision = p;
    const auto specs = every_level(40);
    const auto agreement = compare_results(run_on("gpu", iris(), c, specs), run_on("cpu", iris(), c, specs),
                                           AgreementRule::for_precision(p));
    for (const auto& l : agreement) EXPECT_GE(l.fraction(), 0.99) << "s=" << l.sparsity << " " << to_string(p);
  }
}

TEST(Gpu, AwkwardBatchSizesComputeEveryRun) {
  REQUIRE_GPU();
  ExperimentConfig c;
  c.max_steps = 5;
  c.n_monte = 2;
  for (long count : {1L, 31L, 33L, 4097L}) {
    SweepConfig s;
    s.sparsities = {5};
    s.runs = count;
    s.dense = false;
    const auto results = run_on("gpu", iris(), c, plan_sweep(s, iris()));
    for (const auto& r : results) ASSERT_EQ(r.steps, 5) << count;
  }
}

TEST(Gpu, StatusSaysWhyItCannotRun) {
  const GpuStatus gpu = gpu_status();
  EXPECT_FALSE(gpu.detail.empty());
  if (!gpu.usable) {
    EXPECT_THROW(make_backend(BackendKind::kGpu, 1), InputError);
    EXPECT_NE(available_backends().front(), BackendKind::kGpu);
  }
}
