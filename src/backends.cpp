// The backend registry: which backends this build has, and "auto".
#include "ihtbatch/backend.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/reference.hpp"

namespace iht {

std::vector<std::string> available_backends() { return {"reference"}; }

std::unique_ptr<Backend> make_backend(const std::string& name, int threads) {
  if (name == "auto") return make_backend(available_backends().front(), threads);
  if (name == "reference") return make_reference_backend(threads);
  throw InputError("unknown backend '" + name + "' (this build has: auto, reference)");
}

}  // namespace iht
