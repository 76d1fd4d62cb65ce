// newswatch.toml: what to poll, how often, where to store, which topics to keep. Every key is
// documented in the README; an unknown key is an error, never silently ignored.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace newswatch {

struct FeedConfig {
  std::string url;
  std::string title;
  std::optional<std::chrono::seconds> interval;  // overrides Config::interval
  bool enabled = true;
};

// An [[alert]] hook: the stories it announces and what it does with each.
struct AlertConfig {
  std::string name;
  std::vector<std::string> topics;              // empty: every topic
  std::vector<SourcePosition> topic_locations;  // where each is, for later checks
  int min_outlets = 1;
  std::vector<std::string> exec;  // a program and its arguments, run without a shell
  SourcePosition exec_location;   // where the program is, for load()'s checks
  std::string webhook;            // or an http(s) URL to POST to
  std::chrono::seconds timeout{10};
};

struct Config {
  std::string source;  // the file it came from; empty for built-in defaults
  std::string database = "newswatch.db";
  std::vector<std::string> topics;  // topic pack files; empty: the built-in Iran–US pack
  std::vector<SourcePosition> topic_locations;  // where each is, for load()'s checks
  std::chrono::seconds interval{15 * 60};
  bool honor_feed_hints = true;  // ttl, sy:update*, skipHours/Days, Cache-Control, Expires
  std::chrono::seconds max_interval{6 * 3600};  // cap for hints and error backoff
  int concurrency = 16;
  int per_host = 2;  // transfers at once to one host
  std::chrono::seconds timeout{60};
  std::size_t max_body = 16u << 20;
  // Bytes of feed documents held at once, from their first byte to their storing.
  std::size_t memory_budget = 128u << 20;
  // Items read from one document; the rest are ignored, with a warning.
  int max_items = 1000;
  std::string log_level = "info";
  int retention_days = 30;            // how long items no topic matched are remembered
  bool keep_unmatched = false;        // remember them for good instead
  std::size_t wal_limit = 64u << 20;  // the write-ahead log stays under this
  std::string opml;                   // optional OPML file whose feeds join the [[feed]] tables
  std::vector<FeedConfig> feeds;
  std::vector<AlertConfig> alerts;
  std::chrono::seconds alert_max_age{24 * 3600};  // older news raises no alert
  std::optional<std::string> metrics_listen;      // [metrics] listen = "host:port"; absent: off
  std::optional<std::string> web_listen;          // [web] listen = "host:port"; absent: off

  // Loads a config file: reads it, parse()s it, then checks what it names on disk: the OPML
  // file, whose feeds join `feeds`; the topic packs, which must exist and define the topics
  // alerts follow; the alert programs, which must be executable. Relative paths are relative
  // to the file's directory. Every problem of the text and of the disk is reported, one per
  // line in the order of the file, each naming file:line:column and what was expected.
  static Result<Config> load(const std::string& path);
  // Reads config text as load() reads a file, and nothing else: no file is opened and no
  // program looked up. `origin` is the file it stands for, named in errors and the directory
  // relative paths start from.
  static Result<Config> parse(const std::string& text, const std::string& origin);
};

// Reads a feed list: OPML (outlines with xmlUrl, nested folders) or TOML ([[feed]] tables),
// chosen by the file's extension.
Result<std::vector<FeedConfig>> load_feed_list(const std::string& path);

// Parses "90s", "15m", "6h", "1d" or a plain number of seconds.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);
// Parses "16MiB", "512KiB", "1GiB", "1000" (bytes), "10MB".
std::optional<std::size_t> parse_size(std::string_view text);

}  // namespace newswatch
