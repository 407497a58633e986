#pragma once
// The warp engine's two backends: the same kernel source (kernels/iht_run.hpp)
// run by CPU threads or by GPU warps.
#include <memory>
#include <string>

#include "ihtbatch/backend.hpp"
#include "ihtbatch/simd.hpp"

namespace iht {

/// Warps across all cores (threads ≤ 0) with dynamic scheduling, on the
/// SIMD path chosen_simd_path() gives (InputError when IHTBATCH_SIMD is refused).
std::unique_ptr<Backend> make_cpu_backend(int threads);
/// The same on a given path (InputError when this binary or CPU lacks it).
std::unique_ptr<Backend> make_cpu_backend(int threads, SimdPath path);

/// Whether the GPU backend can run here, and if not, why: no GPU backend in
/// this build, the CUDA error of looking for a device (a driver too old, no
/// device), or a device this build has no code for.
struct GpuStatus {
  bool usable = false;
  std::string detail;
};
GpuStatus gpu_status();

/// Persistent warps on the current CUDA device. Throws when none is usable.
std::unique_ptr<Backend> make_gpu_backend();

}  // namespace iht
