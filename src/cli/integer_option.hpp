#pragma once
// Integer flags read strictly: digits only (and a sign only where negatives
// are allowed), within a stated range. CLI11 alone would wrap `--seed -1` to
// 2^64 − 1 and accept `--runs 1e10` only to fail later for lack of memory.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdlib>
#include <limits>
#include <string>
#include <type_traits>

#include "ihtbatch/limits.hpp"

namespace iht::cli {

/// The integer in `text`, or a CLI::ValidationError naming `flag` (exit code 2).
template <class Int>
Int parse_integer(const std::string& flag, const std::string& text, Int min, Int max) {
  const std::string range = std::to_string(min) + ".." + std::to_string(max);
  const bool negative = !text.empty() && text[0] == '-';
  const std::string digits = negative ? text.substr(1) : text;
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || (negative && min >= 0))
    throw CLI::ValidationError(flag, "'" + text + "' is not an integer in " + range);
  errno = 0;
  if constexpr (std::is_unsigned_v<Int>) {
    const unsigned long long v = std::strtoull(digits.c_str(), nullptr, 10);
    if (errno == ERANGE || v < min || v > max) throw CLI::ValidationError(flag, text + " is out of range " + range);
    return static_cast<Int>(v);
  } else {
    const long long v = std::strtoll(text.c_str(), nullptr, 10);
    if (errno == ERANGE || v < min || v > max) throw CLI::ValidationError(flag, text + " is out of range " + range);
    return static_cast<Int>(v);
  }
}

/// An integer option of `app` into `target` (whose value is the default), read strictly.
template <class Int>
CLI::Option* add_integer(CLI::App& app, const std::string& flag, Int& target, Int min, Int max,
                         const std::string& help) {
  auto* option = app.add_option_function<std::string>(
      flag, [&target, flag, min, max](const std::string& text) { target = parse_integer(flag, text, min, max); },
      help);
  option->default_str(std::to_string(target));
  option->type_name("INT");
  return option;
}

using iht::kMaxMonte;
using iht::kMaxRunsPerLevel;
using iht::kMaxSeed;
using iht::kMaxStepsLimit;
using iht::kMaxThreads;

}  // namespace iht::cli
