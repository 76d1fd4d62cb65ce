#include "storage/store_reader.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <numeric>
#include <string_view>
#include <unordered_map>

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
    auto db =
        std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX);
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
    SQLite::Statement failing(
        *db_,
        "SELECT url, last_error, error_count, next_poll_at, disabled FROM feeds_v "
        "WHERE last_error IS NOT NULL ORDER BY error_count DESC, url");
    while (failing.executeStep()) {
      health.failing_feeds.push_back({text(failing.getColumn(0)), text(failing.getColumn(1)),
                                      failing.getColumn(2).getInt(), text(failing.getColumn(3)),
                                      failing.getColumn(4).getInt() != 0});
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

Result<std::int64_t> StoreReader::data_version() {
  return reading([&] { return db_->execAndGet("PRAGMA data_version").getInt64(); });
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

// Which kept articles a report reads: those first seen in [?1, ?2), and when ?3 is bound, of
// that story only (a condition of its own, so that SQLite takes the story's index).
std::string report_scope(bool one_story) {
  return std::string("a.story_id IS NOT NULL AND a.first_seen >= ?1 AND a.first_seen < ?2") +
         (one_story ? " AND a.story_id = ?3" : "");
}

struct Scope {
  std::int64_t since, until;
  std::optional<std::int64_t> story;

  void bind(SQLite::Statement& statement) const {
    statement.bind(1, since);
    statement.bind(2, until);
    if (story) statement.bind(3, *story);
  }
};

// The columns read_article() reads, from articles a joined with feeds f. All but a missing
// link's fallback are in articles_kept_seen (schema 10), the language by the same expression:
// a period's articles are read from the index, not from their rows.
constexpr const char* kArticleColumns = R"sql(
    a.id, a.story_id, a.title,
    coalesce(a.url, CASE WHEN a.canonical_url LIKE 'http%' THEN a.canonical_url END),
    coalesce(nullif(a.outlet, ''), nullif(f.title, ''), f.url), a.first_seen, a.published,
    coalesce(CASE WHEN json_valid(a.signature) THEN json_extract(a.signature, '$.language') END,
             ''))sql";

ReportArticle read_article(SQLite::Statement& read) {
  ReportArticle article;
  article.id = read.getColumn(0).getInt64();
  article.story_id = read.getColumn(1).getInt64();
  article.title = read.getColumn(2).getString();
  article.url = text(read.getColumn(3));
  article.outlet = read.getColumn(4).getString();
  article.first_seen = read.getColumn(5).getInt64();
  if (!read.getColumn(6).isNull()) article.published = read.getColumn(6).getInt64();
  article.language = read.getColumn(7).getString();
  return article;
}

// In the index's order, so that SQLite sorts nothing.
std::vector<ReportArticle> read_report_articles(SQLite::Database& db, const Scope& scope) {
  SQLite::Statement read(db, std::string("SELECT ") + kArticleColumns +
                                 " FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE " +
                                 report_scope(scope.story.has_value()) +
                                 " ORDER BY a.first_seen, a.story_id");
  scope.bind(read);
  std::vector<ReportArticle> articles;
  while (read.executeStep()) articles.push_back(read_article(read));
  return articles;
}

// Topic and term names as ids, each name kept once.
class Names {
 public:
  int id(const SQLite::Column& column) {
    std::string_view name(static_cast<const char*>(column.getBlob()),
                          static_cast<std::size_t>(column.getBytes()));
    if (auto known = ids_.find(name); known != ids_.end()) return known->second;
    names_.emplace_back(name);
    return ids_.emplace(name, static_cast<int>(names_.size() - 1)).first->second;
  }

  // The names in order, and the ids in `matches` renumbered to follow it.
  std::vector<std::string> sort(std::vector<ReportMatch>& matches) {
    std::vector<int> order(names_.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return names_[a] < names_[b]; });
    std::vector<int> renumbered(names_.size());
    std::vector<std::string> sorted;
    for (int id : order) {
      renumbered[id] = static_cast<int>(sorted.size());
      sorted.push_back(names_[id]);
    }
    for (ReportMatch& match : matches) {
      match.topic = renumbered[match.topic];
      match.term = renumbered[match.term];
    }
    return sorted;
  }

 private:
  struct Hash {
    using is_transparent = void;  // looked up by the column's text, not a copy of it
    std::size_t operator()(std::string_view name) const {
      return std::hash<std::string_view>{}(name);
    }
  };
  std::vector<std::string> names_;
  std::unordered_map<std::string, int, Hash, std::equal_to<>> ids_;
};

// By article, each article's by topic then term, each once: a term matched in two fields is
// stored twice. SQLite gives them by article (the IN list is read in order, so it sorts
// nothing) and the few of each article are sorted here, where SQLite's DISTINCT ... ORDER BY
// sorted a month's 318,800 rows by their text.
std::vector<ReportMatch> read_report_matches(SQLite::Database& db, const Scope& scope,
                                             std::vector<std::string>& names) {
  SQLite::Statement read(db,
                         "SELECT m.article_id, m.topic, m.term FROM matches m "
                         "WHERE m.article_id IN (SELECT a.id FROM articles a WHERE " +
                             report_scope(scope.story.has_value()) + ") ORDER BY m.article_id");
  scope.bind(read);
  Names ids;
  std::vector<ReportMatch> matches;
  while (read.executeStep())
    matches.push_back(
        {read.getColumn(0).getInt64(), ids.id(read.getColumn(1)), ids.id(read.getColumn(2))});
  names = ids.sort(matches);
  for (auto article = matches.begin(); article != matches.end();) {
    auto next = std::find_if(article, matches.end(), [&](const ReportMatch& match) {
      return match.article_id != article->article_id;
    });
    std::sort(article, next);
    article = next;
  }
  matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
  return matches;
}

std::vector<ReportStory> read_report_stories(SQLite::Database& db, const Scope& scope) {
  SQLite::Statement read(db, R"sql(
      SELECT s.id, s.title, s.first_seen, s.last_seen,
             (SELECT count(*) FROM articles b WHERE b.story_id = s.id AND b.first_seen < ?1)
        FROM stories s
       WHERE s.id IN (SELECT a.story_id FROM articles a WHERE )sql" +
                                 report_scope(scope.story.has_value()) + ") ORDER BY s.id");
  scope.bind(read);
  std::vector<ReportStory> stories;
  while (read.executeStep())
    stories.push_back({read.getColumn(0).getInt64(), read.getColumn(1).getString(),
                       read.getColumn(2).getInt64(), read.getColumn(3).getInt64(),
                       read.getColumn(4).getInt()});
  return stories;
}

ReportRows read_report_rows(SQLite::Database& db, const Scope& scope) {
  SQLite::Transaction snapshot(db);  // read-only: one snapshot for the three reads
  ReportRows rows;
  rows.articles = read_report_articles(db, scope);
  rows.matches = read_report_matches(db, scope, rows.names);
  rows.stories = read_report_stories(db, scope);
  return rows;
}

// `query` as FTS5 reads it: each word a quoted string, so that an analyst's punctuation or an
// FTS5 keyword (AND, NEAR, a '"') is text to find, every word of it.
std::string fts_words(const std::string& query) {
  std::string words;
  std::size_t at = 0;
  while ((at = query.find_first_not_of(" \t\r\n", at)) != std::string::npos) {
    std::size_t end = std::min(query.find_first_of(" \t\r\n", at), query.size());
    std::string word = query.substr(at, end - at), quoted;
    for (char c : word) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    words += (words.empty() ? "\"" : " \"") + quoted + "\"";
    at = end;
  }
  return words;
}

}  // namespace

Result<ReportRows> StoreReader::report_rows(std::int64_t since, std::int64_t until) {
  return reading([&] { return read_report_rows(*db_, {since, until, std::nullopt}); });
}

Result<ReportRows> StoreReader::story_rows(std::int64_t story, std::int64_t until) {
  return reading([&] { return read_report_rows(*db_, {0, until, story}); });
}

Result<std::vector<ReportArticle>> StoreReader::search_articles(const std::string& query,
                                                                int limit) {
  return reading([&] {
    std::vector<ReportArticle> hits;
    std::string words = fts_words(query);
    if (words.empty()) return hits;
    SQLite::Statement search(*db_, std::string("SELECT ") + kArticleColumns + R"sql(
        FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
        JOIN feeds f ON f.id = a.feed_id
       WHERE articles_fts MATCH ?1 AND a.story_id IS NOT NULL
       ORDER BY articles_fts.rank, a.first_seen DESC LIMIT ?2)sql");
    search.bind(1, words);
    search.bind(2, limit);
    while (search.executeStep()) hits.push_back(read_article(search));
    return hits;
  });
}

}  // namespace newswatch
