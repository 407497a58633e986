#pragma once
// Dynamic scheduling of independent work items over threads: each thread
// takes the next index from a shared counter, so the result of item i never
// depends on the thread count.
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "ihtbatch/backend.hpp"

namespace iht {

inline int resolve_threads(int threads) {
  if (threads > 0) return threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw ? static_cast<int>(hw) : 1;
}

/// Calls body(i) for i in [0, count) unless progress.cancel is set; reports
/// to progress.finished each item body finished (returned true: not stopped
/// half way by the cancel). Rethrows the first exception.
template <class Body>
void parallel_for(size_t count, int threads, Progress& progress, Body body) {
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (;;) {
      if (progress.cancel.load(std::memory_order_relaxed)) return;
      const size_t i = next.fetch_add(1);
      if (i >= count) return;
      try {
        if (body(i)) progress.finished(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        progress.cancel = true;
        return;
      }
    }
  };
  const int n = std::min<int>(resolve_threads(threads), static_cast<int>(std::max<size_t>(count, 1)));
  std::vector<std::thread> pool;
  try {
    for (int t = 1; t < n; ++t) pool.emplace_back(worker);
  } catch (const std::system_error& e) {  // the system refused a thread: stop the others, then report
    progress.cancel = true;
    for (auto& t : pool) t.join();
    throw std::runtime_error("cannot start " + std::to_string(n) + " threads: " + e.what());
  }
  worker();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace iht
