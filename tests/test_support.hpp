#pragma once
// Shared by the test files: the shipped dataset, and a batch run on a backend.
#include <string>
#include <vector>

#include "ihtbatch/backend.hpp"
#include "ihtbatch/dataset.hpp"

namespace iht::test {

inline const Dataset& iris() {
  static const Dataset d = load_dataset("iris");
  return d;
}

/// The results of `specs` on `backend` (threads ≤ 0: all cores).
inline std::vector<RunResult> run_on(const std::string& backend, const Dataset& data, const ExperimentConfig& c,
                                     const std::vector<RunSpec>& specs, int threads = 0) {
  std::vector<RunResult> out;
  Progress progress;
  make_backend(backend, threads)->run(data, c, specs, out, progress);
  return out;
}

}  // namespace iht::test
