// ihtbatch_bench: throughput of the backends on a fixed batch of full-length
// IHT runs (tol = 0, so every run takes exactly --steps updates). Plain
// std::chrono harness: one warm-up call, then --repeats timed calls of
// Backend::run on the same batch; reports medians and spreads. See README.md.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ihtbatch/network.hpp"
#include "ihtbatch/backend.hpp"
#include "ihtbatch/config.hpp"
#include "ihtbatch/dataset.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/run.hpp"
#include "ihtbatch/seeds.hpp"

namespace {

/// Work of one IHT step of one run: one loss-and-gradient pass over the m
/// training samples, the warp reduction, the update and the selection, as the
/// warp engine (kernels/softmax_regression.hpp) does it. Counted per *real* training
/// sample; the engine pads m to a multiple of 32 lanes and the padding lanes do
/// the same arithmetic (×128/120 for IRIS), which is not counted.
/// flops: add, subtract, multiply, compare = 1, FMA = 2; exp, log and divide
/// are counted separately (a "transcendental" is one call, whatever it costs).
struct StepCost {
  // per training sample (the pass works with logits relative to class 0: c − 1 classes)
  double forward;   // z_j − z_0 = (b_j − b_0) + (w_j − w_0)·x: d·(c−1) FMA
  double softmax;   // c−1 max compares, c−1 subtracts (z − zmax), c−1 compares (arg-max slot),
                    // c−1 adds (sum), product of sums: 1 multiply, 1 subtract, 1 FMA
  double loss;      // z_y − z_0 by one-hot: c−1 FMA; zmax − it: 1; masked accumulate: 1 FMA
  double backward;  // residual e_j·(1/sum) − [y = j]: c−1 FMA; gradient: d·(c−1) FMA + c−1 adds
  double per_sample;
  // per step
  double samples;   // m · per_sample
  double relative;  // θ_j − θ_0: (c−1)(d+1) subtracts
  double reduce;    // warp sums of (c−1)(d+1) gradients + loss: 31 adds each
  double derive;    // class 0's gradient, minus the others' sum: (c−1)(d+1) adds
  double scale;     // ·1/m of the n gradients and the loss: n+1 multiplies
  double update;    // θ − γ∇f: n FMA
  double flops;     // samples + relative + reduce + derive + scale + update
  double exps;      // c − 1 per sample (the arg-max term is 1)
  double logs;      // one per pair of lanes per 8 chunks of 32 samples (→ m/16 for large m)
  double divs;      // 1/sum per sample, plus 1/m
  double compares;  // selection: the last step's kept set checked (3n); ranking (n·n) only when it changes
};

StepCost flops_per_step(int m, int d, int c) {
  StepCost k{};
  const double dc = double(d) * c, n = dc + c, rows = double(c - 1) * (d + 1);
  k.forward = 2.0 * d * (c - 1);
  k.softmax = 4.0 * (c - 1) + 4;
  k.loss = 2.0 * (c - 1) + 3;
  k.backward = 2.0 * (c - 1) + 2.0 * d * (c - 1) + (c - 1);
  k.per_sample = k.forward + k.softmax + k.loss + k.backward;
  k.samples = m * k.per_sample;
  k.relative = rows;
  k.reduce = (rows + 1) * 31;
  k.derive = rows;
  k.scale = n + 1;
  k.update = 2 * n;
  k.flops = k.samples + k.relative + k.reduce + k.derive + k.scale + k.update;
  k.exps = double(m) * (c - 1);
  const int chunks = (m + 31) / 32;
  k.logs = 16.0 * ((chunks + 7) / 8);
  k.divs = m + 1.0;
  k.compares = 3 * n;
  return k;
}

/// One step of the wide engine (kernels/mlp.hpp, wide_run.hpp) for a network
/// d → (h) → c of n parameters over m samples. The FMAs that dominate:
///   forward       m·(d·c) FMA, or m·(d·h + h·c) with a hidden layer
///   backward      m·h·c FMA (the hidden layer's residual sums) + m·h multiplies
///   gradient      n·m FMA (phase 2: each parameter's sum over the samples)
/// and per sample the softmax: c compares, c subtracts, c adds, c − 1 FMA and
/// c − 1 adds (the residuals), 2 for the loss; 1 for act′ per hidden unit
/// (tanh: an FMA). exp: c per sample, plus h for tanh or sigmoid; 1 divide
/// per sample (and per hidden unit for tanh and sigmoid); 1 log per sample.
/// Per step: n multiplies (1/m), n FMA (update), the selection's check (3n
/// compares, not flops).
StepCost wide_flops_per_step(int m, int d, int h, int c, bool smooth_activation) {
  StepCost k{};
  const double n = h > 0 ? double(d) * h + h + double(h) * c + c : double(d) * c + c;
  k.forward = h > 0 ? 2.0 * (double(d) * h + double(h) * c) + 2.0 * h : 2.0 * d * c;
  k.softmax = 3.0 * c + 2.0 * (c - 1) + (c - 1);
  k.loss = 2;
  k.backward = h > 0 ? 2.0 * h * c + h : 0;
  k.per_sample = k.forward + k.softmax + k.loss + k.backward;
  k.samples = m * k.per_sample + 2.0 * n * m;  // + phase 2
  k.scale = n;
  k.update = 2 * n;
  k.flops = k.samples + k.scale + k.update;
  k.exps = double(m) * (c + (smooth_activation ? h : 0));
  k.logs = m;
  k.divs = m * (1.0 + (smooth_activation ? h : 0));
  k.compares = 3 * n;
  return k;
}

/// Flops that exp, log and a divide execute as written in kernels/fast_math.hpp
/// (FMA = 2): exp = Cody-Waite reduction (3 FMA) + the polynomial by Estrin's
/// scheme (float64, degree 11: 10 FMA, 3 multiplies for r², r⁴, r⁸, 1 add;
/// float32, degree 7: 6 FMA, 2 multiplies, 1 add) + 2 other (clamp, k; 2^k
/// is an integer add); log = t = (m−1)/(m+1) (2 adds + 1 divide), t² (1 mul),
/// odd series (10 FMA in float64, 5 in float32), e·ln2 + 2ts (1 FMA + 2 mul),
/// 2 range compares.
double executed_flops(const StepCost& k, iht::Precision p) {
  const bool f64 = p == iht::Precision::kFloat64;
  const double exp_cost = 2 * (3 + (f64 ? 10 : 6)) + (f64 ? 4 : 3) + 2;
  const double log_cost = 2 + 1 + 1 + 2 * (f64 ? 10 : 5) + 2 + 2 + 2;
  return k.flops + k.exps * exp_cost + k.logs * log_cost + k.divs;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

std::string now() {
  char buf[64];
  const std::time_t t = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", std::localtime(&t));
  return buf;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

struct Options {
  std::vector<std::string> backends, precisions{"float64", "float32"};
  long runs = 2048, steps = 2000;
  int sparsity = 7, monte = 1, repeats = 5, threads = 0;
  std::string data = iht::default_data_path();
  int hidden = 0;
  std::string activation = "tanh";
  bool csv = false;
};

int bench(const Options& o) {
  const iht::Dataset data = iht::load_dataset(o.data);
  iht::ExperimentConfig shape;
  shape.hidden = o.hidden;
  shape.activation = iht::parse_activation(o.activation);
  const iht::Network net = iht::network_of(data, shape);
  const int n = static_cast<int>(net.parameters());
  const bool wide = o.hidden > 0 || n > 32;  // the warp engines' wide path (kernels/wide_run.hpp)
  if (o.sparsity < 1 || o.sparsity > n)
    throw iht::InputError("--sparsity must be in 1.." + std::to_string(n));
  if (o.runs < 1 || o.steps < 1 || o.repeats < 1 || o.monte < 1)
    throw iht::InputError("--runs, --steps, --repeats and --monte must be >= 1");
  const int threads = o.threads > 0 ? o.threads : int(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::string> names = o.backends;
  if (names.empty())
    for (const auto kind : iht::available_backends())
      if (kind != iht::BackendKind::kReference) names.push_back(iht::to_string(kind));
  std::vector<std::unique_ptr<iht::Backend>> backends;  // made first: a bad name fails before any output
  for (const auto& name : names) backends.push_back(iht::make_backend(name, threads));
  for (const auto& prec : o.precisions) iht::parse_precision(prec);

  const StepCost k = wide ? wide_flops_per_step(data.train_size(), data.features, o.hidden, data.classes,
                                                o.hidden > 0 && shape.activation != iht::Activation::kRelu)
                          : flops_per_step(data.train_size(), data.features, data.classes);
  std::ostream& info = o.csv ? std::cerr : std::cout;  // --csv: only the table on stdout
  info << "machine: " << cpu_model() << ", " << std::thread::hardware_concurrency() << " hardware threads\n"
       << "date:    " << now() << "\n"
       << "threads: " << threads << " (CPU backends)\n";
  for (const auto& b : backends) info << "backend: " << b->name() << " = " << b->device() << "\n";
  info
       << "data:    " << data.path << " (m=" << data.train_size() << " training samples, network "
       << net.describe() << ", n=" << n << (wide ? ", the wide engine" : "") << ")\n"
       << "batch:   " << o.runs << " runs x " << o.steps << " steps, s=" << o.sparsity << ", tol=0, "
       << "monte=" << o.monte << " (Monte Carlo setup negligible at 1), " << o.repeats
       << " timed calls after 1 warm-up\n"
       << "FLOP per run-step: per sample forward " << k.forward << " + softmax " << k.softmax << " + loss "
       << k.loss << " + backward " << k.backward << " = " << k.per_sample
       << (wide ? " (wide: + 2·n per sample for the gradient's sums)" : "") << "\n"
       << "  per step " << k.samples << " (samples) + " << k.relative << " (relative θ) + " << k.reduce
       << " (lane reduction) + " << k.derive << " (class 0) + " << k.scale << " (1/m) + " << k.update
       << " (update) = " << k.flops << " flops; + " << k.exps << " exp, " << k.logs
       << " log, " << k.divs << " div; selection " << k.compares << " compares (not flops)\n"
       << "  with exp/log/div expanded as executed: float64 "
       << executed_flops(k, iht::Precision::kFloat64) << ", float32 "
       << executed_flops(k, iht::Precision::kFloat32) << " flops (GFLOP/s_x)\n\n";

  std::vector<iht::RunSpec> specs;
  for (long r = 0; r < o.runs; ++r) specs.push_back(iht::derive_run(0, r, o.sparsity));
  std::vector<iht::RunResult> results;

  std::printf(o.csv ? "backend,precision,runs,steps,threads,median_s,spread,run_steps_per_s,runs_per_s,"
                      "us_per_step_thread,gflops,gflops_x\n"
                    : "%-9s %-7s %7s %10s %7s %12s %10s %11s %8s %9s\n",
              "backend", "prec", "threads", "median s", "spread", "run-steps/s", "runs/s", "us/step/thr",
              "GFLOP/s", "GFLOP/s_x");
  for (size_t b = 0; b < backends.size(); ++b) {
    const std::string& name = names[b];
    iht::Backend* backend = backends[b].get();
    for (const auto& prec : o.precisions) {
      iht::ExperimentConfig config;
      config.tol = 0;
      config.max_steps = o.steps;
      config.n_monte = o.monte;
      config.precision = iht::parse_precision(prec);
      config.hidden = o.hidden;
      config.activation = shape.activation;
      if (backend->kind() == iht::BackendKind::kReference && config.precision != iht::Precision::kFloat64) continue;
      iht::validate(config);
      std::vector<double> secs;
      double work = 0;  // run-steps computed per call: a run that settles skips the rest
      for (int rep = 0; rep <= o.repeats; ++rep) {  // rep 0: warm-up
        results.assign(specs.size(), iht::RunResult{});
        iht::Progress progress;
        const auto t0 = std::chrono::steady_clock::now();
        backend->run(data, config, specs, results, progress);
        const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
        for (const auto& res : results)
          if (res.steps != o.steps) {
            std::cerr << "ihtbatch_bench: " << name << "/" << prec << ": run " << res.spec.run << " took "
                      << res.steps << " steps, expected " << o.steps << " (stop: " << iht::to_string(res.stop)
                      << ")\n";
            return 1;
          }
        if (rep > 0) secs.push_back(dt.count());
        work = 0;
        for (const auto& res : results) work += double(res.steps_computed());
      }
      std::vector<double> rates;
      for (double s : secs) rates.push_back(work / s);
      const double rate = median(rates), sec = median(secs);
      const double spread = (*std::max_element(rates.begin(), rates.end()) -
                             *std::min_element(rates.begin(), rates.end())) / rate;
      const bool cpu = name != "gpu";  // µs per step per thread means nothing on the GPU
      const double us_thr = cpu ? sec * threads / work * 1e6 : 0;
      const double gf = rate * k.flops / 1e9, gfx = rate * executed_flops(k, config.precision) / 1e9;
      char thr[16] = "", us[32] = "";
      if (cpu) {
        std::snprintf(thr, sizeof thr, "%d", threads);
        std::snprintf(us, sizeof us, "%.4g", us_thr);
      }
      if (o.csv)
        std::printf("%s,%s,%ld,%ld,%s,%.6g,%.4f,%.6g,%.6g,%s,%.5g,%.5g\n", name.c_str(), prec.c_str(), o.runs,
                    o.steps, thr, sec, spread, rate, o.runs / sec, us, gf, gfx);
      else
        std::printf("%-9s %-7s %7s %10.4f %6.1f%% %12.4g %10.4g %11s %8.3g %9.3g\n", name.c_str(), prec.c_str(),
                    cpu ? thr : "-", sec, 100 * spread, rate, o.runs / sec, cpu ? us : "-", gf, gfx);
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ihtbatch_bench: run-steps per second of each backend on full-length IHT runs"};
  Options o;
  app.add_option("--backend", o.backends, "backends, comma-separated (default: all available but reference)")
      ->delimiter(',');
  app.add_option("--precision", o.precisions, "float64,float32 (float32 is skipped for reference)")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--runs", o.runs, "runs per call")->capture_default_str();
  app.add_option("--steps", o.steps, "IHT steps per run (tol = 0: every run takes all)")->capture_default_str();
  app.add_option("--sparsity", o.sparsity, "s of every run")->capture_default_str();
  app.add_option("--monte", o.monte, "Monte Carlo samples for L (1: setup negligible)")->capture_default_str();
  app.add_option("--repeats", o.repeats, "timed calls after one warm-up")->capture_default_str();
  app.add_option("--threads", o.threads, "CPU threads (0: all cores)")->capture_default_str();
  app.add_option("--data", o.data, "a shipped dataset or a data CSV")->capture_default_str();
  app.add_option("--hidden", o.hidden, "units of a hidden layer (0: none)")->capture_default_str();
  auto* activation = app.add_option("--activation", o.activation, "tanh, relu or sigmoid")->capture_default_str();
  app.add_flag("--csv", o.csv, "CSV table on stdout, the header lines on stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    if (activation->count() > 0) iht::check_activation_given(o.activation, o.hidden);  // as ihtbatch's
    return bench(o);
  } catch (const iht::InputError& e) {
    std::cerr << "ihtbatch_bench: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ihtbatch_bench: failed: " << e.what() << "\n";
    return 1;
  }
}
