#include "daemon/config.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "base/read_file.h"
#include "base/toml_errors.h"
#include "daemon/opml.h"
#include "storage/database_name.h"
#include "topics/topic_pack.h"

namespace newswatch {
namespace {

std::string quoted(const std::string& key) { return "'" + key + "'"; }

// Every mistake of a file, not only the first: each check that rejects a value is recorded
// and the reading goes on with the next key.
struct Problems {
  std::vector<Error> errors;

  template <typename Check>
  void check(Check&& check) {
    try {
      check();
    } catch (const TomlValueError& e) {
      errors.push_back(e.error);
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
  for (const auto& [key, value] : table.as_table())
    problems.check([&, &key = key, &value = value] {
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

// A program a hook runs: a path to an executable file, or a name found on PATH.
bool is_runnable(const std::string& program) {
  if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

AlertConfig alert_of(const toml::value& table, Problems& problems) {
  if (!table.is_table()) reject(table, "[[alert]] must be a table");
  AlertConfig alert;
  const toml::value* action = nullptr;
  for (const auto& [key, value] : table.as_table())
    problems.check([&, &key = key, &value = value] {
      if (key == "name") {
        alert.name = string_of(value, quoted(key));
      } else if (key == "topics") {
        if (!value.is_array()) reject(value, "'topics' must be an array of topic names");
        for (const auto& t : value.as_array()) {
          alert.topics.push_back(string_of(t, "a topic"));
          alert.topic_locations.push_back(toml_position(t.location()));
        }
      } else if (key == "min_outlets") {
        alert.min_outlets = positive_int_of(value, key);
      } else if (key == "timeout") {
        alert.timeout = duration_of(value, key);
      } else if (key == "exec") {
        if (!value.is_array() || value.as_array().empty())
          reject(value, "'exec' must be a program and its arguments: [\"/path/to/program\", ...]");
        for (const auto& arg : value.as_array())
          alert.exec.push_back(string_of(arg, "an argument"));
        alert.exec_location = toml_position(value.as_array().front().location());
        action = &value;
      } else if (key == "webhook") {
        alert.webhook = string_of(value, quoted(key));
        if (!alert.webhook.starts_with("http://") && !alert.webhook.starts_with("https://"))
          reject(value, "webhook url must start with http:// or https://");
        action = &value;
      } else {
        reject(value,
               "unknown key '" + key +
                   "' in [[alert]] (expected name, topics, min_outlets, exec, webhook, timeout)");
      }
    });
  if (!table.as_table().count("name")) reject(table, "[[alert]] needs a 'name'");
  if (table.as_table().count("exec") && table.as_table().count("webhook"))
    reject(action ? *action : table,
           "[[alert]] '" + alert.name + "' has both 'exec' and 'webhook'; choose one");
  if (!table.as_table().count("exec") && !table.as_table().count("webhook"))
    reject(table, "[[alert]] '" + alert.name + "' needs an action: 'exec' or 'webhook'");
  return alert;
}

std::vector<AlertConfig> alerts_of(const toml::value& value, Problems& problems) {
  if (!value.is_array()) reject(value, "'alert' must be an array of tables: [[alert]]");
  std::vector<AlertConfig> alerts;
  std::set<std::string> names;
  for (const auto& table : value.as_array())
    problems.check([&] {
      AlertConfig alert = alert_of(table, problems);
      if (!names.insert(alert.name).second)
        reject(table, "[[alert]] name '" + alert.name + "' is used twice");
      alerts.push_back(std::move(alert));
    });
  return alerts;
}

// [metrics] and [web]: a table of one key, listen = "host:port", loopback unless said otherwise.
std::string listen_of(const toml::value& value, const std::string& table,
                      const std::string& loopback) {
  if (!value.is_table()) reject(value, "'" + table + "' must be a table: [" + table + "]");
  std::string listen = loopback;
  for (const auto& [key, v] : value.as_table()) {
    if (key != "listen")
      reject(v, "unknown key '" + key + "' in [" + table + "] (expected listen)");
    listen = string_of(v, "'listen'");
    std::size_t colon = listen.rfind(':');
    bool port_ok = colon != std::string::npos && colon + 1 < listen.size() &&
                   listen.find_first_not_of("0123456789", colon + 1) == std::string::npos &&
                   listen.size() - colon - 1 <= 5;
    if (!port_ok) reject(v, "'listen' must be host:port, such as \"" + loopback + "\"");
  }
  return listen;
}

void apply_key(Config& config, const std::string& key, const toml::value& value,
               Problems& problems) {
  if (key == "database") {
    std::string database = string_of(value, quoted(key));
    config.database = is_postgresql(database) ? database : relative_to(config.source, database);
  } else if (key == "topics") {
    if (!value.is_array()) reject(value, "'topics' must be an array of file names");
    for (const auto& t : value.as_array())
      problems.check([&] {
        config.topics.push_back(relative_to(config.source, string_of(t, quoted(key))));
        config.topic_locations.push_back(toml_position(t.location()));
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
  } else if (key == "max_items") {
    config.max_items = positive_int_of(value, key);
  } else if (key == "memory_budget") {
    config.memory_budget = size_of(value, key);
    if (config.memory_budget < (1u << 20)) reject(value, "'memory_budget' must be at least 1MiB");
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
  } else if (key == "alert") {
    config.alerts = alerts_of(value, problems);
  } else if (key == "alert_max_age") {
    config.alert_max_age = duration_of(value, key);
  } else if (key == "metrics") {
    config.metrics_listen = listen_of(value, "metrics", "127.0.0.1:9464");
  } else if (key == "web") {
    config.web_listen = listen_of(value, "web", "127.0.0.1:8080");
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

namespace {

// Alert topics the packs at `packs` do not define (the built-in pack's when there are none),
// each at its file:line:column. A pack that does not load is someone else's error
// (check-config reports it), not this check's.
void check_alert_topics(const Config& config, const std::vector<std::string>& packs,
                        std::vector<Error>& problems) {
  if (config.alerts.empty()) return;
  std::vector<std::string> topics;
  if (config.topics.empty()) {
    for (const auto& topic : TopicPack::builtin().topics) topics.push_back(topic.name);
  }
  for (const auto& path : packs) {
    auto pack = TopicPack::load(path);
    if (!pack) return;
    for (const auto& topic : pack->topics) topics.push_back(topic.name);
  }
  std::string known;
  for (const auto& t : topics) known += (known.empty() ? "" : ", ") + t;
  for (const auto& alert : config.alerts) {
    for (std::size_t i = 0; i < alert.topics.size(); ++i) {
      if (std::find(topics.begin(), topics.end(), alert.topics[i]) != topics.end()) continue;
      problems.push_back(error_at(alert.topic_locations[i],
                                  "alert '" + alert.name + "' follows unknown topic '" +
                                      alert.topics[i] + "' (the topic packs have " + known + ")"));
    }
  }
}

// What `config` names on disk, checked (Config::load()), each problem added to `problems`.
void check_files(Config& config, std::vector<Error>& problems) {
  std::vector<std::string> packs;
  for (std::size_t i = 0; i < config.topics.size(); ++i) {
    if (std::filesystem::exists(config.topics[i])) {
      packs.push_back(config.topics[i]);
    } else {
      problems.push_back(
          error_at(config.topic_locations[i], "topic pack not found: " + config.topics[i]));
    }
  }
  for (const AlertConfig& alert : config.alerts) {
    if (!alert.exec.empty() && !is_runnable(alert.exec.front()))
      problems.push_back(error_at(
          alert.exec_location, "alert program not found or not executable: " + alert.exec.front()));
  }
  if (!config.opml.empty()) {
    auto extra = load_opml(config.opml);
    if (!extra) {
      problems.push_back(extra.error());
    } else {
      config.feeds.insert(config.feeds.end(), extra->begin(), extra->end());
    }
  }
  check_alert_topics(config, packs, problems);
}

// Config text read into a Config, each problem of a value added to `problems`; an error when
// the text is no TOML at all.
Result<Config> read_config(const std::string& text, const std::string& origin, Problems& problems) {
  return read_toml(origin, [&]() -> Result<Config> {
    toml::value root = parse_toml(text, origin);
    Config config;
    config.source = origin;
    for (const auto& [key, value] : root.as_table())
      problems.check([&, &key = key, &value = value] { apply_key(config, key, value, problems); });
    return config;
  });
}

// The problems as one error, in the order of the file, as a person reads it (a problem with
// no place, such as a file that cannot be opened, first).
Error in_file_order(std::vector<Error> problems) {
  auto position = [](const Error& error) {
    if (!error.position) return std::pair<std::size_t, std::size_t>{0, 0};
    return std::pair{error.position->line, error.position->column};
  };
  std::stable_sort(problems.begin(), problems.end(),
                   [&](const auto& a, const auto& b) { return position(a) < position(b); });
  std::string all;
  for (const auto& problem : problems) all += (all.empty() ? "" : "\n") + problem.message;
  return Error{all};
}

}  // namespace

Result<Config> Config::load(const std::string& path) {
  auto text = read_file(path);
  if (!text) return fail(path + ": cannot open file");
  Problems problems;
  auto config = read_config(*text, path, problems);
  if (!config) return config;
  // The disk's problems beside the text's: one run of check-config shows them all.
  check_files(*config, problems.errors);
  if (!problems.errors.empty()) return fail(in_file_order(std::move(problems.errors)));
  return config;
}

Result<Config> Config::parse(const std::string& text, const std::string& origin) {
  Problems problems;
  auto config = read_config(text, origin, problems);
  if (config && !problems.errors.empty()) return fail(in_file_order(std::move(problems.errors)));
  return config;
}

Result<std::vector<FeedConfig>> load_feed_list(const std::string& path) {
  if (path.ends_with(".opml") || path.ends_with(".xml")) return load_opml(path);
  auto text = read_file(path);
  if (!text) return fail(path + ": cannot open file");
  Problems problems;
  auto feeds = read_toml(path, [&]() -> Result<std::vector<FeedConfig>> {
    toml::value root = parse_toml(*text, path);
    std::vector<FeedConfig> feeds;
    for (const auto& [key, value] : root.as_table()) {
      problems.check([&, &key = key, &value = value] {
        if (key != "feed")
          reject(value, "unknown key '" + key + "' in a feed list (expected [[feed]])");
        auto listed = feeds_of(value, problems);
        feeds.insert(feeds.end(), listed.begin(), listed.end());
      });
    }
    return feeds;
  });
  if (feeds && !problems.errors.empty()) return fail(in_file_order(std::move(problems.errors)));
  return feeds;
}

}  // namespace newswatch
