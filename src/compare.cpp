#include "ihtbatch/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "ihtbatch/error.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/output.hpp"

namespace iht {

AgreementRule AgreementRule::for_precision(Precision p) {
  if (p == Precision::kFloat64) return AgreementRule{true, 1e-9};
  return AgreementRule{false, 1e-5};
}

bool same_support(const RunResult& a, const RunResult& b) {
  if (a.theta.size() != b.theta.size()) return false;
  for (size_t i = 0; i < a.theta.size(); ++i)
    if ((a.theta[i] != 0.0) != (b.theta[i] != 0.0)) return false;
  return true;
}

bool agree(const RunResult& a, const RunResult& b, const AgreementRule& rule) {
  if (a.stop != b.stop || (rule.same_steps && a.steps != b.steps) || !same_support(a, b)) return false;
  const double diff = std::fabs(a.train_loss - b.train_loss);
  // Diverged runs have non-finite losses; their agreement is stop reason and steps.
  return diff <= rule.loss_tol || (a.stop == StopReason::kDiverged && !std::isfinite(diff));
}

std::vector<LevelAgreement> compare_results(const std::vector<RunResult>& a, const std::vector<RunResult>& b,
                                            const AgreementRule& rule) {
  std::map<int, LevelAgreement> levels;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i].steps < 0 || b[i].steps < 0) continue;
    LevelAgreement& level = levels[a[i].spec.sparsity];
    level.sparsity = a[i].spec.sparsity;
    ++level.runs;
    const double loss_diff = std::fabs(a[i].train_loss - b[i].train_loss);
    if (std::isfinite(loss_diff)) level.worst_loss_diff = std::max(level.worst_loss_diff, loss_diff);
    for (size_t k = 0; k < a[i].theta.size() && k < b[i].theta.size(); ++k) {
      const double d = std::fabs(a[i].theta[k] - b[i].theta[k]);
      if (std::isfinite(d)) level.worst_theta_diff = std::max(level.worst_theta_diff, d);
    }
    if (agree(a[i], b[i], rule))
      ++level.agreeing;
    else
      level.disagreeing.push_back(i);
  }
  std::vector<LevelAgreement> out;
  for (auto& [s, level] : levels) out.push_back(level);
  return out;
}

namespace {

void print_run(std::ostream& out, const char* name, const RunResult& r) {
  char line[256];
  std::snprintf(line, sizeof line, "    %-10s stop %-9s steps %6ld  train loss %.17g  support", name,
                to_string(r.stop).c_str(), r.steps, r.train_loss);
  out << line;
  for (size_t i = 0; i < r.theta.size(); ++i)
    if (r.theta[i] != 0.0) out << ' ' << i;
  out << '\n';
}

}  // namespace

void print_agreement(std::ostream& out, const std::vector<LevelAgreement>& levels, const std::vector<RunResult>& a,
                     const std::vector<RunResult>& b, const char* name_a, const char* name_b, int parameters) {
  out << "  level   runs  agree   agreement  worst |d train loss|  worst |d theta|\n";
  for (const auto& l : levels) {
    const std::string name = l.sparsity == parameters ? "dense" : "s=" + std::to_string(l.sparsity);
    char line[160];
    std::snprintf(line, sizeof line, "%7s %6ld %6ld %10.2f%% %21.3g %16.3g\n", name.c_str(), l.runs, l.agreeing,
                  100 * l.fraction(), l.worst_loss_diff, l.worst_theta_diff);
    out << line;
  }
  for (const auto& l : levels)
    for (size_t i : l.disagreeing) {
      const auto& s = a[i].spec;
      out << "disagree: s=" << s.sparsity << " run " << s.run << " (data " << s.data_seed << ", init "
          << s.init_seed << ", support " << s.support_seed << ")\n";
      print_run(out, name_a, a[i]);
      print_run(out, name_b, b[i]);
    }
}

SweepConfig comparison_plan(const Dataset& data, const ExperimentConfig& config, const std::string& levels_text,
                            long runs, uint64_t seed, int threads) {
  const int n = static_cast<int>(network_of(data, config).parameters());
  SweepConfig plan;
  plan.experiment = config;
  plan.runs = runs;
  plan.seed = seed;
  plan.threads = threads;
  std::vector<int> levels = levels_text.empty() ? default_sparsity_levels(n) : parse_sparsity_list(levels_text, n);
  if (levels_text.empty()) levels.push_back(n);
  for (int s : levels)  // n is compare's dense level; sweep's message (which names --dense) would mislead here
    if (s < 1 || s > n)
      throw InputError("--sparsity " + std::to_string(s) + " is out of range: levels are 1.." + std::to_string(n) +
                       " for " + std::to_string(n) + " parameters (" + std::to_string(n) + ": the dense baseline)");
  plan.dense = !levels.empty() && levels.back() == n;
  if (plan.dense) levels.pop_back();
  plan.sparsities = levels;
  validate(plan, data);
  return plan;
}

bool Comparison::ok() const {
  return std::all_of(levels.begin(), levels.end(), [](const LevelAgreement& l) { return l.fraction() >= 0.99; });
}

void print_verdict(std::ostream& out, const Comparison& c) {
  out << (c.ok() ? "agreement >= 99% on every level" : "agreement below 99% on some level") << " ("
      << to_string(c.config_a.precision) << " rule: same stop" << (c.rule.same_steps ? ", steps" : "")
      << " and support, |d train loss| <= " << c.rule.loss_tol << ")\n";
}

Comparison run_comparison(const Dataset& data, const SweepConfig& plan, Backend& a, Backend& b, Progress& progress) {
  Comparison c;
  c.specs = plan_sweep(plan, data);
  c.config_a = c.config_b = plan.experiment;
  if (b.kind() == BackendKind::kReference) c.config_b.precision = Precision::kFloat64;
  a.run(data, c.config_a, c.specs, c.a, progress);
  if (!progress.cancel.load()) b.run(data, c.config_b, c.specs, c.b, progress);
  c.b.resize(c.specs.size());  // a cancelled comparison: b's runs not computed
  c.rule = AgreementRule::for_precision(plan.experiment.precision);
  c.levels = compare_results(c.a, c.b, c.rule);
  return c;
}

}  // namespace iht
