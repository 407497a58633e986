#pragma once
// Agreement between two backends on the same runs (docs/SPEC.md §7).
#include <ostream>
#include <vector>

#include <string>

#include "ihtbatch/backend.hpp"
#include "ihtbatch/config.hpp"
#include "ihtbatch/run.hpp"
#include "ihtbatch/sweep.hpp"

namespace iht {

/// When two results of one run count as the same. float64: same stop reason,
/// steps and final support, |Δ train loss| ≤ 1e-9 (docs/SPEC.md §7). float32 against
/// float64 cannot match step for step near tol, so it asks for the same stop
/// reason and support and |Δ train loss| ≤ 1e-5.
struct AgreementRule {
  bool same_steps = true;
  double loss_tol = 1e-9;
  static AgreementRule for_precision(Precision p);
};

bool same_support(const RunResult& a, const RunResult& b);
bool agree(const RunResult& a, const RunResult& b, const AgreementRule& rule);

struct LevelAgreement {
  int sparsity = 0;
  long runs = 0, agreeing = 0;
  double worst_loss_diff = 0;   // max |Δ train loss|
  double worst_theta_diff = 0;  // max |Δ θ_i|
  std::vector<size_t> disagreeing;  // indices into the result lists
  double fraction() const { return runs ? static_cast<double>(agreeing) / runs : 1.0; }
};

/// Per sparsity level, ascending; a and b hold the same runs in the same order.
std::vector<LevelAgreement> compare_results(const std::vector<RunResult>& a, const std::vector<RunResult>& b,
                                            const AgreementRule& rule);

/// The agreement table, then each disagreeing run with both results.
void print_agreement(std::ostream& out, const std::vector<LevelAgreement>& levels, const std::vector<RunResult>& a,
                     const std::vector<RunResult>& b, const char* name_a, const char* name_b, int parameters);

/// The runs `compare` computes: the levels of `levels_text` (as --sparsity;
/// empty: every default sparse level and the dense one), `runs` each, as a
/// sweep of `seed` plans them. Throws InputError.
SweepConfig comparison_plan(const Dataset& data, const ExperimentConfig& config, const std::string& levels_text,
                            long runs, uint64_t seed, int threads);

/// The same runs on two backends, and their agreement. The reference runs in
/// float64 whatever the precision: it is the yardstick for either.
struct Comparison {
  std::vector<RunSpec> specs;
  ExperimentConfig config_a, config_b;
  std::vector<RunResult> a, b;
  AgreementRule rule;
  std::vector<LevelAgreement> levels;
  /// docs/SPEC.md §7: at least 99 % agreement on every level.
  bool ok() const;
};

/// The closing line: whether `c` agrees >= 99 % on every level, under which rule.
void print_verdict(std::ostream& out, const Comparison& c);

/// Runs the plan on `a`, then on `b` (progress counts both). A cancelled
/// comparison leaves runs uncomputed (steps −1); its levels count only runs
/// both backends computed.
Comparison run_comparison(const Dataset& data, const SweepConfig& plan, Backend& a, Backend& b, Progress& progress);

}  // namespace iht
