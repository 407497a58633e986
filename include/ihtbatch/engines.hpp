#pragma once
// The warp engine's two backends: the same kernel source (kernels/iht_run.hpp)
// run by CPU threads or by GPU warps.
#include <memory>

#include "ihtbatch/backend.hpp"

namespace iht {

/// Warps across all cores (threads ≤ 0) with dynamic scheduling.
std::unique_ptr<Backend> make_cpu_backend(int threads);

/// True when this build has the GPU backend and a CUDA device is present.
bool gpu_available();
/// Persistent warps on the current CUDA device. Throws when none is usable.
std::unique_ptr<Backend> make_gpu_backend();

}  // namespace iht
