#include "ihtbatch/seeds.hpp"

namespace iht {
namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t combine(uint64_t h, uint64_t v) { return splitmix64(h ^ splitmix64(v)); }

constexpr uint64_t kSeedMask = (uint64_t{1} << 53) - 1;
enum : uint64_t { kDataPurpose = 1, kInitPurpose = 2, kSupportPurpose = 3 };

}  // namespace

RunSpec derive_run(uint64_t master, long run, int sparsity) {
  const uint64_t root = splitmix64(master);
  const uint64_t r = static_cast<uint64_t>(run);
  const uint64_t s = static_cast<uint64_t>(sparsity);
  RunSpec spec;
  spec.sparsity = sparsity;
  spec.run = run;
  spec.data_seed = combine(combine(root, kDataPurpose), r) & kSeedMask;
  spec.init_seed = combine(combine(combine(root, kInitPurpose), r), s) & kSeedMask;
  spec.support_seed = combine(combine(combine(root, kSupportPurpose), r), s) & kSeedMask;
  return spec;
}

}  // namespace iht
