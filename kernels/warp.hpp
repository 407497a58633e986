#pragma once
// The warp contract: what kernel code may ask of a warp W. Two types
// implement it: CpuWarp (warp_cpu.hpp: lanes as arrays, lane groups as SIMD
// vectors) and GpuWarp (warp_gpu.cuh: a lane is a thread, collectives are
// shuffles and ballots). Kernel code is written once against it and must use
// nothing else, so the CPU tests execute all of it but the GPU's thin
// intrinsic wrappers.
//
// Per-lane code runs on *lane values* V = W::Vec<T>: one lane's T on the GPU,
// a group of W::kGroup<T> consecutive lanes in one SIMD vector on the CPU.
// `lane` (or `first`) below is the first lane of the group a body runs for.
// Lane l owns the training samples l, l + 32, l + 64, … In the compact
// engine (n ≤ 32) a parameter vector is a W::Lanes<T> too: lane i holds
// entry i (θ_i, ∇f_i), so the GPU keeps one register per vector, not n.
// Per-lane code touches only its own lane's value (x[l] inside w.each);
// anything else reads another lane through w.lane_value.
//
//   Member                          What it does, with an example
//   ------------------------------  ------------------------------------------
//   W::Lanes<T>                     one T per lane:
//                                     W::Lanes<double> x;
//   w.each(body)                    body(l) for every lane l (plain per-lane code):
//                                     w.each([&](int l) { x[l] = l; });
//   w.single(body)                  body() once, as lane 0; all lanes see its writes:
//                                     w.single([&] { out->steps = k; });
//   w.sum(x)                        the sum over lanes, added in the order of a
//                                   shuffle-xor butterfly (16, 8, 4, 2, 1), the
//                                   same bits on both sides:
//                                     double total = w.sum(x);  // 496
//   w.sums<kMost>(x, n, out)        out[i] = w.sum(x[i]) for i < n ≤ kMost, the
//                                   same bits (the CPU adds a lane group's
//                                   worth of them side by side):
//                                     w.sums<8>(parts, 6, totals);
//   w.max(x)                        the largest value over lanes (exact in any order;
//                                   of +0 and −0, either: give it no −0):
//                                     double top = w.max(x);  // 31
//   w.sync()                        lanes' writes to memory are seen by every
//                                   lane after it (the wide engine's shared arrays):
//                                     w.each([&](int l) { a[l] = l; }); w.sync();
//   w.stop_requested()              whether the host asks the run to stop (a
//                                   cancelled sweep); the run then returns and
//                                   writes nothing. The CPU's warp reads its
//                                   host's flag; the GPU's says false (a launch
//                                   cancels between runs):
//                                     if (w.stop_requested()) return;
//   w.lane_value(x, i)              lane i's value of x, in every lane (every
//                                   lane calls it, with the same i; a body
//                                   that reads x so stores to another Lanes,
//                                   since the GPU's lanes all read first):
//                                     double theta_3 = w.lane_value(theta, 3);
//   w.set_lane(x, i, v)             lane i's value of x becomes v (v and i the
//                                   same in every lane):
//                                     w.set_lane(grad, 3, g3);
//   w.ballot(x)                     bit l set where x[l] != 0:
//                                     uint32_t kept = w.ballot(keep);
//   w.each_group<T>(body)           body(first) once per lane group:
//                                     w.each_group<double>([&](int first) {
//                                       V v = w.load(x, first);
//                                       w.store(x, first, v + 1.0); });
//   w.each_group_below<T>(n, body)  the groups holding a lane below n only
//                                   (other lanes of the last group run too):
//                                     w.each_group_below<double>(15, body);
//   W::lane_index<T>(first)         the group's lane numbers, as T:
//                                     V index = W::lane_index<double>(first);
//   W::load(ptr) / load(x, first)   the group's values at ptr[0 …] / of x:
//                                     V xi = W::load(data + first);
//   W::store_at(ptr, v)             writes the group's values to ptr[0 …]:
//                                     W::store_at(row + first, v);
//   W::store(x, first, v)           writes the group's lanes of x:
//                                     W::store(sums, first, W::load(sums, first) + v);
//   w.load_xor<K>(x, first)         each lane's value of lane (l ^ K); K a
//                                   multiple of the group size; every lane
//                                   of the warp calls it:
//                                     V partner = w.load_xor<16>(x, first);
//   W::Stage<T, N>, st.at(first, u) N lane values per staged chunk u: what the
//                                   loss pass hands from one loop to the next
//                                   (memory on the CPU, registers on the GPU):
//                                     W::Stage<double, 3> st;
//                                     V* z = st.at(first, u); z[2] = v;
//   W::kStagedChunks                chunks per tile of the loss pass (CPU 8, GPU 1):
//                                     for (int u = 0; u < W::kStagedChunks; ++u) …
//   W::Vec<T>, W::kGroup<T>         a lane value, and how many lanes it holds
//                                   (CPU: 256 or 512 bits by path, 4 or 8 doubles,
//                                   8 or 16 floats; GPU: 1)
#include "ihtbatch/hostdevice.hpp"

namespace iht::warp {
IHT_SIMD_NAMESPACE_BEGIN

/// Lanes in a warp, on every side. Kernel code takes the width from here.
inline constexpr int kWarpWidth = 32;

/// A parameter vector of the compact engine: lane i holds entry i.
template <class W, class T>
using Params = typename W::template Lanes<T>;

/// Compile-time checks of the parts of the contract a type can state.
template <class W>
constexpr bool check_warp_contract() {
  static_assert(W::kStagedChunks >= 1 && W::kStagedChunks <= 8, "a tile stages 1 to 8 chunks");
  static_assert(kWarpWidth % W::template kGroup<double> == 0 && kWarpWidth % W::template kGroup<float> == 0,
                "lane groups tile the warp");
  static_assert(sizeof(typename W::template Vec<double>) == W::template kGroup<double> * sizeof(double),
                "a lane value holds one double per lane of its group");
  return true;
}

IHT_SIMD_NAMESPACE_END
}  // namespace iht::warp
