#pragma once
#include <stdexcept>
#include <string>

namespace iht {

/// `text` as a terminal can show it: each control byte as \xNN (a NUL would
/// cut a message short, a carriage return overwrite it); every other byte,
/// UTF-8 included, as it is.
inline std::string printable(const std::string& text) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte >= 0x20 && byte != 0x7f) {
      out += ch;
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

/// Bad user input (a file, a flag): the CLI prints the message, exits 2. The
/// message echoes what the user gave (a field, a path, a flag's value), so
/// its control bytes are shown escaped.
struct InputError : std::runtime_error {
  explicit InputError(const std::string& message) : std::runtime_error(printable(message)) {}
};

}  // namespace iht
