// html_diff_fuzzer's property: html_to_text agrees with gumbo (tests/html_oracle.h) on valid
// UTF-8 without control characters (where the two handle bad input differently by design) and
// without the documented intended differences.
#pragma once

#include <string>
#include <string_view>

#include "base/utf8.h"
#include "feeds/text.h"
#include "fuzz/checks.h"
#include "html_oracle.h"

namespace newswatch::fuzz {

// True when `html` is valid UTF-8 free of the control characters gumbo turns into U+FFFD
// and html_to_text keeps.
inline bool is_comparable_html(std::string_view html) {
  for (std::size_t i = 0; i < html.size();) {
    std::size_t length = utf8_sequence_length(html, i);
    if (length == 0) return false;
    unsigned char c = static_cast<unsigned char>(html[i]);
    bool control = (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F ||
                   (c == 0xC2 && static_cast<unsigned char>(html[i + 1]) < 0xA0);
    if (control) return false;
    i += length;
  }
  return true;
}

inline std::string check_html_against_gumbo(std::string_view html) {
  if (!is_comparable_html(html) || test::has_intended_difference(html)) return {};
  std::string ours = html_to_text(html);
  std::string oracle = test::gumbo_text(html);
  if (ours == oracle) return {};
  return "html_to_text and gumbo disagree on '" + printable(html) + "'\nhtml_to_text: [" +
         printable(ours) + "]\ngumbo:        [" + printable(oracle) + "]";
}

}  // namespace newswatch::fuzz
