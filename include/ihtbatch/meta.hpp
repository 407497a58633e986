#pragma once
// meta.json (docs/SPEC.md §6): the configuration, backend, version and throughput.
#include <string>

#include "ihtbatch/dataset.hpp"
#include "ihtbatch/sweep.hpp"

namespace iht {

/// What happened when a sweep ran.
struct SweepRecord {
  std::string started_utc;
  std::string backend, device;
  std::string simd;  // the cpu backend's SIMD path; empty for the others
  long runs_planned = 0, runs_done = 0;
  long long total_steps = 0;     // the steps the runs report
  long long computed_steps = 0;  // less those skipped at a fixed point (RunResult::settled_at)
  double wall_s = 0;
  long runs_resumed = 0;           // taken from the journal, not computed in wall_s
  long long steps_resumed = 0;     // their steps
  std::string config_digest;  // what merge and resume compare (journal.hpp's sweep_digest)
};

std::string meta_json(const SweepConfig& config, const Dataset& data, const SweepRecord& record);

/// Whether config.out already holds this sweep's complete outputs: no journal,
/// runs.csv and summary.csv present, and a meta.json that says complete, with
/// this configuration's digest (journal.hpp's sweep_digest) and shard. What a
/// scheduler's requeue of a finished task needs to know to compute nothing.
bool outputs_complete(const SweepConfig& config, const std::string& digest);

}  // namespace iht
