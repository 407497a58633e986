#pragma once
// A run's train/test split (docs/SPEC.md §3.1–3.2), drawn and standardized
// into the warp's scratch.
#include <cmath>
#include <cstdint>

#include "common.hpp"
#include "ihtbatch/philox.hpp"
#include "scratch.hpp"
#include "shape.hpp"

IHT_KERNEL_WARNINGS_OFF

namespace iht::warp {

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

/// Draws the split and writes both parts standardized with the training mean
/// and population sd into scratch. Lane l writes exactly the samples it later
/// reads, so no barrier is needed after the writes.
template <class W, class T>
IHT_HD void prepare_split(const W& w, const WarpProblem& p, uint64_t data_seed, const WarpScratch<T>& scratch) {
  w.single([&] { random_permutation(data_seed, Stream::kSplit, 0, scratch.perm, p.samples, p.m_train); });
  double mean[kMaxFeatures], inv_sd[kMaxFeatures];
  typename W::template Lanes<double> acc;
  for (int f = 0; f < p.d; ++f) {
    w.each([&](int l) {
      acc[l] = 0.0;
      for (int k = l; k < p.m_train; k += kWarpWidth) acc[l] += p.x[scratch.perm[k] * p.d + f];
    });
    mean[f] = w.sum(acc) / p.m_train;
    w.each([&](int l) {
      acc[l] = 0.0;
      for (int k = l; k < p.m_train; k += kWarpWidth) {
        const double dev = p.x[scratch.perm[k] * p.d + f] - mean[f];
        acc[l] += dev * dev;
      }
    });
    const double sd = sqrt(w.sum(acc) / p.m_train);
    inv_sd[f] = sd > 0.0 ? 1.0 / sd : 1.0;  // a constant feature: centre it only
  }
  auto write = [&](T* x, int* y, T* t, int first, int count) {
    const int stride = padded(count);
    w.each([&](int l) {
      for (int k = l; k < stride; k += kWarpWidth) {
        const bool valid = k < count;
        const int row = valid ? scratch.perm[first + k] : 0;
        for (int f = 0; f < p.d; ++f)
          x[f * stride + k] = valid ? static_cast<T>((p.x[row * p.d + f] - mean[f]) * inv_sd[f]) : T(0);
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

}  // namespace iht::warp

IHT_KERNEL_WARNINGS_ON
