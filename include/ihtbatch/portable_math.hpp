#pragma once
// log and cos whose bits are the same on every backend: built from +, −, ×,
// ÷ and fused multiply-adds only, each rounded as IEEE 754 says, so g++ on
// the CPU and nvcc on the GPU compute the same double. (libm's log and cos
// are not correctly rounded, and glibc's differ from CUDA's libdevice by an
// ulp now and then: enough to move a Monte Carlo step size, and every step
// after it.) Every multiply-add is written as exact_fma(), so no compiler's
// choice of contraction can change a bit. Within 3 ulp of the true values;
// for the draws (philox.hpp's normals), not for hot loops.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "ihtbatch/hostdevice.hpp"

namespace iht {
IHT_SIMD_NAMESPACE_BEGIN

/// a·b + c rounded once, on either side.
IHT_HD double exact_fma(double a, double b, double c) {
#if defined(__CUDA_ARCH__)
  return __fma_rn(a, b, c);
#else
  return std::fma(a, b, c);
#endif
}

/// A value's bits as To, of the same width: CUDA's intrinsics on the device,
/// a copy on the host.
template <class To, class From>
IHT_HD To bit_copy(From v) {
  static_assert(sizeof(To) == sizeof(From), "same width");
#if defined(__CUDA_ARCH__)
  if constexpr (std::is_same_v<From, double>)
    return static_cast<To>(__double_as_longlong(v));
  else if constexpr (std::is_same_v<From, float>)
    return static_cast<To>(__float_as_int(v));
  else if constexpr (std::is_same_v<To, double>)
    return __longlong_as_double(static_cast<long long>(v));
  else
    return __int_as_float(static_cast<int>(v));
#else
  To out;
  std::memcpy(&out, &v, sizeof out);
  return out;
#endif
}

/// ln x for a normal x > 0 (the normals take it of 1 − u ∈ [2^-53, 1]).
/// x = 2^e·m with m ∈ [√½, √2); ln m = 2·atanh(t), t = (m − 1)/(m + 1),
/// |t| ≤ 0.1716, by its odd series to t^23 (the next term is below 1e-19 of
/// the sum); e·ln2 in two parts (Cody–Waite: e·kLn2Hi is exact).
///
/// Example: portable_log(1.0) == 0.0; portable_log(0.5) == −ln 2 to 1 ulp.
IHT_HD double portable_log(double x) {
  constexpr uint64_t kSqrtHalfBits = 0x3FE6A09E667F3BCDull, kBias = 1023;
  constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
  const uint64_t bits = bit_copy<uint64_t>(x);
  const uint64_t biased = (bits - kSqrtHalfBits + (kBias << 52)) >> 52;  // e + bias, e of x/√½
  const double m = bit_copy<double>(bits - ((biased - kBias) << 52));           // unsigned: wraps for e < 0
  const double t = (m - 1.0) / (m + 1.0), t2 = t * t;
  double s = 1.0 / 23.0;
  IHT_UNROLL_ALL
  for (int k = 21; k >= 1; k -= 2) s = exact_fma(s, t2, 1.0 / k);  // 1 + t²/3 + t⁴/5 + … + t²²/23
  // |e| < 2^11: as a 32-bit integer, which AVX2 converts in a vector.
  const double e = static_cast<double>(static_cast<int32_t>(biased) - static_cast<int32_t>(kBias));
  return exact_fma(e, kLn2Hi, exact_fma(e, kLn2Lo, 2.0 * t * s));
}

/// cos x for 0 ≤ x < 8 (the normals take it of 2π·u). x = k·π/2 + r,
/// |r| ≤ π/4, with π/2 in three parts; then ±cos r or ±sin r by their Taylor
/// series to r^20 and r^21 (the next terms are below 1e-19).
///
/// Example: portable_cos(0.0) == 1.0; portable_cos(π) == −1.0.
IHT_HD double portable_cos(double x) {
  constexpr double kTwoOverPi = 0.63661977236758134308;
  constexpr double kPiOver2A = 1.57079632673412561417e+00;  // π/2 = A + B + C (fdlibm's split)
  constexpr double kPiOver2B = 6.07710050630396597660e-11;
  constexpr double kPiOver2C = 2.02226624879595063154e-21;
  constexpr double kInvFactorial[22] = {  // 1/n!, correctly rounded
      1.0, 1.0, 0.5, 0.16666666666666666, 0.041666666666666664, 0.008333333333333333,
      0.001388888888888889, 0.0001984126984126984, 2.48015873015873e-05, 2.7557319223985893e-06,
      2.755731922398589e-07, 2.505210838544172e-08, 2.08767569878681e-09, 1.6059043836821613e-10,
      1.1470745597729725e-11, 7.647163731819816e-13, 4.779477332387385e-14, 2.8114572543455206e-15,
      1.5619206968586225e-16, 8.22063524662433e-18, 4.110317623312165e-19, 1.9572941063391263e-20};
  const int k = static_cast<int>(exact_fma(x, kTwoOverPi, 0.5));  // round(x·2/π), x ≥ 0
  const double kd = static_cast<double>(k);
  const double r = exact_fma(-kd, kPiOver2C, exact_fma(-kd, kPiOver2B, exact_fma(-kd, kPiOver2A, x)));
  const double r2 = r * r;
  // cos r = 1/0! − r²(1/2! − r²(1/4! − …)), sin r = r·(1/1! − r²(1/3! − …)).
  double c = kInvFactorial[20], s = kInvFactorial[21];
  IHT_UNROLL_ALL
  for (int j = 9; j >= 0; --j) {
    c = exact_fma(-r2, c, kInvFactorial[2 * j]);
    s = exact_fma(-r2, s, kInvFactorial[2 * j + 1]);
  }
  s *= r;
  // k mod 4 = 0: c, 1: −s, 2: −c, 3: s. Chosen and negated by bits, not by
  // a branch (GCC sinks each series into its branch, and a lane loop of draws
  // with branches does not vectorize).
  const uint64_t pick_s = 0 - static_cast<uint64_t>(k & 1);
  const uint64_t sign = static_cast<uint64_t>((k + 1) & 2) << 62;
  return bit_copy<double>(((bit_copy<uint64_t>(c) & ~pick_s) | (bit_copy<uint64_t>(s) & pick_s)) ^ sign);
}

IHT_SIMD_NAMESPACE_END
}  // namespace iht
