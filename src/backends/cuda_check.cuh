#pragma once
// Every CUDA call and launch is checked; a failure throws with file:line.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace iht::gpu {

inline void check_cuda(cudaError_t status, const char* what, const char* file, int line) {
  if (status != cudaSuccess)
    throw std::runtime_error(std::string(file) + ":" + std::to_string(line) + ": " + what + ": " +
                             cudaGetErrorName(status) + ": " + cudaGetErrorString(status));
}

}  // namespace iht::gpu

#define CHECK_CUDA(call) ::iht::gpu::check_cuda((call), #call, __FILE__, __LINE__)
// After a launch: the launch itself, then anything the kernel raised.
#define CHECK_LAUNCH() CHECK_CUDA(cudaGetLastError())
