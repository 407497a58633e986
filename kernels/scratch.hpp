#pragma once
// Per-warp working memory: the run's standardized split, feature-major and
// padded to whole chunks of 32 samples, and its targets. Laid out by
// carve_scratch in one block of scratch_bytes.
#include <cstddef>

#include "problem.hpp"
#include "warp.hpp"

namespace iht::warp {

/// Samples rounded up to whole chunks of kWarpWidth (one sample per lane).
IHT_HD int padded(int count) { return (count + kWarpWidth - 1) / kWarpWidth * kWarpWidth; }

inline constexpr size_t kScratchAlignment = 64;  // a cache line; the CPU's lane groups load from here

IHT_HD size_t align_scratch(size_t bytes) { return (bytes + kScratchAlignment - 1) / kScratchAlignment * kScratchAlignment; }

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
};

/// Bytes of scratch one warp needs, each array starting kScratchAlignment-aligned.
template <class T>
IHT_HD size_t scratch_bytes(const WarpProblem& p) {
  const size_t mt = padded(p.m_train), ms = padded(p.m_test);
  return align_scratch(sizeof(T) * p.d * mt) + align_scratch(sizeof(int) * mt) + align_scratch(sizeof(T) * p.c * mt) +
         align_scratch(sizeof(T) * p.d * ms) + align_scratch(sizeof(int) * ms) + align_scratch(sizeof(T) * p.c * ms) +
         align_scratch(sizeof(int) * p.samples);
}

/// Carves one warp's scratch out of `base`: scratch_bytes<T>(p) long and
/// kScratchAlignment-aligned (the host's AlignedScratch gives such a block).
template <class T>
IHT_HD WarpScratch<T> carve_scratch(const WarpProblem& p, unsigned char* base) {
  const size_t mt = padded(p.m_train), ms = padded(p.m_test);
  WarpScratch<T> s;
  s.train_x = reinterpret_cast<T*>(base);
  base += align_scratch(sizeof(T) * p.d * mt);
  s.train_y = reinterpret_cast<int*>(base);
  base += align_scratch(sizeof(int) * mt);
  s.train_t = reinterpret_cast<T*>(base);
  base += align_scratch(sizeof(T) * p.c * mt);
  s.test_x = reinterpret_cast<T*>(base);
  base += align_scratch(sizeof(T) * p.d * ms);
  s.test_y = reinterpret_cast<int*>(base);
  base += align_scratch(sizeof(int) * ms);
  s.test_t = reinterpret_cast<T*>(base);
  base += align_scratch(sizeof(T) * p.c * ms);
  s.perm = reinterpret_cast<int*>(base);
  return s;
}

}  // namespace iht::warp
