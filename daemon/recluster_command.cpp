// `newswatch recluster`: applies the current story clustering to articles already stored —
// after an upgrade that changed it, or a new topic pack. Refused while the daemon runs on the
// database: both would write stories at once.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>

#include "daemon/commands.h"
#include "daemon/config.h"
#include "daemon/instance_lock.h"
#include "daemon/poller.h"
#include "storage/store.h"

namespace newswatch {
namespace {

constexpr const char* kReclusterUsage =
    R"(usage: newswatch recluster [--config FILE] [--db PATH] [--since DAYS]

Clusters the stored relevant articles into stories again with the current method: each
article's signature is computed again from its stored text (with the configuration's topic
packs), and the articles of the last DAYS days (default: all) are regrouped, beside the week
before them. Every article is kept; a story keeps its id (and its alerts) with its oldest
article. Needed once after an upgrade that changed the clustering. The daemon must be stopped
first (systemctl stop newswatch); readers such as sqlite3 may stay.

  --config FILE   the configuration naming the database and topic packs (default:
                  /etc/newswatch/newswatch.toml if it exists, else ./newswatch.db and the
                  built-in pack)
  --db PATH       the database (overrides the config's)
  --since DAYS    only articles published (or first seen) in the last DAYS days
)";

}  // namespace

int recluster_command(const Args& args) {
  std::string config_path, db;
  std::optional<long> days;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kReclusterUsage, stdout);
      return 0;
    }
    if ((arg == "--config" || arg == "--db" || arg == "--since") && i + 1 < args.size()) {
      const std::string& value = args[++i];
      if (arg == "--since") {
        std::size_t used = 0;
        try {
          days = std::stol(value, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used != value.size() || *days <= 0) {
          std::fprintf(stderr, "newswatch recluster: --since wants a number of days, not '%s'\n",
                       value.c_str());
          return 2;
        }
      } else {
        (arg == "--db" ? db : config_path) = value;
      }
      continue;
    }
    std::fprintf(stderr, "newswatch recluster: bad argument '%s'\n%s", arg.c_str(),
                 kReclusterUsage);
    return 2;
  }
  if (config_path.empty() && std::filesystem::exists(kSystemConfig)) config_path = kSystemConfig;
  Config config;
  if (!config_path.empty()) {
    auto loaded = Config::load(config_path);
    if (!loaded) {
      std::fprintf(stderr, "newswatch recluster: %s\n", loaded.error().message.c_str());
      return 1;
    }
    config = std::move(*loaded);
  }
  if (!db.empty()) config.database = db;
  auto pack = load_topic_packs(config.topics);
  if (!pack) {
    std::fprintf(stderr, "newswatch recluster: %s\n", pack.error().message.c_str());
    return 1;
  }
  auto lock = InstanceLock::acquire(config.database);
  if (!lock) {
    std::fprintf(stderr,
                 "newswatch recluster: %s\nStop the daemon first (systemctl stop newswatch), "
                 "then run recluster again.\n",
                 lock.error().message.c_str());
    return 1;
  }
  auto store = Store::open(config.database, store_options_of(config));
  if (!store) {
    std::fprintf(stderr, "newswatch recluster: %s\n", store.error().message.c_str());
    return 1;
  }
  Matcher matcher(std::move(*pack));
  UnixSeconds since = days ? std::time(nullptr) - *days * 24 * 3600 : 0;
  auto stats = store->recluster_stored(
      since, [&](const Item& item) { return matched_item(item, matcher).matches; });
  if (!stats) {
    std::fprintf(stderr, "newswatch recluster: %s\n", stats.error().message.c_str());
    return 1;
  }
  std::printf("reclustered %d articles: %d stories before, %d after\n", stats->articles,
              stats->stories_before, stats->stories_after);
  return 0;
}

}  // namespace newswatch
