#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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
