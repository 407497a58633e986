#pragma once
// Writers for a sweep's results directory (docs/SPEC.md §6) and the terminal table.
#include <ostream>
#include <string>
#include <vector>

#include "ihtbatch/dataset.hpp"
#include "ihtbatch/run.hpp"
#include "ihtbatch/summary.hpp"

namespace iht {

/// Shortest text that reads back as the same double; "inf", "-inf", "nan".
std::string format_double(double v);
/// v for printing with printf or a stream: a NaN of either sign as the
/// positive one, so it shows as "nan" (as in runs.csv), never "-nan".
double printable(double v);

/// θ stays in runs.csv up to this many parameters; above, theta.npy holds it
/// (docs/SPEC.md §9).
inline constexpr size_t kMaxThetaColumns = 64;

/// runs.csv: header, then one row per computed run (steps ≥ 0); θ's columns
/// when param_names is not empty.
void write_runs_csv(std::ostream& out, const std::vector<RunResult>& results,
                    const std::vector<std::string>& param_names);

/// theta.npy's bytes: NumPy .npy (format 1.0), float64 little-endian, shape
/// (computed runs, n), rows in runs.csv's order.
std::string theta_npy(const std::vector<RunResult>& results, int parameters);

/// Writes dir/runs.csv with θ where docs/SPEC.md §9 puts it: in its columns up
/// to kMaxThetaColumns parameters, else in dir/theta.npy with
/// dir/param_names.txt (and without them, a pair an earlier, wider sweep left
/// is removed: it would describe other runs). Through write_file_atomically.
void write_runs_and_theta(const std::string& dir, const std::vector<RunResult>& results,
                          const std::vector<std::string>& param_names);

/// A directory where an output file belongs fails that file's rename only
/// after the work: refused before it. Throws InputError, naming `what` (the
/// flag), `dir` and the file, when one stands at runs.csv, summary.csv,
/// meta.json, theta.npy or param_names.txt (the last two above
/// kMaxThetaColumns parameters), or at one of `more`.
void refuse_directories_at_outputs(const std::string& what, const std::string& dir, size_t parameters,
                                   const std::vector<std::string>& more = {});
void write_summary_csv(std::ostream& out, const std::vector<LevelSummary>& levels);
/// The per-sparsity table printed at the end of a sweep.
void print_summary_table(std::ostream& out, const std::vector<LevelSummary>& levels, int parameters);

/// Writes `text` to `path` through a temporary file, synced to the disk, and a
/// rename (the directory synced too), so a reader never sees half a file and a
/// power cut leaves the old file or the new one. Throws std::runtime_error
/// naming the path and the system's reason.
void write_file_atomically(const std::string& path, const std::string& text);

/// Flushes a directory's entries (a rename or a removal in it) to the disk.
void sync_directory(const std::string& dir);

}  // namespace iht
