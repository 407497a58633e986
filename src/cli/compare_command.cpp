// `ihtbatch compare`: the same runs on two backends, and how well they agree
// (docs/SPEC.md §7). Exit code 1 when float64 agreement is below 99 % on any level.
#include <iostream>

#include "commands.hpp"
#include "ihtbatch/compare.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/reference.hpp"
#include "ihtbatch/sweep.hpp"
#include "options.hpp"

namespace iht::cli {
namespace {

struct CompareFlags {
  std::string backend = "auto", against = "reference", sparsity;
  long runs = 200;
  uint64_t seed = 0;
  int threads = 0;
};

std::vector<RunResult> run_on(Backend& backend, const Dataset& data, const ExperimentConfig& config,
                              const std::vector<RunSpec>& specs) {
  std::vector<RunResult> results;
  Progress progress;
  backend.run(data, config, specs, results, progress);
  return results;
}

/// For each disagreeing run, whether the reference's own loss rose at some
/// step: there γ is above 1/L and the run is unstable, so any two roundings
/// of it part by a factor every step (docs/SPEC.md §7's near-ties, in time).
/// Reported, not excused: the rule stays §7's.
void report_unstable(const std::vector<LevelAgreement>& levels, const std::vector<RunSpec>& specs,
                     const Dataset& data, const ExperimentConfig& config) {
  constexpr long kReplayed = 20;  // each replay is a whole reference run, traced
  long disagreeing = 0, unstable = 0, all = 0;
  for (const auto& level : levels) all += static_cast<long>(level.disagreeing.size());
  for (const auto& level : levels)
    for (size_t i : level.disagreeing) {
      if (disagreeing == kReplayed) break;
      ++disagreeing;
      RunDetail detail;
      reference_run(data, config, specs[i], &detail, true);
      const auto& loss = detail.trace.train_loss;
      size_t first_rise = 0;
      for (size_t k = 1; k < loss.size() && first_rise == 0; ++k)
        if (loss[k] > loss[k - 1]) first_rise = k;
      if (first_rise > 0) ++unstable;
      std::cout << "  s=" << specs[i].sparsity << " run " << specs[i].run << ": "
                << (first_rise > 0 ? "the reference's loss first rose at step " + std::to_string(first_rise) +
                                         " (unstable: gamma above 1/L there)"
                                   : std::string("the reference's loss never rose (a stable run)"))
                << "\n";
    }
  if (disagreeing > 0)
    std::cout << unstable << " of " << disagreeing
              << (all > disagreeing ? " replayed (of " + std::to_string(all) + ")" : std::string())
              << " disagreeing runs are unstable in the reference (their loss rises), where rounding "
                 "differences grow step by step\n";
}

int run_compare(const CompareFlags& f, ExperimentFlags& flags) {
  const ExperimentConfig config = flags.resolve();
  const Dataset data = load_dataset(flags.data);
  const int n = static_cast<int>(network_of(data, config).parameters());
  SweepConfig sweep;
  sweep.experiment = config;
  sweep.runs = f.runs;
  sweep.seed = f.seed;
  sweep.threads = f.threads;
  // Default: every sparse level and the dense one (s = n).
  std::vector<int> levels = f.sparsity.empty() ? default_sparsity_levels(n) : parse_sparsity_list(f.sparsity, n);
  if (f.sparsity.empty()) levels.push_back(n);
  sweep.dense = !levels.empty() && levels.back() == n;
  if (sweep.dense) levels.pop_back();
  sweep.sparsities = levels;
  validate(sweep, data);
  const std::vector<RunSpec> specs = plan_sweep(sweep, data);

  const BackendKind requested = parse_backend(f.backend, "--backend");
  auto a = make_backend(requested, f.threads);
  say_why_not_gpu(requested, *a);
  auto b = make_backend(parse_backend(f.against, "--against"), f.threads);
  // The reference is float64 only: it is the yardstick for either precision.
  ExperimentConfig config_b = config;
  if (b->kind() == BackendKind::kReference) config_b.precision = Precision::kFloat64;
  std::cerr << "compare: " << specs.size() << " runs, " << a->name() << " (" << to_string(config.precision)
            << ") against " << b->name() << " (" << to_string(config_b.precision) << ")\n";
  const auto ra = run_on(*a, data, config, specs);
  const auto rb = run_on(*b, data, config_b, specs);
  const AgreementRule rule = AgreementRule::for_precision(config.precision);
  const auto agreement = compare_results(ra, rb, rule);
  print_agreement(std::cout, agreement, ra, rb, a->name().c_str(), b->name().c_str(), n);
  if (config.precision == Precision::kFloat64) report_unstable(agreement, specs, data, config);
  bool ok = true;
  for (const auto& l : agreement) ok = ok && l.fraction() >= 0.99;
  std::cout << (ok ? "agreement >= 99% on every level" : "agreement below 99% on some level") << " ("
            << to_string(config.precision) << " rule: same stop" << (rule.same_steps ? ", steps" : "")
            << " and support, |d train loss| <= " << rule.loss_tol << ")\n";
  return ok || config.precision != Precision::kFloat64 ? 0 : 1;
}

}  // namespace

Command add_compare_command(CLI::App& app) {
  auto* sub = app.add_subcommand("compare", "Run the same runs on two backends and report their agreement");
  auto f = std::make_shared<CompareFlags>();
  auto flags = std::make_shared<ExperimentFlags>();
  sub->add_option("--backend", f->backend, "Backend under test (auto: the fastest available)")->capture_default_str();
  sub->add_option("--against", f->against, "Backend to compare with")->capture_default_str();
  sub->add_option("--sparsity", f->sparsity, "Levels, e.g. 1-15 (default: 1..n, n being the dense level)");
  add_integer(*sub, "--runs", f->runs, 1L, kMaxRunsPerLevel, "Runs per level");
  add_integer(*sub, "--seed", f->seed, uint64_t{0}, kMaxSeed, "Master seed");
  add_integer(*sub, "--threads", f->threads, 0, kMaxThreads, "CPU threads (0: all cores)");
  flags->add_to(*sub);
  return {sub, [=] { return run_compare(*f, *flags); }};
}

}  // namespace iht::cli
