#pragma once
// GPU tests skip, saying why, where the GPU backend cannot run; with
// IHTBATCH_REQUIRE_GPU=1 they fail instead, printing the CUDA error.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "ihtbatch/engines.hpp"

namespace iht::test {

inline bool gpu_required() {
  const char* v = std::getenv("IHTBATCH_REQUIRE_GPU");
  return v && std::strcmp(v, "1") == 0;
}

}  // namespace iht::test

#define REQUIRE_GPU()                                                                        \
  do {                                                                                       \
    const ::iht::GpuStatus gpu_ = ::iht::gpu_status();                                       \
    if (!gpu_.usable) {                                                                      \
      if (::iht::test::gpu_required()) FAIL() << "IHTBATCH_REQUIRE_GPU=1: " << gpu_.detail; \
      GTEST_SKIP() << "GPU test skipped: " << gpu_.detail;                                   \
    }                                                                                        \
  } while (0)
