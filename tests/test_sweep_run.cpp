// The library's sweep (run_sweep): the files it writes, and the policy that
// keeps what was computed when a backend fails part way.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <thread>

#include "test_support.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/directory_lock.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/journal.hpp"
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
  BackendKind kind() const override { return BackendKind::kReference; }  // its results are the reference's
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

/// Whether done() comes true within a generous 30 s, polled every 20 ms.
template <class F>
bool wait_for(F done) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

/// Computes run 0 with the reference and reports it, then, before going on,
/// waits (a generous 30 s at most) for the sweep's journal to hold it.
class WatchingBackend final : public Backend {
 public:
  explicit WatchingBackend(std::string journal) : journal_(std::move(journal)) {}
  BackendKind kind() const override { return BackendKind::kReference; }
  std::string device() const override { return "a backend that watches the journal"; }
  void run(const Dataset& data, const ExperimentConfig& config, const std::vector<RunSpec>& specs,
           std::vector<RunResult>& results, Progress& progress) override {
    results.assign(specs.size(), RunResult{});
    for (size_t i = 0; i < specs.size(); ++i) {
      results[i] = reference_run(data, config, specs[i]);
      progress.finished(i);
      if (i == 0) saw_run_0 = wait_for([&] {
        const JournalContents j = read_journal(journal_);
        return !j.runs.empty() && j.runs[0].first == 0;
      });
    }
  }
  bool saw_run_0 = false;

 private:
  std::string journal_;
};

/// Computes run 0 and sees it journaled, then caps the size of files
/// (RLIMIT_FSIZE) there, so that journaling run 1 fails, as on a full disk;
/// once the sweep has seen that failure, lifts the cap and fails itself.
class FailingAfterTheJournalBackend final : public Backend {
 public:
  explicit FailingAfterTheJournalBackend(std::string journal) : journal_(std::move(journal)) {}
  BackendKind kind() const override { return BackendKind::kReference; }
  std::string device() const override { return "a backend that fails after the journal"; }
  void run(const Dataset& data, const ExperimentConfig& config, const std::vector<RunSpec>& specs,
           std::vector<RunResult>& results, Progress& progress) override {
    results.assign(specs.size(), RunResult{});
    results[0] = reference_run(data, config, specs[0]);
    progress.finished(0);
    if (!wait_for([&] { return !read_journal(journal_).runs.empty(); })) throw std::logic_error("run 0 not journaled");
    rlimit old{};
    getrlimit(RLIMIT_FSIZE, &old);
    rlimit cap = old;
    cap.rlim_cur = std::filesystem::file_size(journal_);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);  // a failed write, not a killed process
    setrlimit(RLIMIT_FSIZE, &cap);
    results[1] = reference_run(data, config, specs[1]);
    progress.finished(1);
    saw_cancel = wait_for([&] { return progress.cancel.load(); });
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, old_handler);
    throw std::runtime_error("device lost");
  }
  bool saw_cancel = false;

 private:
  std::string journal_;
};

}  // namespace

TEST(RunSweep, AJournalThatFailsAfterTheBackendKeepsBothErrors) {
  const SweepConfig c = tiny_sweep("both_fail");
  const std::string journal = c.out + "/" + kJournalName;
  FailingAfterTheJournalBackend backend(journal);
  Progress progress;
  try {
    run_sweep(c, iris(), backend, progress);
    FAIL() << "the sweep did not fail";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(journal + ": cannot"), std::string::npos) << what;
    EXPECT_NE(what.find("the backend failed: device lost"), std::string::npos) << what;
    EXPECT_NE(what.find("kept in " + journal), std::string::npos) << what;
  }
  EXPECT_TRUE(backend.saw_cancel) << "the journal's failure did not cancel the batch";
  EXPECT_EQ(read_journal(journal).runs.size(), 1u);  // run 0, kept for --resume
}

TEST(RunSweep, JournalsARunWhileItsBatchGoesOn) {
  // A batch can run for minutes (512 digits runs, or the reference): a kill
  // must not lose its finished runs, so each is on the disk soon after it ends.
  const SweepConfig c = tiny_sweep("journal_soon");
  WatchingBackend backend(c.out + "/" + kJournalName);
  Progress progress;
  const SweepOutcome outcome = run_sweep(c, iris(), backend, progress);
  EXPECT_TRUE(backend.saw_run_0) << "run 0 reached the journal only when its batch ended";
  EXPECT_TRUE(outcome.complete());
  SweepConfig whole = tiny_sweep("journal_soon_reference");
  auto reference = make_backend(BackendKind::kReference, 1);
  Progress again;
  run_sweep(whole, iris(), *reference, again);
  EXPECT_EQ(read(c.out + "/runs.csv"), read(whole.out + "/runs.csv"));
}

TEST(RunSweep, BackendsReportEachFinishedRunOnce) {
  const SweepConfig c = tiny_sweep("reports");
  const auto specs = plan_sweep(c, iris());
  for (BackendKind kind : {BackendKind::kCpu, BackendKind::kReference}) {
    auto backend = make_backend(kind, 2);
    std::mutex m;
    std::vector<size_t> reported;
    Progress progress;
    progress.on_run_finished = [&](size_t i) {
      std::lock_guard<std::mutex> lock(m);
      reported.push_back(i);
    };
    std::vector<RunResult> results;
    backend->run(iris(), c.experiment, specs, results, progress);
    std::sort(reported.begin(), reported.end());
    std::vector<size_t> each(specs.size());
    std::iota(each.begin(), each.end(), size_t{0});
    EXPECT_EQ(reported, each) << to_string(kind);
    EXPECT_EQ(progress.done.load(), static_cast<long>(specs.size())) << to_string(kind);
  }
}

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
  write_runs_csv(runs, outcome.results, Network{4, 0, 3}.parameter_names());
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
  // written (a directory stands at its temporary file): the write fails after runs.csv.
  const SweepConfig c = tiny_sweep("stale");
  std::filesystem::create_directories(c.out + "/summary.csv.tmp");
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
  EXPECT_FALSE(std::filesystem::exists(c.out + "/summary.csv"));
}

TEST(RunSweep, ADirectoryWhereAnOutputBelongsIsRefusedBeforeTheWork) {
  auto backend = make_backend(BackendKind::kReference, 1);
  for (const std::string name :
       {kJournalName, "runs.csv", "summary.csv", "meta.json", "theta.npy", "param_names.txt"}) {
    SweepConfig c = tiny_sweep("output_dir");
    c.experiment.hidden = 8;  // IRIS 4→8→3, 67 parameters: θ goes to theta.npy and param_names.txt
    std::filesystem::create_directories(c.out + "/" + name);
    Progress progress;
    try {
      run_sweep(c, iris(), *backend, progress);
      FAIL() << "ran with a directory for " << name;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("--out " + c.out + ": a directory stands where " + name + " belongs"),
                std::string::npos) << e.what();
    }
    EXPECT_EQ(progress.done.load(), 0) << "computed runs whose outputs could not be written: " << name;
  }
  // theta.npy is written only above 64 parameters: directories of those names
  // do not stand in IRIS's way, and are left as they were (empty or not).
  const SweepConfig c = tiny_sweep("output_dir_theta");
  std::filesystem::create_directories(c.out + "/theta.npy/inside");
  std::filesystem::create_directories(c.out + "/param_names.txt");
  Progress progress;
  EXPECT_TRUE(run_sweep(c, iris(), *backend, progress).complete());
  EXPECT_TRUE(std::filesystem::is_directory(c.out + "/theta.npy/inside"));
  EXPECT_TRUE(std::filesystem::is_directory(c.out + "/param_names.txt")) << "removed what it did not write";
}

TEST(RunSweep, RestartWithADirectoryWhereTheJournalBelongsIsBadInput) {
  SweepConfig c = tiny_sweep("journal_dir_restart");
  c.restart = true;
  std::filesystem::create_directories(c.out + "/" + kJournalName);
  auto backend = make_backend(BackendKind::kReference, 1);
  Progress progress;
  EXPECT_THROW(run_sweep(c, iris(), *backend, progress), InputError);
  EXPECT_TRUE(std::filesystem::is_directory(c.out + "/" + kJournalName)) << "removed what it did not write";
}

TEST(RunSweep, ASecondWriterOfTheSameDirectoryIsRefused) {
  const SweepConfig c = tiny_sweep("locked");
  std::filesystem::create_directories(c.out);
  auto backend = make_backend(BackendKind::kReference, 1);
  {
    const DirectoryLock first(c.out, "--out");  // a sweep still writing there
    Progress progress;
    try {
      run_sweep(c, iris(), *backend, progress);
      FAIL() << "two sweeps wrote into one directory";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("--out " + c.out + ": another sweep or merge is writing there"),
                std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(c.out + "/" + kJournalName)) << "the refused sweep began a journal";
  }
  Progress progress;  // the lock released: the sweep runs, and holds it only while it runs
  EXPECT_TRUE(run_sweep(c, iris(), *backend, progress).complete());
  const DirectoryLock after(c.out, "--out");
}

TEST(RunSweep, ResumeComputesOnlyTheMissingRunsAndWritesTheSameFiles) {
  SweepConfig c = tiny_sweep("resume");
  FailingBackend failing(4);  // dies after 4 of 9 runs; they stay in the journal
  Progress first;
  EXPECT_TRUE(run_sweep(c, iris(), failing, first).failure);
  ASSERT_TRUE(std::filesystem::exists(c.out + "/" + kJournalName));
  EXPECT_EQ(read_journal(c.out + "/" + kJournalName).runs.size(), 4u);

  auto reference = make_backend(BackendKind::kReference, 1);
  Progress refused;
  EXPECT_THROW(run_sweep(c, iris(), *reference, refused), InputError);  // a journal, and no --resume
  c.resume = c.restart = true;  // both: --restart would discard the runs --resume keeps
  EXPECT_THROW(validate(c, iris()), InputError);
  c.restart = false;
  Progress second;
  const SweepOutcome resumed = run_sweep(c, iris(), *reference, second);
  EXPECT_TRUE(resumed.complete());
  EXPECT_FALSE(std::filesystem::exists(c.out + "/" + kJournalName));  // done: the outputs hold it all

  SweepConfig whole = tiny_sweep("resume_whole");
  Progress third;
  run_sweep(whole, iris(), *reference, third);
  EXPECT_EQ(read(c.out + "/runs.csv"), read(whole.out + "/runs.csv"));
  EXPECT_EQ(read(c.out + "/summary.csv"), read(whole.out + "/summary.csv"));
}

TEST(RunSweep, AResumeCountsTheBytesItDroppedFromTheJournal) {
  SweepConfig c = tiny_sweep("resume_dropped");
  FailingBackend failing(4);
  Progress first;
  run_sweep(c, iris(), failing, first);
  const std::string journal = c.out + "/" + kJournalName;
  const std::string bytes = read(journal);
  // The last of the 4 records damaged: it and 5 bytes of a write cut short are dropped.
  std::string damaged = bytes + "\x01\x02\x03\x04\x05";
  damaged[bytes.size() - 3] ^= 0x10;
  std::ofstream(journal, std::ios::binary | std::ios::trunc) << damaged;
  const long long last_record = static_cast<long long>(bytes.size()) - read_journal(journal).valid_bytes + 5;
  ASSERT_EQ(read_journal(journal).runs.size(), 3u);
  c.resume = true;
  auto reference = make_backend(BackendKind::kReference, 1);
  Progress second;
  const SweepOutcome resumed = run_sweep(c, iris(), *reference, second);
  EXPECT_TRUE(resumed.complete());
  EXPECT_EQ(resumed.record.runs_resumed, 3);
  EXPECT_EQ(resumed.journal_bytes_dropped, last_record);
  EXPECT_GT(last_record, 5);

  SweepConfig whole = tiny_sweep("resume_dropped_whole");
  Progress third;
  EXPECT_EQ(run_sweep(whole, iris(), *reference, third).journal_bytes_dropped, 0);
  EXPECT_EQ(read(c.out + "/runs.csv"), read(whole.out + "/runs.csv"));
}

TEST(RunSweep, ResumeRefusesAnotherConfigurationAndRestartDiscards) {
  SweepConfig c = tiny_sweep("other");
  FailingBackend failing(3);
  Progress p1;
  run_sweep(c, iris(), failing, p1);
  c.resume = true;
  c.seed = 7;  // another sweep
  auto reference = make_backend(BackendKind::kReference, 1);
  Progress p2;
  try {
    run_sweep(c, iris(), *reference, p2);
    FAIL() << "resumed another configuration's journal";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("another configuration"), std::string::npos) << e.what();
  }
  c.resume = false;
  c.restart = true;
  Progress p3;
  EXPECT_TRUE(run_sweep(c, iris(), *reference, p3).complete());
}

TEST(Journal, ATornLastRecordIsDroppedNotRead) {
  const std::string path = ::testing::TempDir() + "torn.journal";
  const SweepConfig c = tiny_sweep("torn");
  auto reference = make_backend(BackendKind::kReference, 1);
  std::vector<RunResult> results;
  Progress progress;
  const auto specs = plan_sweep(c, iris());
  reference->run(iris(), c.experiment, specs, results, progress);
  {
    JournalWriter journal(path, "digest");
    for (size_t i = 0; i < 3; ++i) journal.append(i, results[i]);
    journal.sync();
  }
  const JournalContents whole = read_journal(path);
  ASSERT_EQ(whole.runs.size(), 3u);
  EXPECT_EQ(whole.dropped_bytes, 0);
  EXPECT_EQ(whole.digest, "digest");
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(whole.runs[i].first, i);
    EXPECT_EQ(whole.runs[i].second.theta, results[i].theta);
    EXPECT_EQ(whole.runs[i].second.train_loss, results[i].train_loss);
    EXPECT_EQ(whole.runs[i].second.steps, results[i].steps);
  }
  // A record cut short (a kill in the middle of a write), then one damaged.
  const std::string bytes = read(path);
  EXPECT_EQ(whole.valid_bytes, static_cast<long long>(bytes.size()));
  long long two_runs = 0;  // where the third record starts
  for (size_t cut : {bytes.size() - 5, bytes.size() - 60}) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes.substr(0, cut);
    const JournalContents torn = read_journal(path);
    EXPECT_EQ(torn.runs.size(), 2u) << cut;
    EXPECT_GT(torn.dropped_bytes, 0) << cut;
    EXPECT_EQ(torn.valid_bytes + torn.dropped_bytes, static_cast<long long>(cut));
    if (two_runs == 0) two_runs = torn.valid_bytes;
    EXPECT_EQ(torn.valid_bytes, two_runs) << "both cuts fall in the third record";
  }
  std::string damaged = bytes;
  damaged[damaged.size() - 20] ^= 0x01;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << damaged;
  const JournalContents damage = read_journal(path);
  EXPECT_EQ(damage.runs.size(), 2u);
  EXPECT_EQ(damage.dropped_bytes, static_cast<long long>(bytes.size()) - two_runs) << "the whole damaged record";
  std::ofstream(path, std::ios::binary | std::ios::trunc) << "not a journal";
  EXPECT_THROW(read_journal(path), InputError);
}
