// A read-only connection to a database the daemon may be writing (SQLite's or PostgreSQL's): what
// `newswatch stats`, the metrics endpoint, `newswatch eval`, `newswatch report` and the web page
// ask of it, answered as plain values. WAL lets it read while the writer writes; it never creates,
// migrates or locks the database. Text a column may hold NULL in comes as an empty optional; the
// caller decides how to show it. One thread at a time: the connection has no mutex of its own
// (SQLITE_OPEN_NOMUTEX), which took a tenth of a month's report.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace SQLite {
class Database;
}
namespace newswatch::sql {
class Connection;
}

namespace newswatch {

// The feeds table at a glance, and the failing feeds (feeds_v), most errors in a row first.
struct FeedHealth {
  int feeds = 0, disabled = 0;
  int failing = 0;  // enabled, with an error
  struct Failing {
    std::optional<std::string> url, last_error;
    int error_count = 0;
    std::optional<std::string> next_poll_at;  // as feeds_v shows it
    bool disabled = false;                    // by a 410 Gone: no longer polled
  };
  std::vector<Failing> failing_feeds;  // disabled ones too
};

// Articles (in stories) and their stories of one topic, first seen in the last 24 hours
// before the newest article.
struct TopicDay {
  std::optional<std::string> topic;
  int articles = 0, stories = 0;
};

// A story as stories_v shows it.
struct StoryGlance {
  std::int64_t id = 0;
  std::optional<std::string> last_seen;
  int articles = 0, outlets = 0;
  std::optional<std::string> topics;  // comma-separated, empty when none
  std::optional<std::string> title;
};

// The relevant articles kept (those in a story), and the stories.
struct KeptCounts {
  std::int64_t articles = 0, stories = 0;
};

// Where an item's URL was seen: the article it is, and that article's story if relevant.
struct UrlSighting {
  std::string url;
  std::int64_t article_id = 0;
  std::optional<std::int64_t> story_id;
};

// An article's topics (items_v), comma-separated, empty when none matched.
struct ArticleTopics {
  std::int64_t article_id = 0;
  std::string topics;
};

// What `newswatch report` reads of a period [since, until) of first-seen times: the articles
// kept in it, what they matched, and their stories.
struct ReportArticle {
  std::int64_t id = 0, story_id = 0;
  std::string title;
  std::optional<std::string> url;
  std::string outlet;  // the article's outlet, else its feed's title, else the feed's URL
  std::int64_t first_seen = 0;
  std::optional<std::int64_t> published;
  std::string language;  // its story signature's code ("en", "fa"), "" when unknown
};
// A topic and a term one article matched, as indexes into ReportRows::names: a month of news
// has hundreds of thousands of matches but a few hundred names.
struct ReportMatch {
  std::int64_t article_id = 0;
  int topic = 0, term = 0;
  auto operator<=>(const ReportMatch&) const = default;
};
struct ReportStory {
  std::int64_t id = 0;
  std::string title;
  std::int64_t first_seen = 0, last_seen = 0;
  int articles_before = 0;  // its articles first seen before the period
};
struct ReportRows {
  std::vector<ReportArticle> articles;  // by first seen
  std::vector<ReportMatch> matches;     // one per article, topic and term; sorted
  std::vector<ReportStory> stories;     // those of the articles, by id
  std::vector<std::string> names;       // of the matches' topics and terms, sorted
};

class StoreReader {
 public:
  // Opens the database at `path` read-only (a postgresql:// URI: a connection that only reads);
  // a read of SQLite's waits up to `busy_timeout_ms` for a lock.
  static Result<StoreReader> open(const std::string& path, int busy_timeout_ms = 0);
  StoreReader(StoreReader&&) noexcept;
  StoreReader& operator=(StoreReader&&) noexcept;
  ~StoreReader();

  // Each fails with the database's message alone: the caller knows which database it opened.
  Result<FeedHealth> feed_health();
  // By topic, most articles first.
  Result<std::vector<TopicDay>> last_day_by_topic();
  // The `limit` stories seen last, newest first.
  Result<std::vector<StoryGlance>> newest_stories(int limit);
  Result<KeptCounts> kept_counts();
  // Changes when another connection has committed since (SQLite's PRAGMA data_version;
  // on PostgreSQL, as other transactions end).
  Result<std::int64_t> data_version();
  // Every sighting with a URL (sightings_v), in the view's order.
  Result<std::vector<UrlSighting>> url_sightings();
  Result<std::vector<ArticleTopics>> article_topics();
  // Read in one transaction, so the three agree while the daemon writes.
  Result<ReportRows> report_rows(std::int64_t since, std::int64_t until);
  // The same of one story: all its articles first seen before `until`.
  Result<ReportRows> story_rows(std::int64_t story, std::int64_t until);
  // Up to `limit` kept articles whose title, summary or content hold every word of `query`
  // (full-text, articles_fts), best match first; none for a query of no words.
  Result<std::vector<ReportArticle>> search_articles(const std::string& query, int limit);

 private:
  StoreReader(std::unique_ptr<SQLite::Database> db, std::unique_ptr<sql::Connection> sql);

  std::unique_ptr<SQLite::Database> db_;  // SQLite's; null on PostgreSQL
  std::unique_ptr<sql::Connection> sql_;  // every read, on either backend
};

}  // namespace newswatch
