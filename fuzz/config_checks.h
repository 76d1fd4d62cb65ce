// config_fuzzer's properties. Config::parse on any text either fails with one error per line,
// each naming "file:line:column" (daemon/config.h), or gives a config within the limits the
// README documents. parse() reads no file and looks up no program, so every error is the
// text's own.
#pragma once

#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "daemon/config.h"
#include "fuzz/checks.h"

namespace newswatch::fuzz {

inline const std::string kConfigOrigin = "/nonexistent-newswatch-fuzz/newswatch.toml";

// Only a string escape or a multi-line string can put a newline inside one error, where it
// would read as the start of another.
inline bool may_write_newlines(std::string_view text) {
  return text.find('\\') != std::string_view::npos ||
         text.find("\"\"\"") != std::string_view::npos ||
         text.find("'''") != std::string_view::npos;
}

inline std::string check_config_values(const Config& config) {
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error"};
  if (config.interval.count() <= 0 || config.max_interval.count() <= 0 ||
      config.timeout.count() <= 0)
    return "a config with a duration that is not positive";
  if (config.concurrency < 1 || config.per_host < 1 || config.retention_days < 1)
    return "a config with a count that is not positive";
  if (config.max_body == 0 || config.wal_limit < (1u << 20))
    return "a config with max_body 0 or wal_limit under 1MiB";
  if (!kLevels.count(config.log_level)) return "a config with log_level " + config.log_level;
  for (const auto& feed : config.feeds) {
    if (!feed.url.starts_with("http://") && !feed.url.starts_with("https://"))
      return "a [[feed]] url that is not http(s): '" + printable(feed.url) + "'";
  }
  return {};
}

inline std::string check_config(std::string_view bytes) {
  std::string text(bytes);
  auto config = Config::parse(text, kConfigOrigin);
  if (config) return check_config_values(*config);
  std::istringstream lines(config.error().message);
  bool first = true;
  for (std::string line; std::getline(lines, line); first = false) {
    if (!first && may_write_newlines(text)) break;
    if (!names_place(line, kConfigOrigin))
      return "a config error without file:line:column: '" + printable(line) + "' in '" +
             printable(config.error().message) + "'";
  }
  return {};
}

}  // namespace newswatch::fuzz
