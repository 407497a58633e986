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

namespace iht::warp {

/// Bit access and an explicit fused multiply-add for a lane value V: a double
/// or float (one GPU lane, or a scalar on the host) here, a CPU lane group's
/// vector in lane_vec.hpp. All bit arithmetic below is unsigned, so it wraps
/// instead of overflowing.
///
/// Every a·b + c below has a single product, so compilers that fuse it (GCC,
/// nvcc) all fuse it into the same FMA and the CPU and GPU sides agree to the
/// bit. Where a sum has two products, B::fma names the one that is fused.
template <class V>
struct LaneBits;

template <>
struct LaneBits<double> {
  using Scalar = double;
  using UInt = uint64_t;
  static IHT_HD double fma(double a, double b, double c) { return ::fma(a, b, c); }
  static IHT_HD UInt to_bits(double d) {
#if defined(__CUDA_ARCH__)
    return static_cast<UInt>(__double_as_longlong(d));
#else
    UInt b;
    std::memcpy(&b, &d, sizeof b);
    return b;
#endif
  }
  static IHT_HD double from_bits(UInt b) {
#if defined(__CUDA_ARCH__)
    return __longlong_as_double(static_cast<long long>(b));
#else
    double d;
    std::memcpy(&d, &b, sizeof d);
    return d;
#endif
  }
};

template <>
struct LaneBits<float> {
  using Scalar = float;
  using UInt = uint32_t;
  static IHT_HD float fma(float a, float b, float c) { return ::fmaf(a, b, c); }
  static IHT_HD UInt to_bits(float f) {
#if defined(__CUDA_ARCH__)
    return static_cast<UInt>(__float_as_int(f));
#else
    UInt b;
    std::memcpy(&b, &f, sizeof b);
    return b;
#endif
  }
  static IHT_HD float from_bits(UInt b) {
#if defined(__CUDA_ARCH__)
    return __int_as_float(static_cast<int>(b));
#else
    float f;
    std::memcpy(&f, &b, sizeof f);
    return f;
#endif
  }
};

/// e^x for x ≤ 0; below −708 it returns e^−708 ≈ 3e-308 (a softmax term that
/// small is negligible next to the 1 of the largest class). NaN propagates
/// through the arithmetic. Cody-Waite reduction x = k·ln2 + r, |r| ≤ ln2/2,
/// then e^r = 1 + r + r²·q(r) with q of degree 9 fitted to (e^r − 1 − r)/r²
/// (Chebyshev fit, scripts/fit_exp_poly.py; relative error ≈ 1e-17 before
/// rounding), evaluated by Estrin's scheme so the dependency chain is short.
/// k is rounded by adding 1.5·2^52, which leaves it in the low mantissa bits:
/// no float-to-integer conversion, so the CPU side vectorizes with AVX2.
template <class V>
IHT_HD V exp_nonpositive_f64(V x) {
  using B = LaneBits<V>;
  using U = typename B::UInt;
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kShifter = 6755399441055744.0;  // 1.5 · 2^52
  constexpr uint64_t kShifterBits = 0x4338000000000000ull;
  constexpr double kQ[10] = {0.50000000000000010221,    0.16666666666666667453,    0.041666666666624127873,
                             0.0083333333333300618325,  0.0013888888917213716901,  0.00019841269863053616878,
                             2.4801521295954375131e-5,  2.7557268459997064772e-6,  2.7620088445409748161e-7,
                             2.5100385495510319078e-8};
  const V xc = x < -708.0 ? -708.0 : x;
  const V shifted = xc * kLog2e + kShifter;
  const V kf = shifted - kShifter;
  const V r = (xc - kf * kLn2Hi) - kf * kLn2Lo;
  const V r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const V q01 = r * kQ[1] + kQ[0], q23 = r * kQ[3] + kQ[2], q45 = r * kQ[5] + kQ[4];
  const V q67 = r * kQ[7] + kQ[6], q89 = r * kQ[9] + kQ[8];
  const V q07 = (q67 * r2 + q45) * r4 + (q23 * r2 + q01);
  const V q = q89 * r8 + q07;
  const V p = q * r2 + (r + 1.0);
  // 2^k: k sits in the low bits of `shifted`; move it into the exponent field.
  const U k = B::to_bits(shifted) - kShifterBits;
  const V scale = B::from_bits((k + 1023u) << 52);
  return p * scale;
}

/// ln x for finite x ≥ 1e-300: x = 2^e·m with m in [√½, √2), then
/// ln m = 2·atanh(t), t = (m−1)/(m+1), |t| ≤ 0.172, odd series to t^21.
/// Non-finite or non-positive x gives NaN or the input (inf), never a finite lie.
/// Only unsigned shifts and adds touch the bits, so AVX2 vectorizes it.
template <class V>
IHT_HD V log_positive_f64(V x) {
  using B = LaneBits<V>;
  using U = typename B::UInt;
  constexpr double kLn2 = 0.69314718055994530942;
  constexpr uint64_t kSqrtHalfBits = 0x3FE6A09E667F3BCDull;  // bits of √½
  constexpr uint64_t kTwo52Bits = 0x4330000000000000ull;     // bits of 2^52
  const U bits = B::to_bits(x);
  // Biased exponent of x/√½ (e + 1023), below 2^11 for every positive x.
  const U biased = (bits - kSqrtHalfBits + (1023ull << 52)) >> 52;
  const V e = (B::from_bits(biased | kTwo52Bits) - 4503599627370496.0) - 1023.0;
  const V m = B::from_bits(bits - ((biased - 1023u) << 52));
  const V t = (m - 1.0) / (m + 1.0);
  const V t2 = t * t;
  V s = t2 * (1.0 / 21) + 1.0 / 19;
  s = s * t2 + 1.0 / 17;
  s = s * t2 + 1.0 / 15;
  s = s * t2 + 1.0 / 13;
  s = s * t2 + 1.0 / 11;
  s = s * t2 + 1.0 / 9;
  s = s * t2 + 1.0 / 7;
  s = s * t2 + 1.0 / 5;
  s = s * t2 + 1.0 / 3;
  s = s * t2 + 1.0;
  const V y = B::fma(e, V{} + kLn2, 2.0 * t * s);
  const auto ok = x > 0.0 && x < std::numeric_limits<double>::infinity();
  return ok ? y : (x > 0.0 ? x : std::numeric_limits<double>::quiet_NaN());
}

/// Single-precision versions: degree-7 exp polynomial (shifter 1.5 · 2^23),
/// series to t^11 for log.
template <class V>
IHT_HD V exp_nonpositive_f32(V x) {
  using B = LaneBits<V>;
  using U = typename B::UInt;
  constexpr float kLog2e = 1.44269504f;
  constexpr float kLn2Hi = 0.693145752f;
  constexpr float kLn2Lo = 1.42860677e-6f;
  constexpr float kShifter = 12582912.0f;  // 1.5 · 2^23
  constexpr uint32_t kShifterBits = 0x4B400000u;
  const V xc = x < -87.0f ? -87.0f : x;
  const V shifted = xc * kLog2e + kShifter;
  const V kf = shifted - kShifter;
  const V r = (xc - kf * kLn2Hi) - kf * kLn2Lo;
  const V r2 = r * r, r4 = r2 * r2;  // Estrin's scheme, as for double
  const V p01 = r + 1.0f, p23 = r * (1.0f / 6.0f) + 0.5f;
  const V p45 = r * (1.0f / 120.0f) + 1.0f / 24.0f, p67 = r * (1.0f / 5040.0f) + 1.0f / 720.0f;
  const V p = (p67 * r2 + p45) * r4 + (p23 * r2 + p01);
  const U k = B::to_bits(shifted) - kShifterBits;
  const V scale = B::from_bits((k + 127u) << 23);
  return p * scale;
}

template <class V>
IHT_HD V log_positive_f32(V x) {
  using B = LaneBits<V>;
  using U = typename B::UInt;
  constexpr float kLn2 = 0.693147181f;
  constexpr uint32_t kSqrtHalfBits = 0x3F3504F3u;  // bits of √½
  constexpr uint32_t kTwo23Bits = 0x4B000000u;     // bits of 2^23
  const U bits = B::to_bits(x);
  const U biased = (bits - kSqrtHalfBits + (127u << 23)) >> 23;
  const V e = (B::from_bits(biased | kTwo23Bits) - 8388608.0f) - 127.0f;
  const V m = B::from_bits(bits - ((biased - 127u) << 23));
  const V t = (m - 1.0f) / (m + 1.0f);
  const V t2 = t * t;
  V s = t2 * (1.0f / 11) + 1.0f / 9;
  s = s * t2 + 1.0f / 7;
  s = s * t2 + 1.0f / 5;
  s = s * t2 + 1.0f / 3;
  s = s * t2 + 1.0f;
  const V y = B::fma(e, V{} + kLn2, 2.0f * t * s);
  const auto ok = x > 0.0f && x < std::numeric_limits<float>::infinity();
  return ok ? y : (x > 0.0f ? x : std::numeric_limits<float>::quiet_NaN());
}

/// The precision of V's lanes picks the polynomial.
template <class V>
IHT_HD V exp_nonpositive(V x) {
  if constexpr (std::is_same_v<typename LaneBits<V>::Scalar, double>)
    return exp_nonpositive_f64(x);
  else
    return exp_nonpositive_f32(x);
}

template <class V>
IHT_HD V log_positive(V x) {
  if constexpr (std::is_same_v<typename LaneBits<V>::Scalar, double>)
    return log_positive_f64(x);
  else
    return log_positive_f32(x);
}

}  // namespace iht::warp
