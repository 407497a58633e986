#pragma once
// Per-warp working memory: the run's standardized split, feature-major and
// padded to whole chunks of 32 samples, and its targets. Laid out by
// carve_scratch in one block of scratch_bytes.
#include <cstddef>
#include <type_traits>

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

/// The one definition of the layout: places each array of *scratch in order,
/// kScratchAlignment-aligned, from `base` (nullptr: only measures). Returns
/// the bytes used.
template <class T>
IHT_HD size_t lay_out_scratch(const WarpProblem& p, unsigned char* base, WarpScratch<T>* scratch) {
  const size_t mt = padded(p.m_train), ms = padded(p.m_test);
  size_t used = 0;
  auto place = [&](auto*& array, size_t count) {
    using Element = std::remove_reference_t<decltype(*array)>;
    array = base ? reinterpret_cast<Element*>(base + used) : nullptr;
    used += align_scratch(sizeof(Element) * count);
  };
  place(scratch->train_x, p.d * mt);
  place(scratch->train_y, mt);
  place(scratch->train_t, p.c * mt);
  place(scratch->test_x, p.d * ms);
  place(scratch->test_y, ms);
  place(scratch->test_t, p.c * ms);
  place(scratch->perm, static_cast<size_t>(p.samples));
  return used;
}

/// Bytes of scratch one warp needs.
template <class T>
IHT_HD size_t scratch_bytes(const WarpProblem& p) {
  WarpScratch<T> scratch;
  return lay_out_scratch(p, nullptr, &scratch);
}

/// Carves one warp's scratch out of `base`: scratch_bytes<T>(p) long and
/// kScratchAlignment-aligned (the host's AlignedScratch gives such a block).
template <class T>
IHT_HD WarpScratch<T> carve_scratch(const WarpProblem& p, unsigned char* base) {
  WarpScratch<T> scratch;
  lay_out_scratch(p, base, &scratch);
  return scratch;
}

}  // namespace iht::warp
