// Feed documents to UTF-8, whatever they were written in: the BOM, the XML declaration, the
// HTTP charset, then UTF-8 — in that order — name the encoding; glibc's iconv converts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace newswatch {

// Returns `bytes` as UTF-8: a view into `bytes` itself when they already are valid UTF-8
// (without the BOM), else into `storage`, which receives the converted text.
// `http_charset` is the charset parameter of the response's Content-Type ("" when unknown).
// Bytes that are invalid in the chosen encoding are repaired (in UTF-8, each bad byte is read
// as windows-1252, which is what mislabelled feeds almost always are) and reported in
// `warnings`; an encoding iconv does not know is read as UTF-8 with a warning. A UTF-16 or
// UTF-32 label (declared or HTTP) on bytes that begin in ASCII, which such a document cannot,
// is ignored with a warning, and the next source decides.
std::string_view to_utf8(std::string_view bytes, std::string_view http_charset,
                         std::string& storage, std::vector<std::string>& warnings);

// The code point of a windows-1252 byte (0x80-0x9F hold the curly quotes, dashes, euro sign;
// the five undefined ones map to C1 controls, as WHATWG's decoder does).
char32_t windows_1252(unsigned char byte);

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

// The charset parameter of a Content-Type header value ("" when there is none).
std::string charset_of(std::string_view content_type);

}  // namespace newswatch
