// fma_peak: this machine's fused multiply-add throughput, float64 and float32,
// one std::thread per core. Each thread updates 12 independent vector
// accumulators (acc = acc·b + c) so that FMA latency × ports is covered; the
// results are summed and printed so nothing can be optimized away.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <time.h>
#include <vector>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define FMA_PEAK_AVX 1
#endif
#if FMA_PEAK_AVX && defined(__AVX512F__)
#define FMA_PEAK_AVX512 1
#endif
#include <cstring>

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kChains = 12;
constexpr long kInner = 1 << 14;  // FMA rounds between clock checks

/// Runs FMA rounds until `stop`; returns (rounds, a value depending on all chains).
/// One round is kChains vector FMAs; flops per round = 2 · kChains · lanes.
#if FMA_PEAK_AVX
// One spin per vector width and type: V the register type, fma/set1/add its intrinsics.
template <class T, class V, V (*Fma)(V, V, V), V (*Set1)(T), V (*Add)(V, V)>
long spin_vec(T seed, T b0, T c0, const std::atomic<bool>& stop, double* sink) {
  V acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = Set1(seed + T(i));
  const V b = Set1(b0), c = Set1(c0);  // converges to 1, no denormals
  long rounds = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (long k = 0; k < kInner; ++k)
      for (int i = 0; i < kChains; ++i) acc[i] = Fma(acc[i], b, c);
    rounds += kInner;
  }
  V s = acc[0];
  for (int i = 1; i < kChains; ++i) s = Add(s, acc[i]);
  alignas(64) T out[sizeof(V) / sizeof(T)];
  std::memcpy(out, &s, sizeof s);
  double sum = 0;
  for (T v : out) sum += v;
  *sink = sum;
  return rounds;
}

__m256d fma256d(__m256d a, __m256d b, __m256d c) { return _mm256_fmadd_pd(a, b, c); }
__m256d set256d(double v) { return _mm256_set1_pd(v); }
__m256d add256d(__m256d a, __m256d b) { return _mm256_add_pd(a, b); }
__m256 fma256f(__m256 a, __m256 b, __m256 c) { return _mm256_fmadd_ps(a, b, c); }
__m256 set256f(float v) { return _mm256_set1_ps(v); }
__m256 add256f(__m256 a, __m256 b) { return _mm256_add_ps(a, b); }
#if FMA_PEAK_AVX512
__m512d fma512d(__m512d a, __m512d b, __m512d c) { return _mm512_fmadd_pd(a, b, c); }
__m512d set512d(double v) { return _mm512_set1_pd(v); }
__m512d add512d(__m512d a, __m512d b) { return _mm512_add_pd(a, b); }
__m512 fma512f(__m512 a, __m512 b, __m512 c) { return _mm512_fmadd_ps(a, b, c); }
__m512 set512f(float v) { return _mm512_set1_ps(v); }
__m512 add512f(__m512 a, __m512 b) { return _mm512_add_ps(a, b); }
#endif

long spin(double seed, int bits, const std::atomic<bool>& stop, double* sink) {
#if FMA_PEAK_AVX512
  if (bits == 512) return spin_vec<double, __m512d, fma512d, set512d, add512d>(seed, 0.999999, 1e-6, stop, sink);
#endif
  (void)bits;
  return spin_vec<double, __m256d, fma256d, set256d, add256d>(seed, 0.999999, 1e-6, stop, sink);
}

long spin(float seed, int bits, const std::atomic<bool>& stop, double* sink) {
#if FMA_PEAK_AVX512
  if (bits == 512) return spin_vec<float, __m512, fma512f, set512f, add512f>(seed, 0.9999f, 1e-4f, stop, sink);
#endif
  (void)bits;
  return spin_vec<float, __m256, fma256f, set256f, add256f>(seed, 0.9999f, 1e-4f, stop, sink);
}
#else
// Scalar fallback: kChains × kLanes independent chains the compiler can
// vectorize and contract to FMA (-O3 -march=native -ffp-contract=fast).
constexpr int kLanesDouble = 8, kLanesFloat = 16;

template <class T, int kLanes>
long spin_generic(T seed, const std::atomic<bool>& stop, double* sink) {
  T acc[kChains * kLanes];
  for (int i = 0; i < kChains * kLanes; ++i) acc[i] = seed + T(i);
  const T b = T(0.9999), c = T(1e-4);
  long rounds = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (long k = 0; k < kInner; ++k)
      for (int i = 0; i < kChains * kLanes; ++i) acc[i] = acc[i] * b + c;
    rounds += kInner;
  }
  double sum = 0;
  for (T v : acc) sum += v;
  *sink = sum;
  return rounds;
}
long spin(double seed, int, const std::atomic<bool>& stop, double* sink) {
  return spin_generic<double, kLanesDouble>(seed, stop, sink);
}
long spin(float seed, int, const std::atomic<bool>& stop, double* sink) {
  return spin_generic<float, kLanesFloat>(seed, stop, sink);
}
#endif

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

/// CPU time of the calling thread: time it was descheduled does not count.
double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct Rate {
  double total;     // GFLOP/s of all threads over the wall time
  double per_busy;  // GFLOP/s per thread over its own CPU time (time descheduled excluded)
};

/// `threads` threads spinning for about `seconds` on `bits`-wide vectors.
template <class T>
Rate measure(int threads, double seconds, int bits, double* sink) {
#if FMA_PEAK_AVX
  const int lanes = bits / 8 / static_cast<int>(sizeof(T));
#else
  const int lanes = sizeof(T) == 8 ? kLanesDouble : kLanesFloat;
#endif
  std::atomic<bool> stop{false};
  std::vector<double> flops(threads), busy(threads), sinks(threads);
  std::vector<std::thread> pool;
  const auto t0 = Clock::now();
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      const double c0 = thread_seconds();
      flops[t] = double(spin(T(1 + t), bits, stop, &sinks[t])) * kChains * lanes * 2;
      busy[t] = thread_seconds() - c0;
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  const std::chrono::duration<double> dt = Clock::now() - t0;  // includes each thread's last inner block
  Rate r{0, 0};
  for (int t = 0; t < threads; ++t) {
    r.total += flops[t] / dt.count() / 1e9;
    r.per_busy += flops[t] / busy[t] / 1e9 / threads;
    *sink += sinks[t];
  }
  return r;
}

/// The core clock in MHz, measured: each of `threads` threads runs a chain of
/// dependent integer adds (one per cycle on any modern x86 core) for `seconds`,
/// timed by its own CPU time. 0 where not x86-64.
double measured_mhz(int threads, double seconds) {
#if defined(__x86_64__)
  std::atomic<bool> stop{false};
  std::vector<double> mhz(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      unsigned long x = 0;  // counts the adds
      const unsigned long one = 1;
      const double t0 = thread_seconds();
      // A register operand, not an immediate: newer cores fold chains of
      // add-immediates at rename (this VM's measured "22 GHz" with $1).
      while (!stop.load(std::memory_order_relaxed))
        for (int k = 0; k < 1024; ++k) asm volatile(".rept 256\n\tadd %1, %0\n\t.endr" : "+r"(x) : "r"(one));
      mhz[t] = double(x) / (thread_seconds() - t0) / 1e6;
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  return median(mhz);
#else
  (void)threads, (void)seconds;
  return 0;
#endif
}

/// Mean "cpu MHz" over /proc/cpuinfo (the current clock as the kernel reports
/// it; on a VM often the nominal one); 0 when absent.
double cpu_mhz(std::string* model) {
  std::ifstream in("/proc/cpuinfo");
  double sum = 0;
  int count = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("cpu MHz", 0) == 0) {
      sum += std::stod(line.substr(line.find(':') + 1));
      ++count;
    } else if (line.rfind("model name", 0) == 0 && model->empty()) {
      *model = line.substr(line.find(':') + 2);
    }
  }
  return count ? sum / count : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fma_peak: FMA throughput of this machine, float64 and float32, all cores"};
  int threads = 0, repeats = 5;
  double seconds = 0.5;
  app.add_option("--threads", threads, "threads, one per core (0: all)")->capture_default_str();
  app.add_option("--seconds", seconds, "duration of one measurement")->capture_default_str();
  app.add_option("--repeats", repeats, "measurements; the median is reported")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
  repeats = std::max(1, repeats);

  std::string model;
  const double listed = cpu_mhz(&model), measured = measured_mhz(threads, std::min(seconds, 0.3));
  const double mhz = measured > 0 ? measured : listed;
#if FMA_PEAK_AVX512
  const char* kernel = "_mm256_fmadd and _mm512_fmadd (12 chains)";
  const std::vector<int> widths = {256, 512};
#elif FMA_PEAK_AVX
  const char* kernel = "AVX2 _mm256_fmadd (12 chains)";
  const std::vector<int> widths = {256};
#else
  const char* kernel = "scalar fallback, compiler-vectorized";
  const std::vector<int> widths = {0};
#endif
  std::printf("machine: %s\nthreads: %d, %.3f s x %d (median), kernel: %s\n", model.c_str(), threads, seconds,
              repeats, kernel);
  std::printf("clock:   %.0f MHz measured (dependent integer adds, all threads, thread CPU time), %.0f MHz listed in "
              "/proc/cpuinfo; flops/cycle uses the %s one\n", measured, listed, measured > 0 ? "measured" : "listed");
  std::printf("%-12s %14s %14s %16s %16s\n", "type", "GFLOP/s total", "GFLOP/s/core", "GFLOP/s/busy-core",
              "flops/cycle");
  double sink = 0;
  for (int type = 0; type < 2; ++type) {
    for (int bits : widths) {
      std::vector<double> total, busy;
      for (int i = 0; i < repeats; ++i) {
        const Rate r = type == 0 ? measure<double>(threads, seconds, bits, &sink)
                                 : measure<float>(threads, seconds, bits, &sink);
        total.push_back(r.total);
        busy.push_back(r.per_busy);
      }
      const double tot = median(total), per_busy = median(busy);
      const std::string label = std::string(type == 0 ? "float64" : "float32") +
                                (bits > 0 ? "/" + std::to_string(bits) : std::string());
      std::printf("%-12s %14.2f %14.2f %16.2f", label.c_str(), tot, tot / threads, per_busy);
      if (mhz > 0)
        std::printf(" %16.2f\n", per_busy * 1e3 / mhz);
      else
        std::printf(" %16s\n", "n/a");
    }
  }
  std::printf("GFLOP/s/core = total / threads (wall time); busy-core and flops/cycle use each thread's CPU time,\n"
              "so they do not drop when other processes take the cores (the total does).\n");
  std::printf("(checksum %.6g)\n", sink);
  return 0;
}
