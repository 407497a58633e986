#include "ihtbatch/summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace iht {

const std::vector<std::string> kSummaryMetrics = {"step_size", "steps",    "train_loss", "test_loss",
                                                  "train_acc", "test_acc", "eps"};

FiveNumbers five_numbers(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (v.empty()) return {nan, nan, nan, nan, nan};
  std::sort(v.begin(), v.end());
  auto quantile = [&](double q) {
    const double pos = q * (v.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, v.size() - 1);
    const double frac = pos - lo;
    // Between equal values, that value: inf − inf must not turn two infinite losses into NaN.
    return frac == 0 || v[lo] == v[hi] ? v[lo] : v[lo] + frac * (v[hi] - v[lo]);
  };
  return {v.front(), quantile(0.25), quantile(0.5), quantile(0.75), v.back()};
}

namespace {

double metric(const RunResult& r, size_t k) {
  switch (k) {
    case 0: return r.step_size;
    case 1: return static_cast<double>(r.steps);
    case 2: return r.train_loss;
    case 3: return r.test_loss;
    case 4: return r.train_acc;
    case 5: return r.test_acc;
    default: return r.eps;
  }
}

}  // namespace

std::vector<LevelSummary> summarize(const std::vector<RunResult>& results) {
  std::map<int, std::vector<const RunResult*>> by_level;
  for (const auto& r : results)
    if (r.steps >= 0) by_level[r.spec.sparsity].push_back(&r);
  std::vector<LevelSummary> out;
  for (const auto& [s, runs] : by_level) {
    LevelSummary level;
    level.sparsity = s;
    level.runs = static_cast<long>(runs.size());
    long tol = 0, stable = 0;
    for (const RunResult* r : runs) {
      tol += r->stop == StopReason::kTol;
      stable += r->ht_stable;
    }
    level.frac_tol = static_cast<double>(tol) / level.runs;
    level.frac_ht_stable = static_cast<double>(stable) / level.runs;
    for (size_t k = 0; k < kSummaryMetrics.size(); ++k) {
      std::vector<double> values;
      for (const RunResult* r : runs) values.push_back(metric(*r, k));
      level.metrics.push_back(five_numbers(values));
    }
    out.push_back(level);
  }
  return out;
}

}  // namespace iht
