// ihtbatch._core: the library behind the Python package (python/ihtbatch).
// Thin: every check, plan and writer is the library's, so a sweep from Python
// is the CLI's sweep. Long work runs on a thread of its own, without the GIL;
// Python polls it, shows progress, and cancels it on KeyboardInterrupt.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "ihtbatch/backend.hpp"
#include "ihtbatch/compare.hpp"
#include "ihtbatch/engines.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/limits.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/output.hpp"
#include "ihtbatch/run_detail.hpp"
#include "ihtbatch/seeds.hpp"
#include "ihtbatch/sweep_run.hpp"
#include "ihtbatch/version.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

using Matrix = nb::ndarray<nb::numpy, double, nb::ndim<2>>;
using Vector = nb::ndarray<nb::numpy, double, nb::ndim<1>>;

/// A (rows, cols) array that owns `values`: numpy gets the buffer, not a copy.
Matrix to_numpy(std::vector<double>&& values, size_t rows, size_t cols) {
  auto* owned = new std::vector<double>(std::move(values));
  nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<double>*>(p); });
  return Matrix(owned->data(), {rows, cols}, owner);
}

Vector to_numpy(std::vector<double>&& values) {
  auto* owned = new std::vector<double>(std::move(values));
  nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<double>*>(p); });
  return Vector(owned->data(), {owned->size()}, owner);
}

/// θ* of the computed runs (steps ≥ 0), in runs.csv's order, as (runs, n).
Matrix theta_of(const std::vector<iht::RunResult>& results, size_t n) {
  std::vector<double> theta;
  size_t rows = 0;
  for (const auto& r : results)
    if (r.steps >= 0) {
      theta.insert(theta.end(), r.theta.begin(), r.theta.end());
      ++rows;
    }
  return to_numpy(std::move(theta), rows, n);
}

/// runs.csv's text for these results (its columns, θ's up to 64 parameters).
std::string runs_csv(const std::vector<iht::RunResult>& results, const std::vector<std::string>& names) {
  std::ostringstream out;
  iht::write_runs_csv(out, results, names.size() <= iht::kMaxThetaColumns ? names : std::vector<std::string>{});
  return out.str();
}

using CpuArray = nb::ndarray<const double, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
using LabelArray = nb::ndarray<const int64_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;

iht::Dataset dataset_from_arrays(CpuArray x, LabelArray y, const std::string& label,
                                 std::vector<std::string> feature_names) {
  if (x.shape(0) != y.shape(0))
    throw iht::InputError(label + ": X has " + std::to_string(x.shape(0)) + " rows but y has " +
                          std::to_string(y.shape(0)) + " labels");
  std::vector<double> values(x.data(), x.data() + x.size());
  std::vector<long long> labels(y.data(), y.data() + y.size());
  if (x.size() == 0 && y.size() > 0) throw iht::InputError(label + ": X has no features");
  return iht::make_dataset(label, std::move(feature_names), std::move(values), labels);
}

/// Work on a thread of its own: Python waits on it in short slices (so a
/// KeyboardInterrupt is seen), reads `progress`, and cancels it.
class Job {
 public:
  explicit Job(std::function<void(iht::Progress&)> work) : work_(std::move(work)) {}
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;
  ~Job() {
    progress_.cancel = true;  // a job dropped unfinished stops; the work never takes the GIL
    if (thread_.joinable()) thread_.join();
  }

  void start() {
    thread_ = std::thread([this] {
      try {
        work_(progress_);
      } catch (...) {
        error_ = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mutex_);
      finished_ = true;
      done_.notify_all();
    });
  }
  /// Whether the work finished within `seconds` (waits without the GIL).
  bool wait(double seconds) {
    nb::gil_scoped_release release;
    std::unique_lock<std::mutex> lock(mutex_);
    return done_.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return finished_; });
  }
  /// After wait() returned true: joins, and raises the work's error if it failed.
  void finish() {
    if (thread_.joinable()) {
      nb::gil_scoped_release release;
      thread_.join();
    }
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }
  long done() const { return progress_.done.load(); }
  void cancel() { progress_.cancel = true; }
  bool cancelled() const { return progress_.cancel.load(); }

 private:
  std::function<void(iht::Progress&)> work_;
  iht::Progress progress_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable done_;
  bool finished_ = false;
  std::exception_ptr error_;
};

/// A sweep as `ihtbatch sweep` runs it, outputs written into config.out.
struct SweepJob {
  iht::SweepConfig config;
  iht::Dataset data;
  std::unique_ptr<iht::Backend> backend;
  long planned = 0;
  bool already_complete = false;  // resume of a finished sweep: its files are the result
  iht::SweepOutcome outcome;
  std::unique_ptr<Job> job;

  SweepJob(iht::Dataset data_in, iht::ExperimentConfig experiment, const std::string& sparsity, long runs, bool dense,
           uint64_t seed, int threads, const std::string& backend_name, const std::string& out, bool resume,
           bool restart, int shard_index, int shard_count)
      : data(std::move(data_in)) {
    config.experiment = experiment;
    config.runs = runs;
    config.dense = dense;
    config.seed = seed;
    config.threads = threads;
    config.out = out;
    config.resume = resume;
    config.restart = restart;
    config.shard_index = shard_index;
    config.shard_count = shard_count;
    const int n = parameters();
    config.sparsities = sparsity.empty() ? iht::default_sparsity_levels(n) : iht::parse_sparsity_list(sparsity, n);
    iht::validate(config, data);
    config.backend = iht::parse_backend(backend_name);
    backend = iht::make_backend(config.backend, config.threads);
    planned = static_cast<long>(iht::plan_sweep(config, data).size());
    iht::create_output_dir(config.out);
    // As the CLI: resuming a sweep whose outputs are complete recomputes nothing.
    already_complete = iht::resume_finds_complete_outputs(config, data, *backend);
    job = std::make_unique<Job>([this](iht::Progress& p) {
      if (!already_complete) outcome = iht::run_sweep(config, data, *backend, p);
    });
  }
  int parameters() const { return static_cast<int>(iht::network_of(data, config.experiment).parameters()); }
};

/// The comparison `ihtbatch compare` makes.
struct CompareJob {
  iht::Dataset data;
  iht::SweepConfig plan;
  std::unique_ptr<iht::Backend> a, b;
  iht::Comparison result;
  long planned = 0;
  std::unique_ptr<Job> job;

  CompareJob(iht::Dataset data_in, iht::ExperimentConfig experiment, const std::string& sparsity, long runs,
             uint64_t seed, int threads, const std::string& backend, const std::string& against)
      : data(std::move(data_in)) {
    plan = iht::comparison_plan(data, experiment, sparsity, runs, seed, threads);
    a = iht::make_backend(iht::parse_backend(backend, "--backend"), threads);
    b = iht::make_backend(iht::parse_backend(against, "--against"), threads);
    planned = 2 * static_cast<long>(iht::plan_sweep(plan, data).size());
    job = std::make_unique<Job>([this](iht::Progress& p) { result = iht::run_comparison(data, plan, *a, *b, p); });
  }
};

iht::ExperimentConfig experiment(long max_steps, double tol, int monte, double step_size, const std::string& precision,
                                 int hidden, const std::string& activation) {
  iht::ExperimentConfig c;
  c.max_steps = max_steps;
  c.tol = tol;
  c.n_monte = monte;
  c.step_size = step_size;
  c.precision = iht::parse_precision(precision);
  c.hidden = hidden;
  c.activation = iht::parse_activation(activation);
  iht::validate(c);
  return c;
}

/// One run in detail, as `ihtbatch run` computes it.
struct RunJob {
  iht::Dataset data;
  iht::ExperimentConfig config;
  iht::RunSpec spec;
  std::unique_ptr<iht::Backend> backend;
  bool trace = false;
  iht::RunDetail detail;
  iht::RunResult result;
  std::unique_ptr<Job> job;

  RunJob(iht::Dataset data_in, iht::ExperimentConfig config_in, int sparsity, long run, uint64_t seed,
         std::vector<uint64_t> seeds, const std::string& backend_name, bool want_trace)
      : data(std::move(data_in)), config(config_in), trace(want_trace) {
    const int n = static_cast<int>(iht::network_of(data, config).parameters());
    if (sparsity < 1 || sparsity > n)
      throw iht::InputError("--sparsity " + std::to_string(sparsity) + " is out of range 1.." + std::to_string(n));
    if (run >= 0) {
      if (!seeds.empty()) throw iht::InputError("give either --run (with --seed) or the three seeds, not both");
      spec = iht::derive_run(seed, run, sparsity);
    } else {
      if (seeds.size() != 3) throw iht::InputError("give --data-seed, --init-seed and --support-seed (or --run R)");
      spec = iht::RunSpec{sparsity, 0, seeds[0], seeds[1], seeds[2]};
    }
    backend = iht::make_backend(iht::parse_backend(backend_name), 1);
    job = std::make_unique<Job>(
        [this](iht::Progress& p) { result = iht::run_in_detail(data, config, spec, *backend, detail, trace, p); });
  }

  /// The finished run's values (None when a cancel stopped it).
  nb::object values() {
    if (result.steps < 0) return nb::none();
    nb::dict d;
    d["row"] = runs_csv({result}, {});
    d["backend"] = backend->name();
    d["param_names"] = iht::network_of(data, config).parameter_names();
    d["train_indices"] = detail.train_indices;
    d["test_indices"] = detail.test_indices;
    d["theta0"] = to_numpy(std::vector<double>(detail.theta0));
    d["theta"] = to_numpy(std::vector<double>(result.theta));
    d["grad"] = to_numpy(std::vector<double>(detail.grad));
    if (trace) {
      d["trace_train_loss"] = to_numpy(std::vector<double>(detail.trace.train_loss));
      d["trace_test_loss"] = to_numpy(std::vector<double>(detail.trace.test_loss));
      d["trace_support_size"] = detail.trace.support_size;
    }
    return d;
  }
};

}  // namespace

NB_MODULE(_core, m) {
  m.doc() = "ihtbatch's engine (use the ihtbatch package, not this module)";
  nb::exception<iht::InputError>(m, "InputError", PyExc_ValueError);

  m.def("version", [] { return std::string(iht::version()) + " (" + iht::git_commit() + ")"; });
  m.def("available_backends", [] {
    std::vector<std::string> names;
    for (auto kind : iht::available_backends()) names.push_back(iht::to_string(kind));
    return names;
  });
  m.def("gpu_status", [] { return iht::gpu_status().detail; });
  m.def("limits", [] {
    nb::dict d;
    d["runs"] = iht::kMaxRunsPerLevel;
    d["max_steps"] = iht::kMaxStepsLimit;
    d["threads"] = iht::kMaxThreads;
    d["monte"] = iht::kMaxMonte;
    d["hidden"] = static_cast<long>(iht::kMaxNetworkParams);
    return d;
  });

  m.def("defaults", [] {  // what the Python signatures must say (a test compares them)
    const iht::SweepConfig sweep;
    const iht::ExperimentConfig& e = sweep.experiment;
    nb::dict d;
    d["runs"] = sweep.runs;
    d["dense"] = sweep.dense;
    d["seed"] = sweep.seed;
    d["threads"] = sweep.threads;
    d["max_steps"] = e.max_steps;
    d["tol"] = e.tol;
    d["monte"] = e.n_monte;
    d["step_size"] = e.step_size;
    d["precision"] = iht::to_string(e.precision);
    d["hidden"] = e.hidden;
    d["activation"] = iht::to_string(e.activation);
    return d;
  });

  nb::class_<iht::Dataset>(m, "Dataset")
      .def_ro("path", &iht::Dataset::path)
      .def_ro("samples", &iht::Dataset::samples)
      .def_ro("features", &iht::Dataset::features)
      .def_ro("classes", &iht::Dataset::classes)
      .def_ro("feature_names", &iht::Dataset::feature_names);
  m.def("load_dataset", &iht::load_dataset, "name_or_path"_a);
  m.def("dataset_from_arrays", &dataset_from_arrays, "x"_a, "y"_a, "label"_a, "feature_names"_a);
  m.def("shipped_datasets", [] {
    std::vector<std::string> names;
    for (const auto& [name, text] : iht::shipped_datasets()) names.push_back(name);
    return names;
  });

  nb::class_<iht::ExperimentConfig>(m, "ExperimentConfig");
  m.def("experiment", &experiment, "max_steps"_a, "tol"_a, "monte"_a, "step_size"_a, "precision"_a, "hidden"_a,
        "activation"_a);

  nb::class_<Job>(m, "Job")
      .def("start", &Job::start)
      .def("wait", &Job::wait, "seconds"_a)
      .def("finish", &Job::finish)
      .def("cancel", &Job::cancel)
      .def_prop_ro("cancelled", &Job::cancelled)
      .def_prop_ro("done", &Job::done);

  nb::class_<SweepJob>(m, "SweepJob")
      .def(nb::init<iht::Dataset, iht::ExperimentConfig, const std::string&, long, bool, uint64_t, int,
                    const std::string&, const std::string&, bool, bool, int, int>(),
           "data"_a, "experiment"_a, "sparsity"_a, "runs"_a, "dense"_a, "seed"_a, "threads"_a, "backend"_a, "out"_a,
           "resume"_a, "restart"_a, "shard_index"_a, "shard_count"_a)
      .def_prop_ro("job", [](SweepJob& s) -> Job& { return *s.job; }, nb::rv_policy::reference_internal)
      .def_ro("planned", &SweepJob::planned)
      .def_ro("already_complete", &SweepJob::already_complete)
      .def_prop_ro("backend", [](const SweepJob& s) { return s.backend->name(); })
      .def_prop_ro("device", [](const SweepJob& s) { return s.backend->device(); })
      .def_prop_ro("parameters", &SweepJob::parameters)
      .def_prop_ro("runs_done", [](const SweepJob& s) { return s.outcome.record.runs_done; })
      .def_prop_ro("complete", [](const SweepJob& s) { return s.outcome.complete(); })
      .def_prop_ro("journal_bytes_dropped", [](const SweepJob& s) { return s.outcome.journal_bytes_dropped; })
      .def("theta", [](const SweepJob& s) { return theta_of(s.outcome.results, s.parameters()); })
      .def("raise_failure", [](const SweepJob& s) {
        if (s.outcome.failure) std::rethrow_exception(s.outcome.failure);
      });

  nb::class_<CompareJob>(m, "CompareJob")
      .def(nb::init<iht::Dataset, iht::ExperimentConfig, const std::string&, long, uint64_t, int, const std::string&,
                    const std::string&>(),
           "data"_a, "experiment"_a, "sparsity"_a, "runs"_a, "seed"_a, "threads"_a, "backend"_a, "against"_a)
      .def_prop_ro("job", [](CompareJob& c) -> Job& { return *c.job; }, nb::rv_policy::reference_internal)
      .def_ro("planned", &CompareJob::planned)
      .def_prop_ro("backends", [](const CompareJob& c) { return std::vector<std::string>{c.a->name(), c.b->name()}; })
      .def_prop_ro("ok", [](const CompareJob& c) { return c.result.ok(); })
      .def("levels", [](const CompareJob& c) {
        nb::list rows;
        for (const auto& l : c.result.levels) {
          nb::dict d;
          d["sparsity"] = l.sparsity;
          d["runs"] = l.runs;
          d["agreeing"] = l.agreeing;
          d["fraction"] = l.fraction();
          d["worst_loss_diff"] = l.worst_loss_diff;
          d["worst_theta_diff"] = l.worst_theta_diff;
          rows.append(d);
        }
        return rows;
      })
      .def("report", [](const CompareJob& c) {
        std::ostringstream out;
        const int n = static_cast<int>(iht::network_of(c.data, c.plan.experiment).parameters());
        iht::print_agreement(out, c.result.levels, c.result.a, c.result.b, c.a->name().c_str(), c.b->name().c_str(), n);
        iht::print_verdict(out, c.result);
        return out.str();
      })
      .def("runs_csv", [](const CompareJob& c, int which) {
        const auto names = iht::network_of(c.data, c.plan.experiment).parameter_names();
        return runs_csv(which == 0 ? c.result.a : c.result.b, names);
      })
      .def("theta", [](const CompareJob& c, int which) {
        const size_t n = iht::network_of(c.data, c.plan.experiment).parameters();
        return theta_of(which == 0 ? c.result.a : c.result.b, n);
      });

  nb::class_<RunJob>(m, "RunJob")
      .def(nb::init<iht::Dataset, iht::ExperimentConfig, int, long, uint64_t, std::vector<uint64_t>,
                    const std::string&, bool>(),
           "data"_a, "experiment"_a, "sparsity"_a, "run"_a, "seed"_a, "seeds"_a, "backend"_a, "trace"_a)
      .def_prop_ro("job", [](RunJob& r) -> Job& { return *r.job; }, nb::rv_policy::reference_internal)
      .def("values", &RunJob::values);
  m.def("load_csv", &iht::load_csv, "path"_a);
}
