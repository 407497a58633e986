#pragma once
// Real-valued flags read strictly: the whole text must be a number. CLI11
// alone reads an empty `--tol ""` as 0, silently another experiment. The
// range (finite, ≥ 0, …) is the config's to check (validate).
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>

namespace iht::cli {

/// The number in `text` (as strtod reads it: decimal, hex, inf, nan), or a
/// CLI::ValidationError naming `flag` (exit code 2). A value too large for a
/// double is refused, not taken as infinity; a nonzero one so small that it
/// rounds to 0 is refused too (0 can mean something else: --step-size 0 asks
/// for the Monte Carlo estimate); a subnormal one is kept as strtod rounds it.
inline double parse_real(const std::string& flag, const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])))
    throw CLI::ValidationError(flag, "'" + text + "' is not a number");
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) throw CLI::ValidationError(flag, "'" + text + "' is not a number");
  if (errno == ERANGE && std::isinf(v)) throw CLI::ValidationError(flag, text + " is too large for a double");
  if (errno == ERANGE && v == 0) throw CLI::ValidationError(flag, text + " is too small for a double (it rounds to 0)");
  return v;
}

/// A real option of `app` into `target` (whose value is the default), read strictly.
inline CLI::Option* add_real(CLI::App& app, const std::string& flag, double& target, const std::string& help) {
  auto* option = app.add_option_function<std::string>(
      flag, [&target, flag](const std::string& text) { target = parse_real(flag, text); }, help);
  std::ostringstream shown;
  shown << target;
  option->default_str(shown.str());
  option->type_name("FLOAT");
  return option;
}

}  // namespace iht::cli
