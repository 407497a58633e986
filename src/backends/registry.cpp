// The backend registry: which backends this build has, and "auto".
#include "ihtbatch/backend.hpp"
#include "ihtbatch/engines.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/reference.hpp"

namespace iht {

#if !defined(IHTBATCH_HAVE_CUDA)
GpuStatus gpu_status() { return {false, "this build has no GPU backend (no CUDA compiler was found)"}; }
std::unique_ptr<Backend> make_gpu_backend() {
  throw InputError("backend 'gpu': this build has no GPU backend (no CUDA compiler was found)");
}
#endif

std::string to_string(BackendKind kind) {
  switch (kind) {
    case BackendKind::kAuto: return "auto";
    case BackendKind::kGpu: return "gpu";
    case BackendKind::kCpu: return "cpu";
    case BackendKind::kReference: return "reference";
  }
  return "unknown";
}

BackendKind parse_backend(const std::string& name, const std::string& flag) {
  for (BackendKind kind : {BackendKind::kAuto, BackendKind::kGpu, BackendKind::kCpu, BackendKind::kReference})
    if (name == to_string(kind)) return kind;
  throw InputError(flag + ": unknown backend '" + name + "' (expected auto, gpu, cpu or reference)");
}

std::vector<BackendKind> available_backends() {
  std::vector<BackendKind> kinds;
  if (gpu_status().usable) kinds.push_back(BackendKind::kGpu);
  kinds.push_back(BackendKind::kCpu);
  kinds.push_back(BackendKind::kReference);
  return kinds;
}

std::unique_ptr<Backend> make_backend(BackendKind kind, int threads) {
  switch (kind) {
    case BackendKind::kAuto: return make_backend(available_backends().front(), threads);
    case BackendKind::kReference: return make_reference_backend(threads);
    case BackendKind::kCpu: return make_cpu_backend(threads);
    case BackendKind::kGpu: {
      const GpuStatus gpu = gpu_status();
      if (!gpu.usable) throw InputError("backend 'gpu' cannot run here: " + gpu.detail);
      return make_gpu_backend();
    }
  }
  throw InputError("unknown backend");  // unreachable: every kind is handled above
}

std::unique_ptr<Backend> make_backend(const std::string& name, int threads) {
  return make_backend(parse_backend(name), threads);
}

}  // namespace iht
