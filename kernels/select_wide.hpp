#pragma once
// Exact top-s selection for the wide engine (docs/SPEC.md §3.7), n up to
// kMaxWideParams: a bisection on the magnitudes' bit patterns with warp
// counts, then the ties at the threshold to the smaller indices by ballots.
// O(n) per bit, not O(n²); lane l owns entries l, l + 32, …
#include <cstdint>

#include "common.hpp"
#include "entries.hpp"
#include "fast_math.hpp"
#include "select.hpp"
#include "warp.hpp"

IHT_KERNEL_WARNINGS_OFF

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// |v| as an unsigned integer that orders like |v| (NaN as +inf): the bits of
/// a non-negative float grow with its value (magnitude() gives +0 for −0, so
/// no sign bit is set).
template <class T>
IHT_HD typename FloatFormat<T>::UInt magnitude_key(T v) {
  using UInt = typename FloatFormat<T>::UInt;
  return bit_copy<UInt>(magnitude(v));
}

/// Entries of v (of n) whose key is at least `low` (or above it, kStrict), counted by the warp.
template <bool kStrict, class W, class T>
IHT_HD int count_keys(const W& w, int n, const T* v, typename FloatFormat<T>::UInt low) {
  typename W::template Lanes<T> count;
  w.each([&](int l) IHT_LAMBDA { count[l] = T(0); });
  each_entry(w, n, [&](int l, int i) IHT_LAMBDA {
    const auto key = magnitude_key(v[i]);
    count[l] += (kStrict ? key > low : key >= low) ? T(1) : T(0);
  });
  return static_cast<int>(w.sum(count));  // at most 1024: exact in float too
}

/// What a guess `kept` (1 or 0 per entry) says of v: its members, its
/// smallest magnitude and the largest outside it (+inf and −1 when there is
/// none). It is the top-s set when it has s members and lowest_in >
/// highest_out (a tie there needs the index order, and the caller selects).
template <class T>
struct GuessBounds {
  int members;
  T lowest_in, highest_out;
  IHT_HD bool is_top_set(int s) const { return members == s && lowest_in > highest_out; }
};

template <class W, class T>
IHT_HD GuessBounds<T> guess_bounds(const W& w, int n, const T* v, const T* kept) {
  typename W::template Lanes<T> members, lowest_in, highest_out;  // lowest_in as −low: a max
  w.each([&](int l) IHT_LAMBDA {
    members[l] = T(0);
    lowest_in[l] = T(-INFINITY);
    highest_out[l] = T(-1);
  });
  each_entry(w, n, [&](int l, int i) IHT_LAMBDA {
    const T m = magnitude(v[i]);
    const bool in = kept[i] != T(0);
    members[l] += in ? T(1) : T(0);
    const T neg = T(0) - m;  // not −m: no −0 into w.max (warp.hpp)
    lowest_in[l] = in && neg > lowest_in[l] ? neg : lowest_in[l];
    highest_out[l] = !in && m > highest_out[l] ? m : highest_out[l];
  });
  return {static_cast<int>(w.sum(members)), -w.max(lowest_in), w.max(highest_out)};
}

/// out = H_s(v) (out may be v) and kept[i] = 1 for the s kept entries, 0 for
/// the rest. With `hint`, kept on entry is a guess (the last step's support):
/// when it is the top-s set it is the answer, at the cost of one pass.
///
/// Example: v = {0.5, −2, 0.5, 1}, s = 3: the threshold is 0.5; −2 and 1 are
/// above it, and of the two tied at it the smaller index (0) is kept: kept =
/// {1, 1, 0, 1}.
template <class W, class T>
IHT_HD void hard_threshold_wide(const W& w, int n, const T* v, int s, T* out, T* kept, bool hint) {
  using UInt = typename FloatFormat<T>::UInt;
  const GuessBounds<T> guess = hint ? guess_bounds(w, n, v, kept) : GuessBounds<T>{0, T(0), T(0)};
  if (!(hint && guess.is_top_set(s))) {
    // The s-th largest key: the largest t with at least s keys ≥ t, bit by bit
    // from the top (the sign bit of a magnitude is 0). A candidate with
    // exactly s keys at or above it lies between the s-th and the (s+1)-th:
    // those s are the top set, with no tie to break (most selections end
    // there, after a dozen or two of the 63 bits).
    UInt t = 0;
    int bit = static_cast<int>(sizeof(UInt) * 8) - 2;
    // A wrong guess of s members brackets the s-th and (s+1)-th keys:
    // lowest_in ≤ both (the s members and the entry at highest_out are at or
    // above it) and highest_out ≥ both (every key above it is a member, and
    // not all s are). Their common leading bits are then those of the answer,
    // taken without a count; no candidate there could end the search early.
    if (hint && guess.members == s) {
      const UInt low = magnitude_key(guess.lowest_in), high = magnitude_key(guess.highest_out);
      for (; bit >= 0 && !(((low ^ high) >> bit) & 1u); --bit) t |= low & (UInt(1) << bit);
    }
    bool split = false;
    for (; bit >= 0 && !split; --bit) {
      const UInt candidate = t | (UInt(1) << bit);
      const int at_least = count_keys<false>(w, n, v, candidate);
      if (at_least >= s) t = candidate;
      split = at_least == s;
    }
    // Every key above t is kept (at or above it, when split); of those equal
    // to t, the first s − above by index.
    int remaining = split ? 0 : s - count_keys<true>(w, n, v, t);
    typename W::template Lanes<T> tied;
    for (int base = 0; base < n; base += kWarpWidth) {
      w.each([&](int l) { tied[l] = base + l < n && magnitude_key(v[base + l]) == t ? T(1) : T(0); });
      const uint32_t ties = w.ballot(tied);
      w.each([&](int l) {
        const int i = base + l;
        if (i >= n) return;
        const auto key = magnitude_key(v[i]);
        const bool tie_kept = ((ties >> l) & 1u) && (split || popcount32(ties & ((1u << l) - 1u)) < remaining);
        kept[i] = key > t || tie_kept ? T(1) : T(0);
      });
      const int taken = popcount32(ties);
      remaining -= taken < remaining ? taken : remaining;
    }
  }
  each_entry(w, n, [&](int, int i) IHT_LAMBDA { out[i] = kept[i] != T(0) ? v[i] : T(0); });
  w.sync();
}

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp

IHT_KERNEL_WARNINGS_ON
