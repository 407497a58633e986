// `ihtbatch sweep`: parses the flags, runs the sweep (ihtbatch/sweep_run.hpp)
// with a progress line and Ctrl-C handling, prints the summary table.
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "commands.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/journal.hpp"
#include "ihtbatch/meta.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/output.hpp"
#include "ihtbatch/sweep_run.hpp"
#include "options.hpp"
#include "progress.hpp"

namespace iht::cli {
namespace {

Progress* g_progress = nullptr;
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "used in a signal handler");

extern "C" void on_interrupt(int sig) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  // The next signal of either kind (Ctrl-C, then the scheduler's SIGTERM) ends
  // the process at once: both are reset here (SA_RESETHAND would reset only the one that arrived).
  sigaction(SIGINT, &dfl, nullptr);
  sigaction(SIGTERM, &dfl, nullptr);
  // A process-wide signal may reach another thread while this handler still
  // runs in the first: the second one ends the process, as promised.
  if (g_interrupted.exchange(true)) {
    raise(sig);
    return;
  }
  if (g_progress) g_progress->cancel.store(true);
}

/// Ctrl-C (or SIGTERM) stops scheduling new runs; a second one kills at once.
struct InterruptGuard {
  explicit InterruptGuard(Progress& p) {
    g_progress = &p;
    g_interrupted.store(false);
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sa.sa_flags = SA_RESTART;  // a write under way is resumed, not failed with EINTR
    // Both blocked in the handler's thread: a SIGTERM right after Ctrl-C waits
    // until the handler has reset both, then ends the process.
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
  }
  ~InterruptGuard() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_progress = nullptr;
  }
};

/// "I/N", or "auto": the scheduler's array index and count (Slurm array:
/// SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_MIN/MAX or _COUNT; Kubernetes
/// Indexed Job: JOB_COMPLETION_INDEX with --shard-count).
void resolve_shard(const std::string& text, int count_flag, SweepConfig& config) {
  if (count_flag > 0 && text != "auto") throw InputError("--shard-count goes with --shard auto");
  if (text.empty()) return;
  auto env = [](const char* name) -> const char* { return std::getenv(name); };
  auto number = [](const std::string& what, const std::string& value) {
    try {
      return static_cast<int>(parse_integer<long>(what, value, 0L, 1000000L));
    } catch (const CLI::ValidationError& e) {
      throw InputError(e.what());
    }
  };
  if (text == "auto") {
    if (const char* id = env("SLURM_ARRAY_TASK_ID")) {
      const int min = env("SLURM_ARRAY_TASK_MIN") ? number("SLURM_ARRAY_TASK_MIN", env("SLURM_ARRAY_TASK_MIN")) : 0;
      int count = 0;
      const char* c = env("SLURM_ARRAY_TASK_COUNT");
      const char* max = env("SLURM_ARRAY_TASK_MAX");
      if (c) count = number("SLURM_ARRAY_TASK_COUNT", c);
      else if (max) count = number("SLURM_ARRAY_TASK_MAX", max) - min + 1;
      else throw InputError("--shard auto: SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor _MAX");
      if (c && max && number("SLURM_ARRAY_TASK_MAX", max) - min + 1 != count)
        throw InputError("--shard auto: the Slurm array has a step or gaps (COUNT " + std::string(c) + ", MIN " +
                         std::to_string(min) + ", MAX " + max + "); submit --array=0-(N-1) with step 1");
      config.shard_index = number("SLURM_ARRAY_TASK_ID", id) - min;
      config.shard_count = count;
    } else if (const char* index = env("JOB_COMPLETION_INDEX")) {
      if (count_flag < 1) throw InputError("--shard auto with JOB_COMPLETION_INDEX needs --shard-count N");
      config.shard_index = number("JOB_COMPLETION_INDEX", index);
      config.shard_count = count_flag;
    } else {
      throw InputError("--shard auto: no scheduler's array index in the environment (SLURM_ARRAY_TASK_ID, "
                       "JOB_COMPLETION_INDEX); give --shard I/N");
    }
    return;
  }
  const auto slash = text.find('/');
  if (slash == std::string::npos) throw InputError("--shard '" + text + "': expected I/N (e.g. 0/4) or auto");
  config.shard_index = number("--shard", text.substr(0, slash));
  config.shard_count = number("--shard", text.substr(slash + 1));
}

int run_sweep_command(SweepConfig config, ExperimentFlags& flags, const std::string& sparsity_text,
                      const std::string& backend_name, const std::string& shard_text, int shard_count) {
  config.experiment = flags.resolve();
  resolve_shard(shard_text, shard_count, config);
  const Dataset data = load_dataset(flags.data);
  const int n = static_cast<int>(network_of(data, config.experiment).parameters());
  config.sparsities = sparsity_text.empty() ? default_sparsity_levels(n) : parse_sparsity_list(sparsity_text, n);
  validate(config, data);
  config.backend = parse_backend(backend_name);
  auto backend = make_backend(config.backend, config.threads);
  const long planned = static_cast<long>(plan_sweep(config, data).size());
  create_output_dir(config.out);
  say_why_not_gpu(config.backend, *backend);
  // A scheduler that requeues a finished task (sweep_array.sbatch: --resume) recomputes nothing.
  if (resume_finds_complete_outputs(config, data, *backend)) {
    std::cerr << "ihtbatch sweep: " << config.out << " already holds this sweep's complete outputs (meta.json): "
              << "nothing to resume\n";
    return 0;
  }
  std::cerr << "ihtbatch sweep: " << planned << " runs on " << backend->name() << " [" << backend->device()
            << "], " << to_string(config.experiment.precision) << "\n";

  Progress progress;
  SweepOutcome outcome;
  {
    InterruptGuard guard(progress);
    ProgressLine line(progress, planned);
    outcome = run_sweep(config, data, *backend, progress);
  }
  print_summary_table(std::cout, outcome.levels, n);
  // The table repeats summary.csv: the files are the sweep's result, so a
  // standard output that cannot take it is said, not made a failure.
  if (!std::cout.flush()) {
    std::cerr << "ihtbatch sweep: could not write the table to standard output; summary.csv holds it\n";
    std::cout.clear();
  }
  const SweepRecord& record = outcome.record;
  std::cerr << "wrote " << record.runs_done << " of " << record.runs_planned << " runs to " << config.out
            << " in " << record.wall_s << " s\n";
  if (config.resume && outcome.journal_bytes_dropped > 0)
    std::cerr << "ihtbatch sweep: " << config.out << "/" << kJournalName << " held " << outcome.journal_bytes_dropped
              << " bytes after its last whole record (a write cut short, or damage): they were dropped, and any "
                 "runs in them computed again\n";
  if (outcome.failure) std::rethrow_exception(outcome.failure);
  if (!outcome.complete()) {
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
  auto backend = std::make_shared<std::string>("auto");
  auto shard = std::make_shared<std::string>();
  auto shard_count = std::make_shared<int>(0);
  sub->add_option("--sparsity", *sparsity,
                  "Sparsity levels, e.g. 1-14, 3,5,7 or 10%,20% (default: 1..n-1 for n <= 32, "
                  "else 1,2,5,10,20,30,50,70,90% of n)")
      ->check(not_empty());
  add_integer(*sub, "--runs", config->runs, 1L, kMaxRunsPerLevel, "Runs per level");
  sub->add_flag("--dense,!--no-dense", config->dense,
                "Also run the dense baseline (s = n), paired by run index (default: on)");
  add_integer(*sub, "--seed", config->seed, uint64_t{0}, kMaxSeed, "Master seed");
  add_integer(*sub, "--threads", config->threads, 0, kMaxThreads, "CPU threads (0: all cores)");
  sub->add_option("--backend", *backend, "auto | gpu | cpu | reference")->capture_default_str();
  sub->add_option("--out", config->out, "Output directory")->capture_default_str()->check(not_empty());
  auto* resume = sub->add_flag("--resume", config->resume,
                               "Continue the unfinished sweep journaled in --out (the same configuration)");
  sub->add_flag("--restart", config->restart, "Discard a journal left in --out and start afresh")->excludes(resume);
  flags->add_to(*sub);
  sub->add_option("--shard", *shard, "I/N: this shard's runs of every level (0 <= I < N), or auto (Slurm array, "
                                     "Kubernetes Indexed Job); join the shards with `ihtbatch merge`")
      ->check(not_empty());
  add_integer(*sub, "--shard-count", *shard_count, 0, 1000000, "Shards, for --shard auto under a Kubernetes Indexed Job");
  return {sub, [=] { return run_sweep_command(*config, *flags, *sparsity, *backend, *shard, *shard_count); }};
}

}  // namespace iht::cli
