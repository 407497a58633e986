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
  const warp::CpuWarp w;
  warp::CpuWarp::Lanes<T> in, out;
  w.each([&](int l) { in[l] = l < 15 ? theta[l] : T(0); });
  const T f = warp::SoftmaxRegression::loss_and_grad(w, warp::FixedShape<4, 3>{}, in, data, out);
  for (int i = 0; i < 15; ++i) grad[i] = out[i];
  return f;
}

template double cpu_loss_pass<double>(const warp::SplitView<double>&, const double*, double*);
template float cpu_loss_pass<float>(const warp::SplitView<float>&, const float*, float*);

}  // namespace iht::test
