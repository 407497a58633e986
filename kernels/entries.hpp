#pragma once
// The wide engine's arrays of n entries (θ, ∇f, the step, the support), each
// lane owning entries l, l + 32, …: a loop over them that vectorizes on the CPU.
#include "common.hpp"
#include "warp.hpp"

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// body(l, i) for every entry i < n, lane l taking i = l, l + 32, … in that
/// order: per-lane code, as in w.each. A chunk of 32 entries at a time, so
/// the CPU warp's lane loop is the inner one and vectorizes (GCC leaves a
/// per-lane loop over i scalar); what a lane carries from one chunk to the
/// next lives in a W::Lanes. Whole chunks first, then the part past the last.
///
/// Example: the largest |θ_i| of each lane:
///   W::Lanes<T> high;
///   w.each([&](int l) { high[l] = T(0); });
///   each_entry(w, n, [&](int l, int i) IHT_LAMBDA { high[l] = fmax(high[l], fabs(theta[i])); });
template <class W, class Body>
IHT_HD void each_entry(const W& w, int n, Body&& body) {
  int base = 0;
  for (; base + kWarpWidth <= n; base += kWarpWidth) w.each([&](int l) IHT_LAMBDA { body(l, base + l); });
  if (base < n)
    w.each([&](int l) IHT_LAMBDA {
      if (base + l < n) body(l, base + l);
    });
}

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp
