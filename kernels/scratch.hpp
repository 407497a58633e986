#pragma once
// Per-warp working memory: the run's standardized split, feature-major and
// padded to whole chunks of 32 samples, and its targets. Laid out by
// carve_scratch in one block of scratch_bytes.
#include <cstddef>

#include "problem.hpp"
#include "warp.hpp"

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// Samples rounded up to whole chunks of kWarpWidth (one sample per lane).
IHT_HD int padded(int count) { return (count + kWarpWidth - 1) / kWarpWidth * kWarpWidth; }

inline constexpr size_t kScratchAlignment = 64;  // a cache line; the CPU's lane groups load from here

IHT_HD size_t align_scratch(size_t bytes) { return (bytes + kScratchAlignment - 1) / kScratchAlignment * kScratchAlignment; }

/// A feature's standardization, z = (x / scale − shift) · inv_sd (docs/SPEC.md
/// §3.2). scale is a power of two near the largest |x| of the training part,
/// so no sum can overflow even for values near 1e308, and otherwise it changes
/// no bit (dividing by a power of two is exact). A constant feature (every
/// training value the same) is centred on that value exactly: z = x − value,
/// 0 on the whole training part.
struct Standardization {
  double scale, shift, inv_sd;
};

/// Padding has label −1. Targets: row 0 is 1 for a sample and 0 for padding
/// (the padding mask), row j ≥ 1 is the one-hot indicator of class j (the
/// loss pass loads these instead of comparing labels).
template <class T>
struct WarpScratch {
  T* train_x;    // (d, padded(m_train))
  int* train_y;  // (padded(m_train))
  T* train_t;    // (c, padded(m_train))
  T* test_x;     // (d, padded(m_test))
  int* test_y;   // (padded(m_test))
  T* test_t;     // (c, padded(m_test))
  int* perm;     // (samples)
  Standardization* standardization;  // (d) the split's, feature by feature
  // The wide engine's (wide_run.hpp; empty for the compact one). Parameter
  // arrays hold n entries; lane l owns entries l, l + 32, …
  T* theta;      // (n) θᵏ
  T* grad;       // (n) ∇f
  T* next;       // (n) the step, then θᵏ⁺¹
  T* other;      // (n) a second gradient (the step size's estimate)
  T* kept;       // (n) 1 on the support, else 0
  int* order;    // (n) a random permutation (supports)
  T* hidden;     // (H, padded(m_train)): act(W1ᵀx + b1), a row per unit
  T* delta;      // (H, padded(m_train)): act′, then ∂loss/∂(W1ᵀx + b1)
  T* logits;     // (c, padded(m_train)): z, then ∂loss/∂z, a row per class
};

/// The arrays of WarpScratch, in the order they are laid out.
enum ScratchArray {
  kTrainX, kTrainY, kTrainT, kTestX, kTestY, kTestT, kPerm, kStandardization,
  kTheta, kGrad, kNext, kOther, kKept, kOrder, kHidden, kDelta, kLogits,
  kScratchArrays
};

/// The one definition of the layout: offsets[a] is where array a starts,
/// kScratchAlignment-aligned, and offsets[kScratchArrays] the bytes in all.
template <class T>
IHT_HD void scratch_offsets(const WarpProblem& p, size_t (&offsets)[kScratchArrays + 1]) {
  const size_t mt = padded(p.m_train), ms = padded(p.m_test);
  // The wide engine's sizes: rows long enough for either part of the split.
  const size_t wn = is_wide(p) ? p.n : 0, wm = is_wide(p) ? (mt > ms ? mt : ms) : 0;
  const size_t bytes[kScratchArrays] = {sizeof(T) * p.d * mt, sizeof(int) * mt,   sizeof(T) * p.c * mt,
                                        sizeof(T) * p.d * ms, sizeof(int) * ms,   sizeof(T) * p.c * ms,
                                        sizeof(int) * p.samples, sizeof(Standardization) * p.d,
                                        sizeof(T) * wn,       sizeof(T) * wn,     sizeof(T) * wn,
                                        sizeof(T) * wn,       sizeof(T) * wn,     sizeof(int) * wn,
                                        sizeof(T) * wm * p.hidden, sizeof(T) * wm * p.hidden,
                                        sizeof(T) * wm * p.c};
  offsets[0] = 0;
  for (int a = 0; a < kScratchArrays; ++a) offsets[a + 1] = offsets[a] + align_scratch(bytes[a]);
}

/// Bytes of scratch one warp needs.
template <class T>
IHT_HD size_t scratch_bytes(const WarpProblem& p) {
  size_t at[kScratchArrays + 1];
  scratch_offsets<T>(p, at);
  return at[kScratchArrays];
}

/// Carves one warp's scratch out of `base`: scratch_bytes<T>(p) long and
/// kScratchAlignment-aligned (the host's AlignedScratch gives such a block).
template <class T>
IHT_HD WarpScratch<T> carve_scratch(const WarpProblem& p, unsigned char* base) {
  size_t at[kScratchArrays + 1];
  scratch_offsets<T>(p, at);
  auto array = [&](ScratchArray a) { return reinterpret_cast<T*>(base + at[a]); };
  auto ints = [&](ScratchArray a) { return reinterpret_cast<int*>(base + at[a]); };
  return WarpScratch<T>{array(kTrainX), ints(kTrainY), array(kTrainT), array(kTestX),  ints(kTestY),
                        array(kTestT),  ints(kPerm),
                        reinterpret_cast<Standardization*>(base + at[kStandardization]), array(kTheta),  array(kGrad),   array(kNext),
                        array(kOther),  array(kKept),  ints(kOrder),   array(kHidden), array(kDelta),
                        array(kLogits)};
}

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp
