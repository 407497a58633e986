#include "ihtbatch/version.hpp"

namespace iht {
const char* version() { return IHTBATCH_VERSION; }
// git_commit() is generated at build time (cmake/git_commit.cmake).
}  // namespace iht
