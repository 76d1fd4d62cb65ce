#include "storage/store_reader.h"

#include <SQLiteCpp/SQLiteCpp.h>

namespace newswatch {
namespace {

std::optional<std::string> text(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getString();
}

// Runs `read` on the connection, turning SQLite's exception into an Error with its message.
template <typename Read>
auto reading(Read read) -> Result<decltype(read())> {
  try {
    return read();
  } catch (const SQLite::Exception& e) {
    return fail(std::string(e.what()));
  }
}

}  // namespace

StoreReader::StoreReader(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
StoreReader::StoreReader(StoreReader&&) noexcept = default;
StoreReader& StoreReader::operator=(StoreReader&&) noexcept = default;
StoreReader::~StoreReader() = default;

Result<StoreReader> StoreReader::open(const std::string& path, int busy_timeout_ms) {
  return reading([&] {
    auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY);
    if (busy_timeout_ms > 0) db->setBusyTimeout(busy_timeout_ms);
    return StoreReader(std::move(db));
  });
}

Result<FeedHealth> StoreReader::feed_health() {
  return reading([&] {
    FeedHealth health;
    SQLite::Statement feeds(*db_,
                            "SELECT count(*), sum(disabled), "
                            "sum(last_error IS NOT NULL AND NOT disabled) FROM feeds");
    feeds.executeStep();
    health.feeds = feeds.getColumn(0).getInt();
    health.disabled = feeds.getColumn(1).getInt();
    health.failing = feeds.getColumn(2).getInt();
    SQLite::Statement failing(*db_,
                              "SELECT url, last_error, error_count, next_poll_at FROM feeds_v "
                              "WHERE last_error IS NOT NULL ORDER BY error_count DESC, url");
    while (failing.executeStep()) {
      health.failing_feeds.push_back({text(failing.getColumn(0)), text(failing.getColumn(1)),
                                      failing.getColumn(2).getInt(), text(failing.getColumn(3))});
    }
    return health;
  });
}

Result<std::vector<TopicDay>> StoreReader::last_day_by_topic() {
  return reading([&] {
    SQLite::Statement day(*db_, R"sql(
      SELECT m.topic, count(DISTINCT a.id), count(DISTINCT a.story_id)
        FROM articles a JOIN matches m ON m.article_id = a.id
       WHERE a.story_id IS NOT NULL
         AND a.first_seen >= (SELECT max(first_seen) FROM articles) - 86400
       GROUP BY m.topic ORDER BY 2 DESC, m.topic)sql");
    std::vector<TopicDay> topics;
    while (day.executeStep())
      topics.push_back(
          {text(day.getColumn(0)), day.getColumn(1).getInt(), day.getColumn(2).getInt()});
    return topics;
  });
}

Result<std::vector<StoryGlance>> StoreReader::newest_stories(int limit) {
  return reading([&] {
    SQLite::Statement newest(*db_,
                             "SELECT story_id, last_seen, articles, outlets, "
                             "coalesce(topics, ''), title FROM stories_v "
                             "ORDER BY last_seen DESC, story_id DESC LIMIT ?");
    newest.bind(1, limit);
    std::vector<StoryGlance> stories;
    while (newest.executeStep()) {
      stories.push_back({newest.getColumn(0).getInt64(), text(newest.getColumn(1)),
                         newest.getColumn(2).getInt(), newest.getColumn(3).getInt(),
                         text(newest.getColumn(4)), text(newest.getColumn(5))});
    }
    return stories;
  });
}

Result<KeptCounts> StoreReader::kept_counts() {
  return reading([&] {
    KeptCounts counts;
    counts.articles =
        db_->execAndGet("SELECT count(*) FROM articles WHERE story_id IS NOT NULL").getInt64();
    counts.stories = db_->execAndGet("SELECT count(*) FROM stories").getInt64();
    return counts;
  });
}

Result<std::vector<UrlSighting>> StoreReader::url_sightings() {
  return reading([&] {
    SQLite::Statement sightings(*db_, "SELECT url, article_id, story_id FROM sightings_v");
    std::vector<UrlSighting> found;
    while (sightings.executeStep()) {
      if (sightings.getColumn(0).isNull()) continue;
      UrlSighting& sighting = found.emplace_back();
      sighting.url = sightings.getColumn(0).getString();
      sighting.article_id = sightings.getColumn(1).getInt64();
      if (!sightings.getColumn(2).isNull()) sighting.story_id = sightings.getColumn(2).getInt64();
    }
    return found;
  });
}

Result<std::vector<ArticleTopics>> StoreReader::article_topics() {
  return reading([&] {
    SQLite::Statement kept(*db_, "SELECT article_id, coalesce(topics, '') FROM items_v");
    std::vector<ArticleTopics> found;
    while (kept.executeStep())
      found.push_back({kept.getColumn(0).getInt64(), kept.getColumn(1).getString()});
    return found;
  });
}

namespace {

// The articles kept that were first seen in [?1, ?2), as a subquery's WHERE.
constexpr const char* kInPeriod =
    "a.story_id IS NOT NULL AND a.first_seen >= ?1 AND a.first_seen < ?2";

std::vector<ReportArticle> read_report_articles(SQLite::Database& db, std::int64_t since,
                                                std::int64_t until) {
  SQLite::Statement read(db, std::string(R"sql(
      SELECT a.id, a.story_id, a.title,
             coalesce(a.url, CASE WHEN a.canonical_url LIKE 'http%' THEN a.canonical_url END),
             coalesce(nullif(a.outlet, ''), nullif(f.title, ''), f.url), a.first_seen, a.published,
             CASE WHEN json_valid(a.signature)
                  THEN coalesce(json_extract(a.signature, '$.language'), '') ELSE '' END
        FROM articles a JOIN feeds f ON f.id = a.feed_id
       WHERE )sql") + kInPeriod + " ORDER BY a.first_seen, a.id");
  read.bind(1, since);
  read.bind(2, until);
  std::vector<ReportArticle> articles;
  while (read.executeStep()) {
    ReportArticle& article = articles.emplace_back();
    article.id = read.getColumn(0).getInt64();
    article.story_id = read.getColumn(1).getInt64();
    article.title = read.getColumn(2).getString();
    article.url = text(read.getColumn(3));
    article.outlet = read.getColumn(4).getString();
    article.first_seen = read.getColumn(5).getInt64();
    if (!read.getColumn(6).isNull()) article.published = read.getColumn(6).getInt64();
    article.language = read.getColumn(7).getString();
  }
  return articles;
}

std::vector<ReportMatch> read_report_matches(SQLite::Database& db, std::int64_t since,
                                             std::int64_t until) {
  SQLite::Statement read(db, std::string("SELECT DISTINCT m.article_id, m.topic, m.term "
                                         "FROM matches m JOIN articles a ON a.id = m.article_id "
                                         "WHERE ") +
                                 kInPeriod + " ORDER BY 1, 2, 3");
  read.bind(1, since);
  read.bind(2, until);
  std::vector<ReportMatch> matches;
  while (read.executeStep())
    matches.push_back({read.getColumn(0).getInt64(), read.getColumn(1).getString(),
                       read.getColumn(2).getString()});
  return matches;
}

std::vector<ReportStory> read_report_stories(SQLite::Database& db, std::int64_t since,
                                             std::int64_t until) {
  SQLite::Statement read(db, std::string(R"sql(
      SELECT s.id, s.title, s.first_seen, s.last_seen,
             (SELECT count(*) FROM articles b WHERE b.story_id = s.id AND b.first_seen < ?1)
        FROM stories s
       WHERE s.id IN (SELECT a.story_id FROM articles a WHERE )sql") +
                                 kInPeriod + ") ORDER BY s.id");
  read.bind(1, since);
  read.bind(2, until);
  std::vector<ReportStory> stories;
  while (read.executeStep())
    stories.push_back({read.getColumn(0).getInt64(), read.getColumn(1).getString(),
                       read.getColumn(2).getInt64(), read.getColumn(3).getInt64(),
                       read.getColumn(4).getInt()});
  return stories;
}

}  // namespace

Result<ReportRows> StoreReader::report_rows(std::int64_t since, std::int64_t until) {
  return reading([&] {
    SQLite::Transaction snapshot(*db_);  // read-only: one snapshot for the three reads
    ReportRows rows;
    rows.articles = read_report_articles(*db_, since, until);
    rows.matches = read_report_matches(*db_, since, until);
    rows.stories = read_report_stories(*db_, since, until);
    return rows;
  });
}

}  // namespace newswatch
