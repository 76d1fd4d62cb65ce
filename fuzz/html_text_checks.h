// html_text_fuzzer's properties: feeds/text.h on any bytes. What html_to_text, clean_text and
// plain_text return is valid UTF-8 in NFC with its whitespace collapsed and trimmed, which
// makes plain_text of it a no-op; to_nfc is idempotent. Whether html_to_text removes exactly
// the tags a browser would is html_diff_fuzzer's question (gumbo as the oracle): a '<' that
// opens no tag stays text, so "<<b>x" rightly reads "<x" and "tag-looking" output is no bug.
#pragma once

#include <string>
#include <string_view>

#include "feeds/base64.h"
#include "feeds/nfc.h"
#include "feeds/text.h"
#include "fuzz/checks.h"

namespace newswatch::fuzz {

// No ASCII whitespace but single spaces between words. (Any byte sequence may hold a Unicode
// space where bytes around a tag join into one; only valid UTF-8 promises those are collapsed.)
inline std::string check_ascii_whitespace(std::string_view what, std::string_view text) {
  bool collapsed = !text.starts_with(' ') && !text.ends_with(' ') &&
                   text.find("  ") == std::string_view::npos &&
                   text.find_first_of("\t\n\r\f") == std::string_view::npos;
  if (collapsed) return {};
  return std::string(what) + " has whitespace left uncollapsed: '" + printable(text) + "'";
}

inline std::string check_text_of(std::string_view what, std::string_view input,
                                 std::string_view text) {
  if (auto broken = check_plain_text(what, text); !broken.empty()) return broken;
  if (auto broken = check_ascii_whitespace(what, text); !broken.empty()) return broken;
  if (is_valid_utf8(input) && plain_text(text) != text)
    return std::string(what) + " is not collapsed, trimmed NFC text: '" + printable(text) +
           "', plain_text makes it '" + printable(plain_text(text)) + "'";
  return {};
}

inline std::string check_text_conversion(std::string_view bytes) {
  std::string html = html_to_text(bytes);
  if (auto broken = check_text_of("html_to_text", bytes, html); !broken.empty()) return broken;
  if (auto broken = check_text_of("clean_text", bytes, clean_text(bytes)); !broken.empty())
    return broken;
  if (auto broken = check_text_of("plain_text", bytes, plain_text(bytes)); !broken.empty())
    return broken;
  std::string nfc = to_nfc(bytes);
  if (auto broken = check_plain_text("to_nfc", nfc); !broken.empty()) return broken;
  (void)decode_base64(bytes);
  return {};
}

}  // namespace newswatch::fuzz
