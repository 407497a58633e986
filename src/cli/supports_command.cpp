// `ihtbatch supports`: the paper's Table I, the number of supports C(n, s).
#include <iostream>

#include "commands.hpp"
#include "ihtbatch/dataset.hpp"

namespace iht::cli {
namespace {

/// C(n, k), exact for the n ≤ 64 the engines allow.
unsigned long long binomial(int n, int k) {
  unsigned long long c = 1;
  for (int i = 1; i <= k; ++i) c = c * (n - k + i) / i;
  return c;
}

int print_supports(const std::string& path, bool csv) {
  const Dataset data = load_dataset(path);
  const int n = data.parameters();
  if (csv) std::cout << "s,supports\n";
  else std::cout << "Number of possible supports C(" << n << ", s) for " << n << " parameters\n    s     supports\n";
  for (int s = 1; s <= n; ++s) {
    if (csv) std::cout << s << ',' << binomial(n, s) << '\n';
    else std::cout << (s < 10 ? "    " : "   ") << s << ' ' << std::string(12 - std::to_string(binomial(n, s)).size(), ' ') << binomial(n, s) << '\n';
  }
  return 0;
}

}  // namespace

Command add_supports_command(CLI::App& app) {
  auto* sub = app.add_subcommand("supports", "The paper's Table I: number of supports C(n, s) for each s");
  auto data = std::make_shared<std::string>(default_data_path());
  auto csv = std::make_shared<bool>(false);
  sub->add_option("--data", *data, "Dataset (gives n)")->capture_default_str();
  sub->add_flag("--csv", *csv, "Print CSV (s,supports)");
  return {sub, [=] { return print_supports(*data, *csv); }};
}

}  // namespace iht::cli
