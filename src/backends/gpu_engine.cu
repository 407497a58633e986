// The GPU warp engine: persistent warps, each taking the next run from a
// global counter until the batch is done, so a warp that finishes a short run
// (large s stops at tol early) starts another instead of idling.
#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstring>
#include <cstdlib>
#include <thread>
#include <type_traits>
#include <vector>

#include "cuda_check.cuh"
#include "device_memory.cuh"
#include "ihtbatch/engines.hpp"
#include "ihtbatch/error.hpp"
#include "warp_gpu.cuh"
#include "warp_host.hpp"

namespace iht {
namespace {

constexpr int kWarpsPerBlock = 4;
constexpr int kThreadsPerBlock = kWarpsPerBlock * warp::kWarpWidth;

/// Host-mapped: the kernel posts how many runs are finished (for the progress
/// line only; the exact count is kept in device memory) and the host may ask
/// it to stop. Plain volatile stores: no system-scope atomics needed.
struct Mailbox {
  unsigned int done;
  int cancel;
};

/// Where a launch's runs come from and go: device pointers.
struct LaunchArgs {
  const warp::WarpRunSpec* specs;
  int count;
  unsigned int* next_run;  // the next run to take
  unsigned int* finished;  // runs finished
  unsigned char* scratch;  // each warp's, scratch_stride bytes apart
  size_t scratch_stride;
  warp::WarpResult* results;
  double* thetas;  // (runs, n)
  volatile Mailbox* mailbox;
};

/// One persistent warp: takes runs until the batch is done.
template <class T, class Kernel>
__device__ __forceinline__ void persistent_warp(const Kernel& kernel, const warp::WarpProblem& p,
                                                const LaunchArgs& a) {
  const int lane = threadIdx.x % warp::kWarpWidth;
  const size_t warp_id = (blockIdx.x * blockDim.x + threadIdx.x) / warp::kWarpWidth;
  const warp::GpuWarp w{lane};
  const auto mine = warp::carve_scratch<T>(p, a.scratch + warp_id * a.scratch_stride);
  for (;;) {
    unsigned int run = 0;
    if (lane == 0) run = a.mailbox->cancel ? a.count : atomicAdd(a.next_run, 1u);
    run = __shfl_sync(0xffffffffu, run, 0);
    if (run >= static_cast<unsigned int>(a.count)) return;
    kernel.run(w, p, a.specs[run], mine, &a.results[run], a.thetas + static_cast<size_t>(run) * p.n);
    if (lane == 0) a.mailbox->done = atomicAdd(a.finished, 1u) + 1u;  // a late, smaller value is harmless
  }
}

/// Blocks of kThreadsPerBlock an IRIS kernel is built to keep resident per
/// SM: its launch bounds' second argument, which caps the registers at
/// 65,536 / (N · 128). Uncapped, ptxas gives them about 250 (float64) and 220
/// (float32) registers, 8 warps per SM, which wait on latencies; on an H200
/// (bench/README.md, 2026-12-04), 12 warps in float64 (168 registers, a few
/// hundred bytes spilled) took 13 % less time on the default sweep and 16 in
/// float32 (128 registers) 25 % less, with the same bits; 20 warps were
/// slower in both. 0: no cap, for the other kernels (ptxas's own choice,
/// 168 registers for the wide one, beat a minimum of 1 block and its 255).
template <class T, class Kernel>
struct BlocksPerSm : std::integral_constant<int, 0> {};
template <class T, class M, class U>
struct BlocksPerSm<T, warp::KernelVariant<M, U, warp::FixedShape<4, 3>>>
    : std::integral_constant<int, std::is_same_v<T, double> ? 3 : 4> {};

template <class T, class Kernel>
__global__ void __launch_bounds__(kThreadsPerBlock)
    iht_persistent_kernel(Kernel kernel, warp::WarpProblem p, LaunchArgs args) {
  persistent_warp<T>(kernel, p, args);
}

template <class T, class Kernel>
__global__ void __launch_bounds__(kThreadsPerBlock, BlocksPerSm<T, Kernel>::value)
    iht_capped_kernel(Kernel kernel, warp::WarpProblem p, LaunchArgs args) {
  static_assert(BlocksPerSm<T, Kernel>::value > 0, "a capped kernel needs its blocks per SM");
  persistent_warp<T>(kernel, p, args);
}

/// The kernel a shape and precision launch (only the one is compiled).
template <class T, class Kernel>
auto kernel_function() {
  if constexpr (BlocksPerSm<T, Kernel>::value > 0)
    return iht_capped_kernel<T, Kernel>;
  else
    return iht_persistent_kernel<T, Kernel>;
}

// The occupancy trial (a build option, IHTBATCH_GPU_OCCUPANCY_TRIAL=N; the
// hopper preset sets 2): the IRIS kernels (both precisions) also compiled for
// N blocks of 4 warps per SM (65,536 / (N·128) registers per thread: 255 for
// N = 2, 8 warps per SM, as before BlocksPerSm), in place of BlocksPerSm's.
// IHTBATCH_GPU_OCCUPANCY_TRIAL=1 in the environment launches them, so one
// device session times both (bench/gpu_check.sh); the bits are the same.
#ifndef IHTBATCH_GPU_OCCUPANCY_TRIAL
#define IHTBATCH_GPU_OCCUPANCY_TRIAL 0
#endif
constexpr int kTrialBlocksPerSm = IHTBATCH_GPU_OCCUPANCY_TRIAL;
static_assert(kTrialBlocksPerSm >= 0 && kTrialBlocksPerSm <= 16, "IHTBATCH_GPU_OCCUPANCY_TRIAL: 0 (none) to 16");

#if IHTBATCH_GPU_OCCUPANCY_TRIAL > 0
template <class T, class Kernel>
__global__ void __launch_bounds__(kThreadsPerBlock, IHTBATCH_GPU_OCCUPANCY_TRIAL)
    iht_occupancy_trial_kernel(Kernel kernel, warp::WarpProblem p, LaunchArgs args) {
  persistent_warp<T>(kernel, p, args);
}
#endif

/// The kernels the trial covers: the capped (IRIS) ones, both precisions.
template <class T, class Kernel>
constexpr bool kHasTrial = kTrialBlocksPerSm > 0 && BlocksPerSm<T, Kernel>::value > 0;

/// Whether the environment asks for the occupancy trial; refused where this build has none.
bool occupancy_trial_requested() {
  const char* v = std::getenv("IHTBATCH_GPU_OCCUPANCY_TRIAL");
  if (v == nullptr || std::strcmp(v, "") == 0 || std::strcmp(v, "0") == 0) return false;
  if (std::strcmp(v, "1") != 0)
    throw InputError(std::string("IHTBATCH_GPU_OCCUPANCY_TRIAL=") + v + ": expected 0 or 1");
  if (kTrialBlocksPerSm == 0)
    throw InputError("IHTBATCH_GPU_OCCUPANCY_TRIAL=1: this build has no occupancy trial kernel (configure with "
                     "-DIHTBATCH_GPU_OCCUPANCY_TRIAL=2, as the hopper preset does)");
  return true;
}

/// Does nothing: whether it loads tells whether this build has code for the device.
__global__ void probe_kernel() {}

/// CUDA 13 loads a kernel at its first use, which would land inside the first
/// timed batch; loading all with the context keeps timings honest. (A value
/// the user set is kept; it must be set before the first CUDA call.)
void load_kernels_eagerly() { setenv("CUDA_MODULE_LOADING", "EAGER", 0); }

/// A batch's inputs and outputs in device memory; results and θ* poisoned
/// (all-ones bytes read as NaN doubles and steps = −1) so an unwritten one shows.
struct DeviceBatch {
  gpu::DeviceBuffer<double> x;
  gpu::DeviceBuffer<int> y;
  gpu::DeviceBuffer<warp::WarpRunSpec> specs;
  gpu::DeviceBuffer<warp::WarpResult> results;
  gpu::DeviceBuffer<double> thetas;  // (runs, n)
  gpu::DeviceBuffer<unsigned int> counters;  // [0] the next run to take, [1] runs finished

  DeviceBatch(const warp::WarpProblem& p, const std::vector<warp::WarpRunSpec>& host_specs)
      : x(p.x, static_cast<size_t>(p.samples) * p.d),
        y(p.y, static_cast<size_t>(p.samples)),
        specs(host_specs),
        results(host_specs.size()),
        thetas(host_specs.size() * static_cast<size_t>(p.n)),
        counters(std::vector<unsigned int>{0u, 0u}) {
    results.fill_bytes(0xFF);
    thetas.fill_bytes(0xFF);
  }
};

/// Waits for the stream's work, posting progress (after `base` runs already
/// counted) and passing on a cancel.
/// Polls every millisecond: the end of a 0.2 s sweep is seen within 1 ms.
void wait_for_kernel(const gpu::MappedHost<Mailbox>& mailbox, long base, Progress& progress) {
  cudaError_t kernel_state;
  while ((kernel_state = cudaStreamQuery(0)) == cudaErrorNotReady) {
    progress.done.store(base + static_cast<long>(mailbox.host()->done));
    if (progress.cancel.load()) mailbox.host()->cancel = 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK_CUDA(kernel_state);  // the kernel's own failure (an illegal address, a trap) shows here
  CHECK_LAUNCH();
}

bool is_poison(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits == ~uint64_t{0};
}

/// results[i] ← the device's result of run i. Every run reported finished
/// must have written its result, and without a cancel every run must have.
void collect(const DeviceBatch& batch, const std::vector<RunSpec>& specs, int parameters, bool cancelled, long base,
             std::vector<RunResult>& results, Progress& progress) {
  const unsigned int done = batch.counters.download()[1];
  progress.done.store(base + static_cast<long>(done));
  const std::vector<warp::WarpResult> host = batch.results.download();
  const std::vector<double> thetas = batch.thetas.download();
  size_t written = 0;
  for (size_t i = 0; i < host.size(); ++i) {
    if (host[i].steps < 0) continue;  // not run (cancelled)
    const double* theta = thetas.data() + i * parameters;
    for (int k = 0; k < parameters; ++k)
      if (is_poison(theta[k]))  // all-ones bytes: no arithmetic makes this NaN (the device's is 0x7FFF…)
        throw std::runtime_error("gpu backend: run " + std::to_string(i) + " left theta[" + std::to_string(k) +
                                 "] unwritten");
    results[i] = warp::to_run_result(host[i], theta, specs[i], parameters);
    ++written;
  }
  if (written != done)
    throw std::runtime_error("gpu backend: " + std::to_string(done) + " runs reported done but " +
                             std::to_string(written) + " results written");
  if (!cancelled && written != host.size())
    throw std::runtime_error("gpu backend: the kernel left " + std::to_string(host.size() - written) + " of " +
                             std::to_string(host.size()) + " results unwritten");
}

class GpuWarpBackend final : public Backend {
 public:
  GpuWarpBackend() : trial_(occupancy_trial_requested()) {
    load_kernels_eagerly();
    CHECK_CUDA(cudaGetDevice(&device_));
    CHECK_CUDA(cudaGetDeviceProperties(&props_, device_));
    CHECK_CUDA(cudaFree(nullptr));  // creates the context (and loads the kernels) now, not inside the first timed batch
  }
  BackendKind kind() const override { return BackendKind::kGpu; }
  std::string device() const override {
    return std::string(props_.name) + " (sm_" + std::to_string(props_.major) + std::to_string(props_.minor) + ", " +
           std::to_string(props_.multiProcessorCount) + " SMs)" +
           (trial_ ? ", occupancy trial: IRIS kernels for " + std::to_string(kTrialBlocksPerSm) +
                         " blocks per SM"
                   : "");
  }

  void run(const Dataset& data, const ExperimentConfig& config, const std::vector<RunSpec>& specs,
           std::vector<RunResult>& results, Progress& progress) override {
    const warp::WarpProblem p = warp::make_problem(data, config);
    if (specs.size() > static_cast<size_t>(INT_MAX) - kWarpsPerBlock)
      throw InputError("gpu backend: " + std::to_string(specs.size()) + " runs in one batch (at most " +
                       std::to_string(INT_MAX - kWarpsPerBlock) + ")");
    results.assign(specs.size(), RunResult{});
    if (specs.empty()) return;
    warp::dispatch_kernel(p, [&](auto kernel) {
      if (config.precision == Precision::kFloat32)
        launch<float>(kernel, p, specs, results, progress);
      else
        launch<double>(kernel, p, specs, results, progress);
    });
  }

 private:
  /// Persistent blocks: as many as fit on the device at once, no more than the runs need.
  template <class Function>
  int blocks_for(Function function, int runs) const {
    int blocks_per_sm = 0;
    CHECK_CUDA(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks_per_sm, function, kThreadsPerBlock, 0));
    if (blocks_per_sm < 1) throw std::runtime_error("gpu backend: the kernel cannot be resident on this device");
    return std::min(blocks_per_sm * props_.multiProcessorCount, (runs + kWarpsPerBlock - 1) / kWarpsPerBlock);
  }

  template <class T, class Kernel>
  void launch(Kernel kernel, warp::WarpProblem p, const std::vector<RunSpec>& specs, std::vector<RunResult>& results,
              Progress& progress) {
    const int count = static_cast<int>(specs.size());
    std::vector<warp::WarpRunSpec> host_specs;
    for (const auto& spec : specs) host_specs.push_back(warp::to_warp(spec));
    DeviceBatch batch(p, host_specs);
    p.x = batch.x.data();
    p.y = batch.y.data();
    auto function = kernel_function<T, Kernel>();
#if IHTBATCH_GPU_OCCUPANCY_TRIAL > 0
    if constexpr (kHasTrial<T, Kernel>)
      if (trial_) function = iht_occupancy_trial_kernel<T, Kernel>;
#endif
    const int blocks = blocks_for(function, count);
    const size_t stride = (warp::scratch_bytes<T>(p) + 255) / 256 * 256;  // each warp's scratch, 256-byte aligned
    gpu::DeviceBuffer<unsigned char> scratch(stride * blocks * kWarpsPerBlock);
    gpu::MappedHost<Mailbox> mailbox;

    const LaunchArgs args{batch.specs.data(),   count,  batch.counters.data(), batch.counters.data() + 1,
                          scratch.data(),       stride, batch.results.data(),  batch.thetas.data(),
                          mailbox.device()};
    function<<<blocks, kThreadsPerBlock>>>(kernel, p, args);
    CHECK_LAUNCH();
    const long base = progress.done.load();  // runs counted before this batch (earlier batches, a resume)
    wait_for_kernel(mailbox, base, progress);
    collect(batch, specs, p.n, progress.cancel.load(), base, results, progress);
  }

  bool trial_;  // IHTBATCH_GPU_OCCUPANCY_TRIAL=1
  int device_ = 0;
  cudaDeviceProp props_{};
};

}  // namespace

GpuStatus gpu_status() {
  try {
    occupancy_trial_requested();  // a bad or unbuilt request says so before any device is touched
  } catch (const InputError& e) {
    return {false, e.what()};
  }
  load_kernels_eagerly();
  int count = 0;
  const cudaError_t found = cudaGetDeviceCount(&count);
  if (found != cudaSuccess)
    return {false, std::string("cudaGetDeviceCount: ") + cudaGetErrorName(found) + ": " + cudaGetErrorString(found)};
  if (count == 0) return {false, "no CUDA device"};
  cudaFuncAttributes attributes{};
  const cudaError_t loads = cudaFuncGetAttributes(&attributes, probe_kernel);
  if (loads != cudaSuccess)
    return {false, std::string("this build has no code for the device (cudaFuncGetAttributes: ") +
                       cudaGetErrorName(loads) + ": " + cudaGetErrorString(loads) + ")"};
  cudaDeviceProp props{};
  const cudaError_t named = cudaGetDeviceProperties(&props, 0);
  return {true, std::to_string(count) + " CUDA device(s), the first " +
                    (named == cudaSuccess ? std::string(props.name) : std::string("unnamed"))};
}

std::unique_ptr<Backend> make_gpu_backend() { return std::make_unique<GpuWarpBackend>(); }

}  // namespace iht
