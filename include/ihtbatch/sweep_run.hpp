#pragma once
// A whole sweep as the CLI and other front ends run it: the plan on a
// backend, pairing with the dense baseline, step counts, the summary, and the
// output files, with the policy that keeps what was computed.
#include <exception>
#include <vector>

#include "ihtbatch/backend.hpp"
#include "ihtbatch/meta.hpp"
#include "ihtbatch/summary.hpp"
#include "ihtbatch/sweep.hpp"

namespace iht {

struct SweepOutcome {
  std::vector<RunResult> results;  // every planned run, in plan order; steps = −1: not computed
  std::vector<LevelSummary> levels;
  SweepRecord record;
  std::exception_ptr failure;  // the backend's error, when it failed after some runs finished
  long long journal_bytes_dropped = 0;  // a journal's bytes after its last whole record (torn or damaged), dropped

  bool complete() const { return record.runs_done == record.runs_planned; }
};

/// Creates the output directory (and its parents); an InputError naming --out
/// when it cannot. Front ends may call it early; run_sweep prepares it.
void create_output_dir(const std::string& out);

/// create_output_dir, then a check that a file can be created there: an
/// InputError naming --out when not (no permission, a read-only file system),
/// a std::runtime_error when the disk is full. run_sweep and merge call it.
void prepare_output_dir(const std::string& out);

/// Runs the sweep of `config` (validated) on `backend` and writes runs.csv,
/// summary.csv and meta.json into config.out, which it creates first.
///
/// Nothing computed is lost: every finished run goes to the journal
/// (journal.hpp) as the sweep goes; config.resume continues one, computing
/// only the missing runs, with outputs byte-identical to an uninterrupted
/// sweep's. A cancelled sweep (progress.cancel) writes the runs it finished;
/// when the backend fails after some runs finished, they are written and the
/// error is returned in `failure`. It is thrown only when no run finished. A
/// failed write throws; the journal stays. A complete sweep removes its
/// journal. Without resume or restart, a journal in config.out is refused.
SweepOutcome run_sweep(const SweepConfig& config, const Dataset& data, Backend& backend, Progress& progress);

/// Whether this is a --resume of a sweep whose outputs in config.out are
/// already complete (a requeued finished task): then nothing is to be run,
/// and the files there are the result (the CLI and Python both ask).
bool resume_finds_complete_outputs(const SweepConfig& config, const Dataset& data, const Backend& backend);

/// runs.csv, summary.csv and meta.json of an outcome into config.out, each
/// through a temporary file and a rename.
void write_sweep_outputs(const SweepConfig& config, const Dataset& data, const SweepOutcome& outcome);

}  // namespace iht
