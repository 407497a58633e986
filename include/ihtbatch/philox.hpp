#pragma once
// Philox4x32-10 (Salmon et al., SC'11, "Parallel Random Numbers: As Easy as
// 1, 2, 3") and the draws docs/SPEC.md §5 builds on it. Plain C++ that nvcc also
// compiles for the device, so a run's random numbers are the same on every
// backend: they depend only on (seed, stream, substream, index).
#include <cmath>
#include <cstdint>

#include "ihtbatch/hostdevice.hpp"
#include "ihtbatch/portable_math.hpp"

namespace iht {
IHT_SIMD_NAMESPACE_BEGIN

struct Philox4x32 {
  uint32_t v[4];
};

IHT_HD void philox_mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t p = static_cast<uint64_t>(a) * b;
  hi = static_cast<uint32_t>(p >> 32);
  lo = static_cast<uint32_t>(p);
}

/// The Philox4x32-10 bijection of a 128-bit counter under a 64-bit key.
/// Example: philox4x32_10({0,0,0,0}, 0, 0).v[0] == 0x6627e8d5.
IHT_HD Philox4x32 philox4x32_10(Philox4x32 ctr, uint32_t key0, uint32_t key1) {
  constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
  constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
  IHT_UNROLL_ALL
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    philox_mulhilo(kM0, ctr.v[0], hi0, lo0);
    philox_mulhilo(kM1, ctr.v[2], hi1, lo1);
    ctr = Philox4x32{{hi1 ^ ctr.v[1] ^ key0, lo1, hi0 ^ ctr.v[3] ^ key1, lo0}};
    key0 += kW0;
    key1 += kW1;
  }
  return ctr;
}

/// What a random number is for; each purpose is its own counter stream.
enum class Stream : uint32_t {
  kSplit = 1,         // keyed by the data seed
  kInitValues = 2,    // keyed by the init seed
  kSupport = 3,       // keyed by the support seed
  kMonteValues = 4,   // keyed by the init seed, substream = Monte Carlo sample j
  kMonteSupport = 5,  // likewise
  kMonteNormal = 6,   // likewise
};

/// The index-th uniform double in [0, 1) of a stream: 53 random bits from two
/// 32-bit words. Block index/2 of the counter (block, substream, stream, 0)
/// yields two doubles.
IHT_HD Philox4x32 uniform_block(uint64_t seed, Stream stream, uint32_t substream, uint32_t block) {
  return philox4x32_10(Philox4x32{{block, substream, static_cast<uint32_t>(stream), 0u}},
                       static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

/// The uniform double made of words (hi, lo) = (v[2·half], v[2·half+1]) of a block.
IHT_HD double uniform_of(const Philox4x32& r, uint32_t half) {
  const uint32_t hi = half ? r.v[2] : r.v[0];
  const uint32_t lo = half ? r.v[3] : r.v[1];
  // (hi >> 5)·2^26 + (lo >> 6): 53 bits, every step exact. From 32-bit
  // integers, since AVX2 converts no 64-bit integer to double in a vector.
  const double high = static_cast<double>(static_cast<int32_t>(hi >> 5)) * 67108864.0;  // 2^26
  return (high + static_cast<double>(static_cast<int32_t>(lo >> 6))) * (1.0 / 9007199254740992.0);  // 2^-53
}

IHT_HD double uniform01(uint64_t seed, Stream stream, uint32_t substream, uint32_t index) {
  return uniform_of(uniform_block(seed, stream, substream, index >> 1), index & 1u);
}

/// Calls use(i, uniform01(seed, stream, substream, i)) for i = 0 … count−1,
/// computing each block (two uniforms) once.
template <class Use>
IHT_HD void each_uniform01(uint64_t seed, Stream stream, uint32_t substream, int count, Use&& use) {
  for (int i = 0; i < count; i += 2) {
    const Philox4x32 r = uniform_block(seed, stream, substream, static_cast<uint32_t>(i) >> 1);
    use(i, uniform_of(r, 0));
    if (i + 1 < count) use(i + 1, uniform_of(r, 1));
  }
}

/// A uniform integer in [0, bound) from a uniform u: floor(u * bound), exact
/// in double for bound < 2^20, so every backend gets the same integer.
IHT_HD uint32_t below(double u, uint32_t bound) {
  const uint32_t k = static_cast<uint32_t>(u * bound);
  return k < bound ? k : bound - 1;
}

/// The index-th standard normal of a stream by the Box-Muller transform (cosine
/// branch only): uniforms 2·index and 2·index+1, with 1−u1 in (0, 1] so the
/// logarithm is finite. log and cos are the project's own (portable_math.hpp),
/// so every backend draws the same bits; sqrt is IEEE on every side.
IHT_HD double standard_normal(uint64_t seed, Stream stream, uint32_t substream, uint32_t index) {
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  const Philox4x32 r = uniform_block(seed, stream, substream, index);  // holds uniforms 2·index and 2·index+1
  const double u1 = uniform_of(r, 0), u2 = uniform_of(r, 1);
  return sqrt(-2.0 * portable_log(1.0 - u1)) * portable_cos(kTwoPi * u2);
}

/// Fisher-Yates: perm (length n, any contents) becomes a uniformly random
/// permutation of 0..n-1; only its first `prefix` entries are drawn (a partial
/// shuffle: the first `prefix` are a uniform random ordered subset).
/// Draw i (i = 0..prefix-1) swaps position i with i + below(uniform01(…, i), n − i).
IHT_HD void random_permutation(uint64_t seed, Stream stream, uint32_t substream, int* perm, int n,
                               int prefix) {
  for (int i = 0; i < n; ++i) perm[i] = i;
  each_uniform01(seed, stream, substream, prefix < n - 1 ? prefix : n - 1, [&](int i, double u) {
    const int j = i + static_cast<int>(below(u, static_cast<uint32_t>(n - i)));
    const int t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  });
}

/// A uniform value in [−a, a) from a uniform u in [0, 1): docs/SPEC.md §3.3.
IHT_HD double symmetric(double u, double a) { return a * (2.0 * u - 1.0); }

/// The uniform value in [−a, a) for parameter i.
IHT_HD double uniform_symmetric(uint64_t seed, Stream stream, uint32_t substream, uint32_t index,
                                double a) {
  return symmetric(uniform01(seed, stream, substream, index), a);
}

IHT_SIMD_NAMESPACE_END
}  // namespace iht
