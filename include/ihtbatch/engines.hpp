#pragma once
// The warp engine's two backends: the same kernel source (kernels/iht_run.hpp)
// run by CPU threads or by GPU warps.
#include <memory>
#include <string>

#include "ihtbatch/backend.hpp"

namespace iht {

/// Warps across all cores (threads ≤ 0) with dynamic scheduling.
std::unique_ptr<Backend> make_cpu_backend(int threads);

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
