// Errors in TOML files (topic packs here, the daemon's config) in the one form a person can
// act on: "file:line:column: what was wrong".
#pragma once

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

// The string `value` holds; `what` names it in the error ("'name'", "a phrase").
inline std::string string_of(const toml::value& value, const std::string& what) {
  if (!value.is_string()) reject(value, what + " must be a string");
  return value.as_string().str;
}

// toml11 puts the location in a multi-line message of its own; keep its first line.
inline std::string toml_describe(const toml::exception& e) {
  std::string what = e.what();
  if (what.starts_with("[error] ")) what.erase(0, 8);
  return toml_where(e.location()) + ": " + what.substr(0, what.find('\n'));
}

}  // namespace newswatch
