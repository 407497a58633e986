#pragma once
// What a run computes beyond its seeds (docs/SPEC.md §3): shared by every backend.
#include <string>

namespace iht {

enum class Precision { kFloat64, kFloat32 };

/// The hidden layer's activation (docs/SPEC.md §9); ReLU's derivative at 0 is 0.
enum class Activation { kTanh, kRelu, kSigmoid };

struct ExperimentConfig {
  long max_steps = 10000;
  double tol = 0.05;
  int n_monte = 100;
  double step_size = 0.0;  // > 0 overrides the Monte Carlo estimate
  Precision precision = Precision::kFloat64;
  int hidden = 0;  // units of the hidden layer; 0: the paper's one-layer network
  Activation activation = Activation::kTanh;
};

/// Throws InputError when a value is out of range.
void validate(const ExperimentConfig& config);

std::string to_string(Precision p);
Precision parse_precision(const std::string& text);  // "double"/"float64", "float"/"float32"
std::string to_string(Activation a);
Activation parse_activation(const std::string& text);  // tanh, relu, sigmoid

/// An --activation the user gave, checked against --hidden: InputError when
/// there is no hidden layer (the activation would be ignored).
void check_activation_given(const std::string& activation, int hidden);

}  // namespace iht
