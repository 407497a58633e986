// The CPU warp engine's kernels for one SIMD path. CMakeLists.txt compiles
// this file once per path, each time with that path's instruction set and
// IHT_SIMD_TARGET (the kernels' namespace, hostdevice.hpp) and
// IHT_LANE_GROUP_BYTES (lane_vec.hpp). Only the table at the end leaves the
// file: tests/path_symbols.sh checks that every other symbol it defines lies
// in the path's own namespace.
#include "path_kernels.hpp"
#include "scratch.hpp"
#include "warp_cpu.hpp"
#include "warp_host.hpp"

#define IHT_PATH_CAT2(a, b) a##b
#define IHT_PATH_CAT(a, b) IHT_PATH_CAT2(a, b)

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN
namespace {

size_t path_scratch_bytes(const WarpProblem& p, bool single) {
  return single ? scratch_bytes<float>(p) : scratch_bytes<double>(p);
}

template <class T>
void run_as(const WarpProblem& p, const WarpRunSpec& spec, unsigned char* block, WarpResult* result, double* theta,
            const std::atomic<bool>* stop) {
  const WarpScratch<T> scratch = carve_scratch<T>(p, block);
  dispatch_kernel(p, [&](auto kernel) { kernel.run(CpuWarp{stop}, p, spec, scratch, result, theta); });
}

void path_run(const WarpProblem& p, const WarpRunSpec& spec, bool single, unsigned char* block, WarpResult* result,
              double* theta, const std::atomic<bool>* stop) {
  if (single)
    run_as<float>(p, spec, block, result, theta, stop);
  else
    run_as<double>(p, spec, block, result, theta, stop);
}

}  // namespace
IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp

namespace iht::cpu_paths {
extern const PathKernels IHT_PATH_CAT(kernels_, IHT_SIMD_TARGET);
const PathKernels IHT_PATH_CAT(kernels_, IHT_SIMD_TARGET) = {IHT_SIMD_PATH, warp::path_scratch_bytes,
                                                             warp::path_run};
}  // namespace iht::cpu_paths
