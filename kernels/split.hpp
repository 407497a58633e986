#pragma once
// A run's train/test split (docs/SPEC.md §3.1–3.2), drawn and standardized
// into the warp's scratch.
#include <cmath>
#include <cstdint>

#include "common.hpp"
#include "ihtbatch/portable_math.hpp"  // bit_copy
#include "ihtbatch/philox.hpp"
#include "scratch.hpp"
#include "shape.hpp"

IHT_KERNEL_WARNINGS_OFF

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// One part of the split in the warp's scratch: x (d, padded) feature-major,
/// labels y, and targets t (c, padded): row 0 is 1 for a sample and 0 for
/// padding, row j ≥ 1 the one-hot indicator of class j.
template <class T>
struct SplitView {
  const T* x;
  const int* y;
  const T* t;
  int count, stride;
};


/// 2^⌊log2 v⌋ for a normal v > 0; 1 for a subnormal one (it cannot overflow).
IHT_HD double power_of_two_below(double v) {
  const double p = bit_copy<double>(bit_copy<uint64_t>(v) & 0x7FF0000000000000ull);
  return p > 0.0 ? p : 1.0;
}

/// Draws the split and writes both parts standardized with the training mean
/// and population sd into scratch. Lane l writes exactly the samples it later
/// reads, so no barrier is needed after the writes.
template <class W, class T>
IHT_HD void prepare_split(const W& w, const WarpProblem& p, uint64_t data_seed, const WarpScratch<T>& scratch) {
  w.single([&] { random_permutation(data_seed, Stream::kSplit, 0, scratch.perm, p.samples, p.m_train); });
  Standardization* st = scratch.standardization;  // one per feature: d is any size
  typename W::template Lanes<double> acc;
  for (int f = 0; f < p.d; ++f) {
    double lo = INFINITY, hi = -INFINITY;  // every lane the same
    for (int k = 0; k < p.m_train; ++k) {
      const double v = p.x[scratch.perm[k] * p.d + f];
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    if (lo == hi) {
      w.single([&] { st[f] = {1.0, lo, 1.0}; });
      continue;
    }
    const double scale = power_of_two_below(-lo > hi ? -lo : hi);
    w.each([&](int l) {
      acc[l] = 0.0;
      for (int k = l; k < p.m_train; k += kWarpWidth) acc[l] += p.x[scratch.perm[k] * p.d + f] / scale;
    });
    const double mean = w.sum(acc) / p.m_train;
    w.each([&](int l) {
      acc[l] = 0.0;
      for (int k = l; k < p.m_train; k += kWarpWidth) {
        const double dev = p.x[scratch.perm[k] * p.d + f] / scale - mean;
        acc[l] = exact_fma(dev, dev, acc[l]);
      }
    });
    const double inv_sd = 1.0 / sqrt(w.sum(acc) / p.m_train);
    w.single([&] { st[f] = {scale, mean, inv_sd}; });
  }
  auto write = [&](T* x, int* y, T* t, int first, int count) {
    const int stride = padded(count);
    w.each([&](int l) {
      for (int k = l; k < stride; k += kWarpWidth) {
        const bool valid = k < count;
        const int row = valid ? scratch.perm[first + k] : 0;
        for (int f = 0; f < p.d; ++f)
          x[f * stride + k] =
              valid ? static_cast<T>((p.x[row * p.d + f] / st[f].scale - st[f].shift) * st[f].inv_sd) : T(0);
        y[k] = valid ? p.y[row] : -1;
        t[k] = valid ? T(1) : T(0);
        for (int j = 1; j < p.c; ++j) t[j * stride + k] = valid && p.y[row] == j ? T(1) : T(0);
      }
    });
  };
  write(scratch.train_x, scratch.train_y, scratch.train_t, 0, p.m_train);
  write(scratch.test_x, scratch.test_y, scratch.test_t, p.m_train, p.m_test);
}

/// The run's two views of its scratch.
template <class T>
IHT_HD SplitView<T> train_view(const WarpProblem& p, const WarpScratch<T>& scratch) {
  return {scratch.train_x, scratch.train_y, scratch.train_t, p.m_train, padded(p.m_train)};
}
template <class T>
IHT_HD SplitView<T> test_view(const WarpProblem& p, const WarpScratch<T>& scratch) {
  return {scratch.test_x, scratch.test_y, scratch.test_t, p.m_test, padded(p.m_test)};
}

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp

IHT_KERNEL_WARNINGS_ON
