#pragma once
// One IHT run: what identifies it and what it produces (docs/SPEC.md §3, §6).
#include <cstdint>
#include <string>
#include <vector>

#include "ihtbatch/stop_reason.hpp"

namespace iht {

struct RunSpec {
  int sparsity = 0;
  long run = 0;  // index within the sweep (the pairing key); 0 for a lone run
  uint64_t data_seed = 0;
  uint64_t init_seed = 0;
  uint64_t support_seed = 0;
};

struct RunResult {
  RunSpec spec;
  double lipschitz = 0;
  double step_size = 0;
  long steps = -1;  // -1: not computed
  // The warp engines' shortcut: the update after which θ stopped changing,
  // when the steps after it were skipped (they would repeat it); else −1.
  long settled_at = -1;
  StopReason stop = StopReason::kMaxSteps;
  double train_loss = 0, train_acc = 0, test_loss = 0, test_acc = 0;
  double eps = 0;  // filled by the sweep from the paired dense run
  bool ht_stable = false;
  double ht_margin = 0;
  double grad_support_inf = 0;
  std::vector<double> theta;  // final θ, docs/SPEC.md §2 order

  /// The steps actually computed: `steps`, less those a settled run skipped.
  long steps_computed() const { return settled_at >= 0 ? settled_at : steps; }
};

std::string to_string(StopReason r);

}  // namespace iht
