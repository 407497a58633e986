// `ihtbatch supports`: the paper's Table I, the number of supports C(n, s).
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "ihtbatch/network.hpp"
#include "ihtbatch/dataset.hpp"
#include "integer_option.hpp"
#include "text_option.hpp"

namespace iht::cli {
namespace {

/// C(n, k) in decimal, exact for any n: a number in base-10^9 limbs (least
/// significant first), multiplied by n − k + i and divided by i in turn (each
/// quotient is C(n − k + i, i), an integer). 64-bit arithmetic overflows from
/// n = 63.
std::string binomial(int n, int k) {
  constexpr uint64_t kBase = 1000000000;
  std::vector<uint64_t> limbs{1};
  for (int i = 1; i <= k; ++i) {
    uint64_t carry = 0;
    for (uint64_t& limb : limbs) {
      const uint64_t v = limb * static_cast<uint64_t>(n - k + i) + carry;
      limb = v % kBase;
      carry = v / kBase;
    }
    while (carry) {
      limbs.push_back(carry % kBase);
      carry /= kBase;
    }
    uint64_t rest = 0;
    for (size_t j = limbs.size(); j-- > 0;) {
      const uint64_t v = limbs[j] + rest * kBase;
      limbs[j] = v / static_cast<uint64_t>(i);
      rest = v % static_cast<uint64_t>(i);
    }
    while (limbs.size() > 1 && limbs.back() == 0) limbs.pop_back();
  }
  std::string text = std::to_string(limbs.back());
  for (size_t j = limbs.size() - 1; j-- > 0;) {
    const std::string part = std::to_string(limbs[j]);
    text += std::string(9 - part.size(), '0') + part;
  }
  return text;
}

int print_supports(const std::string& path, int hidden, bool csv) {
  const Dataset data = load_dataset(path);
  ExperimentConfig network;
  network.hidden = hidden;
  const int n = static_cast<int>(network_of(data, network).parameters());
  if (csv) std::cout << "s,supports\n";
  else std::cout << "Number of possible supports C(" << n << ", s) for " << n << " parameters\n    s     supports\n";
  for (int s = 1; s <= n; ++s) {
    const std::string count = binomial(n, s);
    if (csv) std::cout << s << ',' << count << '\n';
    else std::cout << (s < 10 ? "    " : "   ") << s << ' ' << std::string(count.size() < 12 ? 12 - count.size() : 0, ' ') << count << '\n';
  }
  return 0;
}

}  // namespace

Command add_supports_command(CLI::App& app) {
  auto* sub = app.add_subcommand("supports", "The paper's Table I: number of supports C(n, s) for each s");
  auto data = std::make_shared<std::string>(default_data_path());
  auto csv = std::make_shared<bool>(false);
  auto hidden = std::make_shared<int>(0);
  sub->add_option("--data", *data, "Dataset (gives n)")->capture_default_str()->check(not_empty());
  add_integer(*sub, "--hidden", *hidden, 0, kMaxNetworkParams, "Units of a hidden layer (0: none)");
  sub->add_flag("--csv", *csv, "Print CSV (s,supports)");
  return {sub, [=] { return print_supports(*data, *hidden, *csv); }};
}

}  // namespace iht::cli
