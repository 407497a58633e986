#pragma once
// What a warp needs to compute one run, in plain structs that both the host
// and the device can hold: the dataset and config, the run's seeds and its
// result. The parameter limit lives here (shape.hpp derives the others).
#include <cstdint>

#include "ihtbatch/hostdevice.hpp"
#include "ihtbatch/stop_reason.hpp"

namespace iht::warp {

/// Parameters a run may have: θ, ∇f and the step live in per-lane arrays of
/// this length, and a support is a 32-bit mask (bit i: index i).
inline constexpr int kMaxParams = 32;

/// Read-only for the whole batch. x: (samples, d) row-major, raw values.
struct WarpProblem {
  const double* x;
  const int* y;
  int samples, d, c, n, m_train, m_test;
  long long max_steps;
  double tol;
  int n_monte;
  double step_size;  // > 0 overrides the Monte Carlo estimate
};

struct WarpRunSpec {
  int sparsity;
  uint64_t data_seed, init_seed, support_seed;
};

/// Written by lane 0 at the end of a run. steps = −1 marks "not written".
struct WarpResult {
  double lipschitz, step_size, train_loss, train_acc, test_loss, test_acc, ht_margin, grad_support_inf;
  long long steps;
  long long settled_at;  // updates computed when one changed no bit of θ (the rest are skipped), or −1
  StopReason stop;
  int ht_stable;
  double theta[kMaxParams];
};

}  // namespace iht::warp
