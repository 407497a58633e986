#pragma once
// Macros every kernel file uses, in one place: host+device functions
// (IHT_HD, from ihtbatch/hostdevice.hpp) and the loop pragmas that make the
// same source fast on both sides.
#include "ihtbatch/hostdevice.hpp"

// Loops over features, classes and parameters unroll completely for a fixed
// shape: θ stays in registers on the GPU, and the CPU lane loops vectorize.
#if defined(__CUDA_ARCH__)
#define IHT_UNROLL _Pragma("unroll")
#elif defined(__CUDACC__)
#define IHT_UNROLL
#else
#define IHT_UNROLL _Pragma("GCC unroll 32")
#endif

// The loss pass inlines all it calls on the CPU: left to itself, GCC calls
// each loop's lambda once per lane group (~7 % of a step in ihtbatch).
#if defined(__GNUC__) && !defined(__CUDACC__)
#define IHT_FLATTEN __attribute__((flatten))
#else
#define IHT_FLATTEN
#endif

// A hot lambda: always inlined on the CPU. GCC inlines lambdas within a
// budget per translation unit, so without this the loss pass of whichever
// shape it compiles second stays a dozen calls per step (5–7 % of a sweep);
// flatten does not reach into a function once it is itself inlined. nvcc
// inlines device lambdas by itself.
#if defined(__GNUC__) && !defined(__CUDACC__)
#define IHT_LAMBDA __attribute__((always_inline))
#else
#define IHT_LAMBDA
#endif

// The loss pass's loops over staged chunks: unrolled on the GPU, where one
// chunk is staged and its values must stay in registers; kept as loops on the
// CPU, whose stage is in memory.
#if defined(__CUDA_ARCH__)
#define IHT_STAGE_LOOP _Pragma("unroll")
#elif defined(__CUDACC__)
#define IHT_STAGE_LOOP
#else
#define IHT_STAGE_LOOP _Pragma("GCC unroll 1")
#endif

// GCC's unrolling of the run-time shape's loops (bounded by kMaxParams only)
// raises false alarms about indices it can prove unreachable: kernel headers
// open with IHT_KERNEL_WARNINGS_OFF and close with IHT_KERNEL_WARNINGS_ON.
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#define IHT_KERNEL_WARNINGS_OFF                                   \
  _Pragma("GCC diagnostic push")                                  \
  _Pragma("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")     \
  _Pragma("GCC diagnostic ignored \"-Warray-bounds\"")
#define IHT_KERNEL_WARNINGS_ON _Pragma("GCC diagnostic pop")
#else
#define IHT_KERNEL_WARNINGS_OFF
#define IHT_KERNEL_WARNINGS_ON
#endif

// Bits set in a 32-bit word, on either side.
#include <cstdint>
IHT_HD int popcount32(uint32_t v) {
#if defined(__CUDA_ARCH__)
  return __popc(v);
#else
  return __builtin_popcount(v);
#endif
}
