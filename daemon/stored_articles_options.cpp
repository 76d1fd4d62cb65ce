#include "daemon/stored_articles_options.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <optional>

#include "feeds/shown_text.h"

namespace newswatch {
namespace {

// A positive whole number of days, or nullopt.
std::optional<long> days_of(const std::string& value) {
  std::size_t used = 0;
  long number = 0;
  try {
    number = std::stol(value, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != value.size() || number <= 0) return std::nullopt;
  return number;
}

// The configuration at `config_path` (the system's when there is one and none is given)
// with `db` for its database, its topic packs, and a check that the database exists; else an
// exit status, having said why.
std::variant<int, StoredArticlesOptions> watch_of(const char* command, std::string config_path,
                                                  const std::string& db) {
  if (config_path.empty() && std::filesystem::exists(kSystemConfig)) config_path = kSystemConfig;
  StoredArticlesOptions options;
  if (!config_path.empty()) {
    auto loaded = Config::load(config_path);
    if (!loaded) {
      std::fprintf(stderr, "newswatch %s: %s\n", command, loaded.error().message.c_str());
      return 1;
    }
    options.config = std::move(*loaded);
  }
  if (!db.empty()) options.config.database = db;
  auto pack = load_topic_packs(options.config.topics);
  if (!pack) {
    std::fprintf(stderr, "newswatch %s: %s\n", command, pack.error().message.c_str());
    return 1;
  }
  options.pack = std::move(*pack);
  // Opening a database creates it: a mistyped path would otherwise report an empty watch.
  if (!std::filesystem::exists(options.config.database)) {
    std::fprintf(stderr, "newswatch %s: %s: no such database\n", command,
                 printable(options.config.database).c_str());
    return 1;
  }
  return options;
}

}  // namespace

std::variant<int, StoredArticlesOptions> stored_articles_options(const char* command,
                                                                 const char* usage,
                                                                 const Args& args,
                                                                 bool takes_dry_run) {
  std::string config_path, db;
  std::optional<long> days;
  bool dry_run = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(usage, stdout);
      return 0;
    }
    if (arg == "--dry-run" && takes_dry_run) {
      dry_run = true;
      continue;
    }
    if ((arg == "--config" || arg == "--db" || arg == "--since") && i + 1 < args.size()) {
      const std::string& value = args[++i];
      if (arg == "--since") {
        days = days_of(value);
        if (!days) {
          std::fprintf(stderr, "newswatch %s: --since wants a number of days, not '%s'\n", command,
                       printable(value).c_str());
          return 2;
        }
      } else {
        (arg == "--db" ? db : config_path) = value;
      }
      continue;
    }
    std::fprintf(stderr, "newswatch %s: bad argument '%s'\n%s", command, printable(arg).c_str(),
                 usage);
    return 2;
  }
  auto watched = watch_of(command, config_path, db);
  if (std::holds_alternative<int>(watched)) return watched;
  auto& options = std::get<StoredArticlesOptions>(watched);
  constexpr long kDay = 24 * 3600;
  UnixSeconds now = std::time(nullptr);
  options.since = days && *days < now / kDay ? now - *days * kDay : 0;  // else: all
  options.dry_run = dry_run;
  return watched;
}

}  // namespace newswatch
