// `newswatch recluster`: applies the current story clustering to articles already stored —
// after an upgrade that changed it, or a new topic pack. Refused while the daemon runs on the
// database: both would write stories at once.
#include <cstdio>
#include <string>

#include "daemon/commands.h"
#include "daemon/config_options.h"
#include "daemon/instance_lock.h"
#include "daemon/poller.h"
#include "daemon/stored_articles_options.h"
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
  auto parsed = stored_articles_options("recluster", kReclusterUsage, args, false);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  StoredArticlesOptions& options = std::get<StoredArticlesOptions>(parsed);
  const Config& config = options.config;
  auto lock = InstanceLock::acquire(config.database);
  if (!lock) {
    std::fprintf(stderr,
                 "newswatch recluster: %s\nStop the daemon first (systemctl stop newswatch), "
                 "then run recluster again.\n",
                 lock.error().message.c_str());
    return 1;
  }
  StoreOptions store_options = store_options_of(config);
  store_options.company = StoreOptions::Company::nobody;  // PostgreSQL's, as the lock file above
  auto store = Store::open(config.database, store_options);
  if (!store) {
    std::fprintf(stderr, "newswatch recluster: %s\n", store.error().message.c_str());
    return 1;
  }
  Matcher matcher(std::move(options.pack));
  auto stats = store->recluster_stored(
      options.since, [&](const Item& item) { return matched_item(item, matcher).matches; });
  if (!stats) {
    std::fprintf(stderr, "newswatch recluster: %s\n", stats.error().message.c_str());
    return 1;
  }
  std::printf("reclustered %d articles: %d stories before, %d after\n", stats->articles,
              stats->stories_before, stats->stories_after);
  return 0;
}

}  // namespace newswatch
