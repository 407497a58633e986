#pragma once
// Lets one definition of a function compile both as plain C++ and as CUDA
// host+device code.
#if defined(__CUDACC__)
#define IHT_HD __host__ __device__ __forceinline__
#elif defined(__GNUC__)
// Always inlined: the CPU warp engine's lane loops vectorize only when the
// math they call is inlined into them.
#define IHT_HD inline __attribute__((always_inline))
#else
#define IHT_HD inline
#endif

// The warp engine's kernels are compiled once per CPU SIMD path
// (src/backends/cpu_path_kernels.cpp, built with -DIHT_SIMD_TARGET=avx512,
// avx2 or portable and that target's instruction set). Each copy lives in an
// inline namespace named for its path, so no inline function or template
// instance compiled for AVX-512 can stand in, at link time, for the baseline's
// copy of the same name. Everywhere else (the GPU, the tests, the host glue)
// it is `baseline`.
#ifndef IHT_SIMD_TARGET
#define IHT_SIMD_TARGET baseline
#endif
#define IHT_SIMD_NAMESPACE_BEGIN inline namespace IHT_SIMD_TARGET {
#define IHT_SIMD_NAMESPACE_END }

// A loop of fixed trip count unrolled whole: inside a lane loop (the CPU warp's
// `each`), GCC vectorizes only straight-line code, so the draws' rounds and
// series unroll before it looks.
#if defined(__CUDACC__)
#define IHT_UNROLL_ALL _Pragma("unroll")
#elif defined(__GNUC__) && !defined(__clang__)
#define IHT_UNROLL_ALL _Pragma("GCC unroll 32")
#else
#define IHT_UNROLL_ALL
#endif
