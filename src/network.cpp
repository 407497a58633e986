#include "ihtbatch/network.hpp"

#include <cmath>

#include "ihtbatch/error.hpp"

namespace iht {

long Network::parameters() const {
  const long d = inputs, h = hidden, c = classes;
  return h == 0 ? d * c + c : d * h + h + h * c + c;
}

std::vector<std::string> Network::parameter_names() const {
  std::vector<std::string> names;
  auto add = [&](const std::string& stem, int rows, int cols, bool paper) {
    for (int i = 1; i <= rows; ++i)
      for (int j = 1; j <= cols; ++j)
        names.push_back(paper ? stem + std::to_string(i) + std::to_string(j)
                              : stem + "_" + std::to_string(i) + "_" + std::to_string(j));
  };
  auto add_bias = [&](const std::string& stem, int cols, bool paper) {
    for (int j = 1; j <= cols; ++j) names.push_back(stem + (paper ? "" : "_") + std::to_string(j));
  };
  if (hidden == 0) {
    const bool paper = inputs <= 9 && classes <= 9;  // the paper's w11 … b3
    add("w", inputs, classes, paper);
    add_bias("b", classes, paper);
  } else {
    add("w1", inputs, hidden, false);
    add_bias("b1", hidden, false);
    add("w2", hidden, classes, false);
    add_bias("b2", classes, false);
  }
  return names;
}

double Network::init_bound(int i) const {
  const long second_layer = static_cast<long>(inputs) * hidden + hidden;  // where W2 starts
  const int fan_in = hidden > 0 && i >= second_layer ? hidden : inputs;
  return 1.0 / std::sqrt(static_cast<double>(fan_in));
}

std::string Network::describe() const {
  if (hidden == 0) return std::to_string(inputs) + "->" + std::to_string(classes);
  return std::to_string(inputs) + "->" + std::to_string(hidden) + "(" + to_string(activation) + ")->" +
         std::to_string(classes);
}

Network network_of(const Dataset& data, const ExperimentConfig& config) {
  Network net;
  net.inputs = data.features;
  net.hidden = config.hidden;
  net.classes = data.classes;
  net.activation = config.activation;
  const long n = net.parameters();
  if (n > kMaxNetworkParams)
    throw InputError(data.path + ": the network " + net.describe() + " has n = " + std::to_string(n) +
                     " parameters, more than the limit of " + std::to_string(kMaxNetworkParams) +
                     (config.hidden > 0 ? " (use a smaller --hidden)" : ""));
  return net;
}

}  // namespace iht
