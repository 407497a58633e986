#include "gpu_primitives_cpu_side.hpp"

#include "softmax_regression.hpp"
#include "warp_cpu.hpp"

namespace iht::test {

double cpu_warp_sum(const double* lanes) {
  warp::CpuWarp::Lanes<double> x;
  for (int l = 0; l < warp::kWarpWidth; ++l) x[l] = lanes[l];
  return warp::CpuWarp{}.sum(x);
}

uint32_t cpu_warp_ballot(const double* lanes) {
  warp::CpuWarp::Lanes<double> x;
  for (int l = 0; l < warp::kWarpWidth; ++l) x[l] = lanes[l];
  return warp::CpuWarp{}.ballot(x);
}

template <class T>
T cpu_loss_pass(const warp::SplitView<T>& data, const T* theta, T* grad) {
  return warp::SoftmaxRegression::loss_and_grad(warp::CpuWarp{}, warp::FixedShape<4, 3>{}, theta, data, grad);
}

template double cpu_loss_pass<double>(const warp::SplitView<double>&, const double*, double*);
template float cpu_loss_pass<float>(const warp::SplitView<float>&, const float*, float*);

}  // namespace iht::test
