// The library's sweep (run_sweep): the files it writes, and the policy that
// keeps what was computed when a backend fails part way.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "test_support.hpp"
#include "ihtbatch/output.hpp"
#include "ihtbatch/reference.hpp"
#include "ihtbatch/sweep_run.hpp"

using namespace iht;
using iht::test::iris;

namespace {

SweepConfig tiny_sweep(const std::string& name) {
  SweepConfig c;
  c.sparsities = {2, 9};
  c.runs = 3;
  c.threads = 1;
  c.experiment.max_steps = 50;
  c.experiment.n_monte = 4;
  c.out = ::testing::TempDir() + "sweep_run_" + name;
  std::filesystem::remove_all(c.out);
  return c;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Computes the first `finish` runs with the reference, then fails.
class FailingBackend final : public Backend {
 public:
  explicit FailingBackend(size_t finish) : finish_(finish) {}
  BackendKind kind() const override { return BackendKind::kCpu; }
  std::string device() const override { return "a backend that fails"; }
  void run(const Dataset& data, const ExperimentConfig& config, const std::vector<RunSpec>& specs,
           std::vector<RunResult>& results, Progress&) override {
    results.assign(specs.size(), RunResult{});
    for (size_t i = 0; i < finish_ && i < specs.size(); ++i) results[i] = reference_run(data, config, specs[i]);
    throw std::runtime_error("device lost");
  }

 private:
  size_t finish_;
};

}  // namespace

TEST(RunSweep, WritesTheFilesOfItsResults) {
  const SweepConfig c = tiny_sweep("writes");
  auto backend = make_backend(BackendKind::kReference, 1);
  Progress progress;
  const SweepOutcome outcome = run_sweep(c, iris(), *backend, progress);
  ASSERT_EQ(outcome.results.size(), 9u);
  EXPECT_TRUE(outcome.complete());
  EXPECT_FALSE(outcome.failure);
  EXPECT_EQ(outcome.record.backend, "reference");
  long steps = 0;
  for (const auto& r : outcome.results) steps += r.steps;
  EXPECT_EQ(outcome.record.total_steps, steps);
  EXPECT_EQ(outcome.record.computed_steps, steps);  // the reference computes every step
  std::ostringstream runs, summary;
  write_runs_csv(runs, outcome.results, parameter_names(4, 3));
  write_summary_csv(summary, outcome.levels);
  EXPECT_EQ(read(c.out + "/runs.csv"), runs.str());
  EXPECT_EQ(read(c.out + "/summary.csv"), summary.str());
  EXPECT_NE(read(c.out + "/meta.json").find("\"complete\": true"), std::string::npos);
}

TEST(RunSweep, KeepsTheRunsFinishedBeforeABackendFailure) {
  const SweepConfig c = tiny_sweep("partial");
  FailingBackend backend(4);
  Progress progress;
  const SweepOutcome outcome = run_sweep(c, iris(), backend, progress);
  ASSERT_TRUE(outcome.failure);
  EXPECT_THROW(std::rethrow_exception(outcome.failure), std::runtime_error);
  EXPECT_EQ(outcome.record.runs_done, 4);
  EXPECT_FALSE(outcome.complete());
  const std::string runs = read(c.out + "/runs.csv");
  EXPECT_EQ(std::count(runs.begin(), runs.end(), '\n'), 1 + 4);  // header and the four finished runs
  EXPECT_NE(read(c.out + "/meta.json").find("\"complete\": false"), std::string::npos);
}

TEST(RunSweep, ThrowsTheFailureWhenNoRunFinished) {
  const SweepConfig c = tiny_sweep("none");
  FailingBackend backend(0);
  Progress progress;
  EXPECT_THROW(run_sweep(c, iris(), backend, progress), std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(c.out + "/runs.csv"));
}

TEST(RunSweep, StepsComputedLeaveOutWhatASettledRunSkipped) {
  RunResult r;
  r.steps = 10000;
  EXPECT_EQ(r.steps_computed(), 10000);
  r.settled_at = 1234;
  EXPECT_EQ(r.steps_computed(), 1234);
}

TEST(RunSweep, AFailedWriteLeavesNoStaleMeta) {
  // A finished sweep's meta.json from before, and summary.csv that cannot be
  // replaced (a directory stands there): the write fails after runs.csv.
  const SweepConfig c = tiny_sweep("stale");
  std::filesystem::create_directories(c.out + "/summary.csv");
  std::ofstream(c.out + "/meta.json") << "{\"complete\": true}\n";
  auto backend = make_backend(BackendKind::kReference, 1);
  Progress progress;
  try {
    run_sweep(c, iris(), *backend, progress);
    FAIL() << "wrote over a directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("summary.csv"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(c.out + "/meta.json")) << "a meta.json that describes other files";
  EXPECT_TRUE(std::filesystem::exists(c.out + "/runs.csv"));
}
