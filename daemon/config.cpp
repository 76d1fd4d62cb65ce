#include "daemon/config.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <algorithm>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "daemon/opml.h"
#include "topics/toml_errors.h"

namespace newswatch {
namespace {

std::string quoted(const std::string& key) { return "'" + key + "'"; }

// Every mistake of a file, not only the first: each check that rejects a value is recorded
// and the reading goes on with the next key.
struct Problems {
  std::vector<std::string> messages;

  template <typename Check>
  void check(Check&& check) {
    try {
      check();
    } catch (const TomlValueError& e) {
      messages.push_back(e.message);
    }
  }
};

bool bool_of(const toml::value& value, const std::string& key) {
  if (!value.is_boolean()) reject(value, "'" + key + "' must be true or false");
  return value.as_boolean();
}

int positive_int_of(const toml::value& value, const std::string& key) {
  if (!value.is_integer() || value.as_integer() < 1 || value.as_integer() > 1'000'000)
    reject(value, "'" + key + "' must be a positive integer");
  return static_cast<int>(value.as_integer());
}

std::chrono::seconds duration_of(const toml::value& value, const std::string& key) {
  std::optional<std::chrono::seconds> d;
  if (value.is_integer()) {
    d = std::chrono::seconds(value.as_integer());
  } else if (value.is_string()) {
    d = parse_duration(value.as_string().str);
  }
  if (!d || d->count() <= 0)
    reject(value, "'" + key + "' must be a duration such as \"90s\", \"15m\", \"6h\" or \"1d\"");
  return *d;
}

std::size_t size_of(const toml::value& value, const std::string& key) {
  std::optional<std::size_t> s;
  if (value.is_integer() && value.as_integer() > 0) {
    s = static_cast<std::size_t>(value.as_integer());
  } else if (value.is_string()) {
    s = parse_size(value.as_string().str);
  }
  if (!s || *s == 0) reject(value, "'" + key + "' must be a size such as \"16MiB\"");
  return *s;
}

std::string relative_to(const std::string& base_file, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute() || base_file.empty()) return path;
  // Absolute, so logs and error messages say exactly which file is meant.
  auto dir = std::filesystem::absolute(std::filesystem::path(base_file)).parent_path();
  return (dir / p).lexically_normal().string();
}

FeedConfig feed_of(const toml::value& table, Problems& problems) {
  if (!table.is_table()) reject(table, "[[feed]] must be a table");
  FeedConfig feed;
  for (const auto& [key, value] : table.as_table()) problems.check([&, &key = key, &value = value] {
    if (key == "url") {
      feed.url = string_of(value, quoted(key));
      if (!feed.url.starts_with("http://") && !feed.url.starts_with("https://"))
        reject(value, "feed url must start with http:// or https://");
    } else if (key == "title") {
      feed.title = string_of(value, quoted(key));
    } else if (key == "interval") {
      feed.interval = duration_of(value, key);
    } else if (key == "enabled") {
      feed.enabled = bool_of(value, key);
    } else {
      reject(value,
             "unknown key '" + key + "' in [[feed]] (expected url, title, interval, enabled)");
    }
  });
  if (feed.url.empty() && !table.as_table().count("url")) reject(table, "[[feed]] needs a 'url'");
  return feed;
}

std::vector<FeedConfig> feeds_of(const toml::value& value, Problems& problems) {
  if (!value.is_array()) reject(value, "'feed' must be an array of tables: [[feed]]");
  std::vector<FeedConfig> feeds;
  for (const auto& table : value.as_array())
    problems.check([&] { feeds.push_back(feed_of(table, problems)); });
  return feeds;
}

toml::value parse_toml_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw TomlValueError{path + ": cannot open file"};
  return toml::parse(file, path);
}

// Keys of the design (../shared/DESIGN.md) that later versions implement.
const std::set<std::string> kPlannedKeys = {"alert", "metrics"};

void apply_key(Config& config, const std::string& key, const toml::value& value,
               Problems& problems) {
  if (key == "database") {
    config.database = relative_to(config.source, string_of(value, quoted(key)));
  } else if (key == "topics") {
    if (!value.is_array()) reject(value, "'topics' must be an array of file names");
    for (const auto& t : value.as_array()) problems.check([&] {
      std::string pack = relative_to(config.source, string_of(t, quoted(key)));
      if (!std::filesystem::exists(pack)) reject(t, "topic pack not found: " + pack);
      config.topics.push_back(pack);
    });
  } else if (key == "interval") {
    config.interval = duration_of(value, key);
  } else if (key == "honor_feed_hints") {
    config.honor_feed_hints = bool_of(value, key);
  } else if (key == "max_interval") {
    config.max_interval = duration_of(value, key);
  } else if (key == "concurrency") {
    config.concurrency = positive_int_of(value, key);
  } else if (key == "per_host") {
    config.per_host = positive_int_of(value, key);
  } else if (key == "timeout") {
    config.timeout = duration_of(value, key);
  } else if (key == "max_body") {
    config.max_body = size_of(value, key);
  } else if (key == "log_level") {
    static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error"};
    config.log_level = string_of(value, quoted(key));
    if (!kLevels.count(config.log_level))
      reject(value, "'log_level' must be one of trace, debug, info, warn, error");
  } else if (key == "retention_days") {
    config.retention_days = positive_int_of(value, key);
  } else if (key == "keep_unmatched") {
    config.keep_unmatched = bool_of(value, key);
  } else if (key == "wal_limit") {
    config.wal_limit = size_of(value, key);
    if (config.wal_limit < (1u << 20)) reject(value, "'wal_limit' must be at least 1MiB");
  } else if (key == "opml") {
    config.opml = relative_to(config.source, string_of(value, quoted(key)));
  } else if (key == "feed") {
    config.feeds = feeds_of(value, problems);
  } else if (kPlannedKeys.count(key)) {
    // Accepting a key that does nothing yet would mislead whoever set it.
    reject(value, "'" + key + "' is not supported by this version of newswatch yet");
  } else {
    reject(value, "unknown key '" + key + "'");
  }
}

}  // namespace

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value < 0) return std::nullopt;
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  long long scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1;
  else if (unit == "m" || unit == "min")
    scale = 60;
  else if (unit == "h")
    scale = 3600;
  else if (unit == "d")
    scale = 86400;
  else
    return std::nullopt;
  if (value > std::numeric_limits<long long>::max() / scale) return std::nullopt;
  return std::chrono::seconds(value * scale);
}

std::optional<std::size_t> parse_size(std::string_view text) {
  unsigned long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc()) return std::nullopt;
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  unsigned long long scale = 0;
  if (unit.empty() || unit == "B")
    scale = 1;
  else if (unit == "KiB")
    scale = 1ull << 10;
  else if (unit == "MiB")
    scale = 1ull << 20;
  else if (unit == "GiB")
    scale = 1ull << 30;
  else if (unit == "kB" || unit == "KB")
    scale = 1000;
  else if (unit == "MB")
    scale = 1000'000;
  else if (unit == "GB")
    scale = 1000'000'000;
  else
    return std::nullopt;
  if (value > std::numeric_limits<std::size_t>::max() / scale) return std::nullopt;
  return static_cast<std::size_t>(value * scale);
}

Result<Config> Config::load(const std::string& path) {
  try {
    toml::value root = parse_toml_file(path);
    Config config;
    config.source = path;
    Problems problems;
    for (const auto& [key, value] : root.as_table())
      problems.check([&, &key = key, &value = value] { apply_key(config, key, value, problems); });
    if (!config.opml.empty()) {
      auto extra = load_opml(config.opml);
      if (!extra) {
        problems.messages.push_back(extra.error().message);
      } else {
        config.feeds.insert(config.feeds.end(), extra->begin(), extra->end());
      }
    }
    if (!problems.messages.empty()) {
      // In the order of the file, as a person reads it.
      auto position = [](const std::string& message) {
        std::istringstream in(message.substr(message.find(':') + 1));
        std::size_t line = 0, column = 0;
        char colon = 0;
        in >> line >> colon >> column;
        return std::pair{line, column};
      };
      std::stable_sort(problems.messages.begin(), problems.messages.end(),
                       [&](const auto& a, const auto& b) { return position(a) < position(b); });
      std::string all;
      for (const auto& message : problems.messages) all += (all.empty() ? "" : "\n") + message;
      return fail(all);
    }
    return config;
  } catch (const TomlValueError& e) {
    return fail(e.message);
  } catch (const toml::exception& e) {
    return fail(toml_describe(e));
  }
}

Result<std::vector<FeedConfig>> load_feed_list(const std::string& path) {
  if (path.ends_with(".opml") || path.ends_with(".xml")) return load_opml(path);
  try {
    toml::value root = parse_toml_file(path);
    std::vector<FeedConfig> feeds;
    for (const auto& [key, value] : root.as_table()) {
      if (key != "feed")
        reject(value, "unknown key '" + key + "' in a feed list (expected [[feed]])");
      Problems problems;
      feeds = feeds_of(value, problems);
      if (!problems.messages.empty()) return fail(problems.messages.front());
    }
    return feeds;
  } catch (const TomlValueError& e) {
    return fail(e.message);
  } catch (const toml::exception& e) {
    return fail(toml_describe(e));
  }
}

}  // namespace newswatch
