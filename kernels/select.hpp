#pragma once
// Exact top-s selection, H_s (docs/SPEC.md §3.7): keep the s entries of
// largest magnitude, ties to the smaller index, NaN ranked as +inf.
#include <cmath>
#include <cstdint>

#include "common.hpp"
#include "shape.hpp"
#include "warp.hpp"

IHT_KERNEL_WARNINGS_OFF

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// |v|, with NaN as +inf (so a NaN ranks first).
template <class T>
IHT_HD T magnitude(T v) {
  return v != v ? T(INFINITY) : (v < T(0) ? -v : v);
}

/// Whether `kept` (bit i: index i) is the top-s set of v: it has s members,
/// and their smallest magnitude is above the largest outside it. (A tie there
/// would need the index order: false, and the caller ranks.) O(n) and uniform
/// across lanes.
template <class T, class Shape>
IHT_HD bool is_top_set(const Shape& shape, const T* v, int s, uint32_t kept) {
  const int n = shape.n;
  int members = 0;
  T lowest_in = T(INFINITY), highest_out = T(-1);
  IHT_UNROLL
  for (int i = 0; i < n; ++i) {
    const T m = magnitude(v[i]);
    const bool in = (kept >> i) & 1u;
    members += in ? 1 : 0;
    lowest_in = in && m < lowest_in ? m : lowest_in;
    highest_out = !in && m > highest_out ? m : highest_out;
  }
  return members == s && lowest_in > highest_out;
}

/// out = H_s(v) (out may be v); returns the kept set (bit i: index i).
/// `hint` is a guess at the kept set, such as the last step's (IHT's support
/// seldom changes): when it is the top-s set (is_top_set) it is the answer.
/// Otherwise lane i ranks v_i by (|v| descending, index ascending) against
/// all n entries, and a ballot of rank < s is the kept set.
/// (Reading mag at the lane costs the GPU one local-memory load.)
///
/// Example: v = {0.5, −2, 0.5, 1}, s = 2 keeps indices 1 and 3 (mask 0b1010);
/// s = 3 also keeps index 0, the smaller of the tied pair.
template <class W, class T, class Shape>
IHT_HD uint32_t hard_threshold(const W& w, const Shape& shape, const T* v, int s, T* out, uint32_t hint = 0) {
  static_assert(kMaxParams <= kWarpWidth, "one lane ranks each entry; the kept set is one ballot");
  using V = typename W::template Vec<T>;
  const int n = shape.n;
  uint32_t mask = hint;
  if (!is_top_set(shape, v, s, hint)) {
    T mag[kMaxParams];  // zero past n: the CPU's last lane group reads there
    IHT_UNROLL
    for (int i = 0; i < kMaxParams; ++i) mag[i] = i < n ? magnitude(v[i]) : T(0);
    typename W::template Lanes<T> keep;
    w.each([&](int l) IHT_LAMBDA { keep[l] = T(0); });
    w.template each_group_below<T>(n, [&](int lane) IHT_LAMBDA {
      const V mine = w.load(mag + lane), index = w.template lane_index<T>(lane);
      V rank{};  // counted in T: the CPU side keeps one vector width
      IHT_UNROLL
      for (int j = 0; j < n; ++j) rank += (mag[j] > mine) | ((mag[j] == mine) & (index > T(j))) ? T(1) : T(0);
      w.store(keep, lane, (rank < static_cast<T>(s)) & (index < static_cast<T>(n)) ? T(1) : T(0));
    });
    mask = w.ballot(keep);
  }
  IHT_UNROLL
  for (int i = 0; i < n; ++i) out[i] = (mask >> i) & 1u ? v[i] : T(0);
  return mask;
}

/// A support mask with the first n bits set (the dense run's).
IHT_HD uint32_t all_of(int n) { return n >= 32 ? ~0u : (1u << n) - 1u; }

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp

IHT_KERNEL_WARNINGS_ON
