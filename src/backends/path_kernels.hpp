#pragma once
// The CPU warp engine's kernels for one SIMD path, as the host calls them:
// plain function pointers over the warp's plain structs (problem.hpp), so no
// inline function or template compiled for one path's instruction set is
// shared with code compiled for another (cpu_path_kernels.cpp).
#include <atomic>
#include <cstddef>

#include "ihtbatch/simd.hpp"
#include "problem.hpp"

namespace iht::cpu_paths {

struct PathKernels {
  SimdPath path;
  /// Bytes of per-warp scratch a run of p needs; single: float32.
  size_t (*scratch_bytes)(const warp::WarpProblem& p, bool single);
  /// Computes one run into *result and theta (p.n doubles), using scratch
  /// (scratch_bytes long, aligned as scratch.hpp's kScratchAlignment).
  /// stop: the host's cancel flag, or null; a stopped run leaves steps as it was.
  void (*run)(const warp::WarpProblem& p, const warp::WarpRunSpec& spec, bool single, unsigned char* scratch,
              warp::WarpResult* result, double* theta, const std::atomic<bool>* stop);
};

/// The kernels of `path`. Throws InputError when this binary lacks them.
const PathKernels& path_kernels(SimdPath path);

}  // namespace iht::cpu_paths
