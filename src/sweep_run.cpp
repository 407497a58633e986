#include "ihtbatch/sweep_run.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>  // close, unlink

#include "ihtbatch/directory_lock.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/journal.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/output.hpp"

namespace iht {
namespace {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

/// Pairs the runs with the dense baseline, counts what was done, summarises.
void account(SweepOutcome& outcome, int parameters) {
  pair_with_dense(outcome.results, parameters);
  for (const auto& r : outcome.results)
    if (r.steps >= 0) {
      ++outcome.record.runs_done;
      outcome.record.total_steps += r.steps;
      outcome.record.computed_steps += r.steps_computed();
    }
  outcome.levels = summarize(outcome.results);
}

}  // namespace

void create_output_dir(const std::string& out) {
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) throw InputError("--out " + out + ": cannot create directory: " + ec.message());
}

void prepare_output_dir(const std::string& out) {
  create_output_dir(out);
  // A directory that exists but takes no files (/proc/self, one without write
  // permission, a read-only file system) is bad input, refused before the work.
  // The probe has a name of its own (mkstemp: O_EXCL, so no symlink is
  // followed and no other process's file is touched). A full disk is a
  // failure, not bad input: make room, then --resume.
  std::string probe = (std::filesystem::path(out) / ".ihtbatch-probe-XXXXXX").string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) {
    const int error = errno;
    const std::string why = "--out " + out + ": cannot write there: " + std::strerror(error);
    if (error == ENOSPC || error == EDQUOT || error == EIO) throw std::runtime_error(why);
    throw InputError(why);
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

namespace {

/// The runs a journal already holds go into `results`; returns the writer
/// that continues it (or starts one). Refuses, with the flag to use, a journal
/// left without --resume, and one of another configuration.
std::unique_ptr<JournalWriter> open_journal(const SweepConfig& config, const std::string& digest,
                                            const std::vector<RunSpec>& specs, std::vector<RunResult>& results,
                                            long long& bytes_dropped) {
  const std::string path = (std::filesystem::path(config.out) / kJournalName).string();
  if (!std::filesystem::exists(path) || config.restart) return std::make_unique<JournalWriter>(path, digest);
  const JournalContents journal = read_journal(path);
  bytes_dropped = journal.dropped_bytes;
  if (journal.runs.empty()) return std::make_unique<JournalWriter>(path, digest);  // nothing to lose
  if (!config.resume)
    throw InputError("--out " + config.out + " holds an unfinished sweep (" + std::to_string(journal.runs.size()) +
                     " runs in " + kJournalName + "): continue it with --resume, or discard it with --restart");
  if (journal.digest != digest)
    throw InputError("--resume: " + path + " was written by another configuration (data, levels, runs, seed, "
                     "experiment, backend, shard or the ihtbatch build differ); run that one, or discard the journal with --restart");
  for (const auto& [index, result] : journal.runs) {
    // The digest matched, so every record must be a run of this plan: anything else is damage.
    if (index >= results.size() || result.spec.sparsity != specs[index].sparsity || result.spec.run != specs[index].run ||
        result.spec.init_seed != specs[index].init_seed || static_cast<int>(result.stop) < 0 ||
        static_cast<int>(result.stop) > 2)
      throw InputError(path + ": record of run " + std::to_string(index) +
                       " does not belong to this sweep (discard the journal with --restart)");
    results[index] = result;
  }
  return std::make_unique<JournalWriter>(path, digest, journal.valid_bytes);
}

/// Rethrows a failed write's error, adding where the finished runs are kept
/// when the journal holds any (docs/SPEC.md §13: nothing computed is lost).
[[noreturn]] void throw_saying_where_runs_are(const SweepConfig& config, const std::exception& e) {
  const std::filesystem::path journal = std::filesystem::path(config.out) / kJournalName;
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(journal, ec);
  if (ec || bytes == 0) throw std::runtime_error(e.what());
  throw std::runtime_error(std::string(e.what()) + "\nihtbatch: the runs finished so far are kept in " +
                           journal.string() + ": make room, then run the same command with --resume");
}

/// The message of a stored exception.
std::string message_of(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an unknown error";
  }
}

/// Journals a batch's runs as the backend finishes them (Progress's
/// on_run_finished), from a thread of its own that appends and syncs what
/// has come in at least every kJournalSyncPeriod: a kill loses at most that
/// much work, however long the batch. A failure to write (a full disk)
/// cancels the batch and is rethrown by finish().
class JournalPump {
 public:
  JournalPump(JournalWriter& journal, const std::vector<RunResult>& results, const std::vector<size_t>& plan_index,
              Progress& progress)
      : journal_(journal), results_(results), plan_index_(plan_index), progress_(progress),
        journaled_(plan_index.size(), 0), thread_([this] { loop(); }) {}
  JournalPump(const JournalPump&) = delete;
  JournalPump& operator=(const JournalPump&) = delete;
  ~JournalPump() { stop(); }

  /// Run k of the batch is final (called from the backend's threads).
  void finished(size_t k) {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.push_back(k);
  }
  /// Writes what is left of the pump's runs; the runs it journaled.
  const std::vector<char>& finish() {
    stop();
    if (error_) std::rethrow_exception(error_);
    return journaled_;
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait_for(lock, kJournalSyncPeriod, [this] { return stopping_; });
      std::vector<size_t> ready;
      ready.swap(pending_);
      const bool last = stopping_;
      lock.unlock();
      if (!ready.empty() && !error_) {
        try {
          for (size_t k : ready) {
            journal_.append(plan_index_[k], results_[k]);
            journaled_[k] = 1;
          }
          journal_.sync();
        } catch (...) {
          error_ = std::current_exception();
          progress_.cancel = true;
        }
      }
      if (last) return;
      lock.lock();
    }
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

  JournalWriter& journal_;
  const std::vector<RunResult>& results_;
  const std::vector<size_t>& plan_index_;
  Progress& progress_;
  std::vector<char> journaled_;  // written by the pump's thread only, read after it ends
  std::exception_ptr error_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<size_t> pending_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is built
};

/// Runs `todo` (plan indices) on the backend in chunks (a bound on the
/// memory a batch holds), each run journaled as it finishes (JournalPump),
/// or, from a backend that reports runs only at a batch's end, when its
/// chunk ends. The GPU's chunks are larger: one launch must fill the device
/// (65,536 runs: about a second on IRIS).
void compute(const SweepConfig& config, const Dataset& data, Backend& backend, const std::vector<RunSpec>& specs,
             const std::vector<size_t>& todo, JournalWriter& journal, SweepOutcome& outcome, Progress& progress) {
  const size_t chunk = backend.kind() == BackendKind::kGpu ? kJournalChunkGpu : kJournalChunk;
  for (size_t first = 0; first < todo.size() && !progress.cancel.load(); first += chunk) {
    const size_t last = std::min(todo.size(), first + chunk);
    std::vector<RunSpec> batch;
    const std::vector<size_t> plan_index(todo.begin() + first, todo.begin() + last);
    for (size_t i : plan_index) batch.push_back(specs[i]);
    std::vector<RunResult> results(batch.size());
    std::vector<char> journaled;
    {
      JournalPump pump(journal, results, plan_index, progress);
      progress.on_run_finished = [&pump](size_t k) { pump.finished(k); };
      try {
        backend.run(data, config.experiment, batch, results, progress);
      } catch (...) {
        outcome.failure = std::current_exception();  // keep what was computed, then report
      }
      progress.on_run_finished = nullptr;
      try {
        journaled = pump.finish();  // rethrows a failure to write the journal
      } catch (const std::exception& e) {
        if (!outcome.failure) throw;
        // Both failed: the backend's error came first and must not be lost.
        throw std::runtime_error(std::string(e.what()) + "\nihtbatch: before that, the backend failed: " +
                                 message_of(outcome.failure));
      }
    }
    for (size_t k = 0; k < results.size(); ++k)
      if (results[k].steps >= 0) {
        outcome.results[plan_index[k]] = results[k];
        if (!journaled[k]) journal.append(plan_index[k], results[k]);
      }
    journal.sync();
    if (outcome.failure) return;
  }
}

}  // namespace

bool resume_finds_complete_outputs(const SweepConfig& config, const Dataset& data, const Backend& backend) {
  return config.resume && outputs_complete(config, sweep_digest(config, data, backend.name()));
}

SweepOutcome run_sweep(const SweepConfig& config, const Dataset& data, Backend& backend, Progress& progress) {
  const std::vector<RunSpec> specs = plan_sweep(config, data);
  prepare_output_dir(config.out);
  const DirectoryLock only_writer(config.out, "--out");  // before the journal is read: it may be another's
  SweepOutcome outcome;
  SweepRecord& record = outcome.record;
  record.started_utc = utc_now();
  record.backend = backend.name();
  record.device = backend.device();
  record.simd = backend.simd();
  record.runs_planned = static_cast<long>(specs.size());
  outcome.results.assign(specs.size(), RunResult{});
  record.config_digest = sweep_digest(config, data, backend.name());
  const std::string shard = "|shard " + std::to_string(config.shard_index) + "/" + std::to_string(config.shard_count);
  refuse_directories_at_outputs("--out", config.out, network_of(data, config.experiment).parameters(), {kJournalName});
  const auto journal =
      open_journal(config, record.config_digest + shard, specs, outcome.results, outcome.journal_bytes_dropped);

  std::vector<size_t> todo;
  for (size_t i = 0; i < specs.size(); ++i)
    if (outcome.results[i].steps < 0) todo.push_back(i);
  progress.done.store(static_cast<long>(specs.size() - todo.size()));
  record.runs_resumed = static_cast<long>(specs.size() - todo.size());
  for (size_t i = 0; i < specs.size(); ++i)
    if (outcome.results[i].steps >= 0) record.steps_resumed += outcome.results[i].steps;
  const auto start = std::chrono::steady_clock::now();
  try {
    compute(config, data, backend, specs, todo, *journal, outcome, progress);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {  // the journal could not be written (a full disk)
    throw_saying_where_runs_are(config, e);
  }
  record.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const bool any_done =
      std::any_of(outcome.results.begin(), outcome.results.end(), [](const RunResult& r) { return r.steps >= 0; });
  if (outcome.failure && !any_done) {  // nothing to save
    std::filesystem::remove(std::filesystem::path(config.out) / kJournalName);
    std::rethrow_exception(outcome.failure);
  }
  account(outcome, static_cast<int>(network_of(data, config.experiment).parameters()));
  try {
    write_sweep_outputs(config, data, outcome);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {  // a full or read-only disk: the journal keeps the runs
    throw_saying_where_runs_are(config, e);
  }
  // The outputs now hold every run: the journal has done its work.
  if (outcome.complete()) {
    std::filesystem::remove(std::filesystem::path(config.out) / kJournalName);
    sync_directory(config.out);  // a power cut must not bring the journal back beside complete outputs
  }
  return outcome;
}

void write_sweep_outputs(const SweepConfig& config, const Dataset& data, const SweepOutcome& outcome) {
  const std::filesystem::path dir(config.out);
  // meta.json is written last and describes only the files beside it: an old
  // one goes first, so a write that fails half way leaves no stale "complete".
  std::error_code ec;
  std::filesystem::remove(dir / "meta.json", ec);
  write_runs_and_theta(config.out, outcome.results, network_of(data, config.experiment).parameter_names());
  std::ostringstream summary;
  write_summary_csv(summary, outcome.levels);
  write_file_atomically((dir / "summary.csv").string(), summary.str());
  write_file_atomically((dir / "meta.json").string(), meta_json(config, data, outcome.record));
}

}  // namespace iht
