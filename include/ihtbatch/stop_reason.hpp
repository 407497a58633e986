#pragma once
// Why a run stopped (docs/SPEC.md §3.6). Plain enough for device code.

namespace iht {

enum class StopReason : int { kTol = 0, kMaxSteps = 1, kDiverged = 2 };

}  // namespace iht
