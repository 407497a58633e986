// The warp engine's loss-and-gradient pass on its own: against a plain
// computation of softmax cross-entropy, and across tile sizes (the GPU runs
// it one chunk at a time, the CPU eight), which must not change a bit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "softmax_regression.hpp"
#include "warp_cpu.hpp"

using namespace iht::warp;

namespace {

/// A split of m random samples laid out as the warp scratch holds it.
template <class T>
struct Split {
  int m, d, c, stride;
  std::vector<T> x, t;
  std::vector<int> y;
  SplitView<T> view() const { return {x.data(), y.data(), t.data(), m, stride}; }
};

template <class T>
Split<T> random_split(int m, int d, int c, unsigned seed) {
  Split<T> s{m, d, c, padded(m), {}, {}, {}};
  s.x.assign(static_cast<size_t>(d) * s.stride, T(0));
  s.t.assign(static_cast<size_t>(c) * s.stride, T(0));
  s.y.assign(s.stride, -1);
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  for (int k = 0; k < m; ++k) {
    s.y[k] = static_cast<int>(rng() % c);
    for (int f = 0; f < d; ++f) s.x[f * s.stride + k] = static_cast<T>(normal(rng) + 0.8 * s.y[k] * (f % 2 ? 1 : -1));
    s.t[k] = T(1);
    if (s.y[k] > 0) s.t[s.y[k] * s.stride + k] = T(1);
  }
  return s;
}

std::vector<double> random_theta(int n, unsigned seed, double scale) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-scale, scale);
  std::vector<double> theta(n);
  for (double& v : theta) v = u(rng);
  theta[rng() % n] = 0.0;  // a sparse entry, as IHT leaves them
  return theta;
}

/// Plain mean softmax cross-entropy and its gradient, one sample at a time
/// in long double (θ input-major weights, then biases; docs/SPEC.md §2).
long double plain_loss(const Split<double>& s, const std::vector<double>& theta, std::vector<long double>& grad) {
  const int d = s.d, c = s.c;
  grad.assign(theta.size(), 0.0L);
  long double total = 0;
  for (int k = 0; k < s.m; ++k) {
    std::vector<long double> z(c);
    for (int j = 0; j < c; ++j) {
      z[j] = theta[d * c + j];
      for (int f = 0; f < d; ++f) z[j] += static_cast<long double>(s.x[f * s.stride + k]) * theta[f * c + j];
    }
    long double zmax = z[0], sum = 0;
    for (long double v : z) zmax = std::max(zmax, v);
    for (long double v : z) sum += std::exp(v - zmax);
    total += zmax + std::log(sum) - z[s.y[k]];
    for (int j = 0; j < c; ++j) {
      const long double r = std::exp(z[j] - zmax) / sum - (j == s.y[k] ? 1 : 0);
      grad[d * c + j] += r / s.m;
      for (int f = 0; f < d; ++f) grad[f * c + j] += s.x[f * s.stride + k] * r / s.m;
    }
  }
  return total / s.m;
}

template <class W, class T, class Shape>
T pass(const Shape& shape, const Split<T>& s, const std::vector<double>& theta64, std::vector<T>& grad) {
  const W w;
  Params<W, T> theta, g;
  const int n = static_cast<int>(theta64.size());
  w.each([&](int l) { theta[l] = l < n ? static_cast<T>(theta64[l]) : T(0); });
  const T f = SoftmaxRegression::loss_and_grad(w, shape, theta, s.view(), g);
  grad.assign(kMaxParams, T(0));
  w.each([&](int l) { grad[l] = g[l]; });
  return f;
}

}  // namespace

TEST(WarpLossPass, MatchesAPlainComputationOverManyTiles) {
  // m = 522 and 600: 17 and 19 chunks of 32, so three tiles and three logs
  // per lane pair; at 522 most lanes have no chunk in the last tile.
  for (const int m : {30, 120, 522, 600}) {
    const Split<double> s = random_split<double>(m, 4, 3, 5u + m);
    const auto theta = random_theta(15, 7u + m, 1.5);
    std::vector<long double> want;
    const long double want_loss = plain_loss(s, theta, want);
    std::vector<double> got;
    const double loss = pass<CpuWarp>(FixedShape<4, 3>{}, s, theta, got);
    EXPECT_NEAR(loss, static_cast<double>(want_loss), 1e-14 * static_cast<double>(want_loss)) << "m=" << m;
    for (int i = 0; i < 15; ++i) EXPECT_NEAR(got[i], static_cast<double>(want[i]), 1e-14) << "m=" << m << " i=" << i;
  }
  // A run-time shape with more classes: 2 features, 6 classes (n = 18).
  const Split<double> s = random_split<double>(250, 2, 6, 11u);
  const auto theta = random_theta(18, 13u, 2.0);
  std::vector<long double> want;
  const long double want_loss = plain_loss(s, theta, want);
  std::vector<double> got;
  const double loss = pass<CpuWarp>(DynamicShape{2, 6, 18}, s, theta, got);
  EXPECT_NEAR(loss, static_cast<double>(want_loss), 1e-14 * static_cast<double>(want_loss));
  for (int i = 0; i < 18; ++i) EXPECT_NEAR(got[i], static_cast<double>(want[i]), 1e-14) << "i=" << i;
}

template <class T>
void expect_tile_size_changes_no_bit() {
  for (const int m : {1, 30, 120, 300, 522, 600}) {
    const Split<T> s = random_split<T>(m, 4, 3, 17u + m);
    const auto theta = random_theta(15, 19u + m, 1.0);
    std::vector<T> g8, other;
    const T l8 = pass<CpuWarpTiled<8>>(FixedShape<4, 3>{}, s, theta, g8);
    const T l1 = pass<CpuWarpTiled<1>>(FixedShape<4, 3>{}, s, theta, other);
    EXPECT_EQ(0, std::memcmp(&l1, &l8, sizeof l8)) << "m=" << m;
    EXPECT_EQ(0, std::memcmp(other.data(), g8.data(), sizeof(T) * 15)) << "m=" << m;
    const T l2 = pass<CpuWarpTiled<2>>(FixedShape<4, 3>{}, s, theta, other);
    EXPECT_EQ(0, std::memcmp(&l2, &l8, sizeof l8)) << "m=" << m;
    EXPECT_EQ(0, std::memcmp(other.data(), g8.data(), sizeof(T) * 15)) << "m=" << m;
    // The loss alone (the test split's) is the same number as with the gradient.
    Params<CpuWarp, T> th;
    CpuWarp{}.each([&](int l) { th[l] = l < 15 ? static_cast<T>(theta[l]) : T(0); });
    const T alone = SoftmaxRegression::loss(CpuWarp{}, FixedShape<4, 3>{}, th, s.view());
    EXPECT_EQ(0, std::memcmp(&alone, &l8, sizeof l8)) << "m=" << m;
  }
}

TEST(WarpLossPass, TileSizeChangesNoBit) {
  expect_tile_size_changes_no_bit<double>();
  expect_tile_size_changes_no_bit<float>();
}

/// The step size's gradient pass (no loss) against the full pass's gradient,
/// bit for bit, on each tile size, shape and precision, θ non-finite too.
template <class W, class T, class Shape>
void expect_gradient_alone_is_the_same(const Shape& shape, int d, int c) {
  const int n = (d + 1) * c;
  for (const int m : {1, 30, 120, 522}) {
    const Split<T> s = random_split<T>(m, d, c, 23u + m);
    for (int variant = 0; variant < 3; ++variant) {
      auto theta = random_theta(n, 29u + m + variant, 1.5);
      if (variant == 1) theta[2] = INFINITY;
      if (variant == 2) theta[n - 1] = NAN;
      std::vector<T> full;
      pass<W>(shape, s, theta, full);
      const W w;
      Params<W, T> th, g;
      w.each([&](int l) { th[l] = l < n ? static_cast<T>(theta[l]) : T(0); });
      SoftmaxRegression::grad(w, shape, th, s.view(), g);
      std::vector<T> alone(kMaxParams);
      w.each([&](int l) { alone[l] = g[l]; });
      EXPECT_EQ(0, std::memcmp(alone.data(), full.data(), sizeof(T) * kMaxParams))
          << "m=" << m << " variant=" << variant << " d=" << d << " c=" << c;
    }
  }
}

TEST(WarpLossPass, GradientAloneGivesTheFullPassesBits) {
  expect_gradient_alone_is_the_same<CpuWarp, double>(FixedShape<4, 3>{}, 4, 3);
  expect_gradient_alone_is_the_same<CpuWarp, float>(FixedShape<4, 3>{}, 4, 3);
  expect_gradient_alone_is_the_same<CpuWarpTiled<1>, double>(FixedShape<4, 3>{}, 4, 3);
  expect_gradient_alone_is_the_same<CpuWarp, double>(DynamicShape{2, 6, 18}, 2, 6);
  expect_gradient_alone_is_the_same<CpuWarpTiled<1>, float>(DynamicShape{2, 6, 18}, 2, 6);
}

TEST(WarpLossPass, NonFiniteParametersGiveANonFiniteLoss) {
  const Split<double> s = random_split<double>(120, 4, 3, 23u);
  for (const double bad : {static_cast<double>(NAN), static_cast<double>(INFINITY), 1e308}) {
    auto theta = random_theta(15, 29u, 1.0);
    theta[4] = bad;
    std::vector<double> g;
    const double loss = pass<CpuWarp>(FixedShape<4, 3>{}, s, theta, g);
    EXPECT_FALSE(std::isfinite(loss)) << bad;
  }
}

TEST(WarpLanes, LoadXorReadsThePartnerLane) {
  CpuWarp w;
  CpuWarp::Lanes<double> x;
  w.each([&](int l) { x[l] = 100 + l; });
  w.each_group<double>([&](int first) {
    const auto v = w.load_xor<16>(x, first);
    for (int i = 0; i < CpuWarp::kGroup<double>; ++i) EXPECT_EQ(v[i], 100 + ((first + i) ^ 16));
  });
}
