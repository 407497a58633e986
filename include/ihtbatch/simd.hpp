#pragma once
// The cpu backend's SIMD paths. Its kernels are compiled once per path: for
// AVX-512 (512-bit lane groups), for AVX2 + FMA (256-bit), and for any x86-64
// (portable: the same 256-bit groups in SSE halves, each fused multiply-add
// computed by std::fma). One binary holds them all and takes the widest this
// CPU runs; every path computes the same bits (docs/SPEC.md §7).
#include <string>
#include <vector>

namespace iht {

enum class SimdPath { kAvx512, kAvx2, kPortable };

/// "avx512", "avx2", "portable".
std::string to_string(SimdPath path);

/// Throws InputError naming `source` (a flag or variable) for an unknown name.
SimdPath parse_simd_path(const std::string& name, const std::string& source);

/// Paths this binary holds and this CPU can run, widest first; portable is
/// always among them.
std::vector<SimdPath> available_simd_paths();

/// The path the cpu backend takes: the one IHTBATCH_SIMD names when it is set
/// (InputError when it names none, or one this CPU cannot run), else the
/// widest available.
SimdPath chosen_simd_path();

/// A line for --version: the path taken and those available, or why
/// IHTBATCH_SIMD is refused.
std::string simd_summary();

}  // namespace iht
