#pragma once
#include <stdexcept>
#include <string>

namespace iht {

/// Bad user input (a file, a flag): the CLI prints the message, exits 2.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace iht
