#pragma once
// A network's shape: d inputs, c classes, n = d·c + c parameters. IRIS's 4×3
// is fixed at compile time (loops unroll, θ stays in registers on the GPU);
// any other shape that fits is given at run time. The backends pick one in
// one place (src/backends/warp_host.hpp, dispatch_kernel).
#include "problem.hpp"

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// Bounds on classes and features that sized per-class and per-feature
/// arrays rely on (the softmax loss's product of sums needs c ≤ 16 too).
inline constexpr int kMaxClasses = 16;
inline constexpr int kMaxFeatures = 15;
/// n = (d + 1)·c ≤ kMaxParams with d ≥ 1 gives c ≤ kMaxParams / 2, and with
/// c ≥ 2 gives d + 1 ≤ kMaxParams / 2: so checking n (make_problem) suffices.
static_assert(kMaxParams / 2 <= kMaxClasses && kMaxParams / 2 <= kMaxFeatures + 1,
              "every shape with n ≤ kMaxParams, d ≥ 1 and c ≥ 2 has c ≤ kMaxClasses and d ≤ kMaxFeatures");

template <int D, int C>
struct FixedShape {
  static constexpr int d = D, c = C, n = D * C + C;
  static constexpr int kClassBound = C;  // sizes per-class buffers
  static_assert(D >= 1 && C >= 2 && C <= kMaxClasses && D <= kMaxFeatures, "a shape the engine can hold");
  static_assert(n <= kMaxParams, "θ fits the per-lane arrays");
};

/// Checked on the host (make_problem): n ≤ kMaxParams, so d ≤ kMaxFeatures and c ≤ kMaxClasses.
struct DynamicShape {
  int d, c, n;
  static constexpr int kClassBound = kMaxClasses;
};

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp
