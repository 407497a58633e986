#pragma once
// Text flags that must say something: CLI11 takes `--sparsity ""` as given,
// and an empty value then means the default (every level), another experiment
// than the one asked for. Refused instead (exit 2, naming the flag).
#include <CLI/CLI.hpp>
#include <string>

namespace iht::cli {

/// A CLI11 check refusing an empty or all-blank value; `hint` says what to
/// do instead.
inline CLI::Validator not_empty(std::string hint = "leave the flag out for its default") {
  return CLI::Validator(
      [hint](std::string& text) {
        return text.find_first_not_of(" \t\r\n") == std::string::npos
                   ? "the value is empty or blank (" + hint + ")"
                   : std::string();
      },
      "", "NOT_EMPTY");
}

}  // namespace iht::cli
