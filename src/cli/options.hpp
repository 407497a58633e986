#pragma once
// Flags shared by the subcommands that compute runs.
#include <CLI/CLI.hpp>
#include <string>

#include <iostream>

#include "ihtbatch/backend.hpp"
#include "ihtbatch/config.hpp"
#include "ihtbatch/dataset.hpp"
#include "ihtbatch/engines.hpp"
#include "ihtbatch/network.hpp"
#include "integer_option.hpp"
#include "real_option.hpp"
#include "text_option.hpp"

namespace iht::cli {

/// When `auto` did not pick the GPU, one line on stderr saying why (the CUDA
/// error, or a build without the GPU backend): a broken driver never looks
/// like a machine without a GPU.
inline void say_why_not_gpu(BackendKind requested, const Backend& chosen) {
  if (requested == BackendKind::kAuto && chosen.kind() != BackendKind::kGpu)
    std::cerr << "ihtbatch: gpu backend not used: " << gpu_status().detail << "\n";
}

struct ExperimentFlags {
  ExperimentConfig config;
  std::string precision = "float64";
  std::string activation = "tanh";
  std::string data = default_data_path();
  CLI::Option* activation_option = nullptr;

  void add_to(CLI::App& app) {
    add_integer(app, "--max-steps", config.max_steps, 0L, static_cast<long>(kMaxStepsLimit), "Most IHT updates per run");
    add_real(app, "--tol", config.tol, "Stop when the train loss is <= tol");
    add_integer(app, "--monte", config.n_monte, 1, kMaxMonte, "Monte Carlo samples for the step size");
    add_real(app, "--step-size", config.step_size, "Fixed step size instead of 1/L-hat (0: Monte Carlo estimate)");
    app.add_option("--precision", precision, "float64 (double) or float32 (float)")->capture_default_str();
    app.add_option("--data", data,
                   "A shipped dataset (iris, wine, breast-cancer, digits) or a CSV path: header, numeric features, "
                   "integer class last")->capture_default_str()->check(not_empty());
    add_integer(app, "--hidden", config.hidden, 0, kMaxNetworkParams, "Units of a hidden layer (0: none, the paper's network)");
    activation_option =
        app.add_option("--activation", activation, "The hidden layer's activation: tanh, relu or sigmoid")
            ->capture_default_str();
  }

  /// The validated experiment config (throws InputError).
  ExperimentConfig resolve() {
    config.precision = parse_precision(precision);
    config.activation = parse_activation(activation);
    if (activation_option && activation_option->count() > 0) check_activation_given(activation, config.hidden);
    validate(config);
    return config;
  }
};

}  // namespace iht::cli
