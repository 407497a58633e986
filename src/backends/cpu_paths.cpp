// Which of the cpu backend's SIMD paths this binary holds, which this CPU can
// run, and the choice between them (IHTBATCH_SIMD, else the widest).
#include <cstdlib>

#include "ihtbatch/error.hpp"
#include "ihtbatch/simd.hpp"
#include "path_kernels.hpp"
#include "warp_cpu.hpp"

namespace iht::warp {
bool host_stop_requested(const std::atomic<bool>& flag) { return flag.load(std::memory_order_relaxed); }
}  // namespace iht::warp

namespace iht::cpu_paths {
// One table per path compiled in (cpu_path_kernels.cpp; CMakeLists.txt says which).
#if defined(IHTBATCH_PATH_AVX512)
extern const PathKernels kernels_avx512;
#endif
#if defined(IHTBATCH_PATH_AVX2)
extern const PathKernels kernels_avx2;
#endif
extern const PathKernels kernels_portable;

namespace {

const PathKernels* compiled(SimdPath path) {
  switch (path) {
#if defined(IHTBATCH_PATH_AVX512)
    case SimdPath::kAvx512: return &kernels_avx512;
#endif
#if defined(IHTBATCH_PATH_AVX2)
    case SimdPath::kAvx2: return &kernels_avx2;
#endif
    case SimdPath::kPortable: return &kernels_portable;
    default: return nullptr;
  }
}

/// Whether this CPU (and its operating system, which must save the wider
/// registers) runs the instruction set the path was compiled for
/// (CMakeLists.txt: x86-64-v4 and x86-64-v3 levels).
bool cpu_runs(SimdPath path) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  switch (path) {
    case SimdPath::kAvx512: return __builtin_cpu_supports("x86-64-v4");
    case SimdPath::kAvx2: return __builtin_cpu_supports("x86-64-v3");
    case SimdPath::kPortable: return true;
  }
  return false;
#else
  return path == SimdPath::kPortable;
#endif
}

std::string names(const std::vector<SimdPath>& paths) {
  std::string out;
  for (SimdPath p : paths) out += (out.empty() ? "" : ", ") + to_string(p);
  return out;
}

}  // namespace

const PathKernels& path_kernels(SimdPath path) {
  const PathKernels* k = compiled(path);
  if (k == nullptr) throw InputError("SIMD path '" + to_string(path) + "': this binary was built without it");
  if (!cpu_runs(path)) throw InputError("SIMD path '" + to_string(path) + "': this CPU cannot run it");
  return *k;
}

}  // namespace iht::cpu_paths

namespace iht {

std::string to_string(SimdPath path) {
  switch (path) {
    case SimdPath::kAvx512: return "avx512";
    case SimdPath::kAvx2: return "avx2";
    case SimdPath::kPortable: return "portable";
  }
  return "unknown";
}

SimdPath parse_simd_path(const std::string& name, const std::string& source) {
  for (SimdPath p : {SimdPath::kAvx512, SimdPath::kAvx2, SimdPath::kPortable})
    if (name == to_string(p)) return p;
  throw InputError(source + ": unknown SIMD path '" + name + "' (expected avx512, avx2 or portable)");
}

std::vector<SimdPath> available_simd_paths() {
  std::vector<SimdPath> paths;
  for (SimdPath p : {SimdPath::kAvx512, SimdPath::kAvx2, SimdPath::kPortable})
    if (cpu_paths::compiled(p) != nullptr && cpu_paths::cpu_runs(p)) paths.push_back(p);
  return paths;
}

SimdPath chosen_simd_path() {
  const std::vector<SimdPath> paths = available_simd_paths();
  const char* forced = std::getenv("IHTBATCH_SIMD");
  if (forced == nullptr || *forced == '\0') return paths.front();
  const SimdPath p = parse_simd_path(forced, "IHTBATCH_SIMD");
  for (SimdPath a : paths)
    if (a == p) return p;
  throw InputError(std::string("IHTBATCH_SIMD=") + forced + ": " +
                   (cpu_paths::compiled(p) == nullptr ? "this binary was built without that path"
                                                      : "this CPU cannot run that path") +
                   " (available here: " + cpu_paths::names(paths) + ")");
}

std::string simd_summary() {
  const std::string available = cpu_paths::names(available_simd_paths());
  try {
    const char* forced = std::getenv("IHTBATCH_SIMD");
    const bool set = forced != nullptr && *forced != '\0';
    return to_string(chosen_simd_path()) + (set ? " (IHTBATCH_SIMD)" : "") + "; available here: " + available;
  } catch (const InputError& e) {
    return std::string("none: ") + e.what();
  }
}

}  // namespace iht
