// Errors in TOML files (topic packs, the daemon's config) in the one form a person can act
// on: "file:line:column: what was wrong", the place also in the Error's position. Needs
// toml11 (header-only), which its includers link.
#pragma once

#include <sstream>
#include <string>
#include <toml.hpp>

#include "base/result.h"
#include "base/text_position.h"

namespace newswatch {

inline SourcePosition toml_position(const toml::source_location& loc) {
  return {loc.file_name(), loc.line(), loc.column()};
}

// A value in a TOML file that is not what the file's schema expects; thrown while reading
// the file and turned into a Result at the edge of the loader.
struct TomlValueError {
  Error error;
};

[[noreturn]] inline void reject(const toml::value& value, const std::string& what) {
  throw TomlValueError{error_at(toml_position(value.location()), what)};
}

// TOML files are UTF-8; toml11 meets some other bytes with exceptions that carry no place.
// Throws, with the file:line:column of the first byte that is not UTF-8. (Looser than
// base/utf8.h's decoding: overlong forms and surrogates are left to toml11.)
inline void require_utf8(const std::string& text, const std::string& origin) {
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
      auto at = line_column_at(text, i, ColumnUnit::characters);
      throw TomlValueError{
          error_at({origin, at.line, at.column}, "not UTF-8 (a TOML file is UTF-8 text)")};
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
inline Error toml_describe(const toml::exception& e) {
  std::string what = e.what();
  if (what.starts_with("[error] ")) what.erase(0, 8);
  SourcePosition position = toml_position(e.location());
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
      position.line = std::stoul(source_line);
      position.column = caret - (bar + 3) + 1;
    }
  }
  return error_at(std::move(position), what.substr(0, what.find('\n')));
}

// The TOML document in `text`, read from `origin`; throws as toml11 and require_utf8 do.
inline toml::value parse_toml(const std::string& text, const std::string& origin) {
  require_utf8(text, origin);
  std::istringstream stream(text);
  return toml::parse(stream, origin);
}

// What `read` returns (a Result), or what it threw while reading the TOML file `origin`, as
// an Error at its place in the file.
template <typename Read>
auto read_toml(const std::string& origin, Read&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const TomlValueError& e) {
    return fail(e.error);
  } catch (const toml::exception& e) {
    return fail(toml_describe(e));
  } catch (const std::exception& e) {
    // toml11 meets some malformed bytes (Latin-1 in a literal string) with std exceptions.
    return fail(
        error_at({origin, 1, 1}, std::string("not a readable TOML file (") + e.what() + ")"));
  }
}

}  // namespace newswatch
