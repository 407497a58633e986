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
