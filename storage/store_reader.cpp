#include "storage/store_reader.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include "storage/bind.h"
#include "storage/pg_connection.h"
#include "storage/sql_sqlite.h"

namespace newswatch {
namespace {

std::optional<std::string> text(const sql::Statement& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return std::string(row.text(column));
}

int int_at(const sql::Statement& row, int column) { return static_cast<int>(row.int64(column)); }

// Runs `read` on the connection, turning the backend's exception into an Error with its
// message.
template <typename Read>
auto reading(Read read) -> Result<decltype(read())> {
  try {
    return read();
  } catch (const std::runtime_error& e) {  // sql::Error, or SQLiteCpp's on opening
    return fail(std::string(e.what()));
  }
}

// The first column of the one row `sql` reads.
std::int64_t one_number(sql::Connection& db, const std::string& sql) {
  auto read = db.prepare(sql);
  return read->step() ? read->int64(0) : 0;
}

}  // namespace

StoreReader::StoreReader(std::unique_ptr<SQLite::Database> db, std::unique_ptr<sql::Connection> sql)
    : db_(std::move(db)), sql_(std::move(sql)) {}
StoreReader::StoreReader(StoreReader&&) noexcept = default;
StoreReader& StoreReader::operator=(StoreReader&& other) noexcept {
  sql_ = std::move(other.sql_);  // before the database it reads
  db_ = std::move(other.db_);
  return *this;
}
StoreReader::~StoreReader() { sql_.reset(); }

Result<StoreReader> StoreReader::open(const std::string& path, int busy_timeout_ms) {
  if (is_postgresql(path)) {
    auto connection = PgConnection::open(path);
    if (!connection) return fail(connection.error());
    return StoreReader(nullptr, std::move(*connection));
  }
  return reading([&] {
    auto db =
        std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX);
    if (busy_timeout_ms > 0) db->setBusyTimeout(busy_timeout_ms);
    auto connection = std::make_unique<sql::SqliteConnection>(*db);
    return StoreReader(std::move(db), std::move(connection));
  });
}

Result<FeedHealth> StoreReader::feed_health() {
  return reading([&] {
    FeedHealth health;
    auto feeds = sql_->prepare(
        "SELECT count(*), count(*) FILTER (WHERE disabled <> 0), "
        "count(*) FILTER (WHERE last_error IS NOT NULL AND disabled = 0) FROM feeds");
    feeds->step();
    health.feeds = int_at(*feeds, 0);
    health.disabled = int_at(*feeds, 1);
    health.failing = int_at(*feeds, 2);
    auto failing = sql_->prepare(
        "SELECT url, last_error, error_count, next_poll_at, disabled FROM feeds_v "
        "WHERE last_error IS NOT NULL ORDER BY error_count DESC, url");
    while (failing->step()) {
      health.failing_feeds.push_back({text(*failing, 0), text(*failing, 1), int_at(*failing, 2),
                                      text(*failing, 3), failing->int64(4) != 0});
    }
    return health;
  });
}

Result<std::vector<TopicDay>> StoreReader::last_day_by_topic() {
  return reading([&] {
    auto day = sql_->prepare(R"sql(
      SELECT m.topic, count(DISTINCT a.id), count(DISTINCT a.story_id)
        FROM articles a JOIN matches m ON m.article_id = a.id
       WHERE a.story_id IS NOT NULL
         AND a.first_seen >= (SELECT max(first_seen) FROM articles) - 86400
       GROUP BY m.topic ORDER BY 2 DESC, m.topic)sql");
    std::vector<TopicDay> topics;
    while (day->step()) topics.push_back({text(*day, 0), int_at(*day, 1), int_at(*day, 2)});
    return topics;
  });
}

Result<std::vector<StoryGlance>> StoreReader::newest_stories(int limit) {
  return reading([&] {
    auto newest = sql_->prepare(
        "SELECT story_id, last_seen, articles, outlets, coalesce(topics, ''), title "
        "FROM stories_v ORDER BY last_seen DESC, story_id DESC LIMIT ?");
    bind_all(*newest, std::int64_t{limit});
    std::vector<StoryGlance> stories;
    while (newest->step()) {
      stories.push_back({newest->int64(0), text(*newest, 1), int_at(*newest, 2), int_at(*newest, 3),
                         text(*newest, 4), text(*newest, 5)});
    }
    return stories;
  });
}

Result<KeptCounts> StoreReader::kept_counts() {
  return reading([&] {
    KeptCounts counts;
    counts.articles = one_number(*sql_, "SELECT count(*) FROM articles WHERE story_id IS NOT NULL");
    counts.stories = one_number(*sql_, "SELECT count(*) FROM stories");
    return counts;
  });
}

Result<std::int64_t> StoreReader::data_version() {
  return reading([&] {
    // PostgreSQL's: the oldest transaction still running, which moves on as others commit.
    return one_number(
        *sql_, db_ ? "PRAGMA data_version" : "SELECT txid_snapshot_xmin(txid_current_snapshot())");
  });
}

Result<std::vector<UrlSighting>> StoreReader::url_sightings() {
  return reading([&] {
    auto sightings = sql_->prepare("SELECT url, article_id, story_id FROM sightings_v");
    std::vector<UrlSighting> found;
    while (sightings->step()) {
      if (sightings->is_null(0)) continue;
      UrlSighting& sighting = found.emplace_back();
      sighting.url = sightings->text(0);
      sighting.article_id = sightings->int64(1);
      if (!sightings->is_null(2)) sighting.story_id = sightings->int64(2);
    }
    return found;
  });
}

Result<std::vector<ArticleTopics>> StoreReader::article_topics() {
  return reading([&] {
    auto kept = sql_->prepare("SELECT article_id, coalesce(topics, '') FROM items_v");
    std::vector<ArticleTopics> found;
    while (kept->step()) found.push_back({kept->int64(0), std::string(kept->text(1))});
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

  void bind(sql::Statement& statement) const {
    if (story) {
      bind_all(statement, since, until, *story);
    } else {
      bind_all(statement, since, until);
    }
  }
};

// The columns read_article() reads, from articles a joined with feeds f. All but a missing
// link's fallback are in articles_kept_seen (schema 10), the language by the same expression
// as the index's on each backend: a period's articles are read from the index, not from their
// rows.
std::string article_columns(sql::Backend backend) {
  return std::string(R"sql(
    a.id, a.story_id, a.title,
    coalesce(a.url, CASE WHEN a.canonical_url LIKE 'http%' THEN a.canonical_url END),
    coalesce(nullif(a.outlet, ''), nullif(f.title, ''), f.url), a.first_seen, a.published,
    coalesce()sql") +
         (backend == sql::Backend::sqlite
              ? "CASE WHEN json_valid(a.signature) THEN json_extract(a.signature, '$.language') "
                "END"
              : "a.signature ->> 'language'") +
         ", '')";
}

ReportArticle read_article(const sql::Statement& read) {
  ReportArticle article;
  article.id = read.int64(0);
  article.story_id = read.int64(1);
  article.title = read.text(2);
  article.url = text(read, 3);
  article.outlet = read.text(4);
  article.first_seen = read.int64(5);
  if (!read.is_null(6)) article.published = read.int64(6);
  article.language = read.text(7);
  return article;
}

// In the index's order, so that SQLite sorts nothing.
std::vector<ReportArticle> read_report_articles(sql::Connection& db, const Scope& scope) {
  auto read =
      db.prepare("SELECT " + article_columns(db.backend()) +
                 " FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE " +
                 report_scope(scope.story.has_value()) + " ORDER BY a.first_seen, a.story_id");
  scope.bind(*read);
  std::vector<ReportArticle> articles;
  while (read->step()) articles.push_back(read_article(*read));
  return articles;
}

// Topic and term names as ids, each name kept once.
class Names {
 public:
  int id(std::string_view name) {
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
std::vector<ReportMatch> read_report_matches(sql::Connection& db, const Scope& scope,
                                             std::vector<std::string>& names) {
  auto read = db.prepare(
      "SELECT m.article_id, m.topic, m.term FROM matches m "
      "WHERE m.article_id IN (SELECT a.id FROM articles a WHERE " +
      report_scope(scope.story.has_value()) + ") ORDER BY m.article_id");
  scope.bind(*read);
  Names ids;
  std::vector<ReportMatch> matches;
  while (read->step())
    matches.push_back({read->int64(0), ids.id(read->text(1)), ids.id(read->text(2))});
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

std::vector<ReportStory> read_report_stories(sql::Connection& db, const Scope& scope) {
  auto read = db.prepare(R"sql(
      SELECT s.id, s.title, s.first_seen, s.last_seen,
             (SELECT count(*) FROM articles b WHERE b.story_id = s.id AND b.first_seen < ?1)
        FROM stories s
       WHERE s.id IN (SELECT a.story_id FROM articles a WHERE )sql" +
                         report_scope(scope.story.has_value()) + ") ORDER BY s.id");
  scope.bind(*read);
  std::vector<ReportStory> stories;
  while (read->step())
    stories.push_back({read->int64(0), std::string(read->text(1)), read->int64(2), read->int64(3),
                       int_at(*read, 4)});
  return stories;
}

ReportRows read_report_rows(sql::Connection& db, const Scope& scope) {
  sql::Transaction snapshot(db, false);  // one snapshot for the three reads
  ReportRows rows;
  rows.articles = read_report_articles(db, scope);
  rows.matches = read_report_matches(db, scope, rows.names);
  rows.stories = read_report_stories(db, scope);
  snapshot.commit();
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
  return reading([&] { return read_report_rows(*sql_, {since, until, std::nullopt}); });
}

Result<ReportRows> StoreReader::story_rows(std::int64_t story, std::int64_t until) {
  return reading([&] { return read_report_rows(*sql_, {0, until, story}); });
}

Result<std::vector<ReportArticle>> StoreReader::search_articles(const std::string& query,
                                                                int limit) {
  return reading([&] {
    std::vector<ReportArticle> hits;
    std::string words = fts_words(query);
    if (words.empty()) return hits;
    // PostgreSQL's words are the tsvector column `words`, every word of the query required
    // (plainto_tsquery reads it as text, not as operators).
    auto search = sql_->prepare("SELECT " + article_columns(sql_->backend()) +
                                (db_ ? R"sql(
        FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
        JOIN feeds f ON f.id = a.feed_id
       WHERE articles_fts MATCH ?1 AND a.story_id IS NOT NULL
       ORDER BY articles_fts.rank, a.first_seen DESC LIMIT ?2)sql"
                                     : R"sql(
        FROM articles a JOIN feeds f ON f.id = a.feed_id
       WHERE a.words @@ plainto_tsquery('simple', ?1) AND a.story_id IS NOT NULL
       ORDER BY ts_rank(a.words, plainto_tsquery('simple', ?1)) DESC, a.first_seen DESC
       LIMIT ?2)sql"));
    const std::string& terms = db_ ? words : query;  // bound, not copied, on SQLite
    bind_all(*search, terms, std::int64_t{limit});
    while (search->step()) hits.push_back(read_article(*search));
    return hits;
  });
}

}  // namespace newswatch
