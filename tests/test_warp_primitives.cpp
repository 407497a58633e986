// The warp engine's building blocks, run through the CPU side of the warp
// abstraction: top-s selection, the warp sum, exp and log.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "entries.hpp"
#include "fast_math.hpp"
#include "scalar_warp.hpp"
#include "select.hpp"
#include "warp_cpu.hpp"

using namespace iht::warp;

namespace {

/// Oracle: stable sort by |v| descending keeps ties in index order.
std::vector<double> sort_top_s(const std::vector<double>& v, int s) {
  std::vector<int> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return std::fabs(v[a]) > std::fabs(v[b]); });
  std::vector<double> out(v.size(), 0.0);
  for (int k = 0; k < s; ++k) out[order[k]] = v[order[k]];
  return out;
}

std::vector<double> warp_top_s(const std::vector<double>& v, int s) {
  const int n = static_cast<int>(v.size());
  const CpuWarp w;
  CpuWarp::Lanes<double> in, out;
  w.each([&](int l) { in[l] = l < n ? v[l] : 0.0; });
  hard_threshold<double>(w, DynamicShape{1, 1, n}, in, s, out);
  return std::vector<double>(out.v, out.v + n);
}

}  // namespace

TEST(WarpTopS, MatchesSortOracleOnRandomVectors) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal;
  for (int trial = 0; trial < 2000; ++trial) {
    const int n = 1 + static_cast<int>(rng() % kMaxParams);
    const int s = 1 + static_cast<int>(rng() % n);
    std::vector<double> v(n);
    for (double& x : v) x = normal(rng);
    ASSERT_EQ(warp_top_s(v, s), sort_top_s(v, s)) << "n=" << n << " s=" << s;
  }
}

TEST(WarpTopS, BreaksTiesToTheSmallerIndex) {
  std::mt19937_64 rng(2);
  for (int trial = 0; trial < 2000; ++trial) {
    const int n = 1 + static_cast<int>(rng() % kMaxParams);
    const int s = 1 + static_cast<int>(rng() % n);
    std::vector<double> v(n);
    // Few distinct magnitudes with both signs, zeros included: many ties.
    for (double& x : v) x = static_cast<double>(static_cast<int>(rng() % 5) - 2);
    ASSERT_EQ(warp_top_s(v, s), sort_top_s(v, s)) << "n=" << n << " s=" << s;
  }
  EXPECT_EQ(warp_top_s({1, -2, 2, -2, 1}, 2), (std::vector<double>{0, -2, 2, 0, 0}));
  EXPECT_EQ(warp_top_s({0, 0, 3, 0}, 2), (std::vector<double>{0, 0, 3, 0}));
}

TEST(WarpTopS, KeepsExactlySAndTreatsNanAsLargest) {
  const std::vector<double> v = {1.0, NAN, 3.0, 2.0};
  const auto out = warp_top_s(v, 2);
  EXPECT_TRUE(std::isnan(out[1]));
  EXPECT_EQ(out[2], 3.0);
  EXPECT_EQ(out[0], 0.0);
  EXPECT_EQ(out[3], 0.0);
}

/// hard_threshold with a hint (the last step's kept set, or any guess) keeps
/// what it keeps without one, bit for bit, on both warps and precisions:
/// right hints (is_top_set accepts them), wrong ones, ones with bits past n,
/// on vectors with ties at the boundary, ±0, infinities and NaN.
template <class W, class T>
void expect_hints_change_nothing(uint64_t seed) {
  std::mt19937_64 rng(seed);
  const W w;
  const T specials[] = {T(0), -T(0), T(1), T(-1), T(INFINITY), T(-INFINITY), T(NAN), T(2)};
  for (int trial = 0; trial < 3000; ++trial) {
    const int n = 1 + static_cast<int>(rng() % kMaxParams);
    const int s = 1 + static_cast<int>(rng() % n);
    typename W::template Lanes<T> v, want, got;
    std::normal_distribution<double> normal;
    for (int l = 0; l < 32; ++l) {  // a plain loop: the draws are in order
      const uint64_t pick = rng() % 16;
      v.v[l] = l >= n ? T(0) : pick < 8 ? specials[pick] : static_cast<T>(trial % 2 ? normal(rng) : double(pick % 3));
    }
    const uint32_t right = hard_threshold<T>(w, DynamicShape{1, 1, n}, v, s, want);
    const uint32_t entries = n < 32 ? (1u << n) - 1 : ~0u;
    const uint32_t moved = right ^ (1u << (rng() % n)) ^ (1u << (rng() % n));
    for (const uint32_t hint : {right, right | ~entries, moved, static_cast<uint32_t>(rng()), right >> 1}) {
      const uint32_t mask = hard_threshold<T>(w, DynamicShape{1, 1, n}, v, s, got, hint);
      ASSERT_EQ(mask, right) << "n=" << n << " s=" << s << " hint=" << hint;
      ASSERT_EQ(std::memcmp(got.v, want.v, sizeof got.v), 0) << "n=" << n << " s=" << s << " hint=" << hint;
    }
  }
}

TEST(WarpTopS, AHintChangesNoBit) {
  iht::test::ScalarWarp::reset_breaches();
  expect_hints_change_nothing<CpuWarp, double>(4);
  expect_hints_change_nothing<CpuWarp, float>(5);
  expect_hints_change_nothing<iht::test::ScalarWarp, double>(6);
  expect_hints_change_nothing<iht::test::ScalarWarp, float>(7);
  EXPECT_EQ(iht::test::ScalarWarp::breaches(), 0);
}

namespace {

/// Each entry below n visited once, by lane i % 32, each lane's in ascending order.
template <class W>
void expect_each_entry_visits_in_lane_order(int n) {
  W w;
  std::vector<int> visits(n + 40, 0);
  typename W::template Lanes<double> last;  // each lane's last entry, carried across chunks
  w.each([&](int l) { last[l] = -1; });
  each_entry(w, n, [&](int l, int i) {
    EXPECT_EQ(i % kWarpWidth, l) << "n " << n << " entry " << i;
    EXPECT_GT(i, last[l]) << "n " << n << " lane " << l;
    last[l] = i;
    ++visits[i];
  });
  for (int i = 0; i < n + 40; ++i) EXPECT_EQ(visits[i], i < n ? 1 : 0) << "n " << n << " entry " << i;
}

}  // namespace

TEST(WarpEntries, EachEntryOnceByItsLaneInOrder) {
  for (int n : {0, 1, 31, 32, 33, 64, 67, 131, 1024}) {
    expect_each_entry_visits_in_lane_order<CpuWarp>(n);
    expect_each_entry_visits_in_lane_order<iht::test::ScalarWarp>(n);
  }
}

TEST(WarpSum, AddsAllLanesInButterflyOrder) {
  CpuWarp w;
  CpuWarp::Lanes<double> x;
  w.each([&](int l) { x[l] = l + 1; });
  EXPECT_EQ(w.sum(x), 528.0);
  // The butterfly's order: ((x0 + x16) + (x8 + x24)) + …; check against it explicitly.
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-1, 1);
  for (int l = 0; l < 32; ++l) x[l] = u(rng);
  double v[32];
  for (int l = 0; l < 32; ++l) v[l] = x[l];
  for (int off = 16; off > 0; off /= 2)
    for (int l = 0; l < off; ++l) v[l] = v[l] + v[l + off];
  EXPECT_EQ(w.sum(x), v[0]);
}

TEST(WarpBallot, SetsOneBitPerTrueLane) {
  CpuWarp w;
  CpuWarp::Lanes<int> p;
  w.each([&](int l) { p[l] = l % 3 == 0; });
  EXPECT_EQ(w.ballot(p), 0x49249249u);
}

TEST(FastMath, ExpMatchesLibmToAFewUlp) {
  double worst = 0;
  for (double x = -745.0; x <= 0.0; x += 0.0137) {
    const double want = std::exp(x);
    const double got = exp_nonpositive(x);
    if (x < -708.0) {
      EXPECT_LE(got, 4e-308);  // clamped: negligible in a softmax sum ≥ 1
      continue;
    }
    worst = std::max(worst, std::fabs(got - want) / want);
  }
  EXPECT_LT(worst, 5e-16);
  EXPECT_EQ(exp_nonpositive(0.0), 1.0);
  EXPECT_TRUE(std::isnan(exp_nonpositive(NAN)));
}

TEST(FastMath, LogMatchesLibmToAFewUlp) {
  double worst = 0;
  // Error relative to max(1, |ln x|): a few ulp of the result.
  for (double x = 1e-300; x < 1e6; x *= 1.0007)
    worst = std::max(worst, std::fabs(log_positive(x) - std::log(x)) / std::max(1.0, std::fabs(std::log(x))));
  EXPECT_LT(worst, 6e-16);
  EXPECT_EQ(log_positive(1.0), 0.0);
  EXPECT_TRUE(std::isinf(log_positive(INFINITY)));
  EXPECT_TRUE(std::isnan(log_positive(NAN)));
  EXPECT_TRUE(std::isnan(log_positive(-1.0)));
}

TEST(FastMath, FloatVersionsAreAccurateToFloatPrecision) {
  for (float x = -87.0f; x <= 0.0f; x += 0.013f)
    ASSERT_NEAR(exp_nonpositive(x) / std::exp(x), 1.0f, 4e-7f) << x;
  for (float x = 1.0f; x < 1e6f; x *= 1.001f) ASSERT_NEAR(log_positive(x), std::log(x), 4e-7f * std::log(x) + 1e-7f) << x;
  EXPECT_TRUE(std::isnan(exp_nonpositive(NAN)));
  EXPECT_TRUE(std::isinf(log_positive(INFINITY)));
}

namespace {

template <class T>
bool same_bits(T a, T b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

/// The CPU runs exp and log on lane groups (SIMD vectors), the GPU on one
/// lane's scalar: both must give the same bits.
template <class T>
void expect_lane_groups_match_scalars(T exp_lo, T log_hi) {
  using V = CpuWarp::Vec<T>;
  constexpr int g = CpuWarp::kGroup<T>;
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<T> exp_arg(exp_lo, T(0)), log_arg(T(1), log_hi);
  for (int trial = 0; trial < 2000; ++trial) {
    T a[g], b[g];
    for (int i = 0; i < g; ++i) {
      a[i] = exp_arg(rng);
      b[i] = log_arg(rng);
    }
    if (trial == 0) {  // the edges
      a[0] = T(0);
      a[1] = T(NAN);
      b[0] = T(1);
      b[1] = T(INFINITY);
    }
    V va, vb;
    std::memcpy(&va, a, sizeof va);
    std::memcpy(&vb, b, sizeof vb);
    const V ea = exp_nonpositive(va), lb = log_positive(vb);
    for (int i = 0; i < g; ++i) {
      ASSERT_TRUE(same_bits(ea[i], exp_nonpositive(a[i]))) << "exp(" << a[i] << ")";
      ASSERT_TRUE(same_bits(lb[i], log_positive(b[i]))) << "log(" << b[i] << ")";
    }
  }
}

}  // namespace

TEST(FastMath, LaneGroupsGiveTheScalarBits) {
  expect_lane_groups_match_scalars<double>(-745.0, 1e6);
  expect_lane_groups_match_scalars<float>(-90.0f, 1e6f);
}

TEST(WarpSum, FloatLaneGroupsAddInButterflyOrder) {
  CpuWarp w;
  CpuWarp::Lanes<float> x;
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<float> u(-1, 1);
  for (int trial = 0; trial < 100; ++trial) {
    float v[32];
    for (int l = 0; l < 32; ++l) v[l] = x[l] = u(rng);
    for (int off = 16; off > 0; off /= 2)
      for (int l = 0; l < off; ++l) v[l] = v[l] + v[l + off];
    ASSERT_EQ(w.sum(x), v[0]);
  }
}

namespace {

/// w.sums against w.sum, one by one, bit for bit, for every count up to 20:
/// values over 60 binades (so that any other order of the adds rounds
/// differently), with ±0, ±inf and NaN among them; out past count untouched.
template <class W, class T>
void expect_sums_give_each_sums_bits(const W& w) {
  constexpr int kMost = 20;
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> mantissa(-1, 1);
  std::uniform_int_distribution<int> binade(-30, 30), special(0, 40);
  typename W::template Lanes<T> x[kMost];
  for (int trial = 0; trial < 40; ++trial) {
    for (auto& lanes : x)
      for (int l = 0; l < kWarpWidth; ++l) {
        T v = static_cast<T>(std::ldexp(mantissa(rng), binade(rng)));
        if (trial % 4 == 3) {  // rare specials, so most sums stay finite
          const int k = special(rng);
          v = k == 0 ? T(0) : k == 1 ? -T(0) : k == 2 ? std::numeric_limits<T>::infinity() : k == 3 ? std::numeric_limits<T>::quiet_NaN() : v;
        }
        lanes.v[l] = v;
      }
    for (int count = 0; count <= kMost; ++count) {
      T out[kMost + 1];
      const T poison = static_cast<T>(-12345.678);
      std::fill(out, out + kMost + 1, poison);
      w.template sums<kMost>(x, count, out);
      for (int i = 0; i < count; ++i) {
        // The butterfly, written out: lane 0's value after offsets 16, 8, 4, 2, 1.
        T v[kWarpWidth];
        std::copy(x[i].v, x[i].v + kWarpWidth, v);
        for (int off = kWarpWidth / 2; off > 0; off /= 2)
          for (int l = 0; l < off; ++l) v[l] = v[l] + v[l + off];
        const T one = w.sum(x[i]);
        ASSERT_EQ(0, std::memcmp(&out[i], &one, sizeof(T))) << "count " << count << ", sum " << i << ": " << out[i] << " against " << one;
        ASSERT_EQ(0, std::memcmp(&out[i], &v[0], sizeof(T))) << "count " << count << ", sum " << i;
      }
      for (int i = count; i <= kMost; ++i) ASSERT_EQ(out[i], poison) << "count " << count << " wrote out[" << i << "]";
    }
  }
}

}  // namespace

TEST(WarpSum, SumsGiveEachSumsBits) {
  expect_sums_give_each_sums_bits<CpuWarp, double>(CpuWarp{});
  expect_sums_give_each_sums_bits<CpuWarp, float>(CpuWarp{});
  expect_sums_give_each_sums_bits<iht::test::ScalarWarp, double>(iht::test::ScalarWarp{});
}

TEST(WarpLaneGroups, CoverEveryLaneOnceAndMoveTheirValues) {
  const CpuWarp w;
  CpuWarp::Lanes<double> out;
  w.each([&](int l) { out[l] = -1.0; });
  double src[32];
  for (int l = 0; l < 32; ++l) src[l] = 0.5 * l;
  int groups = 0;
  w.each_group<double>([&](int first) {
    ++groups;
    const auto v = w.load(src + first), index = w.lane_index<double>(first);
    for (int i = 0; i < CpuWarp::kGroup<double>; ++i) EXPECT_EQ(index[i], first + i);
    w.store(out, first, v + 1.0);
  });
  EXPECT_EQ(groups, 32 / CpuWarp::kGroup<double>);
  for (int l = 0; l < 32; ++l) EXPECT_EQ(out[l], 0.5 * l + 1.0) << l;
  int below = 0;
  w.each_group_below<double>(5, [&](int) { ++below; });
  EXPECT_EQ(below, (5 + CpuWarp::kGroup<double> - 1) / CpuWarp::kGroup<double>);
}
