#pragma once
// What a warp needs to compute one run, in plain structs that both the host
// and the device can hold: the dataset and config, the run's seeds and its
// result. The parameter limit lives here (shape.hpp derives the others).
#include <cstdint>

#include "ihtbatch/hostdevice.hpp"
#include "ihtbatch/stop_reason.hpp"

namespace iht::warp {

/// Parameters of the compact engine (iht_run.hpp): θ, ∇f and the step live
/// in per-lane arrays of this length, and a support is a 32-bit mask (bit i:
/// index i). Larger networks and hidden layers run on the wide engine
/// (wide_run.hpp), which keeps them in the warp's scratch.
inline constexpr int kMaxParams = 32;
/// Parameters of the wide engine (docs/SPEC.md §9).
inline constexpr int kMaxWideParams = 1024;

/// The hidden layer's activation; the host's iht::Activation in the same order.
enum class WarpActivation : int { kTanh = 0, kRelu = 1, kSigmoid = 2 };

/// Read-only for the whole batch. x: (samples, d) row-major, raw values.
/// hidden: units of the hidden layer (0: none).
struct WarpProblem {
  const double* x;
  const int* y;
  int samples, d, c, n, m_train, m_test;
  long long max_steps;
  double tol;
  int n_monte;
  double step_size;  // > 0 overrides the Monte Carlo estimate
  int hidden;
  WarpActivation activation;
};

/// Whether p runs on the wide engine: a hidden layer, or more parameters
/// than the compact engine's per-lane arrays hold.
IHT_HD bool is_wide(const WarpProblem& p) { return p.hidden > 0 || p.n > kMaxParams; }

struct WarpRunSpec {
  int sparsity;
  uint64_t data_seed, init_seed, support_seed;
};

/// Written by lane 0 at the end of a run. steps = −1 marks "not written".
/// θ* goes to the run's own n doubles beside it (iht_run's theta_out).
struct WarpResult {
  double lipschitz, step_size, train_loss, train_acc, test_loss, test_acc, ht_margin, grad_support_inf;
  long long steps;
  long long settled_at;  // updates computed when one changed no bit of θ (the rest are skipped), or −1
  StopReason stop;
  int ht_stable;
};

}  // namespace iht::warp
