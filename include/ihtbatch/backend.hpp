#pragma once
// A backend computes a batch of runs; nothing else about it leaks out.
// Data flows one way: CLI → config → seeds → backend → results → writers.
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ihtbatch/config.hpp"
#include "ihtbatch/dataset.hpp"
#include "ihtbatch/run.hpp"

namespace iht {

/// The backends. kAuto is a request only: the fastest one available.
enum class BackendKind { kAuto, kGpu, kCpu, kReference };

/// "auto", "gpu", "cpu", "reference".
std::string to_string(BackendKind kind);
/// Throws InputError naming the flag for an unknown name.
BackendKind parse_backend(const std::string& name, const std::string& flag = "--backend");

/// Shared between a running backend and whoever watches it: `done` counts
/// finished runs; setting `cancel` makes the backend start no new run.
struct Progress {
  std::atomic<long> done{0};
  std::atomic<bool> cancel{false};
  /// Set by a sweep before a batch: called with i, from the thread that
  /// finished run i of the batch, once results[i] is final (so the run can be
  /// journaled while the batch goes on). A backend that learns of its runs
  /// only at the batch's end (the GPU's) does not call it.
  std::function<void(size_t)> on_run_finished;
  /// What a backend calls for each run it finished.
  void finished(size_t i) {
    done.fetch_add(1, std::memory_order_relaxed);
    if (on_run_finished) on_run_finished(i);
  }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual BackendKind kind() const = 0;
  std::string name() const { return to_string(kind()); }
  virtual std::string device() const = 0;
  /// The SIMD path the cpu backend's kernels take ("avx512", …); empty for the others.
  virtual std::string simd() const { return {}; }
  /// results[i] ← the run specs[i]. A run not computed (cancelled) keeps
  /// steps == -1. Throws on failure.
  virtual void run(const Dataset& data, const ExperimentConfig& config,
                   const std::vector<RunSpec>& specs, std::vector<RunResult>& results,
                   Progress& progress) = 0;
};

/// The backend `kind` (kAuto: the fastest available). threads ≤ 0: all
/// cores. Throws InputError for an unavailable backend.
std::unique_ptr<Backend> make_backend(BackendKind kind, int threads);
/// The same from a name ("auto", "gpu", "cpu", "reference").
std::unique_ptr<Backend> make_backend(const std::string& name, int threads);

/// The backends this build can run, fastest first.
std::vector<BackendKind> available_backends();

}  // namespace iht
