#pragma once
// A progress line on stderr (only when it is a terminal): runs done, rate, ETA.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <unistd.h>

#include "ihtbatch/backend.hpp"

namespace iht::cli {

class ProgressLine {
 public:
  ProgressLine(const Progress& progress, long total) : progress_(progress), total_(total) {
    if (isatty(STDERR_FILENO)) thread_ = std::thread([this] { loop(); });
  }
  ~ProgressLine() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) {
      thread_.join();
      std::fprintf(stderr, "\r\033[K");
    }
  }

 private:
  void loop() {
    const auto start = std::chrono::steady_clock::now();
    while (!stop_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      const long done = progress_.done.load();
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double rate = elapsed > 0 ? done / elapsed : 0;
      const double eta = rate > 0 ? (total_ - done) / rate : 0;
      std::fprintf(stderr, "\r\033[K%ld / %ld runs  %.0f runs/s  ETA %.0f s", done, total_, rate, eta);
      std::fflush(stderr);
    }
  }
  const Progress& progress_;
  long total_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace iht::cli
