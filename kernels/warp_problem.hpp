#pragma once
// What a warp needs to compute one run, in plain structs that both the host
// and the device can hold: the dataset and config, the per-warp scratch, the
// run's seeds and its result.
#include <cstddef>
#include <cstdint>

#include "ihtbatch/hostdevice.hpp"

namespace iht::warp {

constexpr int kWarpWidth = 32;
constexpr int kMaxParams = 32;    // n = d·c + c must fit one warp
constexpr int kMaxClasses = 16;   // n ≤ 32 with c ≥ 2 gives c ≤ 16 …
constexpr int kMaxFeatures = 15;  // … and d ≤ 15

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

IHT_HD int padded(int count) { return (count + kWarpWidth - 1) / kWarpWidth * kWarpWidth; }

IHT_HD size_t align64(size_t bytes) { return (bytes + 63) / 64 * 64; }

/// Per-warp working memory: the run's standardized split, feature-major and
/// padded to whole chunks of 32 samples (padding has label −1), and its
/// targets: row 0 is 1 for a sample and 0 for padding, row j ≥ 1 is the
/// one-hot indicator of class j (the loss pass loads these instead of
/// comparing labels).
template <class T>
struct WarpScratch {
  T* train_x;    // (d, padded(m_train))
  int* train_y;  // (padded(m_train))
  T* train_t;    // (c, padded(m_train))
  T* test_x;     // (d, padded(m_test))
  int* test_y;   // (padded(m_test))
  T* test_t;     // (c, padded(m_test))
  int* perm;     // (samples)
};

/// Bytes of scratch one warp needs, with each array 64-byte aligned.
template <class T>
IHT_HD size_t scratch_bytes(const WarpProblem& p) {
  const size_t mt = padded(p.m_train), ms = padded(p.m_test);
  return align64(sizeof(T) * p.d * mt) + align64(sizeof(int) * mt) + align64(sizeof(T) * p.c * mt) +
         align64(sizeof(T) * p.d * ms) + align64(sizeof(int) * ms) + align64(sizeof(T) * p.c * ms) +
         align64(sizeof(int) * p.samples);
}

/// Carves one warp's scratch out of `base` (scratch_bytes<T>(p) long, 64-byte aligned).
template <class T>
IHT_HD WarpScratch<T> carve_scratch(const WarpProblem& p, unsigned char* base) {
  const size_t mt = padded(p.m_train), ms = padded(p.m_test);
  WarpScratch<T> s;
  s.train_x = reinterpret_cast<T*>(base);
  base += align64(sizeof(T) * p.d * mt);
  s.train_y = reinterpret_cast<int*>(base);
  base += align64(sizeof(int) * mt);
  s.train_t = reinterpret_cast<T*>(base);
  base += align64(sizeof(T) * p.c * mt);
  s.test_x = reinterpret_cast<T*>(base);
  base += align64(sizeof(T) * p.d * ms);
  s.test_y = reinterpret_cast<int*>(base);
  base += align64(sizeof(int) * ms);
  s.test_t = reinterpret_cast<T*>(base);
  base += align64(sizeof(T) * p.c * ms);
  s.perm = reinterpret_cast<int*>(base);
  return s;
}

struct WarpRunSpec {
  int sparsity;
  uint64_t data_seed, init_seed, support_seed;
};

/// Written by lane 0 at the end of a run. steps = −1 marks "not written".
struct WarpResult {
  double lipschitz, step_size, train_loss, train_acc, test_loss, test_acc, ht_margin, grad_support_inf;
  long long steps;
  long long settled_at;  // updates computed when one changed no bit of θ (the rest are skipped), or −1
  int stop;  // StopReason
  int ht_stable;
  double theta[kMaxParams];
};

/// Shapes: IRIS's 4×3 at compile time (loops unroll, θ stays in registers),
/// anything else that fits a warp at run time.
template <int D, int C>
struct FixedShape {
  static constexpr int d = D, c = C, n = D * C + C;
  static constexpr int kClassBound = C;  // sizes per-class buffers
};
struct DynamicShape {
  int d, c, n;
  static constexpr int kClassBound = kMaxClasses;
};

}  // namespace iht::warp
