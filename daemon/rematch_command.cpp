// `newswatch rematch`: applies the current topic packs to articles already stored — a pack
// change otherwise affects only what is polled after it. Safe while the daemon runs: the
// store writes in short transactions beside it (Store::rematch_stored).
#include <cstdio>
#include <string>

#include "daemon/commands.h"
#include "daemon/config_options.h"
#include "daemon/poller.h"
#include "daemon/stored_articles_options.h"
#include "feeds/shown_text.h"
#include "storage/store.h"

namespace newswatch {
namespace {

constexpr const char* kRematchUsage =
    R"(usage: newswatch rematch [--config FILE] [--db PATH] [--since DAYS] [--dry-run]

Matches the stored articles (relevant or not) again with the configuration's topic packs, as
`run` loads them, and prints each article whose topics change, with its id (items_v's
article_id) and title:

  gained  ID  +TOPIC...         no topic matched it; it is relevant now
  lost    ID  -TOPIC...         it was relevant; no topic matches it now
  topics  ID  +TOPIC -TOPIC...  relevant before and now, with other topics

then a summary, which also counts the articles whose topics stay but whose evidence (the
phrases, places and rules in `matches`) changes. Unless --dry-run, it writes the changes, a few
hundred articles per transaction, safe while the daemon runs and sqlite3 reads: each article's
matches are replaced; a gained article joins a story (clustered with the stored stories); a
lost one leaves its story and is an unmatched item from then on (forgotten retention_days after
it was last seen, unless keep_unmatched). Only the text an article keeps is matched: an
unmatched item kept its title and summary, not its content, and no item its categories beyond
those its matches name.

  --config FILE   the configuration naming the database and topic packs (default:
                  /etc/newswatch/newswatch.toml if it exists, else ./newswatch.db and the
                  built-in pack)
  --db PATH       the database (overrides the config's)
  --since DAYS    only articles published (or first seen) in the last DAYS days
  --dry-run       print what would change; write nothing
)";

std::string topic_changes(const MatchDiff& diff) {
  std::string out;
  for (const auto& topic : diff.added) out += (out.empty() ? "+" : " +") + topic;
  for (const auto& topic : diff.removed) out += (out.empty() ? "-" : " -") + topic;
  return out;
}

}  // namespace

int rematch_command(const Args& args) {
  auto parsed = stored_articles_options("rematch", kRematchUsage, args, true);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  StoredArticlesOptions& options = std::get<StoredArticlesOptions>(parsed);
  // No instance lock: the daemon may run; the store waits for its writes (busy timeout).
  auto store = Store::open(options.config.database, store_options_of(options.config));
  if (!store) {
    std::fprintf(stderr, "newswatch rematch: %s\n", store.error().message.c_str());
    return 1;
  }
  Matcher matcher(std::move(options.pack));
  auto stats = store->rematch_stored(
      options.since, [&](const Item& item) { return matched_item(item, matcher).matches; },
      !options.dry_run,
      [](const Store::RematchedArticle& article) {
        if (article.diff.kind == MatchDiff::Kind::kEvidence) return;
        std::printf("%-7s %6lld  %s  %s\n", kind_name(article.diff.kind),
                    static_cast<long long>(article.id), topic_changes(article.diff).c_str(),
                    printable(article.title).c_str());
      });
  if (!stats) {
    std::fflush(stdout);
    std::fprintf(stderr, "newswatch rematch: %s\n", stats.error().message.c_str());
    return 1;
  }
  std::printf(
      "rematched %d articles: %d gained, %d lost, %d with other topics, %d with other evidence "
      "only; %s\n",
      stats->articles, stats->gained, stats->lost, stats->topics, stats->evidence,
      options.dry_run ? "dry run, nothing written"
                      : ("written, " + std::to_string(stats->merged_stories) +
                         " stories of gained articles merged")
                            .c_str());
  return 0;
}

}  // namespace newswatch
