#pragma once
// The limits of the integer options, checked before any work: the CLI's flags
// and the Python package's keywords alike.
#include <cstdint>
#include <limits>

namespace iht {

inline constexpr long kMaxRunsPerLevel = 100000000;      // and as many in one sweep
inline constexpr long long kMaxStepsLimit = 10000000000;  // 10^10 updates per run
inline constexpr int kMaxThreads = 1024;
inline constexpr int kMaxMonte = 1000000;  // Monte Carlo samples for the step size
inline constexpr uint64_t kMaxSeed = std::numeric_limits<uint64_t>::max();

}  // namespace iht
