#include "ihtbatch/sweep_run.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "ihtbatch/error.hpp"
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
void account(SweepOutcome& outcome, const Dataset& data) {
  pair_with_dense(outcome.results, data.parameters());
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

SweepOutcome run_sweep(const SweepConfig& config, const Dataset& data, Backend& backend, Progress& progress) {
  const std::vector<RunSpec> specs = plan_sweep(config, data);
  create_output_dir(config.out);
  SweepOutcome outcome;
  SweepRecord& record = outcome.record;
  record.started_utc = utc_now();
  record.backend = backend.name();
  record.device = backend.device();
  record.runs_planned = static_cast<long>(specs.size());

  const auto start = std::chrono::steady_clock::now();
  try {
    backend.run(data, config.experiment, specs, outcome.results, progress);
  } catch (...) {
    outcome.failure = std::current_exception();  // keep what was computed, then report
  }
  record.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  outcome.results.resize(specs.size());
  const bool any_done =
      std::any_of(outcome.results.begin(), outcome.results.end(), [](const RunResult& r) { return r.steps >= 0; });
  if (outcome.failure && !any_done) std::rethrow_exception(outcome.failure);  // nothing to save
  account(outcome, data);
  write_sweep_outputs(config, data, outcome);
  return outcome;
}

void write_sweep_outputs(const SweepConfig& config, const Dataset& data, const SweepOutcome& outcome) {
  const std::filesystem::path dir(config.out);
  // meta.json is written last and describes only the files beside it: an old
  // one goes first, so a write that fails half way leaves no stale "complete".
  std::error_code ec;
  std::filesystem::remove(dir / "meta.json", ec);
  std::ostringstream runs, summary;
  write_runs_csv(runs, outcome.results, parameter_names(data.features, data.classes));
  write_summary_csv(summary, outcome.levels);
  write_file_atomically((dir / "runs.csv").string(), runs.str());
  write_file_atomically((dir / "summary.csv").string(), summary.str());
  write_file_atomically((dir / "meta.json").string(), meta_json(config, data, outcome.record));
}

}  // namespace iht
