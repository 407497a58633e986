#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace iht::cli {

/// A subcommand and the function that runs it once parsed (returns the exit code).
struct Command {
  CLI::App* app;
  std::function<int()> run;
};

Command add_sweep_command(CLI::App& app);
Command add_run_command(CLI::App& app);
Command add_supports_command(CLI::App& app);
Command add_compare_command(CLI::App& app);
Command add_merge_command(CLI::App& app);

}  // namespace iht::cli
