#pragma once
// What a run computes beyond its seeds (docs/SPEC.md §3): shared by every backend.
#include <string>

namespace iht {

enum class Precision { kFloat64, kFloat32 };

struct ExperimentConfig {
  long max_steps = 10000;
  double tol = 0.05;
  int n_monte = 100;
  double step_size = 0.0;  // > 0 overrides the Monte Carlo estimate
  Precision precision = Precision::kFloat64;
};

/// Throws InputError when a value is out of range.
void validate(const ExperimentConfig& config);

std::string to_string(Precision p);
Precision parse_precision(const std::string& text);  // "double"/"float64", "float"/"float32"

}  // namespace iht
