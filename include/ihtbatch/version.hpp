#pragma once
namespace iht {
const char* version();     // project version
const char* git_commit();  // commit the binary was built from, or "unknown"
}  // namespace iht
