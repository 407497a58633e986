#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "ihtbatch/error.hpp"
#include "ihtbatch/output.hpp"
#include "ihtbatch/summary.hpp"
#include "ihtbatch/sweep.hpp"

using namespace iht;

TEST(Summary, FiveNumbersInterpolateLinearly) {
  const FiveNumbers f = five_numbers({4, 1, 3, 2, 5, NAN});
  EXPECT_DOUBLE_EQ(f[0], 1);
  EXPECT_DOUBLE_EQ(f[1], 2);
  EXPECT_DOUBLE_EQ(f[2], 3);
  EXPECT_DOUBLE_EQ(f[3], 4);
  EXPECT_DOUBLE_EQ(f[4], 5);
  const FiveNumbers g = five_numbers({1, 2});
  EXPECT_DOUBLE_EQ(g[1], 1.25);
  EXPECT_DOUBLE_EQ(g[2], 1.5);
  EXPECT_TRUE(std::isnan(five_numbers({})[2]));
}

TEST(Summary, QuantilesOfInfiniteLossesAreInfinite) {
  // Diverged runs' losses: between two infinities the quantile is that
  // infinity (docs/SPEC.md §6 leaves out NaNs only), not inf − inf = NaN.
  const double inf = INFINITY;
  for (const FiveNumbers& f : {five_numbers({inf, inf}), five_numbers({inf, 1.43e305, inf, inf})}) {
    EXPECT_EQ(f[2], inf);
    EXPECT_EQ(f[3], inf);
    EXPECT_EQ(f[4], inf);
  }
  EXPECT_EQ(five_numbers({inf, 1.43e305, inf, inf})[1], inf);  // between 1.43e305 and inf
  EXPECT_EQ(five_numbers({-inf, -inf, 2})[1], -inf);
  EXPECT_EQ(five_numbers({3, 3, 3, 7})[1], 3);
}

TEST(Summary, SparsityListsParse) {
  EXPECT_EQ(parse_sparsity_list("1-3"), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(parse_sparsity_list("7,3,5,3"), (std::vector<int>{3, 5, 7}));
  EXPECT_EQ(parse_sparsity_list("1-2,9"), (std::vector<int>{1, 2, 9}));
  EXPECT_THROW(parse_sparsity_list(""), InputError);
  EXPECT_THROW(parse_sparsity_list("3-1"), InputError);
  EXPECT_THROW(parse_sparsity_list("a"), InputError);
  EXPECT_THROW(parse_sparsity_list("1,,2"), InputError);
  EXPECT_THROW(parse_sparsity_list("-2"), InputError);
}

TEST(Summary, DoublesRoundTrip) {
  for (double v : {0.1, 1.0 / 3, 1e-300, -2.5e17, 5e-324})
    EXPECT_EQ(std::strtod(format_double(v).c_str(), nullptr), v);
  EXPECT_EQ(format_double(INFINITY), "inf");
  EXPECT_EQ(format_double(-INFINITY), "-inf");
  EXPECT_EQ(format_double(NAN), "nan");
}
