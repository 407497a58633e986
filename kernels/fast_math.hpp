#pragma once
// exp and log for the warp engine: branch-free, so the CPU side's lane loops
// vectorize and the GPU side runs the same arithmetic. Accurate to a few ulp
// over the ranges the engine uses (exp of x ≤ 0 in softmax, log of a sum of
// exponentials ≥ 1); NaN propagates so divergence is still detected.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "ihtbatch/hostdevice.hpp"
#include "ihtbatch/portable_math.hpp"  // bit_copy

// Every a·b + c of the engine is an explicit fused multiply-add (B::fma,
// fma_c), and the code is built without contraction (-ffp-contract=off; nvcc
// --fmad=false): what is written is what every machine computes, with FMA
// instructions or without (then std::fma, slower, the same bits).

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// The constants of each precision's bit layout and of its exp and log.
template <class Scalar>
struct FloatFormat;

template <>
struct FloatFormat<double> {
  using UInt = uint64_t;
  static constexpr int kMantissaBits = 52;
  static constexpr UInt kBias = 1023;
  static constexpr double kTwoToMantissa = 4503599627370496.0;  // 2^52
  static constexpr UInt kTwoToMantissaBits = 0x4330000000000000ull;
  static constexpr double kShifter = 6755399441055744.0;  // 1.5 · 2^52
  static constexpr UInt kShifterBits = 0x4338000000000000ull;
  static constexpr UInt kSqrtHalfBits = 0x3FE6A09E667F3BCDull;  // bits of √½
  static constexpr double kExpMin = -708.0;  // e^kExpMin ≈ 3e-308, still normal
  static constexpr double kLog2e = 1.4426950408889634;
  static constexpr double kLn2 = 0.69314718055994530942;
  static constexpr double kLn2Hi = 6.93147180369123816490e-01;  // Cody–Waite split of ln2
  static constexpr double kLn2Lo = 1.90821492927058770002e-10;
  static constexpr int kLogTerms = 11;  // the atanh series to t^21
};

template <>
struct FloatFormat<float> {
  using UInt = uint32_t;
  static constexpr int kMantissaBits = 23;
  static constexpr UInt kBias = 127;
  static constexpr float kTwoToMantissa = 8388608.0f;  // 2^23
  static constexpr UInt kTwoToMantissaBits = 0x4B000000u;
  static constexpr float kShifter = 12582912.0f;  // 1.5 · 2^23
  static constexpr UInt kShifterBits = 0x4B400000u;
  static constexpr UInt kSqrtHalfBits = 0x3F3504F3u;
  static constexpr float kExpMin = -87.0f;
  static constexpr float kLog2e = 1.44269504f;
  static constexpr float kLn2 = 0.693147181f;
  static constexpr float kLn2Hi = 0.693145752f;
  static constexpr float kLn2Lo = 1.42860677e-6f;
  static constexpr int kLogTerms = 6;  // to t^11
};

/// Bit access and an explicit fused multiply-add for a lane value V: a double
/// or float (one GPU lane, or a scalar on the host) here, a CPU lane group's
/// vector in lane_vec.hpp. All bit arithmetic below is unsigned, so it wraps
/// instead of overflowing.
///
/// Every a·b + c is written as B::fma: the build fuses nothing by itself
/// (-ffp-contract=off, nvcc --fmad=false), so the CPU and GPU sides agree to
/// the bit on any machine.
template <class V>
struct LaneBits;

template <class S>
struct ScalarLaneBits {
  using Scalar = S;
  using UInt = typename FloatFormat<S>::UInt;
  static IHT_HD S fma(S a, S b, S c) {
    if constexpr (std::is_same_v<S, double>)
      return ::fma(a, b, c);
    else
      return ::fmaf(a, b, c);
  }
  static IHT_HD S splat(S s) { return s; }
  /// x, or lo where x < lo; NaN stays NaN.
  static IHT_HD S at_least(S x, S lo) { return x < lo ? lo : x; }
  /// The correctly rounded square root in S itself (a float's in float, as
  /// nvcc computes it, not in double as g++'s ::sqrt(float) would).
  static IHT_HD S sqrt(S x) {
    if constexpr (std::is_same_v<S, double>)
      return ::sqrt(x);
    else
      return ::sqrtf(x);
  }
  static IHT_HD UInt to_bits(S v) { return bit_copy<UInt>(v); }
  static IHT_HD S from_bits(UInt b) { return bit_copy<S>(b); }
};

template <>
struct LaneBits<double> : ScalarLaneBits<double> {};
template <>
struct LaneBits<float> : ScalarLaneBits<float> {};

/// a·b + c rounded once, for a lane value and scalars (broadcast to its
/// lanes as they are: −0 stays −0, and no add is spent on it).
template <class V, class S1, class S2>
IHT_HD V fma_c(V a, S1 b, S2 c) {
  using B = LaneBits<V>;
  using S = typename B::Scalar;
  return B::fma(a, B::splat(static_cast<S>(b)), B::splat(static_cast<S>(c)));
}
template <class V, class S1>
IHT_HD V fma_c(V a, S1 b, V c) {
  using B = LaneBits<V>;
  return B::fma(a, B::splat(static_cast<typename B::Scalar>(b)), c);
}

/// e^r for |r| ≤ ln2/2, double: e^r = 1 + r + r²·q(r) with q of degree 9
/// fitted to (e^r − 1 − r)/r² (Chebyshev fit, scripts/fit_exp_poly.py;
/// relative error ≈ 1e-17 before rounding), by Estrin's scheme so the
/// dependency chain is short.
template <class V>
IHT_HD V exp_reduced_f64(V r) {
  constexpr double kQ[10] = {0.50000000000000010221,    0.16666666666666667453,    0.041666666666624127873,
                             0.0083333333333300618325,  0.0013888888917213716901,  0.00019841269863053616878,
                             2.4801521295954375131e-5,  2.7557268459997064772e-6,  2.7620088445409748161e-7,
                             2.5100385495510319078e-8};
  using B = LaneBits<V>;
  const V r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const V q01 = fma_c(r, kQ[1], kQ[0]), q23 = fma_c(r, kQ[3], kQ[2]), q45 = fma_c(r, kQ[5], kQ[4]);
  const V q67 = fma_c(r, kQ[7], kQ[6]), q89 = fma_c(r, kQ[9], kQ[8]);
  const V q07 = B::fma(B::fma(q67, r2, q45), r4, B::fma(q23, r2, q01));
  const V q = B::fma(q89, r8, q07);
  return B::fma(q, r2, r + 1.0);
}

/// e^r for |r| ≤ ln2/2, float: Taylor to degree 7, by Estrin's scheme.
template <class V>
IHT_HD V exp_reduced_f32(V r) {
  using B = LaneBits<V>;
  const V r2 = r * r, r4 = r2 * r2;
  const V p01 = r + 1.0f, p23 = fma_c(r, 1.0f / 6.0f, 0.5f);
  const V p45 = fma_c(r, 1.0f / 120.0f, 1.0f / 24.0f), p67 = fma_c(r, 1.0f / 5040.0f, 1.0f / 720.0f);
  return B::fma(B::fma(p67, r2, p45), r4, B::fma(p23, r2, p01));
}

/// e^x for x ≤ 0; below kExpMin it returns e^kExpMin (a softmax term that
/// small is negligible next to the 1 of the largest class). NaN propagates
/// through the arithmetic. Cody-Waite reduction x = k·ln2 + r, |r| ≤ ln2/2,
/// then e^r by a polynomial of the precision and 2^k from the bits. k is
/// rounded by adding 1.5·2^mantissa, which leaves it in the low mantissa
/// bits: no float-to-integer conversion, so the CPU side vectorizes with AVX2.
template <class V>
IHT_HD V exp_nonpositive(V x) {
  using B = LaneBits<V>;
  using F = FloatFormat<typename B::Scalar>;
  const V xc = B::at_least(x, F::kExpMin);
  const V shifted = fma_c(xc, F::kLog2e, F::kShifter);
  // −k, exact: no negation of k (one instruction fewer). It is +0 where −k
  // would be −0, which changes no result: r is then xc, or ±0 where xc is
  // ±0, and p = 1 either way.
  const V neg_k = F::kShifter - shifted;
  const V r = fma_c(neg_k, F::kLn2Lo, fma_c(neg_k, F::kLn2Hi, xc));
  V p;
  if constexpr (std::is_same_v<typename B::Scalar, double>)
    p = exp_reduced_f64(r);
  else
    p = exp_reduced_f32(r);
  // Times 2^k: k sits in the low bits of `shifted`; add it to p's exponent
  // field (p ≥ ½ and x ≥ kExpMin keep the result normal, so this is exact).
  // The shift drops the shifter's own bits: they are all above the low ones.
  static_assert((F::kShifterBits << F::kMantissaBits) == 0, "the shifter's bits shift out");
  return B::from_bits(B::to_bits(p) + (B::to_bits(shifted) << F::kMantissaBits));
}

/// ln x for finite x ≥ 1e-300 (float: 1e-37): x = 2^e·m with m in [√½, √2),
/// then ln m = 2·atanh(t), t = (m−1)/(m+1), |t| ≤ 0.172, by its odd series
/// (kLogTerms terms). Non-finite or non-positive x gives NaN or the input
/// (inf), never a finite lie. Only unsigned shifts and adds touch the bits,
/// so AVX2 vectorizes it.
template <class V>
IHT_HD V log_positive(V x) {
  using B = LaneBits<V>;
  using S = typename B::Scalar;
  using F = FloatFormat<S>;
  const typename B::UInt bits = B::to_bits(x);
  // Biased exponent of x/√½ (e + bias), below 2^(exponent bits) for every positive x.
  const typename B::UInt biased =
      (bits - F::kSqrtHalfBits + (F::kBias << F::kMantissaBits)) >> F::kMantissaBits;
  const V e = (B::from_bits(biased | F::kTwoToMantissaBits) - F::kTwoToMantissa) - static_cast<S>(F::kBias);
  const V m = B::from_bits(bits - ((biased - F::kBias) << F::kMantissaBits));
  const V t = (m - S(1)) / (m + S(1));
  const V t2 = t * t;
  V s = fma_c(t2, S(1) / S(2 * F::kLogTerms - 1), S(1) / S(2 * F::kLogTerms - 3));
  for (int k = F::kLogTerms - 3; k >= 0; --k) s = B::fma(s, t2, V{} + S(1) / S(2 * k + 1));
  const V y = B::fma(e, V{} + F::kLn2, S(2) * t * s);
  // Constants, not calls: no inline std function is compiled into a SIMD path (hostdevice.hpp).
  constexpr S kInf = std::numeric_limits<S>::infinity(), kNaN = std::numeric_limits<S>::quiet_NaN();
  const auto ok = x > S(0) && x < kInf;
  return ok ? y : (x > S(0) ? x : kNaN);
}

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp
