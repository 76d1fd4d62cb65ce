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

// toml11 puts the location in a multi-line message of its own; keep its first line.
inline std::string toml_describe(const toml::exception& e) {
  std::string what = e.what();
  if (what.starts_with("[error] ")) what.erase(0, 8);
  return toml_where(e.location()) + ": " + what.substr(0, what.find('\n'));
}

}  // namespace newswatch
