#pragma once
// The CPU warp's answers for test_gpu_primitives.cu, compiled by the host
// compiler (CpuWarp's lane groups are GCC vectors, which nvcc's device pass
// cannot hold).
#include <cstdint>

#include "split.hpp"

namespace iht::test {

double cpu_warp_sum(const double* lanes);    // 32 values
uint32_t cpu_warp_ballot(const double* lanes);  // bit l: lanes[l] != 0
/// SoftmaxRegression::loss_and_grad on the IRIS shape (d = 4, c = 3).
template <class T>
T cpu_loss_pass(const warp::SplitView<T>& data, const T* theta, T* grad);

}  // namespace iht::test
