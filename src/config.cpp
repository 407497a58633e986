#include "ihtbatch/config.hpp"

#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>

#include "ihtbatch/error.hpp"
#include "ihtbatch/run.hpp"

namespace iht {

void validate(const ExperimentConfig& c) {
  if (c.max_steps < 0) throw InputError("--max-steps must be >= 0, got " + std::to_string(c.max_steps));
  if (!(c.tol >= 0) || !std::isfinite(c.tol)) throw InputError("--tol must be a finite number >= 0");
  if (c.n_monte < 1) throw InputError("--monte must be >= 1, got " + std::to_string(c.n_monte));
  if (!(c.step_size >= 0) || !std::isfinite(c.step_size))
    throw InputError("--step-size must be a finite number > 0 (or 0 for the Monte Carlo estimate)");
  // In float32 the engines step with γ as a float: one that does not round
  // to a normal float would run as inf or 0 (or lose digits), another
  // experiment than asked. The doubles that round (to nearest, ties to even)
  // to a normal float are [FLT_MIN − 2^−150, FLT_MAX + 2^103).
  constexpr double kFloatMin = std::numeric_limits<float>::min(), kFloatMax = std::numeric_limits<float>::max();
  if (c.precision == Precision::kFloat32 && c.step_size != 0 &&
      !(c.step_size >= kFloatMin - 0x1p-150 && c.step_size < kFloatMax + 0x1p103)) {
    std::ostringstream m;
    m << std::setprecision(9) << "--step-size " << c.step_size << " does not round to a normal float32 (from "
      << kFloatMin << " to " << kFloatMax << "): --precision float32 steps with a float";
    throw InputError(m.str());
  }
  if (c.hidden < 0) throw InputError("--hidden must be >= 0 (0: no hidden layer), got " + std::to_string(c.hidden));
}

std::string to_string(Precision p) { return p == Precision::kFloat64 ? "float64" : "float32"; }

Precision parse_precision(const std::string& t) {
  if (t == "double" || t == "float64") return Precision::kFloat64;
  if (t == "float" || t == "float32") return Precision::kFloat32;
  throw InputError("unknown precision '" + t + "' (expected double|float64|float|float32)");
}

std::string to_string(Activation a) {
  switch (a) {
    case Activation::kTanh: return "tanh";
    case Activation::kRelu: return "relu";
    case Activation::kSigmoid: return "sigmoid";
  }
  return "unknown";
}

void check_activation_given(const std::string& activation, int hidden) {
  if (hidden == 0)
    throw InputError("--activation " + activation + " needs a hidden layer (--hidden H): the paper's network has none");
}

Activation parse_activation(const std::string& t) {
  if (t == "tanh") return Activation::kTanh;
  if (t == "relu") return Activation::kRelu;
  if (t == "sigmoid") return Activation::kSigmoid;
  throw InputError("--activation '" + t + "': expected tanh, relu or sigmoid");
}

std::string to_string(StopReason r) {
  switch (r) {
    case StopReason::kTol: return "tol";
    case StopReason::kMaxSteps: return "max_steps";
    case StopReason::kDiverged: return "diverged";
  }
  return "unknown";
}

}  // namespace iht
