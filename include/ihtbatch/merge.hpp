#pragma once
// `ihtbatch merge`: the shards of one sweep (docs/SPEC.md §13) joined into
// the outputs of the same sweep run unsharded, byte for byte (runs.csv,
// summary.csv); meta.json sums the shards' work.
#include <string>
#include <vector>

namespace iht {

/// Reads each shard directory's meta.json and runs.csv and writes the merged
/// runs.csv, summary.csv and meta.json into `out`. Throws InputError naming the
/// directory for shards of different configurations (their config_digest),
/// missing or repeated shards, and incomplete ones. Returns the runs merged.
long merge_shards(const std::vector<std::string>& shard_dirs, const std::string& out);

}  // namespace iht
