// ASCII character classes for scanning markup, inline and locale-free: the <cctype> functions
// consult the locale on every call, and the HTML scanners of feeds/ ask once per byte.
#pragma once

namespace newswatch {

constexpr bool is_ascii_alpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

// HTML5's whitespace: space, tab, LF, CR and FF (not VT).
constexpr bool is_html_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c;
}

}  // namespace newswatch
