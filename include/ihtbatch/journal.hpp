#pragma once
// A sweep's journal (docs/SPEC.md §13): every finished run appended to
// <out>/journal.bin as it goes, each record checksummed, synced at least
// every kJournalSyncPeriod (sweep.hpp). After a crash, a kill -9 or a power
// cut, `sweep --resume` reads it back, drops a torn last record, and
// computes only what is missing; its outputs are byte-identical to an
// uninterrupted sweep's (the results are stored bit for bit).
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "ihtbatch/dataset.hpp"
#include "ihtbatch/run.hpp"
#include "ihtbatch/sweep.hpp"

namespace iht {

/// The journal's file name inside a sweep's output directory.
inline constexpr const char* kJournalName = "journal.bin";

/// What makes two sweeps the same computation: the data (its values), the
/// plan, the experiment and the backend, not the thread count, --out or the
/// shard (merge joins shards of one digest).
std::string sweep_digest(const SweepConfig& config, const Dataset& data, const std::string& backend);

/// A journal read back: its digest and the finished runs (plan index, result).
struct JournalContents {
  std::string digest;
  std::vector<std::pair<size_t, RunResult>> runs;
  long long valid_bytes = 0;  // the header and every whole record
  long long dropped_bytes = 0;  // bytes after the last whole record (torn or damaged), dropped
};

/// Reads the journal at `path`. Throws InputError naming it when it is not a
/// journal (or its header is damaged).
JournalContents read_journal(const std::string& path);

/// Appends records to a journal, creating it with its header, or continuing
/// one after its last whole record (the torn rest cut off).
class JournalWriter {
 public:
  JournalWriter(const std::string& path, const std::string& digest, long long keep_bytes = -1);
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;
  ~JournalWriter();

  void append(size_t plan_index, const RunResult& result);
  /// Flushes and syncs what was appended to the disk. Throws naming the file.
  void sync();

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace iht
