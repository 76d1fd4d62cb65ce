#include "storage/store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>

#include "storage/migrations.h"

namespace newswatch {
namespace {

constexpr int latest_version() {
  int version = 0;
  for (const auto& m : kMigrations) version = m.version;
  return version;
}

Result<void> migrate(SQLite::Database& db) {
  for (const auto& migration : kMigrations) {
    // The version is read inside the write transaction: two processes opening a new
    // database at once apply each migration exactly once.
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    int current = db.execAndGet("PRAGMA user_version").getInt();
    if (current > latest_version()) {
      return fail("database schema version " + std::to_string(current) +
                  " is newer than this newswatch understands (" + std::to_string(latest_version()) +
                  ")");
    }
    if (migration.version <= current) continue;
    db.exec(migration.sql);
    db.exec("PRAGMA user_version = " + std::to_string(migration.version));
    transaction.commit();
  }
  return {};
}

void bind_value(SQLite::Statement& statement, int index, std::int64_t value) {
  statement.bind(index, static_cast<int64_t>(value));
}

void bind_value(SQLite::Statement& statement, int index, const std::string& value) {
  statement.bind(index, value);
}

// An empty optional binds NULL.
template <typename T>
void bind_value(SQLite::Statement& statement, int index, const std::optional<T>& value) {
  if (value) {
    bind_value(statement, index, *value);
  } else {
    statement.bind(index);
  }
}

// What makes an item "the same item" within one feed.
std::optional<std::string> item_key(const Item& item) {
  if (item.guid && !item.guid->empty()) return item.guid;
  if (item.link && !item.link->empty()) return item.link;
  return std::nullopt;
}

std::int64_t feed_id(SQLite::Database& db, const std::string& url) {
  SQLite::Statement query(db, "SELECT id FROM feeds WHERE url = ?");
  query.bind(1, url);
  return query.executeStep() ? query.getColumn(0).getInt64() : 0;
}

// The statements that store items, compiled once per batch rather than once per item.
struct ItemStatements {
  explicit ItemStatements(SQLite::Database& db)
      : db(db),
        seen(db, "SELECT 1 FROM sightings WHERE feed_id = ? AND item_key = ?"),
        existing(db, "SELECT id FROM articles WHERE canonical_url = ?"),
        touch(db, "UPDATE articles SET last_seen = ? WHERE id = ?"),
        story(db, "INSERT INTO stories (title, first_seen, last_seen) VALUES (?, ?, ?)"),
        article(db,
                "INSERT INTO articles (canonical_url, title, summary, content, author, "
                "published, first_seen, last_seen, feed_id, story_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        sighting(db,
                 "INSERT INTO sightings (article_id, feed_id, item_key, url, guid, title, "
                 "seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
        match(db,
              "INSERT OR IGNORE INTO matches (article_id, topic, field, term, offset, concept, "
              "rule) VALUES (?, ?, ?, ?, ?, nullif(?, ''), ?)") {}

  SQLite::Database& db;
  SQLite::Statement seen, existing, touch, story, article, sighting, match;
};

// Runs a statement compiled earlier with fresh bindings.
template <typename... Values>
void run(SQLite::Statement& statement, const Values&... values) {
  statement.reset();
  statement.clearBindings();
  int index = 0;
  (bind_value(statement, ++index, values), ...);
  statement.exec();
}

std::int64_t article_for(ItemStatements& sql, const MatchedItem& matched, std::int64_t feed,
                         UnixSeconds now, bool& created) {
  const Item& item = matched.item;
  // Without a link, nothing says two feeds' items are the same article: a GUID such as
  // "42" is only unique within its feed.
  std::string url = item.link ? *item.link : "feed:" + std::to_string(feed) + ":" + *item_key(item);
  sql.existing.reset();
  sql.existing.bind(1, url);
  if (sql.existing.executeStep()) {
    created = false;
    std::int64_t id = sql.existing.getColumn(0).getInt64();
    run(sql.touch, static_cast<int64_t>(now), id);
    return id;
  }
  created = true;
  // Until story clustering exists, every new article opens a story of its own.
  run(sql.story, item.title, static_cast<int64_t>(now), static_cast<int64_t>(now));
  std::int64_t story_id = sql.db.getLastInsertRowid();
  run(sql.article, url, item.title, item.summary, item.content, item.author,
      item.published ? item.published : item.updated, static_cast<int64_t>(now),
      static_cast<int64_t>(now), static_cast<int64_t>(feed), static_cast<int64_t>(story_id));
  return sql.db.getLastInsertRowid();
}

void save_feed_state(SQLite::Database& db, const FeedState& state) {
  // A feed configured without a title takes the one the feed gives itself.
  SQLite::Statement update(db,
                           "UPDATE feeds SET etag = ?, last_modified = ?, last_status = ?, "
                           "last_error = ?, error_count = ?, last_polled_at = ?, "
                           "next_poll_at = ?, disabled = ?, "
                           "title = coalesce(nullif(title, ''), nullif(?, '')), "
                           "fetch_url = nullif(?, '') WHERE url = ?");
  update.bind(1, state.etag);
  update.bind(2, state.last_modified);
  update.bind(3, static_cast<int64_t>(state.last_status));
  if (state.last_error.empty()) {
    update.bind(4);
  } else {
    update.bind(4, state.last_error);
  }
  update.bind(5, state.error_count);
  bind_value(update, 6, state.last_polled_at);
  bind_value(update, 7, state.next_poll_at);
  update.bind(8, state.disabled ? 1 : 0);
  update.bind(9, state.title);
  update.bind(10, state.fetch_url);
  update.bind(11, state.url);
  update.exec();
}

}  // namespace

Store::Store(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Result<Store> Store::open(const std::string& path, const StoreOptions& options) {
  try {
    auto db = std::make_unique<SQLite::Database>(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
    db->setBusyTimeout(options.busy_timeout_ms);
    db->exec("PRAGMA journal_mode = WAL");
    db->exec("PRAGMA synchronous = NORMAL");
    db->exec("PRAGMA foreign_keys = ON");
    if (auto migrated = migrate(*db); !migrated) return fail(migrated.error());
    return Store(std::move(db));
  } catch (const SQLite::Exception& e) {
    return fail(path + ": " + e.what());
  }
}

Result<void> Store::register_feed(const std::string& url, const std::string& title,
                                  UnixSeconds now) {
  try {
    SQLite::Statement upsert(*db_,
                             "INSERT INTO feeds (url, title, created_at) VALUES (?, ?, ?) "
                             "ON CONFLICT (url) DO UPDATE SET title = "
                             "coalesce(nullif(excluded.title, ''), feeds.title)");
    upsert.bind(1, url);
    upsert.bind(2, title);
    upsert.bind(3, static_cast<int64_t>(now));
    upsert.exec();
    return {};
  } catch (const SQLite::Exception& e) {
    return fail("registering feed " + url + ": " + e.what());
  }
}

Result<std::optional<FeedState>> Store::feed_state(const std::string& url) {
  try {
    SQLite::Statement query(*db_,
                            "SELECT url, coalesce(title, ''), coalesce(etag, ''), "
                            "coalesce(last_modified, ''), coalesce(last_status, 0), "
                            "coalesce(last_error, ''), error_count, last_polled_at, next_poll_at, "
                            "disabled, coalesce(fetch_url, '') FROM feeds WHERE url = ?");
    query.bind(1, url);
    if (!query.executeStep()) return std::optional<FeedState>();
    FeedState state;
    state.url = query.getColumn(0).getString();
    state.title = query.getColumn(1).getString();
    state.etag = query.getColumn(2).getString();
    state.last_modified = query.getColumn(3).getString();
    state.last_status = query.getColumn(4).getInt();
    state.last_error = query.getColumn(5).getString();
    state.error_count = query.getColumn(6).getInt();
    if (!query.getColumn(7).isNull()) state.last_polled_at = query.getColumn(7).getInt64();
    if (!query.getColumn(8).isNull()) state.next_poll_at = query.getColumn(8).getInt64();
    state.disabled = query.getColumn(9).getInt() != 0;
    state.fetch_url = query.getColumn(10).getString();
    return state;
  } catch (const SQLite::Exception& e) {
    return fail("reading the state of feed " + url + ": " + e.what());
  }
}

Result<WriteStats> Store::write(const ParsedBatch& batch) {
  try {
    WriteStats stats;
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    save_feed_state(*db_, batch.feed);
    std::int64_t feed = feed_id(*db_, batch.feed.url);
    if (feed == 0) return fail("feed not registered: " + batch.feed.url);
    std::optional<ItemStatements> sql;
    if (!batch.items.empty()) sql.emplace(*db_);
    for (const MatchedItem& matched : batch.items) {
      auto key = item_key(matched.item);
      if (!key) continue;  // nothing identifies it: it could not be recognised next time
      sql->seen.reset();
      sql->seen.bind(1, static_cast<int64_t>(feed));
      sql->seen.bind(2, *key);
      if (sql->seen.executeStep()) {
        ++stats.known;
        continue;
      }
      bool created = false;
      std::int64_t article = article_for(*sql, matched, feed, batch.fetched_at, created);
      stats.new_articles += created ? 1 : 0;
      ++stats.new_sightings;
      run(sql->sighting, static_cast<int64_t>(article), static_cast<int64_t>(feed), *key,
          matched.item.link, matched.item.guid, matched.item.title,
          static_cast<int64_t>(batch.fetched_at));
      for (const Evidence& evidence : matched.matches.evidence) {
        run(sql->match, static_cast<int64_t>(article), evidence.topic,
            std::string(field_name(evidence.field)), evidence.term,
            static_cast<int64_t>(evidence.offset), evidence.concept_id, evidence.rule);
      }
    }
    transaction.commit();
    return stats;
  } catch (const SQLite::Exception& e) {
    return fail("storing " + batch.feed.url + ": " + e.what());
  }
}

int Store::schema_version() { return db_->execAndGet("PRAGMA user_version").getInt(); }

}  // namespace newswatch
