// The backend registry: which backends this build has, and "auto".
#include "ihtbatch/backend.hpp"
#include "ihtbatch/engines.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/reference.hpp"

namespace iht {

#if !defined(IHTBATCH_HAVE_CUDA)
bool gpu_available() { return false; }
std::unique_ptr<Backend> make_gpu_backend() {
  throw InputError("backend 'gpu': this build has no GPU backend (no CUDA compiler was found)");
}
#endif

std::vector<std::string> available_backends() {
  std::vector<std::string> names;
  if (gpu_available()) names.push_back("gpu");
  names.push_back("cpu");
  names.push_back("reference");
  return names;
}

std::unique_ptr<Backend> make_backend(const std::string& name, int threads) {
  if (name == "auto") return make_backend(available_backends().front(), threads);
  if (name == "reference") return make_reference_backend(threads);
  if (name == "cpu") return make_cpu_backend(threads);
  if (name == "gpu") {
    if (!gpu_available()) throw InputError("backend 'gpu': no CUDA device is available");
    return make_gpu_backend();
  }
  throw InputError("unknown backend '" + name + "' (expected auto, gpu, cpu or reference)");
}

}  // namespace iht
