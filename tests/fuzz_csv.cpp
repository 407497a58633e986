// libFuzzer target for the CSV loader: any bytes either load or are refused
// with an InputError; anything else (a crash, a sanitizer report, another
// exception, a hang) is a bug. Built and run by tests/fuzz_csv.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ihtbatch/dataset.hpp"
#include "ihtbatch/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const iht::Dataset d = iht::parse_csv(std::string(reinterpret_cast<const char*>(data), size), "fuzz.csv");
    if (d.samples < 2 || d.classes < 2 || d.features < 1) __builtin_trap();  // a dataset the loader promised not to give
  } catch (const iht::InputError&) {
  }
  return 0;
}
