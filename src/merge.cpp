#include "ihtbatch/merge.hpp"

#include <algorithm>
#include <cerrno>
#include <set>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ihtbatch/dataset.hpp"
#include "ihtbatch/directory_lock.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/journal.hpp"
#include "ihtbatch/output.hpp"
#include "ihtbatch/summary.hpp"
#include "ihtbatch/sweep.hpp"
#include "ihtbatch/sweep_run.hpp"

namespace iht {
namespace {

struct Shard {
  std::string dir;
  nlohmann::ordered_json meta;
  std::vector<std::string> param_names;
  std::vector<RunResult> runs;
  bool theta_in_npy = false;  // above 64 parameters (docs/SPEC.md §9)
};

/// θ* of every row from a shard's theta.npy (as theta_npy writes it:
/// '<f8', C order, shape (rows, n)). InputError naming the file otherwise.
void read_theta_npy(const std::filesystem::path& path, std::vector<RunResult>& runs, size_t n) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": missing (the shard's runs.csv has no θ columns)");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bad = [&](const std::string& why) { return InputError(path.string() + ": " + why); };
  if (bytes.size() < 10 || bytes.compare(0, 8, std::string("\x93NUMPY\x01\x00", 8)) != 0)
    throw bad("not a NumPy .npy file of format 1.0");
  const size_t header_len = static_cast<unsigned char>(bytes[8]) | static_cast<size_t>(static_cast<unsigned char>(bytes[9])) << 8;
  if (bytes.size() < 10 + header_len) throw bad("truncated header");
  const std::string header = bytes.substr(10, header_len);
  const std::string shape = "'shape': (" + std::to_string(runs.size()) + ", " + std::to_string(n) + ")";
  if (header.find("'descr': '<f8'") == std::string::npos || header.find("'fortran_order': False") == std::string::npos ||
      header.find(shape) == std::string::npos)
    throw bad("expected float64 rows of " + shape + " (one per runs.csv row), header " + header);
  if (bytes.size() != 10 + header_len + runs.size() * n * sizeof(double))
    throw bad(std::to_string(bytes.size()) + " bytes, not the header and " + std::to_string(runs.size() * n) + " doubles");
  const char* data = bytes.data() + 10 + header_len;
  for (size_t r = 0; r < runs.size(); ++r) {
    runs[r].theta.resize(n);
    for (size_t i = 0; i < n; ++i) {
      uint64_t bits = 0;
      for (int b = 0; b < 8; ++b) bits |= static_cast<uint64_t>(static_cast<unsigned char>(data[(r * n + i) * 8 + b])) << (8 * b);
      std::memcpy(&runs[r].theta[i], &bits, sizeof(double));
    }
  }
}


/// An integer field of meta.json, or an InputError naming the file.
long meta_integer(const nlohmann::ordered_json& j, const char* key, const std::string& dir, long fallback) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_number_integer()) throw InputError(dir + "/meta.json: '" + key + "' is not an integer");
  return j[key].get<long>();
}

StopReason stop_of(const std::string& text, const std::string& where) {
  for (StopReason r : {StopReason::kTol, StopReason::kMaxSteps, StopReason::kDiverged})
    if (to_string(r) == text) return r;
  throw InputError(where + ": unknown stop reason '" + text + "'");
}

/// A runs.csv row back into a RunResult: doubles in shortest round-trip form
/// read back to the same bits, so writing them again gives the same text.
RunResult parse_row(const std::vector<std::string>& f, const std::string& where) {
  auto bad = [&](size_t i) { return InputError(where + ": column " + std::to_string(i + 1) + ": '" + f[i] + "' is damaged"); };
  auto real = [&](size_t i) {
    char* end = nullptr;
    const double v = std::strtod(f[i].c_str(), &end);
    if (f[i].empty() || *end != '\0') throw bad(i);
    return v;
  };
  auto whole = [&](size_t i) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(f[i].c_str(), &end, 10);
    if (f[i].empty() || f[i][0] == '-' || *end != '\0' || errno == ERANGE) throw bad(i);
    return v;
  };
  RunResult r;
  r.spec = RunSpec{static_cast<int>(whole(0)), static_cast<long>(whole(1)), whole(2), whole(3), whole(4)};
  r.lipschitz = real(5);
  r.step_size = real(6);
  r.steps = static_cast<long>(whole(7));
  r.stop = stop_of(f[8], where);
  r.train_loss = real(9);
  r.train_acc = real(10);
  r.test_loss = real(11);
  r.test_acc = real(12);
  r.eps = real(13);
  r.ht_stable = f[14] == "1";
  r.ht_margin = real(15);
  r.grad_support_inf = real(16);
  for (size_t i = 17; i < f.size(); ++i) r.theta.push_back(real(i));
  return r;
}

constexpr size_t kFixedColumns = 17;  // runs.csv's columns before θ

Shard read_shard(const std::string& dir) {
  Shard shard{dir, {}, {}, {}};
  const auto meta_path = std::filesystem::path(dir) / "meta.json";
  std::ifstream meta(meta_path);
  if (!meta) throw InputError(dir + ": no meta.json (not a finished sweep or shard)");
  try {
    shard.meta = nlohmann::ordered_json::parse(meta);
  } catch (const std::exception& e) {
    throw InputError(meta_path.string() + ": not valid JSON: " + e.what());
  }
  if (!shard.meta.contains("complete") || !shard.meta["complete"].is_boolean() || !shard.meta["complete"].get<bool>())
    throw InputError(dir + ": the shard is incomplete (meta.json: complete false); finish it with sweep --resume");
  std::ifstream runs(std::filesystem::path(dir) / "runs.csv");
  std::string line;
  if (!runs || !std::getline(runs, line)) throw InputError(dir + ": no runs.csv");
  const auto header = split_fields(line);
  if (header.size() < kFixedColumns) throw InputError(dir + "/runs.csv: not a runs.csv header");
  shard.param_names.assign(header.begin() + kFixedColumns, header.end());
  long line_no = 1;
  while (std::getline(runs, line)) {
    ++line_no;
    const auto fields = split_fields(line);
    const std::string where = dir + "/runs.csv:" + std::to_string(line_no);
    if (fields.size() != header.size()) throw InputError(where + ": expected " + std::to_string(header.size()) + " columns");
    shard.runs.push_back(parse_row(fields, where));
  }
  const auto names_path = std::filesystem::path(dir) / "param_names.txt";
  if (shard.param_names.empty()) {  // θ in theta.npy (above 64 parameters): both files must be there
    std::ifstream names(names_path);
    if (!names)
      throw InputError(dir + ": runs.csv has no θ columns and " + names_path.string() +
                       " cannot be read (a shard of a network above 64 parameters keeps θ in theta.npy and its "
                       "names there)");
    for (std::string name; std::getline(names, name);) shard.param_names.push_back(name);
    if (shard.param_names.empty()) throw InputError(names_path.string() + ": empty");
    shard.theta_in_npy = true;
    read_theta_npy(std::filesystem::path(dir) / "theta.npy", shard.runs, shard.param_names.size());
  }
  return shard;
}

/// Sums a numeric meta.json field over the shards.
template <class Number>
Number sum_of(const std::vector<Shard>& shards, const char* key) {
  Number total = 0;
  for (const auto& s : shards) total += s.meta.value(key, Number(0));
  return total;
}

}  // namespace

long merge_shards(const std::vector<std::string>& shard_dirs, const std::string& out) {
  if (shard_dirs.empty()) throw InputError("merge: no shard directories given");
  // The merge must not overwrite what it reads, nor the runs of a sweep still under way.
  std::error_code ec;
  for (const auto& dir : shard_dirs)
    if (std::filesystem::equivalent(dir, out, ec))
      throw InputError("merge: --out " + out + " is the shard " + dir + ": merge into a directory of its own");
  // Asked before the shards are read, and again under the lock (a sweep may have begun there meanwhile).
  const auto refuse_a_journal_in_out = [&] {
    if (std::filesystem::exists(std::filesystem::path(out) / kJournalName, ec))
      throw InputError("merge: --out " + out + " holds a sweep's journal (" + kJournalName +
                       "): continue that sweep with --resume, or merge into another directory");
  };
  refuse_a_journal_in_out();
  std::vector<Shard> shards;
  for (const auto& dir : shard_dirs) shards.push_back(read_shard(dir));
  const Shard& first = shards.front();
  auto digest_of = [](const Shard& s) {
    const auto it = s.meta.find("config_digest");
    return it != s.meta.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto shard_field = [](const Shard& s, const char* key, long fallback) {
    return s.meta.contains("shard") && s.meta["shard"].is_object() ? meta_integer(s.meta["shard"], key, s.dir, fallback)
                                                                   : fallback;
  };
  const std::string digest = digest_of(first);
  const long count = shard_field(first, "count", 1);
  const long runs_per_level = meta_integer(first.meta, "runs", first.dir, 0);
  if (runs_per_level < 1 || runs_per_level > kMaxRunsPerSweep)  // before a table of `count` entries is made
    throw InputError(first.dir + "/meta.json: runs " + std::to_string(runs_per_level) + " is out of range 1.." +
                     std::to_string(kMaxRunsPerSweep));
  if (count < 1 || count > runs_per_level) throw InputError(first.dir + "/meta.json: a shard count of " + std::to_string(count));
  std::vector<int> seen(static_cast<size_t>(count), 0);
  for (const auto& s : shards) {
    if (digest.empty() || digest_of(s) != digest)
      throw InputError(s.dir + ": a shard of another configuration than " + first.dir + " (config_digest differs)");
    if (s.param_names != first.param_names || s.theta_in_npy != first.theta_in_npy)
      throw InputError(s.dir + ": its parameters (names, or θ in runs.csv against theta.npy) differ from " +
                       first.dir + "'s");
    const long index = shard_field(s, "index", 0), of = shard_field(s, "count", 1);
    if (of != count) throw InputError(s.dir + ": a shard of " + std::to_string(of) + ", not " + std::to_string(count));
    if (index < 0 || index >= count) throw InputError(s.dir + "/meta.json: shard index " + std::to_string(index) + " of " + std::to_string(count));
    if (seen[static_cast<size_t>(index)]++) throw InputError(s.dir + ": shard " + std::to_string(index) + " is given twice");
    // Its rows must be exactly its runs of every level: no row lost, moved or repeated.
    const auto [first_run, last_run] = shard_runs(runs_per_level, static_cast<int>(index), static_cast<int>(count));
    const long levels = static_cast<long>(s.meta.value("sparsity", nlohmann::ordered_json::array()).size()) +
                        (s.meta.value("dense", false) ? 1 : 0);
    std::set<std::pair<int, long>> rows;
    for (const auto& r : s.runs)
      if (r.spec.run < first_run || r.spec.run >= last_run || !rows.emplace(r.spec.sparsity, r.spec.run).second)
        throw InputError(s.dir + "/runs.csv: run " + std::to_string(r.spec.run) + " of s = " +
                         std::to_string(r.spec.sparsity) + " is not this shard's, or is repeated");
    if (static_cast<long>(s.runs.size()) != levels * (last_run - first_run))
      throw InputError(s.dir + "/runs.csv: " + std::to_string(s.runs.size()) + " runs, where the shard has " +
                       std::to_string(levels * (last_run - first_run)));
  }
  for (int i = 0; i < count; ++i)
    if (!seen[i]) throw InputError("merge: shard " + std::to_string(i) + "/" + std::to_string(count) + " is missing");

  // From here on in shard order, whatever the order they were named in.
  std::sort(shards.begin(), shards.end(),
            [&](const Shard& a, const Shard& b) { return shard_field(a, "index", 0) < shard_field(b, "index", 0); });

  // Plan order: levels ascending (dense, s = n, last), runs ascending within each.
  std::vector<RunResult> results;
  for (const auto& s : shards) results.insert(results.end(), s.runs.begin(), s.runs.end());
  std::stable_sort(results.begin(), results.end(), [](const RunResult& a, const RunResult& b) {
    return a.spec.sparsity != b.spec.sparsity ? a.spec.sparsity < b.spec.sparsity : a.spec.run < b.spec.run;
  });

  prepare_output_dir(out);
  const DirectoryLock only_writer(out, "merge: --out");
  refuse_a_journal_in_out();
  refuse_directories_at_outputs("merge: --out", out, shards.front().param_names.size());
  std::filesystem::remove(std::filesystem::path(out) / "meta.json", ec);
  std::ostringstream summary;
  write_summary_csv(summary, summarize(results));
  // meta.json: shard 0's, with the work summed (in shard order) and the
  // earliest start, so that the order the shards are named in changes nothing.
  nlohmann::ordered_json meta = shards.front().meta;
  meta.erase("shard");
  std::vector<std::string> merged_from;
  std::string earliest;  // ISO 8601 in UTC: the text orders as the time
  for (const Shard& s : shards) {
    merged_from.push_back(s.dir);
    const auto started = s.meta.find("started_utc");
    if (started != s.meta.end() && started->is_string() && (earliest.empty() || started->get<std::string>() < earliest))
      earliest = started->get<std::string>();
  }
  if (!earliest.empty()) meta["started_utc"] = earliest;
  if (const long resumed = sum_of<long>(shards, "runs_resumed"); resumed > 0)
    meta["runs_resumed"] = resumed;
  else
    meta.erase("runs_resumed");
  meta["runs_planned"] = sum_of<long>(shards, "runs_planned");
  meta["runs_done"] = sum_of<long>(shards, "runs_done");
  meta["run_steps"] = sum_of<long long>(shards, "run_steps");
  meta["run_steps_computed"] = sum_of<long long>(shards, "run_steps_computed");
  meta["wall_time_s"] = sum_of<double>(shards, "wall_time_s");  // the shards' work, added
  meta["runs_per_s"] = nullptr;
  meta["run_steps_per_s"] = nullptr;
  meta["merged_from"] = merged_from;
  write_runs_and_theta(out, results, shards.front().param_names);
  write_file_atomically((std::filesystem::path(out) / "summary.csv").string(), summary.str());
  write_file_atomically((std::filesystem::path(out) / "meta.json").string(), meta.dump(2) + "\n");
  return static_cast<long>(results.size());
}

}  // namespace iht
