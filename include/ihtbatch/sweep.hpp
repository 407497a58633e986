#pragma once
// A sweep's plan (docs/SPEC.md §4): the run list, its validation, pairing
// with the dense baseline. Running it: sweep_run.hpp.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ihtbatch/backend.hpp"

namespace iht {

/// Runs one batch of the CPU backends holds (a bound on its memory). Each
/// run is journaled as it finishes, and the journal synced at least every
/// kJournalSyncPeriod: a kill loses at most that much work.
inline constexpr size_t kJournalChunk = 512;
inline constexpr std::chrono::milliseconds kJournalSyncPeriod{1000};
/// The GPU backend's batch: a launch must fill the device. Its runs are
/// journaled when the launch ends (about a second of IRIS's work).
inline constexpr size_t kJournalChunkGpu = 65536;

/// The most runs one sweep holds (their results live in memory: ~250 bytes each).
inline constexpr long kMaxRunsPerSweep = 100000000;

struct SweepConfig {
  std::vector<int> sparsities;  // each in 1..n-1
  long runs = 1000;
  bool dense = true;
  uint64_t seed = 0;
  int threads = 0;
  BackendKind backend = BackendKind::kAuto;
  std::string out = "results";
  int shard_index = 0, shard_count = 1;  // this shard's runs of every level (docs/SPEC.md §13)
  bool resume = false;   // continue the journal in `out` (docs/SPEC.md §13)
  bool restart = false;  // discard a journal in `out` and start afresh
  ExperimentConfig experiment;
};

/// The run indices [first, last) of shard I/N of R runs.
std::pair<long, long> shard_runs(long runs, int shard_index, int shard_count);

/// Parses "1-14", "3,5,7", "1-3,7" into a sorted list without repeats; with
/// `parameters` (n > 0) also percentages of n, "5%" = round(0.05·n), at least
/// 1 (docs/SPEC.md §9). Throws InputError on bad syntax.
std::vector<int> parse_sparsity_list(const std::string& text, int parameters = 0);

/// The default sparse levels (docs/SPEC.md §4, §9): 1..n−1 for n ≤ 32, else
/// round(f·n) for f in {1, 2, 5, 10, 20, 30, 50, 70, 90} %, at least 1, no repeats.
std::vector<int> default_sparsity_levels(int parameters);

/// Throws InputError when a value is out of range for this dataset.
void validate(const SweepConfig& config, const Dataset& data);

/// Runs in output order: each sparsity ascending, runs 0..R-1 within it; the
/// dense baseline (s = n) last. A shard I/N holds, of every level, the runs r
/// with ⌊I·R/N⌋ ≤ r < ⌊(I+1)·R/N⌋ (so it pairs its own dense runs).
std::vector<RunSpec> plan_sweep(const SweepConfig& config, const Dataset& data);

/// eps = train_loss(s, r) − train_loss(dense, r) (docs/SPEC.md §4); NaN without a
/// computed dense run r.
void pair_with_dense(std::vector<RunResult>& results, int parameters);

}  // namespace iht
