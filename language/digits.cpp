#include "language/digits.h"

#include <algorithm>

namespace newswatch {

std::string_view ascii_digits(std::string_view word, std::string& buffer) {
  // Only a word with a character of U+0640–U+067F or U+06C0–U+06FF (lead byte 0xD9 or 0xDB)
  // may hold such a digit: most words are left as they are, uncopied.
  if (std::none_of(word.begin(), word.end(), [](char c) { return c == '\xD9' || c == '\xDB'; }))
    return word;
  buffer.clear();
  for (std::size_t i = 0; i < word.size(); ++i) {
    auto lead = static_cast<unsigned char>(word[i]);
    if (i + 1 < word.size()) {
      auto next = static_cast<unsigned char>(word[i + 1]);
      if (lead == 0xD9 && next >= 0xA0 && next <= 0xA9) {  // Arabic-Indic
        buffer += static_cast<char>('0' + (next - 0xA0));
        ++i;
        continue;
      }
      if (lead == 0xDB && next >= 0xB0 && next <= 0xB9) {  // Persian
        buffer += static_cast<char>('0' + (next - 0xB0));
        ++i;
        continue;
      }
    }
    buffer += word[i];
  }
  return buffer;
}

}  // namespace newswatch
