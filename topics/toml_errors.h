// Errors in TOML files (topic packs here, the daemon's config) in the one form a person can
// act on: "file:line:column: what was wrong".
#pragma once

#include <sstream>
#include <string>
#include <toml.hpp>

namespace newswatch {

inline std::string toml_where(const toml::source_location& loc) {
  return loc.file_name() + ":" + std::to_string(loc.line()) + ":" + std::to_string(loc.column());
}

inline std::string toml_where(const toml::value& value) { return toml_where(value.location()); }

// A value in a TOML file that is not what the file's schema expects; thrown while reading
// the file and turned into a Result at the edge of the loader.
struct TomlValueError {
  std::string message;
};

[[noreturn]] inline void reject(const toml::value& value, const std::string& what) {
  throw TomlValueError{toml_where(value) + ": " + what};
}

// TOML files are UTF-8; toml11 meets some other bytes with exceptions that carry no place.
// Throws, with the file:line:column of the first byte that is not UTF-8.
inline void require_utf8(const std::string& text, const std::string& origin) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80           ? 1
                         : (byte >> 5) == 0x6  ? 2
                         : (byte >> 4) == 0xE  ? 3
                         : (byte >> 3) == 0x1E ? 4
                                               : 0;
    bool valid = length > 0 && i + length <= text.size() && (length != 2 || byte >= 0xC2);
    for (std::size_t k = 1; valid && k < length; ++k)
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (!valid) {
      throw TomlValueError{origin + ":" + std::to_string(line) + ":" + std::to_string(column) +
                           ": not UTF-8 (a TOML file is UTF-8 text)"};
    }
    if (byte == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
}

// The string `value` holds; `what` names it in the error ("'name'", "a phrase").
inline std::string string_of(const toml::value& value, const std::string& what) {
  if (!value.is_string()) reject(value, what + " must be a string");
  return value.as_string().str;
}

// toml11 puts the location in a multi-line message of its own, with the source lines and a
// caret under the spot ("  2 | b = [1, 2" then "    | ^--- here"); its location() gives
// only the line. Keep the first line of the message, placed where the last caret points.
inline std::string toml_describe(const toml::exception& e) {
  std::string what = e.what();
  if (what.starts_with("[error] ")) what.erase(0, 8);
  std::size_t line = e.location().line(), column = e.location().column();
  std::istringstream lines(what);
  std::string text, source_line;
  while (std::getline(lines, text)) {
    std::size_t bar = text.find(" | ");
    if (bar == std::string::npos) continue;
    std::string number = text.substr(0, bar);
    number.erase(0, number.find_first_not_of(' '));
    std::size_t caret = text.find('^', bar);
    if (!number.empty() && number.find_first_not_of("0123456789") == std::string::npos) {
      source_line = number;
    } else if (caret != std::string::npos && !source_line.empty()) {
      line = std::stoul(source_line);
      column = caret - (bar + 3) + 1;
    }
  }
  return e.location().file_name() + ":" + std::to_string(line) + ":" + std::to_string(column) +
         ": " + what.substr(0, what.find('\n'));
}

}  // namespace newswatch
