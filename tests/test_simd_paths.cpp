// The cpu backend's SIMD paths (include/ihtbatch/simd.hpp): every path this
// CPU runs computes the same bits as the widest, on both engines (compact and
// wide), in both precisions; IHTBATCH_SIMD forces a path or is refused clearly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "test_support.hpp"
#include "ihtbatch/engines.hpp"
#include "ihtbatch/error.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/simd.hpp"
#include "ihtbatch/sweep.hpp"

using namespace iht;

namespace {

/// r runs of every default level of the network `c` makes of `data`.
std::vector<RunSpec> levels(const Dataset& data, const ExperimentConfig& c, long runs) {
  SweepConfig s;
  s.experiment = c;
  s.sparsities = default_sparsity_levels(network_of(data, c).parameters());
  s.runs = runs;
  return plan_sweep(s, data);
}

template <class T>
void append(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

/// Every result field of every run, θ* included, as raw bytes.
std::string bytes_of(const std::vector<RunResult>& runs) {
  std::string out;
  for (const RunResult& r : runs) {
    for (double v : {r.lipschitz, r.step_size, r.train_loss, r.train_acc, r.test_loss, r.test_acc, r.ht_margin,
                     r.grad_support_inf})
      append(out, v);
    for (long v : {r.steps, r.settled_at, static_cast<long>(r.stop), static_cast<long>(r.ht_stable)}) append(out, v);
    for (double v : r.theta) append(out, v);
  }
  return out;
}

std::vector<RunResult> run_path(SimdPath path, const Dataset& data, const ExperimentConfig& c,
                                const std::vector<RunSpec>& specs) {
  std::vector<RunResult> out;
  Progress progress;
  make_cpu_backend(2, path)->run(data, c, specs, out, progress);
  return out;
}

/// Runs `specs` on every available path and expects the widest's bytes from each.
void expect_same_bits_on_every_path(const Dataset& data, const ExperimentConfig& c, const std::vector<RunSpec>& specs) {
  const std::vector<SimdPath> paths = available_simd_paths();
  if (paths.size() < 2) GTEST_SKIP() << "this CPU runs only the portable path: nothing to compare it with";
  const std::vector<RunResult> widest = run_path(paths.front(), data, c, specs);
  for (const RunResult& r : widest) ASSERT_GE(r.steps, 0) << "every run computed";
  const std::string expected = bytes_of(widest);
  for (size_t i = 1; i < paths.size(); ++i) {
    const std::vector<RunResult> other = run_path(paths[i], data, c, specs);
    ASSERT_EQ(other.size(), widest.size());
    for (size_t k = 0; k < other.size(); ++k)
      ASSERT_EQ(bytes_of({widest[k]}), bytes_of({other[k]}))
          << to_string(paths[i]) << " differs from " << to_string(paths.front()) << " in run " << k
          << " (s=" << specs[k].sparsity << ")";
    EXPECT_EQ(bytes_of(other), expected);
  }
}

/// Sets IHTBATCH_SIMD for one scope, then puts back what was there.
class ForcedPath {
 public:
  explicit ForcedPath(const char* value) {
    const char* before = std::getenv("IHTBATCH_SIMD");
    had_ = before != nullptr;
    if (had_) before_ = before;
    setenv("IHTBATCH_SIMD", value, 1);
  }
  ~ForcedPath() {
    if (had_)
      setenv("IHTBATCH_SIMD", before_.c_str(), 1);
    else
      unsetenv("IHTBATCH_SIMD");
  }

 private:
  bool had_ = false;
  std::string before_;
};

}  // namespace

TEST(SimdPaths, IrisFloat64SameBitsOnEveryPath) {
  ExperimentConfig c;
  expect_same_bits_on_every_path(test::iris(), c, levels(test::iris(), c, 8));
}

TEST(SimdPaths, IrisFloat32SameBitsOnEveryPath) {
  ExperimentConfig c;
  c.precision = Precision::kFloat32;
  expect_same_bits_on_every_path(test::iris(), c, levels(test::iris(), c, 8));
}

TEST(SimdPaths, HiddenLayerSameBitsOnEveryPathForEachActivation) {
  // Widths of 8, 6 and 7 units: whole tiles of 4 rows, and 2 or 3 rows past them.
  struct Case { Activation a; int hidden; };
  for (const Case& k : {Case{Activation::kTanh, 8}, Case{Activation::kRelu, 6}, Case{Activation::kSigmoid, 7}}) {
    const Activation a = k.a;
    for (Precision p : {Precision::kFloat64, Precision::kFloat32}) {
      ExperimentConfig c;
      c.hidden = k.hidden;
      c.activation = a;
      c.precision = p;
      c.max_steps = 400;
      SCOPED_TRACE(to_string(a) + " " + to_string(p));
      expect_same_bits_on_every_path(test::iris(), c, levels(test::iris(), c, 1));
    }
  }
}

TEST(SimdPaths, LongHiddenLayerRunOnEveryPath) {
  // Thousands of loss passes in one run: a kernel whose stack grew by a few
  // bytes per pass would overflow its thread's stack here. (GCC 12 built the
  // portable path so that each hidden row past the tiles of 4 leaked 96 bytes
  // of stack: 8 MB after about 2,700 steps of a 6-unit layer.)
  ExperimentConfig c;
  c.hidden = 6;
  c.tol = 0;
  c.max_steps = 4000;
  c.n_monte = 4;
  expect_same_bits_on_every_path(test::iris(), c, {RunSpec{13, 0, 1, 2, 3}});
}

TEST(SimdPaths, WineAndDigitsSameBitsOnEveryPath) {
  ExperimentConfig c;
  c.max_steps = 300;
  const Dataset wine = load_dataset("wine");
  expect_same_bits_on_every_path(wine, c, levels(wine, c, 1));
  c.precision = Precision::kFloat32;
  expect_same_bits_on_every_path(wine, c, levels(wine, c, 1));
  const Dataset digits = load_dataset("digits");
  c.max_steps = 60;
  c.precision = Precision::kFloat64;
  expect_same_bits_on_every_path(digits, c, {RunSpec{65, 0, 1, 2, 3}, RunSpec{650, 1, 4, 5, 6}});
}

TEST(SimdPaths, PortableIsAlwaysAvailableAndLast) {
  const std::vector<SimdPath> paths = available_simd_paths();
  ASSERT_FALSE(paths.empty());
  EXPECT_EQ(paths.back(), SimdPath::kPortable);
  for (size_t i = 1; i < paths.size(); ++i) EXPECT_LT(paths[i - 1], paths[i]) << "widest first";
}

TEST(SimdPaths, IhtbatchSimdForcesEachAvailablePath) {
  for (SimdPath p : available_simd_paths()) {
    ForcedPath forced(to_string(p).c_str());
    EXPECT_EQ(chosen_simd_path(), p);
    const auto backend = make_backend("cpu", 1);
    EXPECT_EQ(backend->simd(), to_string(p));
    EXPECT_NE(backend->device().find(to_string(p)), std::string::npos) << backend->device();
  }
  ForcedPath unset("");
  EXPECT_EQ(chosen_simd_path(), available_simd_paths().front()) << "unset or empty: the widest";
}

TEST(SimdPaths, AnUnknownOrUnavailablePathIsRefusedClearly) {
  {
    ForcedPath forced("avx1024");
    try {
      make_backend("cpu", 1);
      FAIL() << "an unknown path was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("IHTBATCH_SIMD: unknown SIMD path 'avx1024'"), std::string::npos) << e.what();
    }
    EXPECT_NE(simd_summary().find("avx1024"), std::string::npos) << "--version says why";
  }
  for (SimdPath p : {SimdPath::kAvx512, SimdPath::kAvx2}) {
    const auto paths = available_simd_paths();
    if (std::find(paths.begin(), paths.end(), p) != paths.end()) continue;
    ForcedPath forced(to_string(p).c_str());
    EXPECT_THROW(make_backend("cpu", 1), InputError) << to_string(p) << " is not runnable here";
  }
}
