// `newswatch stats`: the state of a watch at a glance — which feeds fail and why, what came in
// over the last day by topic, and the newest stories. Reads the database only; safe while the
// daemon runs.
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "daemon/commands.h"
#include "daemon/config.h"
#include "feeds/shown_text.h"
#include "storage/database_name.h"
#include "storage/store_reader.h"

namespace newswatch {
namespace {

constexpr const char* kStatsUsage = R"(usage: newswatch stats [--config FILE] [--db PATH]

Prints a one-screen summary of a newswatch database: feeds ok and failing (with the last
error), articles and stories of the last 24 hours by topic, and the five newest stories.

  --config FILE   the configuration naming the database (default: /etc/newswatch/newswatch.toml
                  if it exists, else ./newswatch.db)
  --db PATH       the database (overrides the config's)
)";

// Text from the database as a terminal may show it: feed titles and errors are the
// publisher's, and an escape sequence in one would act on the terminal; URLs lose their
// passwords.
std::string shown(const std::optional<std::string>& text) {
  return text ? printable(without_credentials(*text)) : std::string("-");
}

// How many feeds, how many failing, and why each fails.
Result<void> print_feeds(StoreReader& store) {
  auto health = store.feed_health();
  if (!health) return fail(health.error());
  std::printf("Feeds: %d (%d ok, %d failing, %d disabled)\n", health->feeds,
              health->feeds - health->disabled - health->failing, health->failing,
              health->disabled);
  for (const auto& feed : health->failing_feeds) {
    std::printf("  %s\n    %s (%d in a row; next try %s)\n", shown(feed.url).c_str(),
                shown(feed.last_error).c_str(), feed.error_count, shown(feed.next_poll_at).c_str());
  }
  return {};
}

// Articles and stories per topic over the last day the database holds.
Result<void> print_last_day(StoreReader& store) {
  std::printf("\nLast 24 hours (by first seen):\n");
  auto day = store.last_day_by_topic();
  if (!day) return fail(day.error());
  std::printf("  %-16s %9s %8s\n", "topic", "articles", "stories");
  for (const TopicDay& topic : *day)
    std::printf("  %-16s %9d %8d\n", shown(topic.topic).c_str(), topic.articles, topic.stories);
  if (day->empty()) std::printf("  (nothing kept)\n");
  return {};
}

Result<void> print_newest_stories(StoreReader& store) {
  std::printf("\nNewest stories:\n");
  auto stories = store.newest_stories(5);
  if (!stories) return fail(stories.error());
  for (const StoryGlance& story : *stories) {
    std::printf("  #%-6lld %s  %d articles, %d outlets  [%s]\n    %s\n",
                static_cast<long long>(story.id), shown(story.last_seen).c_str(), story.articles,
                story.outlets, shown(story.topics).c_str(), shown(story.title).c_str());
  }
  return {};
}

// The three sections, each printed as soon as it is read; stops at the first that fails.
Result<void> print_stats(StoreReader& store) {
  for (auto print : {print_feeds, print_last_day, print_newest_stories}) {
    if (auto printed = print(store); !printed) return printed;
  }
  return {};
}

}  // namespace

int stats_command(const Args& args) {
  std::string config_path, db_path;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(kStatsUsage, stdout);
      return 0;
    }
    if ((args[i] == "--config" || args[i] == "--db") && i + 1 < args.size()) {
      (args[i] == "--db" ? db_path : config_path) = args[i + 1];
      ++i;
      continue;
    }
    std::fprintf(stderr, "newswatch stats: bad argument '%s'\n%s", args[i].c_str(), kStatsUsage);
    return 2;
  }
  if (db_path.empty()) {
    auto configured = configured_database(config_path);
    if (!configured) {
      std::fprintf(stderr, "newswatch stats: %s\n", configured.error().message.c_str());
      return 1;
    }
    db_path = *configured;
  }
  auto store = StoreReader::open(db_path, 5000);
  if (store) std::printf("%s\n\n", printable(redacted_database(db_path)).c_str());
  Result<void> printed = store ? print_stats(*store) : fail(store.error());
  if (!printed) {
    std::fprintf(stderr, "newswatch stats: %s: %s\n", printable(redacted_database(db_path)).c_str(),
                 printed.error().message.c_str());
    return 1;
  }
  return 0;
}

}  // namespace newswatch
