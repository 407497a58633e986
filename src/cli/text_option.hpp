#pragma once
// Text flags that must say something: CLI11 takes `--sparsity ""` as given,
// and an empty value then means the default (every level), another experiment
// than the one asked for. Refused instead (exit 2, naming the flag).
#include <CLI/CLI.hpp>
#include <string>

namespace iht::cli {

/// A CLI11 check refusing an empty or all-blank value.
inline CLI::Validator not_empty() {
  return CLI::Validator(
      [](std::string& text) {
        return text.find_first_not_of(" \t\r\n") == std::string::npos
                   ? std::string("the value is empty or blank (leave the flag out for its default)")
                   : std::string();
      },
      "", "NOT_EMPTY");
}

}  // namespace iht::cli
