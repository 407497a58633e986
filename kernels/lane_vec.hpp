#pragma once
// A CPU lane group: consecutive lanes of a warp held in one GCC vector (one
// SIMD register: 256 bits, 4 doubles or 8 floats, on the avx2 and portable
// paths; 512 bits, 8 doubles or 16 floats, on the avx512 path), so per-lane
// kernel code written over a lane value V compiles to SIMD instructions
// directly, with no reliance on the auto-vectorizer. Arithmetic, comparisons
// (giving lane masks) and `mask ? a : b` are GCC's vector extensions; a scalar
// operand is broadcast. The width changes no bit: every operation is per lane,
// and the warp's sums keep the butterfly's order (warp_cpu.hpp).
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <utility>
#if defined(__AVX__)
#include <immintrin.h>
#endif

#include "fast_math.hpp"

// Set per path by the build (CMakeLists.txt, cpu_path_kernels.cpp); 32 elsewhere.
#ifndef IHT_LANE_GROUP_BYTES
#define IHT_LANE_GROUP_BYTES 32
#endif

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

inline constexpr int kLaneGroupBytes = IHT_LANE_GROUP_BYTES;
static_assert(kLaneGroupBytes == 32 || kLaneGroupBytes == 64, "256- or 512-bit lane groups");
#if IHT_LANE_GROUP_BYTES == 64 && !defined(__AVX512F__)
#error "512-bit lane groups need AVX-512 (the avx512 path's flags)"
#endif

template <class T>
struct LaneVec;

template <>
struct LaneVec<double> {
  typedef double type __attribute__((vector_size(kLaneGroupBytes)));
  typedef uint64_t bits __attribute__((vector_size(kLaneGroupBytes)));
};

template <>
struct LaneVec<float> {
  typedef float type __attribute__((vector_size(kLaneGroupBytes)));
  typedef uint32_t bits __attribute__((vector_size(kLaneGroupBytes)));
};

template <class T>
struct LaneBitsOfVec {
  using Scalar = T;
  using V = typename LaneVec<T>::type;
  using UInt = typename LaneVec<T>::bits;
  static UInt to_bits(V v) { return __builtin_bit_cast(UInt, v); }
  static V from_bits(UInt b) { return __builtin_bit_cast(V, b); }
  /// s in every lane (a broadcast, not an add to zero, which would turn −0 into +0).
  static V splat(T s) { return splat_of(s, std::make_index_sequence<sizeof(V) / sizeof(T)>{}); }
  template <size_t... I>
  static V splat_of(T s, std::index_sequence<I...>) {
    return V{((void)I, s)...};  // one broadcast instruction
  }
  /// a·b + c rounded once per lane: one FMA instruction where the target has
  /// them (an element loop of std::fma is not always put back together into
  /// one), else std::fma lane by lane (the same bits).
  static V fma(V a, V b, V c) {
#if defined(__AVX512F__)
    if constexpr (sizeof(V) == 64) {
      if constexpr (std::is_same_v<T, double>)
        return _mm512_fmadd_pd(a, b, c);
      else
        return _mm512_fmadd_ps(a, b, c);
    }
#endif
#if defined(__FMA__)
    if constexpr (sizeof(V) == 32) {
      if constexpr (std::is_same_v<T, double>)
        return _mm256_fmadd_pd(a, b, c);
      else
        return _mm256_fmadd_ps(a, b, c);
    }
#endif
    // The builtins, not std::fma: no inline std function in a SIMD path (hostdevice.hpp).
    for (int i = 0; i < static_cast<int>(sizeof(V) / sizeof(T)); ++i) {
      if constexpr (std::is_same_v<T, double>)
        a[i] = __builtin_fma(a[i], b[i], c[i]);
      else
        a[i] = __builtin_fmaf(a[i], b[i], c[i]);
    }
    return a;
  }
  /// x, or lo where x < lo; NaN stays NaN. AVX's max(lo, x) is exactly
  /// that (it returns its second operand when either is NaN) in one
  /// instruction, where `x < lo ? lo : x` compiles to a compare and a blend.
  static V at_least(V x, T lo) {
#if defined(__AVX512F__)
    if constexpr (sizeof(V) == 64) {
      if constexpr (std::is_same_v<T, double>)
        return _mm512_max_pd(splat(lo), x);
      else
        return _mm512_max_ps(splat(lo), x);
    }
#endif
#if defined(__AVX__)
    if constexpr (sizeof(V) == 32) {
      if constexpr (std::is_same_v<T, double>)
        return _mm256_max_pd(splat(lo), x);
      else
        return _mm256_max_ps(splat(lo), x);
    }
#endif
    return x < lo ? splat(lo) : x;
  }
};

template <>
struct LaneBits<LaneVec<double>::type> : LaneBitsOfVec<double> {};
template <>
struct LaneBits<LaneVec<float>::type> : LaneBitsOfVec<float> {};

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp
