#pragma once
// Per-sparsity statistics of a sweep (docs/SPEC.md §6 summary.csv).
#include <array>
#include <string>
#include <vector>

#include "ihtbatch/run.hpp"

namespace iht {

/// min, q1, median, q3, max (linear interpolation between order statistics,
/// NaNs ignored, ±inf kept; all NaN when every value is NaN).
using FiveNumbers = std::array<double, 5>;
FiveNumbers five_numbers(std::vector<double> values);

struct LevelSummary {
  int sparsity = 0;
  long runs = 0;
  double frac_tol = 0;
  double frac_ht_stable = 0;
  // Order of kSummaryMetrics.
  std::vector<FiveNumbers> metrics;
};

extern const std::vector<std::string> kSummaryMetrics;  // step_size, steps, …

/// One summary per sparsity present, ascending. Runs with steps < 0 are skipped.
std::vector<LevelSummary> summarize(const std::vector<RunResult>& results);

}  // namespace iht
