#pragma once
// A CPU lane group: consecutive lanes of a warp held in one GCC vector (4
// doubles or 8 floats, one AVX2 register), so per-lane kernel code written
// over a lane value V compiles to SIMD instructions directly, with no reliance
// on the auto-vectorizer. Arithmetic, comparisons (giving lane masks) and
// `mask ? a : b` are GCC's vector extensions; a scalar operand is broadcast.
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "fast_math.hpp"

namespace iht::warp {

inline constexpr int kLaneGroupBytes = 32;

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
#if defined(__FMA__)
    static_assert(kLaneGroupBytes == 32, "the 256-bit FMA instructions");
    if constexpr (std::is_same_v<T, double>)
      return __builtin_ia32_vfmaddpd256(a, b, c);
    else
      return __builtin_ia32_vfmaddps256(a, b, c);
#else
    for (int i = 0; i < static_cast<int>(sizeof(V) / sizeof(T)); ++i) a[i] = std::fma(a[i], b[i], c[i]);
    return a;
#endif
  }
  /// x, or lo where x < lo; NaN stays NaN. AVX's max(lo, x) is exactly
  /// that (it returns its second operand when either is NaN) in one
  /// instruction, where `x < lo ? lo : x` compiles to a compare and a blend.
  static V at_least(V x, T lo) {
#if defined(__AVX__)
    if constexpr (std::is_same_v<T, double>)
      return __builtin_ia32_maxpd256(V{} + lo, x);
    else
      return __builtin_ia32_maxps256(V{} + lo, x);
#else
    return x < lo ? V{} + lo : x;
#endif
  }
};

template <>
struct LaneBits<LaneVec<double>::type> : LaneBitsOfVec<double> {};
template <>
struct LaneBits<LaneVec<float>::type> : LaneBitsOfVec<float> {};

}  // namespace iht::warp
