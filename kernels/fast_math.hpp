#pragma once
// exp and log for the warp engine: branch-free, so the CPU side's lane loops
// vectorize and the GPU side runs the same arithmetic. Accurate to a few ulp
// over the ranges the engine uses (exp of x ≤ 0 in softmax, log of a sum of
// exponentials ≥ 1); NaN propagates so divergence is still detected.
#include <cstdint>
#include <cstring>
#include <limits>

#include "ihtbatch/hostdevice.hpp"

namespace iht::warp {

IHT_HD double bits_to_double(int64_t b) {
#if defined(__CUDA_ARCH__)
  return __longlong_as_double(b);
#else
  double d;
  std::memcpy(&d, &b, sizeof d);
  return d;
#endif
}

IHT_HD int64_t double_to_bits(double d) {
#if defined(__CUDA_ARCH__)
  return __double_as_longlong(d);
#else
  int64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
#endif
}

IHT_HD float bits_to_float(int32_t b) {
#if defined(__CUDA_ARCH__)
  return __int_as_float(b);
#else
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
#endif
}

IHT_HD int32_t float_to_bits(float f) {
#if defined(__CUDA_ARCH__)
  return __float_as_int(f);
#else
  int32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
#endif
}

/// e^x for x ≤ 0; below −708 it returns e^−708 ≈ 3e-308 (a softmax term that
/// small is negligible next to the 1 of the largest class). NaN propagates
/// through the arithmetic. Cody-Waite reduction x = k·ln2 + r, |r| ≲ ln2/2, then a
/// degree-13 Taylor polynomial (truncation < 1e-17 relative). k is rounded
/// by adding 1.5·2^52, which leaves it in the low mantissa bits: no
/// float-to-integer conversion, so the CPU side vectorizes with AVX2.
IHT_HD double exp_nonpositive(double x) {
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kShifter = 6755399441055744.0;  // 1.5 · 2^52
  const double xc = x < -708.0 ? -708.0 : x;
  const double shifted = xc * kLog2e + kShifter;
  const double kf = shifted - kShifter;
  const double r = (xc - kf * kLn2Hi) - kf * kLn2Lo;
  double p = 1.0 / 6227020800.0;  // 1/13!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // 2^k: k sits in the low bits of `shifted`; move it into the exponent field.
  const int64_t k = double_to_bits(shifted) - double_to_bits(kShifter);
  const double scale = bits_to_double((k + 1023) << 52);
  return p * scale;
}

/// ln x for finite x ≥ 1e-300: x = 2^e·m with m in [√½, √2), then
/// ln m = 2·atanh(t), t = (m−1)/(m+1), |t| ≤ 0.172, odd series to t^21.
/// Non-finite or non-positive x gives NaN or the input (inf), never a finite lie.
/// Only unsigned 64-bit shifts and adds touch the bits, so AVX2 vectorizes it.
IHT_HD double log_positive(double x) {
  constexpr double kLn2 = 0.69314718055994530942;
  constexpr int64_t kSqrtHalfBits = 0x3FE6A09E667F3BCDll;  // bits of √½
  constexpr int64_t kTwo52Bits = 0x4330000000000000ll;     // bits of 2^52
  const int64_t bits = double_to_bits(x);
  // Biased exponent of x/√½ (e + 1023), non-negative for every positive x.
  const int64_t biased = static_cast<int64_t>(static_cast<uint64_t>(bits - kSqrtHalfBits + (1023ll << 52)) >> 52);
  const double e = (bits_to_double(kTwo52Bits | biased) - 4503599627370496.0) - 1023.0;
  const double m = bits_to_double(bits - ((biased - 1023) << 52));
  const double t = (m - 1.0) / (m + 1.0);
  const double t2 = t * t;
  double s = 1.0 / 21;
  s = s * t2 + 1.0 / 19;
  s = s * t2 + 1.0 / 17;
  s = s * t2 + 1.0 / 15;
  s = s * t2 + 1.0 / 13;
  s = s * t2 + 1.0 / 11;
  s = s * t2 + 1.0 / 9;
  s = s * t2 + 1.0 / 7;
  s = s * t2 + 1.0 / 5;
  s = s * t2 + 1.0 / 3;
  s = s * t2 + 1.0;
  const double y = e * kLn2 + 2.0 * t * s;
  const bool ok = x > 0.0 && x < std::numeric_limits<double>::infinity();
  return ok ? y : (x > 0.0 ? x : std::numeric_limits<double>::quiet_NaN());
}

/// Single-precision versions: degree-7 exp polynomial (shifter 1.5 · 2^23),
/// series to t^11 for log.
IHT_HD float exp_nonpositive(float x) {
  constexpr float kLog2e = 1.44269504f;
  constexpr float kLn2Hi = 0.693145752f;
  constexpr float kLn2Lo = 1.42860677e-6f;
  constexpr float kShifter = 12582912.0f;  // 1.5 · 2^23
  const float xc = x < -87.0f ? -87.0f : x;
  const float shifted = xc * kLog2e + kShifter;
  const float kf = shifted - kShifter;
  const float r = (xc - kf * kLn2Hi) - kf * kLn2Lo;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t k = float_to_bits(shifted) - float_to_bits(kShifter);
  const float scale = bits_to_float((k + 127) << 23);
  return p * scale;
}

IHT_HD float log_positive(float x) {
  constexpr float kLn2 = 0.693147181f;
  const int32_t bits = float_to_bits(x);
  const int32_t adj = bits - 0x3F3504F3;  // bits of √½
  const int32_t e = adj >> 23;
  const float m = bits_to_float(bits - (e << 23));
  const float t = (m - 1.0f) / (m + 1.0f);
  const float t2 = t * t;
  float s = 1.0f / 11;
  s = s * t2 + 1.0f / 9;
  s = s * t2 + 1.0f / 7;
  s = s * t2 + 1.0f / 5;
  s = s * t2 + 1.0f / 3;
  s = s * t2 + 1.0f;
  const float y = static_cast<float>(e) * kLn2 + 2.0f * t * s;
  const bool ok = x > 0.0f && x < std::numeric_limits<float>::infinity();
  return ok ? y : (x > 0.0f ? x : std::numeric_limits<float>::quiet_NaN());
}

}  // namespace iht::warp
