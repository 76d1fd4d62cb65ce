// UTF-8 one character at a time: decoding, encoding, where a sequence ends, where a text may
// be cut. Inline: the text cleaning calls these in a loop over every character.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace newswatch {

// The length of the well-formed UTF-8 sequence at s[i] (Unicode's table 3-7: 1 for ASCII)
// and its code point in `code`; 0 when the bytes there are not UTF-8 (overlong forms,
// surrogates and code points past U+10FFFF included). Inline: the text cleaning decodes with
// it in a loop over every character.
inline std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& code) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) {
    code = lead;
    return 1;
  }
  std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || i + length > s.size()) return 0;
  code = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = code << 6 | (byte(i + k) & 0x3F);
  }
  static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kSmallest[length] || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return 0;
  return length;
}

// Appends the UTF-8 encoding of `code_point` (U+FFFD for invalid ones: NUL, surrogates, past
// U+10FFFF) to `out`. Inline, not utf8proc_encode_char(): the text cleaning encodes every
// reference it decodes.
inline void append_utf8(std::string& out, char32_t code_point) {
  char32_t cp = code_point;
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  char bytes[4];
  std::size_t n = 0;
  if (cp < 0x80) {
    bytes[n++] = static_cast<char>(cp);
  } else if (cp < 0x800) {
    bytes[n++] = static_cast<char>(0xC0 | (cp >> 6));
    bytes[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    bytes[n++] = static_cast<char>(0xE0 | (cp >> 12));
    bytes[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    bytes[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    bytes[n++] = static_cast<char>(0xF0 | (cp >> 18));
    bytes[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    bytes[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    bytes[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  }
  out.append(bytes, n);
}

// Length of the valid UTF-8 sequence that starts at s[i] (1 for ASCII), or 0 when the
// bytes there are not valid UTF-8 (overlong forms and surrogates included).
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  char32_t code;
  return decode_utf8(s, i, code);
}

// The length of the longest start of `text` of at most `max_bytes` that ends between two
// characters of UTF-8: where to cut a text without splitting one.
inline std::size_t utf8_prefix_length(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text.size();
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

}  // namespace newswatch
