// The GPU side of the warp contract against the CPU side, primitive by
// primitive and on one loss pass: the same inputs must give the same bits.
// Runs where a device exists; skips (or fails, with IHTBATCH_REQUIRE_GPU=1)
// elsewhere, saying why.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "device_memory.cuh"
#include "gpu_primitives_cpu_side.hpp"
#include "gpu_test_support.hpp"
#include "softmax_regression.hpp"
#include "warp_gpu.cuh"

using namespace iht::warp;
using iht::gpu::DeviceBuffer;

namespace {

/// Lane values with mixed magnitudes, so the order of a sum shows in its bits.
std::vector<double> lane_values() {
  std::vector<double> v(kWarpWidth);
  for (int l = 0; l < kWarpWidth; ++l) v[l] = (l % 3 ? 1.0 : -1.0) * std::ldexp(1.0 + l / 7.0, (l * 5) % 23 - 11);
  return v;
}

__global__ void sum_ballot_xor_kernel(const double* in, double* sum, unsigned* ballot, double* partner) {
  const GpuWarp w{static_cast<int>(threadIdx.x)};
  GpuWarp::Lanes<double> x;
  x.v = in[threadIdx.x];
  const double total = w.sum(x);
  GpuWarp::Lanes<double> odd;
  odd.v = x.v > 0 ? 1.0 : 0.0;
  const unsigned mask = w.ballot(odd);
  partner[threadIdx.x] = w.load_xor<kWarpWidth / 2>(x, threadIdx.x);
  if (threadIdx.x == 0) {
    *sum = total;
    *ballot = mask;
  }
}

/// lane_value and set_lane: every lane reads lanes 7 and 31; lane 5 is set to 42.
__global__ void lane_value_kernel(const double* in, double* read7, double* read31, double* after_set) {
  const GpuWarp w{static_cast<int>(threadIdx.x)};
  GpuWarp::Lanes<double> x;
  x.v = in[threadIdx.x];
  read7[threadIdx.x] = w.lane_value(x, 7);
  read31[threadIdx.x] = w.lane_value(x, 31);
  w.set_lane(x, 5, 42.0);
  after_set[threadIdx.x] = x.v;
}

template <class T>
__global__ void loss_pass_kernel(SplitView<T> data, const T* theta, T* loss, T* grad) {
  const GpuWarp w{static_cast<int>(threadIdx.x)};
  GpuWarp::Lanes<T> in, g;  // lane i holds θ_i and ∇f_i
  in.v = threadIdx.x < 15 ? theta[threadIdx.x] : T(0);
  const T f = SoftmaxRegression::loss_and_grad(w, FixedShape<4, 3>{}, in, data, g);
  if (threadIdx.x < 15) grad[threadIdx.x] = g.v;
  if (threadIdx.x == 0) *loss = f;
}

void check_launch() {
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaDeviceSynchronize());
}

}  // namespace

TEST(GpuPrimitives, SumBallotAndLoadXorMatchTheCpuWarp) {
  REQUIRE_GPU();
  const std::vector<double> in = lane_values();
  std::vector<double> odd(kWarpWidth);
  for (int l = 0; l < kWarpWidth; ++l) odd[l] = in[l] > 0 ? 1.0 : 0.0;
  DeviceBuffer<double> d_in(in), d_sum(1), d_partner(kWarpWidth);
  DeviceBuffer<unsigned> d_ballot(1);
  sum_ballot_xor_kernel<<<1, kWarpWidth>>>(d_in.data(), d_sum.data(), d_ballot.data(), d_partner.data());
  check_launch();
  const double gpu_sum = d_sum.download()[0], cpu_sum = iht::test::cpu_warp_sum(in.data());
  EXPECT_EQ(std::memcmp(&gpu_sum, &cpu_sum, sizeof gpu_sum), 0) << gpu_sum << " vs " << cpu_sum;
  EXPECT_EQ(d_ballot.download()[0], iht::test::cpu_warp_ballot(odd.data()));
  const std::vector<double> partner = d_partner.download();
  for (int l = 0; l < kWarpWidth; ++l) EXPECT_EQ(partner[l], in[l ^ 16]) << "lane " << l;
}

TEST(GpuPrimitives, LaneValueAndSetLaneMatchTheCpuWarp) {
  REQUIRE_GPU();
  const std::vector<double> in = lane_values();
  DeviceBuffer<double> d_in(in), d_7(kWarpWidth), d_31(kWarpWidth), d_set(kWarpWidth);
  lane_value_kernel<<<1, kWarpWidth>>>(d_in.data(), d_7.data(), d_31.data(), d_set.data());
  check_launch();
  // What CpuWarp does: lane_value(x, i) is x[i]; set_lane(x, i, v) is x[i] = v.
  const std::vector<double> read7 = d_7.download(), read31 = d_31.download(), after = d_set.download();
  for (int l = 0; l < kWarpWidth; ++l) {
    EXPECT_EQ(read7[l], in[7]) << "lane " << l;
    EXPECT_EQ(read31[l], in[31]) << "lane " << l;
    EXPECT_EQ(after[l], l == 5 ? 42.0 : in[l]) << "lane " << l;
  }
}

template <class T>
void expect_same_loss_pass(int m, unsigned seed) {
  // A split laid out as the warp scratch holds it (feature-major, padded, targets).
  const int d = 4, c = 3, stride = padded(m);
  std::vector<T> xs(d * stride, T(0)), ts(c * stride, T(0)), theta(15);
  std::vector<int> ys(stride, -1);
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  for (int k = 0; k < m; ++k) {
    ys[k] = static_cast<int>(rng() % c);
    for (int f = 0; f < d; ++f) xs[f * stride + k] = static_cast<T>(normal(rng) + 0.7 * ys[k]);
    ts[k] = T(1);
    if (ys[k] > 0) ts[ys[k] * stride + k] = T(1);
  }
  for (T& v : theta) v = static_cast<T>(normal(rng));
  theta[4] = T(0);
  T cpu_grad[kMaxParams];
  const T cpu_loss =
      iht::test::cpu_loss_pass(SplitView<T>{xs.data(), ys.data(), ts.data(), m, stride}, theta.data(), cpu_grad);
  DeviceBuffer<T> d_x(xs), d_t(ts), d_theta(theta), d_loss(1), d_grad(15);
  DeviceBuffer<int> d_y(ys);
  loss_pass_kernel<T><<<1, kWarpWidth>>>(SplitView<T>{d_x.data(), d_y.data(), d_t.data(), m, stride},
                                         d_theta.data(), d_loss.data(), d_grad.data());
  check_launch();
  const T gpu_loss = d_loss.download()[0];
  const std::vector<T> gpu_grad = d_grad.download();
  EXPECT_EQ(std::memcmp(&gpu_loss, &cpu_loss, sizeof(T)), 0) << "m=" << m << ": " << gpu_loss << " vs " << cpu_loss;
  for (int i = 0; i < 15; ++i)
    EXPECT_EQ(std::memcmp(&gpu_grad[i], &cpu_grad[i], sizeof(T)), 0)
        << "m=" << m << " grad[" << i << "]: " << gpu_grad[i] << " vs " << cpu_grad[i];
}

TEST(GpuPrimitives, OneLossPassGivesTheCpuWarpsBits) {
  REQUIRE_GPU();
  for (int m : {120, 600}) {
    expect_same_loss_pass<double>(m, 3u + m);
    expect_same_loss_pass<float>(m, 5u + m);
  }
}
