// The GPU backend against the reference and the CPU warp engine. Skipped,
// visibly and with the reason, where it cannot run; a failure instead when
// IHTBATCH_REQUIRE_GPU=1 (on a machine that has a GPU).
#include <gtest/gtest.h>

#include <sstream>

#include "gpu_test_support.hpp"
#include "test_support.hpp"
#include "ihtbatch/compare.hpp"
#include "ihtbatch/engines.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/output.hpp"
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

TEST(Gpu, WideNetworksGiveTheCpuWarpEnginesBits) {
  // The wide engine (wide_run.hpp) writes no FMA or sum the compilers may
  // reorder: the GPU and the CPU must agree to the bit, θ* included.
  REQUIRE_GPU();
  struct Case { const char* data; int hidden; Activation a; };
  for (const Case& k : {Case{"wine", 0, Activation::kTanh}, Case{"digits", 0, Activation::kTanh},
                        Case{"iris", 8, Activation::kTanh}, Case{"iris", 8, Activation::kRelu},
                        Case{"iris", 8, Activation::kSigmoid}}) {
    const Dataset data = load_dataset(k.data);
    for (Precision p : {Precision::kFloat64, Precision::kFloat32}) {
      ExperimentConfig c;
      c.max_steps = 300;
      c.n_monte = 10;
      c.hidden = k.hidden;
      c.activation = k.a;
      c.precision = p;
      SweepConfig s;
      s.experiment = c;
      s.sparsities = {1, 5, 20};
      s.runs = 33;
      const auto specs = plan_sweep(s, data);
      const auto gpu = run_on("gpu", data, c, specs), cpu = run_on("cpu", data, c, specs);
      ASSERT_EQ(gpu.size(), cpu.size());
      // Every field of every row, θ* included, as runs.csv writes it (shortest
      // round-trip text: the same text is the same bits, −0 and +0 apart).
      const auto names = network_of(data, c).parameter_names();
      for (size_t i = 0; i < gpu.size(); ++i) {
        std::ostringstream a, b;
        write_runs_csv(a, {gpu[i]}, names);
        write_runs_csv(b, {cpu[i]}, names);
        ASSERT_EQ(a.str(), b.str()) << k.data << " " << to_string(p) << " run " << i;
        ASSERT_EQ(gpu[i].settled_at, cpu[i].settled_at) << k.data << " run " << i;
      }
    }
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
