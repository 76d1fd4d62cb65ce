// What the fuzz targets share. Each target's properties live in fuzz/<area>_checks.h as one
// function from the input bytes to what went wrong (empty when every property held), so that
// the libFuzzer target and tests/fuzz_regressions_test.cpp run the very same code on an input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/utf8.h"
#include "feeds/nfc.h"

namespace newswatch::fuzz {

// `text` with bytes a terminal would garble escaped, cut to a length a report can hold.
inline std::string printable(std::string_view text) {
  constexpr std::size_t kMaxShown = 300;
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", c);
      out += escaped;
    }
  }
  if (text.size() > kMaxShown) out += "...";
  return out;
}

inline bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

// What every text the feed and text modules hand on must be: valid UTF-8 in NFC.
inline std::string check_plain_text(std::string_view what, std::string_view text) {
  if (!is_valid_utf8(text)) return std::string(what) + " is not valid UTF-8: " + printable(text);
  if (to_nfc(text) != text) return std::string(what) + " is not NFC: " + printable(text);
  return {};
}

// True when `message` begins "origin:line:column: ", the place a person can go to.
inline bool names_place(std::string_view message, std::string_view origin) {
  if (!message.starts_with(origin) || !message.substr(origin.size()).starts_with(":")) return false;
  std::size_t i = origin.size() + 1;
  for (int number = 0; number < 2; ++number) {
    std::size_t start = i;
    while (i < message.size() && message[i] >= '0' && message[i] <= '9') ++i;
    if (i == start || i >= message.size() || message[i] != ':') return false;
    ++i;
  }
  return message.substr(i).starts_with(" ") && message.size() > i + 1;
}

// The body of LLVMFuzzerTestOneInput: a broken property aborts with its description, so
// libFuzzer keeps the input as a crash like any sanitizer report.
template <typename Check>
int run_check(Check check, const std::uint8_t* data, std::size_t size) {
  std::string broken = check(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!broken.empty()) {
    std::fprintf(stderr, "broken property: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}

}  // namespace newswatch::fuzz
