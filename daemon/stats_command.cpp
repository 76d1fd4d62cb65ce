// `newswatch stats`: the state of a watch at a glance — which feeds fail and why, what came in
// over the last day by topic, and the newest stories. Reads the database only; safe while the
// daemon runs.
#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "daemon/commands.h"
#include "daemon/config.h"
#include "feeds/shown_text.h"

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
std::string shown(const SQLite::Column& column) {
  return column.isNull() ? std::string("-") : printable(without_credentials(column.getString()));
}

// How many feeds, how many failing, and why each fails.
void print_feeds(SQLite::Database& db) {
  SQLite::Statement feeds(db,
                          "SELECT count(*), sum(disabled), "
                          "sum(last_error IS NOT NULL AND NOT disabled) FROM feeds");
  feeds.executeStep();
  std::printf(
      "Feeds: %d (%d ok, %d failing, %d disabled)\n", feeds.getColumn(0).getInt(),
      feeds.getColumn(0).getInt() - feeds.getColumn(1).getInt() - feeds.getColumn(2).getInt(),
      feeds.getColumn(2).getInt(), feeds.getColumn(1).getInt());
  SQLite::Statement failing(db,
                            "SELECT url, last_error, error_count, next_poll_at FROM feeds_v "
                            "WHERE last_error IS NOT NULL ORDER BY error_count DESC, url");
  while (failing.executeStep()) {
    std::printf("  %s\n    %s (%d in a row; next try %s)\n", shown(failing.getColumn(0)).c_str(),
                shown(failing.getColumn(1)).c_str(), failing.getColumn(2).getInt(),
                shown(failing.getColumn(3)).c_str());
  }
}

// Articles and stories per topic over the last day the database holds.
void print_last_day(SQLite::Database& db) {
  std::printf("\nLast 24 hours (by first seen):\n");
  SQLite::Statement day(db, R"sql(
    SELECT m.topic, count(DISTINCT a.id), count(DISTINCT a.story_id)
      FROM articles a JOIN matches m ON m.article_id = a.id
     WHERE a.story_id IS NOT NULL
       AND a.first_seen >= (SELECT max(first_seen) FROM articles) - 86400
     GROUP BY m.topic ORDER BY 2 DESC, m.topic)sql");
  std::printf("  %-16s %9s %8s\n", "topic", "articles", "stories");
  bool any = false;
  while (day.executeStep()) {
    any = true;
    std::printf("  %-16s %9d %8d\n", shown(day.getColumn(0)).c_str(), day.getColumn(1).getInt(),
                day.getColumn(2).getInt());
  }
  if (!any) std::printf("  (nothing kept)\n");
}

void print_newest_stories(SQLite::Database& db) {
  std::printf("\nNewest stories:\n");
  SQLite::Statement stories(db,
                            "SELECT story_id, last_seen, articles, outlets, "
                            "coalesce(topics, ''), title FROM stories_v "
                            "ORDER BY last_seen DESC, story_id DESC LIMIT 5");
  while (stories.executeStep()) {
    std::printf("  #%-6lld %s  %d articles, %d outlets  [%s]\n    %s\n",
                static_cast<long long>(stories.getColumn(0).getInt64()),
                shown(stories.getColumn(1)).c_str(), stories.getColumn(2).getInt(),
                stories.getColumn(3).getInt(), shown(stories.getColumn(4)).c_str(),
                shown(stories.getColumn(5)).c_str());
  }
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
  try {
    SQLite::Database db(db_path, SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    std::printf("%s\n\n", printable(db_path).c_str());

    print_feeds(db);
    print_last_day(db);
    print_newest_stories(db);
    return 0;
  } catch (const SQLite::Exception& e) {
    std::fprintf(stderr, "newswatch stats: %s: %s\n", printable(db_path).c_str(), e.what());
    return 1;
  }
}

}  // namespace newswatch
