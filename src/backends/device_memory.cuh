#pragma once
// Device and pinned host memory that never throws from a destructor: after a
// sticky CUDA error (an illegal address, a launch failure) every cudaFree
// fails too, and a throwing destructor during the unwinding ends in
// std::terminate, losing the error's file:line. The error that matters was
// already thrown by CHECK_CUDA; the frees' own errors are ignored.
#include <cuda_runtime.h>

#include <cstddef>
#include <vector>

#include "cuda_check.cuh"

namespace iht::gpu {

/// `count` elements of T in device memory, uninitialised.
template <class T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t count) : count_(count) {
    if (count_ > 0) CHECK_CUDA(cudaMalloc(&data_, count_ * sizeof(T)));
  }
  /// A copy of `host` in device memory.
  explicit DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size()) { upload(host.data()); }
  DeviceBuffer(const T* host, size_t count) : DeviceBuffer(count) { upload(host); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() { cudaFree(data_); }  // noexcept: see the file's comment

  T* data() const { return data_; }
  size_t size() const { return count_; }
  /// Every byte set to `byte` (0xFF: NaN doubles, −1 integers: the poison).
  void fill_bytes(int byte) {
    if (count_ > 0) CHECK_CUDA(cudaMemset(data_, byte, count_ * sizeof(T)));
  }
  std::vector<T> download() const {
    std::vector<T> host(count_);
    if (count_ > 0) CHECK_CUDA(cudaMemcpy(host.data(), data_, count_ * sizeof(T), cudaMemcpyDeviceToHost));
    return host;
  }

 private:
  void upload(const T* host) {
    if (count_ > 0) CHECK_CUDA(cudaMemcpy(data_, host, count_ * sizeof(T), cudaMemcpyHostToDevice));
  }
  T* data_ = nullptr;
  size_t count_;
};

/// One T in pinned host memory that the device also sees (mapped).
template <class T>
class MappedHost {
 public:
  MappedHost() {
    CHECK_CUDA(cudaHostAlloc(&host_, sizeof(T), cudaHostAllocMapped));
    *host_ = T{};
    const cudaError_t mapped = cudaHostGetDevicePointer(&device_, host_, 0);
    if (mapped != cudaSuccess) cudaFreeHost(host_);  // the destructor will not run
    CHECK_CUDA(mapped);
  }
  MappedHost(const MappedHost&) = delete;
  MappedHost& operator=(const MappedHost&) = delete;
  ~MappedHost() { cudaFreeHost(host_); }  // noexcept: see the file's comment

  volatile T* host() const { return host_; }
  T* device() const { return device_; }

 private:
  T* host_ = nullptr;
  T* device_ = nullptr;
};

}  // namespace iht::gpu
