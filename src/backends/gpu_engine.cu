// The GPU warp engine: persistent warps, each taking the next run from a
// global counter until the batch is done, so a warp that finishes a short run
// (large s stops at tol early) starts another instead of idling.
#include <thrust/device_vector.h>

#include <chrono>
#include <thread>
#include <vector>

#include "cuda_check.cuh"
#include "ihtbatch/engines.hpp"
#include "warp_gpu.cuh"
#include "warp_host.hpp"

namespace iht {
namespace {

constexpr int kWarpsPerBlock = 4;

/// Host-mapped: the kernel posts how many runs are finished (for the progress
/// line only; the exact count is kept in device memory) and the host may ask
/// it to stop. Plain volatile stores: no system-scope atomics needed.
struct Mailbox {
  unsigned int done;
  int cancel;
};

template <class T, class Kernel>
__global__ void __launch_bounds__(kWarpsPerBlock * warp::kWarpWidth)
    iht_persistent_kernel(Kernel kernel, warp::WarpProblem p, const warp::WarpRunSpec* specs, int count,
                          unsigned int* next_run, unsigned int* finished, unsigned char* scratch,
                          size_t scratch_stride, warp::WarpResult* results, volatile Mailbox* mailbox) {
  const int lane = threadIdx.x % warp::kWarpWidth;
  const size_t warp_id = (blockIdx.x * blockDim.x + threadIdx.x) / warp::kWarpWidth;
  const warp::GpuWarp w{lane};
  const auto mine = warp::carve_scratch<T>(p, scratch + warp_id * scratch_stride);
  for (;;) {
    unsigned int run = 0;
    if (lane == 0) run = mailbox->cancel ? count : atomicAdd(next_run, 1u);
    run = __shfl_sync(0xffffffffu, run, 0);
    if (run >= static_cast<unsigned int>(count)) return;
    kernel.run(w, p, specs[run], mine, &results[run]);
    if (lane == 0) mailbox->done = atomicAdd(finished, 1u) + 1u;  // a late, smaller value is harmless
  }
}

class GpuWarpBackend final : public Backend {
 public:
  GpuWarpBackend() {
    CHECK_CUDA(cudaGetDevice(&device_));
    CHECK_CUDA(cudaGetDeviceProperties(&props_, device_));
  }
  BackendKind kind() const override { return BackendKind::kGpu; }
  std::string device() const override {
    return std::string(props_.name) + " (sm_" + std::to_string(props_.major) + std::to_string(props_.minor) + ", " +
           std::to_string(props_.multiProcessorCount) + " SMs)";
  }

  void run(const Dataset& data, const ExperimentConfig& config, const std::vector<RunSpec>& specs,
           std::vector<RunResult>& results, Progress& progress) override {
    warp::WarpProblem p = warp::make_problem(data, config);
    results.assign(specs.size(), RunResult{});
    if (specs.empty()) return;
    if (config.precision == Precision::kFloat32)
      dispatch<float>(p, specs, results, progress);
    else
      dispatch<double>(p, specs, results, progress);
  }

 private:
  template <class T>
  void dispatch(warp::WarpProblem& p, const std::vector<RunSpec>& specs, std::vector<RunResult>& results,
                Progress& progress) {
    warp::dispatch_kernel(p, [&](auto kernel) { launch<T>(kernel, p, specs, results, progress); });
  }

  template <class T, class Kernel>
  void launch(Kernel kernel, warp::WarpProblem p, const std::vector<RunSpec>& specs, std::vector<RunResult>& results,
              Progress& progress) {
    const int count = static_cast<int>(specs.size());
    thrust::device_vector<double> x(p.x, p.x + static_cast<size_t>(p.samples) * p.d);
    thrust::device_vector<int> y(p.y, p.y + p.samples);
    p.x = thrust::raw_pointer_cast(x.data());
    p.y = thrust::raw_pointer_cast(y.data());
    std::vector<warp::WarpRunSpec> host_specs;
    for (const auto& spec : specs) host_specs.push_back(warp::to_warp(spec));
    thrust::device_vector<warp::WarpRunSpec> dev_specs(host_specs.begin(), host_specs.end());
    thrust::device_vector<warp::WarpResult> dev_results(count);
    // Poison: all-ones bytes read as NaN doubles and steps = −1.
    CHECK_CUDA(cudaMemset(thrust::raw_pointer_cast(dev_results.data()), 0xFF, sizeof(warp::WarpResult) * count));
    thrust::device_vector<unsigned int> next_run(1, 0u), finished(1, 0u);

    int blocks_per_sm = 0;
    const int threads = kWarpsPerBlock * warp::kWarpWidth;
    CHECK_CUDA(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks_per_sm, iht_persistent_kernel<T, Kernel>,
                                                             threads, 0));
    if (blocks_per_sm < 1) throw std::runtime_error("gpu backend: the kernel cannot be resident on this device");
    const int max_blocks = blocks_per_sm * props_.multiProcessorCount;
    const int blocks = std::min(max_blocks, (count + kWarpsPerBlock - 1) / kWarpsPerBlock);
    const size_t stride = (warp::scratch_bytes<T>(p) + 255) / 256 * 256;
    thrust::device_vector<unsigned char> scratch(stride * blocks * kWarpsPerBlock);

    Mailbox* mailbox = nullptr;
    CHECK_CUDA(cudaHostAlloc(&mailbox, sizeof(Mailbox), cudaHostAllocMapped));
    struct FreeHost {
      Mailbox* m;
      ~FreeHost() { cudaFreeHost(m); }
    } free_mailbox{mailbox};
    mailbox->done = 0;
    mailbox->cancel = 0;
    Mailbox* dev_mailbox = nullptr;
    CHECK_CUDA(cudaHostGetDevicePointer(&dev_mailbox, mailbox, 0));

    iht_persistent_kernel<T, Kernel><<<blocks, threads>>>(
        kernel, p, thrust::raw_pointer_cast(dev_specs.data()), count, thrust::raw_pointer_cast(next_run.data()),
        thrust::raw_pointer_cast(finished.data()), thrust::raw_pointer_cast(scratch.data()), stride,
        thrust::raw_pointer_cast(dev_results.data()), dev_mailbox);
    CHECK_LAUNCH();
    // Report progress and pass on a cancel while the kernel runs.
    const volatile Mailbox* box = mailbox;
    while (cudaStreamQuery(0) == cudaErrorNotReady) {
      progress.done.store(static_cast<long>(box->done));
      if (progress.cancel.load()) mailbox->cancel = 1;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK_CUDA(cudaDeviceSynchronize());
    CHECK_LAUNCH();
    unsigned int done = 0;
    CHECK_CUDA(cudaMemcpy(&done, thrust::raw_pointer_cast(finished.data()), sizeof done, cudaMemcpyDeviceToHost));
    progress.done.store(static_cast<long>(done));

    std::vector<warp::WarpResult> host(count);
    CHECK_CUDA(cudaMemcpy(host.data(), thrust::raw_pointer_cast(dev_results.data()),
                          sizeof(warp::WarpResult) * count, cudaMemcpyDeviceToHost));
    long written = 0;
    for (int i = 0; i < count; ++i) {
      if (host[i].steps < 0) continue;  // not run (cancelled)
      results[i] = warp::to_run_result(host[i], specs[i], p.n);
      ++written;
    }
    if (written != static_cast<long>(done))
      throw std::runtime_error("gpu backend: " + std::to_string(done) + " runs reported done but " +
                               std::to_string(written) + " results written");
    if (!progress.cancel.load() && written != count)
      throw std::runtime_error("gpu backend: the kernel left " + std::to_string(count - written) +
                               " of " + std::to_string(count) + " results unwritten");
  }

  int device_ = 0;
  cudaDeviceProp props_{};
};

}  // namespace

bool gpu_available() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

std::unique_ptr<Backend> make_gpu_backend() { return std::make_unique<GpuWarpBackend>(); }

}  // namespace iht
