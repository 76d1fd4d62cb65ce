// One pass, six bits at a time. Both alphabets of RFC 4648 are read, padding may be left
// out, and whitespace (line breaks every 76 characters, as MIME writes it) is skipped.
#include "feeds/base64.h"

#include <cstdint>

#include "feeds/ascii.h"

namespace newswatch {

std::optional<std::string> decode_base64(std::string_view text) {
  std::string out;
  std::uint32_t bits = 0;
  int bit_count = 0;
  bool padding = false;
  for (char c : text) {
    int value;
    if (c >= 'A' && c <= 'Z')
      value = c - 'A';
    else if (c >= 'a' && c <= 'z')
      value = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      value = c - '0' + 52;
    else if (c == '+' || c == '-')
      value = 62;
    else if (c == '/' || c == '_')
      value = 63;
    else if (c == '=') {
      padding = true;
      continue;
    } else if (is_html_space(c))
      continue;
    else
      return std::nullopt;
    if (padding) return std::nullopt;  // data after padding
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out.push_back(static_cast<char>((bits >> bit_count) & 0xFF));
    }
  }
  return out;
}

}  // namespace newswatch
