#pragma once
// Exact top-s selection, H_s (docs/SPEC.md §3.7): keep the s entries of
// largest magnitude, ties to the smaller index, NaN ranked as +inf.
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "common.hpp"
#include "shape.hpp"
#include "warp.hpp"

IHT_KERNEL_WARNINGS_OFF

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// |v|, with NaN as +inf (so a NaN ranks first), and +0 for −0: a select on
/// fabs, so callers need no `+ 0` against −0. (GCC's trapping-math rules
/// leave a per-lane loop scalar when it does arithmetic under a condition,
/// as is_top_set's `magnitude(v) + 0` and `0 − m` were: on AVX2 that loop
/// ran branch by branch, about a tenth of a float32 run's time on IRIS.)
template <class T>
IHT_HD T magnitude(T v) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "a float or a double");
  T a;
  if constexpr (std::is_same_v<T, double>)
    a = ::fabs(v);
  else
    a = ::fabsf(v);
  return a != a ? T(INFINITY) : a;
}

/// A support mask with the first n bits set (the dense run's).
IHT_HD uint32_t all_of(int n) { return n >= 32 ? ~0u : (1u << n) - 1u; }

/// Whether `kept` (bit i: index i; no bit at or past n) is the top-s set of
/// v (lane i holding v_i, i < n): it has s members, and their smallest
/// magnitude is above the largest outside it. (A tie there would need the index order: false, and
/// the caller ranks.) Each lane looks at its own entry; two maxima and a
/// count decide, the same in every lane.
template <class T, class W, class Shape>
IHT_HD bool is_top_set(const W& w, const Shape& shape, const Params<W, T>& v, int s, uint32_t kept) {
  const int n = shape.n;
  // The lane tests as bits of masks, and selects only (no arithmetic under
  // a condition): so GCC vectorizes this loop on the avx2 and avx512 paths.
  const uint32_t out = ~kept & all_of(n);
  Params<W, T> out_high, in_low;  // −(smallest kept magnitude) is the largest of −|v_i| kept
  w.each([&](int l) IHT_LAMBDA {
    const T m = magnitude(v[l]);  // never −0
    out_high[l] = (out >> l) & 1u ? m : T(-1);
    in_low[l] = (kept >> l) & 1u ? (m == T(0) ? T(0) : -m) : T(-INFINITY);  // no −0 into w.max
  });
  const T highest_out = w.max(out_high), lowest_in = -w.max(in_low);
  return popcount32(kept) == s && lowest_in > highest_out;
}

/// out = H_s(v) (out may be v; lane i holds entry i); returns the kept set
/// (bit i: index i). `hint` is a guess at the kept set, such as the last
/// step's (IHT's support seldom changes): when it is the top-s set
/// (is_top_set) it is the answer. Otherwise lane i ranks v_i by (|v|
/// descending, index ascending) against all n entries, and a ballot of
/// rank < s is the kept set.
///
/// Example: v = {0.5, −2, 0.5, 1}, s = 2 keeps indices 1 and 3 (mask 0b1010);
/// s = 3 also keeps index 0, the smaller of the tied pair:
///   uint32_t kept = hard_threshold<double>(w, shape, v, 2, out);  // 0b1010
template <class T, class W, class Shape>
IHT_HD uint32_t hard_threshold(const W& w, const Shape& shape, const Params<W, T>& v, int s, Params<W, T>& out,
                               uint32_t hint = 0) {
  static_assert(kMaxParams <= kWarpWidth, "one lane holds and ranks each entry; the kept set is one ballot");
  using V = typename W::template Vec<T>;
  const int n = shape.n;
  uint32_t mask = hint & all_of(n);  // a hint's bits past n name no entry
  if (!is_top_set<T>(w, shape, v, s, mask)) {
    Params<W, T> mag, keep;
    w.each([&](int l) IHT_LAMBDA { mag[l] = l < n ? magnitude(v[l]) : T(0); });
    // Every lane group, not only those below n: the GPU's lanes all read
    // the others' magnitudes (a shuffle each).
    w.template each_group<T>([&](int lane) IHT_LAMBDA {
      const V mine = w.load(mag, lane), index = w.template lane_index<T>(lane);
      V rank{};  // counted in T: the CPU side keeps one vector width
      IHT_UNROLL
      for (int j = 0; j < n; ++j) {
        const T other = w.lane_value(mag, j);
        rank += (other > mine) | ((other == mine) & (index > T(j))) ? T(1) : T(0);
      }
      w.store(keep, lane, (rank < static_cast<T>(s)) & (index < static_cast<T>(n)) ? T(1) : T(0));
    });
    mask = w.ballot(keep);
  }
  w.each([&](int l) IHT_LAMBDA { out[l] = (mask >> l) & 1u ? v[l] : T(0); });
  return mask;
}

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp

IHT_KERNEL_WARNINGS_ON
