#include "ihtbatch/version.hpp"

namespace iht {
const char* version() { return IHTBATCH_VERSION; }
const char* git_commit() { return IHTBATCH_GIT_COMMIT; }
}  // namespace iht
