// `newswatch forget`: delete articles for good. Their tombstones keep them from coming back.
#include <cstdio>
#include <filesystem>
#include <string>

#include "daemon/commands.h"
#include "daemon/config.h"
#include "storage/store.h"

namespace newswatch {
namespace {

constexpr const char* kForgetUsage =
    R"(usage: newswatch forget [--config FILE] [--db PATH] ARTICLE_ID...

Deletes articles (the article_id of items_v) with their sightings and matches, and leaves a
tombstone for every key they were known by, so that no feed brings them back. Safe while
the daemon runs.

  --config FILE   the configuration naming the database (default: /etc/newswatch/newswatch.toml
                  if it exists, else ./newswatch.db)
  --db PATH       the database (overrides the config's)
)";

}  // namespace

int forget_command(const Args& args) {
  std::string config_path, db;
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kForgetUsage, stdout);
      return 0;
    }
    if ((arg == "--config" || arg == "--db") && i + 1 < args.size()) {
      (arg == "--db" ? db : config_path) = args[++i];
      continue;
    }
    std::size_t used = 0;
    long long id = 0;
    try {
      id = std::stoll(arg, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != arg.size() || id <= 0) {
      std::fprintf(stderr, "newswatch forget: not an article id: '%s'\n%s", arg.c_str(),
                   kForgetUsage);
      return 2;
    }
    ids.push_back(id);
  }
  if (ids.empty()) {
    std::fputs(kForgetUsage, stderr);
    return 2;
  }
  if (db.empty()) {
    auto configured = configured_database(config_path);
    if (!configured) {
      std::fprintf(stderr, "newswatch forget: %s\n", configured.error().message.c_str());
      return 1;
    }
    db = *configured;
  }
  auto store = Store::open(db);
  if (!store) {
    std::fprintf(stderr, "newswatch forget: %s\n", store.error().message.c_str());
    return 1;
  }
  auto removed = store->forget(ids);
  if (!removed) {
    std::fprintf(stderr, "newswatch forget: %s\n", removed.error().message.c_str());
    return 1;
  }
  std::printf("forgot %d of %zu articles\n", *removed, ids.size());
  return *removed == static_cast<int>(ids.size()) ? 0 : 1;
}

}  // namespace newswatch
