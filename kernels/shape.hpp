#pragma once
// A network's shape: d inputs, c classes, n = d·c + c parameters. IRIS's 4×3
// is fixed at compile time (loops unroll, θ stays in registers on the GPU);
// any other shape that fits is given at run time. The backends pick one in
// one place (src/backends/warp_host.hpp, dispatch_kernel).
#include "problem.hpp"

namespace iht::warp {

/// The softmax model's bound on classes: each lane's sum of exponentials is in
/// [1, c], and the loss multiplies 16 of them before one log (kChunksPerLog).
inline constexpr int kMaxClasses = 16;
/// c ≥ 2 and n = (d + 1)·c ≤ kMaxParams give d ≤ kMaxParams / 2 − 1.
inline constexpr int kMaxFeatures = kMaxParams / 2 - 1;
static_assert((kMaxFeatures + 1) * 2 <= kMaxParams && (1 + 1) * kMaxClasses <= kMaxParams,
              "every shape with n ≤ kMaxParams and c ≥ 2, d ≥ 1 has d ≤ kMaxFeatures and c ≤ kMaxClasses");

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

}  // namespace iht::warp
