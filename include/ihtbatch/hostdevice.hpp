#pragma once
// Lets one definition of a function compile both as plain C++ and as CUDA
// host+device code.
#if defined(__CUDACC__)
#define IHT_HD __host__ __device__ __forceinline__
#else
#define IHT_HD inline
#endif
