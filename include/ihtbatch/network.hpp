#pragma once
// The network a run trains (docs/SPEC.md §2, §9): the dataset's inputs and
// classes, and an optional hidden layer. Its parameter count, θ's layout and
// names, and the initial-value bounds, for every backend and writer.
#include <string>
#include <vector>

#include "ihtbatch/config.hpp"
#include "ihtbatch/dataset.hpp"

namespace iht {

/// Parameters a network may have on every backend (docs/SPEC.md §9).
inline constexpr int kMaxNetworkParams = 1024;

struct Network {
  int inputs = 0, hidden = 0, classes = 0;  // hidden = 0: one layer
  Activation activation = Activation::kTanh;

  /// n: d·c + c, or d·H + H + H·c + c with a hidden layer. long: a huge
  /// request is counted, not wrapped.
  long parameters() const;
  /// θ's names in order: w11 … b3 (one layer, d and c ≤ 9), else w_i_j, b_j,
  /// or w1_i_j, b1_j, w2_j_k, b2_k.
  std::vector<std::string> parameter_names() const;
  /// a of θ_i ~ U(−a, a): 1/√fan_in of θ_i's layer.
  double init_bound(int i) const;
  /// "4->3", "4->8(tanh)->3".
  std::string describe() const;
};

/// The network of this data and config. Throws InputError naming n and the
/// limit when it has more than kMaxNetworkParams parameters.
Network network_of(const Dataset& data, const ExperimentConfig& config);

}  // namespace iht
