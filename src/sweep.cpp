#include "ihtbatch/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <unordered_map>

#include "ihtbatch/error.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/seeds.hpp"

namespace iht {

namespace {

/// round(percent/100 · n), at least 1: halves round up, in integers.
int percent_of(long percent, int n) { return std::max(1L, (percent * n + 50) / 100); }

}  // namespace

std::vector<int> default_sparsity_levels(int n) {
  std::set<int> levels;
  if (n <= 32) {
    for (int s = 1; s < n; ++s) levels.insert(s);
  } else {
    for (long percent : {1, 2, 5, 10, 20, 30, 50, 70, 90}) levels.insert(percent_of(percent, n));
  }
  return {levels.begin(), levels.end()};
}

std::vector<int> parse_sparsity_list(const std::string& text, int parameters) {
  auto bad = [&](const std::string& why) {
    return InputError("--sparsity '" + text + "': " + why + " (expected e.g. 1-14 or 3,5,7)");
  };
  auto number = [&](const std::string& t) {
    if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos)
      throw bad("'" + t + "' is not a positive integer");
    if (t.size() > 6) throw bad("level " + t + " is too large (at most 999999)");
    return std::stoi(t);
  };
  if (!text.empty() && text.back() == ',') throw bad("nothing after the last comma");
  std::set<int> levels;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty() && item.back() == '%') {
      if (parameters <= 0) throw bad("a percentage needs the network's size");
      const std::string p = item.substr(0, item.size() - 1);
      const int percent = number(p);
      if (percent < 1 || percent > 99) throw bad("'" + item + "' is not a percentage in 1%..99%");
      const int level = percent_of(percent, parameters);
      if (level >= parameters)
        throw bad("'" + item + "' of n = " + std::to_string(parameters) + " rounds to " + std::to_string(level) +
                  ", the dense level (it comes with --dense)");
      levels.insert(level);
      continue;
    }
    const auto dash = item.find('-');
    if (dash == std::string::npos) {
      levels.insert(number(item));
    } else {
      const int lo = number(item.substr(0, dash)), hi = number(item.substr(dash + 1));
      if (lo > hi) throw bad("range " + item + " is empty");
      for (int s = lo; s <= hi; ++s) levels.insert(s);
    }
  }
  if (levels.empty()) throw bad("no sparsity level");
  return {levels.begin(), levels.end()};
}

void validate(const SweepConfig& c, const Dataset& data) {
  validate(c.experiment);
  const int n = static_cast<int>(network_of(data, c.experiment).parameters());
  for (int s : c.sparsities)
    if (s < 1 || s >= n)
      throw InputError("--sparsity " + std::to_string(s) + " is out of range: sparse levels are 1.." +
                       std::to_string(n - 1) + " for " + std::to_string(n) +
                       " parameters (the dense baseline s = " + std::to_string(n) + " comes with --dense)");
  if (c.runs < 1) throw InputError("--runs must be >= 1, got " + std::to_string(c.runs));
  const long levels = static_cast<long>(c.sparsities.size()) + (c.dense ? 1 : 0);
  if (c.runs > kMaxRunsPerSweep / std::max(levels, 1L))
    throw InputError("--runs " + std::to_string(c.runs) + " x " + std::to_string(levels) + " levels is more than the " +
                     std::to_string(kMaxRunsPerSweep) + " runs one sweep can hold");
  if (c.threads < 0) throw InputError("--threads must be >= 0 (0: all cores)");
  const std::string shard = "--shard " + std::to_string(c.shard_index) + "/" + std::to_string(c.shard_count);
  if (c.shard_count < 1) throw InputError(shard + ": the shard count must be >= 1");
  if (c.shard_index < 0 || c.shard_index >= c.shard_count)
    throw InputError(shard + ": the index must be in 0.." + std::to_string(c.shard_count - 1));
  if (c.shard_count > c.runs)
    throw InputError(shard + ": more shards than the " + std::to_string(c.runs) + " runs per level");
  if (c.sparsities.empty() && !c.dense) throw InputError("nothing to run: no sparsity level and --no-dense");
  // Together, --restart would win and discard the runs --resume asked to keep.
  if (c.resume && c.restart)
    throw InputError("--resume and --restart exclude each other: --resume continues a journal, --restart discards it");
}

std::vector<RunSpec> plan_sweep(const SweepConfig& c, const Dataset& data) {
  std::vector<int> levels = c.sparsities;
  std::sort(levels.begin(), levels.end());
  if (c.dense) levels.push_back(static_cast<int>(network_of(data, c.experiment).parameters()));
  const auto [first, last] = shard_runs(c.runs, c.shard_index, c.shard_count);
  std::vector<RunSpec> specs;
  specs.reserve(levels.size() * static_cast<size_t>(last - first));
  for (int s : levels)
    for (long r = first; r < last; ++r) specs.push_back(derive_run(c.seed, r, s));
  return specs;
}

std::pair<long, long> shard_runs(long runs, int shard_index, int shard_count) {
  __extension__ typedef __int128 wide;  // the product of two longs, exactly
  auto bound = [&](long i) { return static_cast<long>(static_cast<wide>(i) * runs / shard_count); };
  return {bound(shard_index), bound(shard_index + 1L)};
}

void pair_with_dense(std::vector<RunResult>& results, int parameters) {
  std::unordered_map<long, double> dense_loss;
  for (const auto& r : results)
    if (r.spec.sparsity == parameters && r.steps >= 0) dense_loss[r.spec.run] = r.train_loss;
  for (auto& r : results) {
    const auto it = dense_loss.find(r.spec.run);
    r.eps = it == dense_loss.end() ? std::numeric_limits<double>::quiet_NaN() : r.train_loss - it->second;
  }
}

}  // namespace iht
