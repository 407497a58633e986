// `ihtbatch sweep`: every run of a sweep on one backend, then runs.csv,
// summary.csv, meta.json and the summary table.
#include <algorithm>
#include <chrono>
#include <exception>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/meta.hpp"
#include "ihtbatch/output.hpp"
#include "ihtbatch/summary.hpp"
#include "ihtbatch/sweep.hpp"
#include "options.hpp"
#include "progress.hpp"

namespace iht::cli {
namespace {

Progress* g_progress = nullptr;

extern "C" void on_interrupt(int) {
  if (g_progress) g_progress->cancel.store(true);
}

/// Ctrl-C stops scheduling new runs; a second one kills at once.
struct InterruptGuard {
  explicit InterruptGuard(Progress& p) {
    g_progress = &p;
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
  }
  ~InterruptGuard() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_progress = nullptr;
  }
};

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

void write_outputs(const SweepConfig& config, const Dataset& data, std::vector<RunResult>& results,
                   SweepRecord& record) {
  pair_with_dense(results, data.parameters());
  for (const auto& r : results)
    if (r.steps >= 0) {
      ++record.runs_done;
      record.total_steps += r.steps;
      record.computed_steps += r.settled_at >= 0 ? r.settled_at : r.steps;
    }
  const auto levels = summarize(results);
  const std::filesystem::path dir(config.out);
  std::ostringstream runs, summary;
  write_runs_csv(runs, results, parameter_names(data.features, data.classes));
  write_summary_csv(summary, levels);
  write_file_atomically((dir / "runs.csv").string(), runs.str());
  write_file_atomically((dir / "summary.csv").string(), summary.str());
  write_file_atomically((dir / "meta.json").string(), meta_json(config, data, record));
  print_summary_table(std::cout, levels, data.parameters());
}

int run_sweep(SweepConfig config, ExperimentFlags& flags, const std::string& sparsity_text) {
  config.experiment = flags.resolve();
  const Dataset data = load_csv(flags.data);
  config.sparsities = sparsity_text.empty() ? parse_sparsity_list("1-" + std::to_string(data.parameters() - 1))
                                            : parse_sparsity_list(sparsity_text);
  validate(config, data);
  auto backend = make_backend(config.backend, config.threads);
  const std::vector<RunSpec> specs = plan_sweep(config, data);

  std::error_code ec;
  std::filesystem::create_directories(config.out, ec);
  if (ec) throw InputError("--out " + config.out + ": cannot create directory: " + ec.message());

  SweepRecord record;
  record.started_utc = utc_now();
  record.backend = backend->name();
  record.device = backend->device();
  record.runs_planned = static_cast<long>(specs.size());
  std::cerr << "ihtbatch sweep: " << specs.size() << " runs on " << record.backend << " ["
            << record.device << "], " << to_string(config.experiment.precision) << "\n";

  std::vector<RunResult> results;
  Progress progress;
  const auto start = std::chrono::steady_clock::now();
  std::exception_ptr failure;
  {
    InterruptGuard guard(progress);
    ProgressLine line(progress, record.runs_planned);
    try {
      backend->run(data, config.experiment, specs, results, progress);
    } catch (...) {
      failure = std::current_exception();  // keep what was computed, then report
    }
  }
  record.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  results.resize(specs.size());
  const bool any_done = std::any_of(results.begin(), results.end(), [](const RunResult& r) { return r.steps >= 0; });
  if (failure && !any_done) std::rethrow_exception(failure);  // nothing to save
  write_outputs(config, data, results, record);
  std::cerr << "wrote " << record.runs_done << " of " << record.runs_planned << " runs to " << config.out
            << " in " << record.wall_s << " s\n";
  if (failure) std::rethrow_exception(failure);
  if (record.runs_done < record.runs_planned) {
    std::cerr << "ihtbatch: interrupted; the completed runs are in " << config.out << "\n";
    return 130;
  }
  return 0;
}

}  // namespace

Command add_sweep_command(CLI::App& app) {
  auto* sub = app.add_subcommand("sweep", "Run the full experiment: every sparsity level x runs, plus the dense baseline");
  auto config = std::make_shared<SweepConfig>();
  auto flags = std::make_shared<ExperimentFlags>();
  auto sparsity = std::make_shared<std::string>();
  sub->add_option("--sparsity", *sparsity, "Sparsity levels, e.g. 1-14 or 3,5,7 (default: 1..n-1)");
  sub->add_option("--runs", config->runs, "Runs per level")->capture_default_str();
  sub->add_flag("--dense,!--no-dense", config->dense,
                "Also run the dense baseline (s = n), paired by run index (default: on)");
  sub->add_option("--seed", config->seed, "Master seed")->capture_default_str();
  sub->add_option("--threads", config->threads, "CPU threads (0: all cores)")->capture_default_str();
  sub->add_option("--backend", config->backend, "auto | gpu | cpu | reference")->capture_default_str();
  sub->add_option("--out", config->out, "Output directory")->capture_default_str();
  flags->add_to(*sub);
  return {sub, [=] { return run_sweep(*config, *flags, *sparsity); }};
}

}  // namespace iht::cli
