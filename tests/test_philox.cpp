#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

#include "ihtbatch/philox.hpp"
#include "ihtbatch/portable_math.hpp"

using namespace iht;

// Random123's published known-answer vectors for philox4x32-10.
TEST(Philox, KnownAnswerVectors) {
  struct Kat {
    Philox4x32 ctr;
    uint32_t k0, k1;
    Philox4x32 expected;
  };
  const Kat kats[] = {
      {{{0, 0, 0, 0}}, 0, 0, {{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}}},
      {{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}}, 0xffffffff, 0xffffffff,
       {{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}}},
      {{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}}, 0xa4093822, 0x299f31d0,
       {{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}}},
  };
  for (const auto& k : kats) {
    const Philox4x32 got = philox4x32_10(k.ctr, k.k0, k.k1);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(got.v[i], k.expected.v[i]) << "word " << i;
  }
}

// The draws of docs/SPEC.md §5, bit for bit: a uniform (split stream,
// substream 5) and a normal (Monte Carlo normals, substream 3), as drawn
// before uniform_of, portable_log and portable_cos were rewritten to
// vectorize. A rewrite must keep every run's numbers.
TEST(Philox, DrawsKeepTheirBits) {
  struct Draw {
    uint64_t seed;
    uint32_t index;
    uint64_t uniform_bits, normal_bits;
  };
  const Draw draws[] = {
      {0x0000000000000000ull, 0u, 0x3fe820bcb92056ecull, 0x3fe075a952fc433bull},
      {0x0000000000000000ull, 1u, 0x3fe37db50c23fb96ull, 0xc000705157275284ull},
      {0x0000000000000000ull, 7u, 0x3fdfd4a8e28abfecull, 0x3ff37a88e15b2c30ull},
      {0x0000000000000000ull, 30u, 0x3fea2630b28e30c7ull, 0xbff7fcb46611ff27ull},
      {0x0000000000000000ull, 1000001u, 0x3fe1a2a304cda9b4ull, 0x3fad3b20839ef0cdull},
      {0x0123456789abcdefull, 0u, 0x3fec61e0a2631ebbull, 0xbfb7ca685d37e651ull},
      {0x0123456789abcdefull, 1u, 0x3fe6bf32512a8861ull, 0xbfeeef1ac6e7ace0ull},
      {0x0123456789abcdefull, 7u, 0x3fed6340f36ef017ull, 0xbfc1fac449934dc2ull},
      {0x0123456789abcdefull, 30u, 0x3fd9bfdb4a9b3bdeull, 0xbff93bbdc135520cull},
      {0x0123456789abcdefull, 1000001u, 0x3fdf63f211ada4c2ull, 0x4000b6e409e28bceull},
      {0xffffffffffffffffull, 0u, 0x3fd7dff13088c904ull, 0xbfec2735f049817aull},
      {0xffffffffffffffffull, 1u, 0x3fd3203ccb98ef8eull, 0xc000e89fa4296557ull},
      {0xffffffffffffffffull, 7u, 0x3febb9e8fdf753caull, 0xbfc20868639ae04aull},
      {0xffffffffffffffffull, 30u, 0x3fefd483840b9762ull, 0xbfed71408ddaa489ull},
      {0xffffffffffffffffull, 1000001u, 0x3fd9acd0fb10093eull, 0x3ff29cd503b9bce0ull},
  };
  for (const auto& d : draws) {
    const double u = uniform01(d.seed, Stream::kSplit, 5, d.index);
    const double z = standard_normal(d.seed, Stream::kMonteNormal, 3, d.index);
    uint64_t ub, zb;
    std::memcpy(&ub, &u, sizeof ub);
    std::memcpy(&zb, &z, sizeof zb);
    EXPECT_EQ(ub, d.uniform_bits) << "seed " << d.seed << " index " << d.index;
    EXPECT_EQ(zb, d.normal_bits) << "seed " << d.seed << " index " << d.index;
  }
}

TEST(Philox, UniformIsInUnitIntervalWithRightMoments) {
  double sum = 0, sum2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double u = uniform01(7, Stream::kInitValues, 3, i);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  EXPECT_NEAR(sum / n, 0.5, 0.005);
  EXPECT_NEAR(sum2 / n - (sum / n) * (sum / n), 1.0 / 12, 0.002);
}

TEST(Philox, StreamsSubstreamsAndSeedsDiffer) {
  const double a = uniform01(1, Stream::kSplit, 0, 0);
  EXPECT_NE(a, uniform01(1, Stream::kInitValues, 0, 0));
  EXPECT_NE(a, uniform01(1, Stream::kSplit, 1, 0));
  EXPECT_NE(a, uniform01(2, Stream::kSplit, 0, 0));
  EXPECT_NE(a, uniform01(1, Stream::kSplit, 0, 1));
  EXPECT_EQ(a, uniform01(1, Stream::kSplit, 0, 0));
}

TEST(Philox, NormalHasZeroMeanUnitVariance) {
  double sum = 0, sum2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double z = standard_normal(11, Stream::kMonteNormal, 0, i);
    ASSERT_TRUE(std::isfinite(z));
    sum += z;
    sum2 += z * z;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum2 / n, 1.0, 0.015);
}

TEST(Philox, PermutationIsAPermutationAndUniformish) {
  std::vector<int> counts(10, 0);
  for (uint64_t seed = 0; seed < 5000; ++seed) {
    std::vector<int> perm(10);
    random_permutation(seed, Stream::kSplit, 0, perm.data(), 10, 9);
    std::vector<int> sorted = perm;
    std::sort(sorted.begin(), sorted.end());
    std::vector<int> iota(10);
    std::iota(iota.begin(), iota.end(), 0);
    ASSERT_EQ(sorted, iota);
    counts[perm[0]]++;
  }
  for (int c : counts) EXPECT_NEAR(c, 500, 100);  // each element first ~1/10 of the time
}

TEST(Philox, BelowStaysBelow) {
  for (uint32_t i = 0; i < 10000; ++i) EXPECT_LT(below(uniform01(5, Stream::kSupport, 0, i), 3), 3u);
}

namespace {

/// |got − want| in units of want's last place (want in long double).
double ulps(double got, long double want) {
  const double w = static_cast<double>(want);
  const double ulp = std::fabs(std::nextafter(w, INFINITY) - w);
  return static_cast<double>(std::fabs(static_cast<long double>(got) - want) / ulp);
}

}  // namespace

TEST(PortableMath, LogIsWithinThreeUlpOverTheNormalsDomain) {
  std::mt19937_64 rng(7);
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    // 1 − u for u a multiple of 2^-53 in [0, 1): every binade from 2^-53 to 1.
    const double x = std::ldexp(1.0, -static_cast<int>(rng() % 53)) * (1.0 - std::ldexp(rng() >> 11, -54));
    if (x == 1.0) continue;
    worst = std::max(worst, ulps(iht::portable_log(x), std::log(static_cast<long double>(x))));
  }
  EXPECT_LE(worst, 3.0);
  EXPECT_EQ(iht::portable_log(1.0), 0.0);
  EXPECT_NEAR(iht::portable_log(std::ldexp(1.0, -53)), -53 * 0.69314718055994530942, 1e-13);
}

TEST(PortableMath, CosIsWithinThreeUlpOnZeroToTwoPi) {
  std::mt19937_64 rng(8);
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = 6.283185307179586 * std::ldexp(rng() >> 11, -53);
    const long double want = std::cos(static_cast<long double>(x));
    if (std::fabs(want) > 1e-3) worst = std::max(worst, ulps(iht::portable_cos(x), want));
    else EXPECT_NEAR(iht::portable_cos(x), static_cast<double>(want), 1e-18);
  }
  EXPECT_LE(worst, 3.0);
  EXPECT_EQ(iht::portable_cos(0.0), 1.0);
  EXPECT_EQ(iht::portable_cos(3.141592653589793), -1.0);
}
