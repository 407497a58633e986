#pragma once
// Seed derivation for a sweep (docs/SPEC.md §4): the data seed depends on (master, r)
// only, so run r of every level shares one split; init and support seeds
// depend on (master, r, s). Seeds are below 2^53 so that every tool that reads
// numbers as doubles (spreadsheets, JSON, Python floats) keeps them exact.
#include <cstdint>

#include "ihtbatch/run.hpp"

namespace iht {

RunSpec derive_run(uint64_t master_seed, long run, int sparsity);

}  // namespace iht
