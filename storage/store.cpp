#include "storage/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>
#include <thread>

#include "feeds/url.h"
#include "storage/migrations.h"
#include "topics/fold.h"

namespace newswatch {
namespace {

constexpr int latest_version() {
  int version = 0;
  for (const auto& m : kMigrations) version = m.version;
  return version;
}

// Migrations that rebuild a table (SQLite's way to change a column) run with foreign keys
// off, as SQLite prescribes, and are checked for dangling references before they commit.
// Version 4 keys articles by their canonical URL; those stored before were keyed by the
// link as published, which SQL alone cannot canonicalize.
void add_canonical_keys(SQLite::Database& db) {
  SQLite::Statement articles(db, "SELECT id, canonical_url FROM articles");
  SQLite::Statement add(db, "INSERT OR IGNORE INTO article_keys (key, article_id) VALUES (?, ?)");
  while (articles.executeStep()) {
    add.reset();
    add.bind(1, canonical_article_url(articles.getColumn(1).getString()));
    add.bind(2, articles.getColumn(0).getInt64());
    add.exec();
  }
}

Result<void> migrate(SQLite::Database& db) {
  db.exec("PRAGMA foreign_keys = OFF");
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
    if (migration.version == 4) add_canonical_keys(db);
    SQLite::Statement dangling(db, "PRAGMA foreign_key_check");
    if (dangling.executeStep()) {
      return fail("migration " + std::string(migration.name) + " left a row of " +
                  dangling.getColumn(0).getString() + " without its " +
                  dangling.getColumn(2).getString());
    }
    db.exec("PRAGMA user_version = " + std::to_string(migration.version));
    transaction.commit();
  }
  db.exec("PRAGMA foreign_keys = ON");
  return {};
}

// Switching a database to WAL needs it to itself, and SQLite does not wait for that with the
// busy handler: another process creating or migrating it at the same moment is waited for.
void set_wal_mode(SQLite::Database& db, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    try {
      db.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (const SQLite::Exception& e) {
      if (e.getErrorCode() != SQLITE_BUSY || std::chrono::steady_clock::now() > deadline) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
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

constexpr std::size_t kTextKeyBytes = 400;

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;  // the same on every platform and run
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

bool is_web_url(const std::string& text) {
  return text.starts_with("http://") || text.starts_with("https://") ||
         text.starts_with("HTTP://") || text.starts_with("HTTPS://");
}

// Every key an item's article can be known by, strongest first: its canonical link and
// permalink GUID, and a key of its headline and lede (folded) for items without either.
void set_article_keys(const Item& item, const FoldedItem* folded, PreparedItem& keys) {
  if (item.link && !item.link->empty()) keys.url_keys.push_back(canonical_article_url(*item.link));
  if (item.guid && is_web_url(*item.guid)) {
    std::string guid = canonical_article_url(*item.guid);
    if (keys.url_keys.empty() || keys.url_keys[0] != guid) keys.url_keys.push_back(std::move(guid));
  }
  const std::string& body = item.summary.empty() ? item.content : item.summary;
  const std::string* title = folded ? folded->whole(ItemField::kTitle, item.title) : nullptr;
  std::string text = title ? *title : fold(item.title);
  text += '\n';
  text += fold(std::string_view(body).substr(0, kTextKeyBytes));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a64(text)));
  keys.text_key = std::string("text:") + hex;
}

// What makes an item "the same item" within one feed.
const std::string& item_key(const Item& item, const PreparedItem& keys) {
  if (item.guid && !item.guid->empty()) return *item.guid;
  if (item.link && !item.link->empty()) return *item.link;
  return keys.text_key;
}

// Who published an item: the outlet an aggregator names, else the site of its link, else the
// feed.
std::string outlet_of(const Item& item, const PreparedItem& keys, const FeedState& feed) {
  if (item.source_outlet && !item.source_outlet->empty()) return *item.source_outlet;
  if (!keys.url_keys.empty() && keys.url_keys[0].starts_with("https://")) {
    std::string_view rest = std::string_view(keys.url_keys[0]).substr(8);
    return std::string(rest.substr(0, rest.find_first_of("/?")));
  }
  return feed.title.empty() ? feed.url : feed.title;
}

}  // namespace

// The statements that store items, compiled once per batch rather than once per item.
struct Store::ItemStatements {
  explicit ItemStatements(SQLite::Database& db)
      : db(db),
        last_sighting(db,
                      "SELECT article_id, title, coalesce(url, '') FROM sightings "
                      "WHERE feed_id = ? AND item_key = ? ORDER BY id DESC LIMIT 1"),
        by_key(db, "SELECT article_id FROM article_keys WHERE key = ?"),
        tombstoned(db, "SELECT 1 FROM tombstones WHERE key = ?"),
        seen_in_feed(db, "SELECT 1 FROM sightings WHERE article_id = ? AND feed_id = ? LIMIT 1"),
        add_key(db, "INSERT OR IGNORE INTO article_keys (key, article_id) VALUES (?, ?)"),
        edit(db,
             "UPDATE articles SET title = ?, summary = ?, content = ?, updated_at = ?, "
             "last_seen = ? WHERE id = ?"),
        touch(db, "UPDATE articles SET last_seen = ? WHERE id = ?"),
        touch_story(db,
                    "UPDATE stories SET last_seen = max(last_seen, ?) "
                    "WHERE id = (SELECT story_id FROM articles WHERE id = ?)"),
        story_exists(db, "SELECT 1 FROM stories WHERE id = ?"),
        story_of(db, "SELECT story_id FROM articles WHERE id = ?"),
        promote(db,
                "UPDATE articles SET story_id = ?, signature = ?, title = ?, summary = ?, "
                "content = ? WHERE id = ?"),
        story(db, "INSERT INTO stories (title, first_seen, last_seen) VALUES (?, ?, ?)"),
        move_articles(db, "UPDATE articles SET story_id = ? WHERE story_id = ?"),
        absorb_story(db,
                     "UPDATE stories SET first_seen = min(first_seen, (SELECT first_seen FROM "
                     "stories WHERE id = ?1)), last_seen = max(last_seen, (SELECT last_seen "
                     "FROM stories WHERE id = ?1)) WHERE id = ?2"),
        drop_story(db, "DELETE FROM stories WHERE id = ?"),
        move_alerts(db, "UPDATE OR IGNORE alerts SET story_id = ? WHERE story_id = ?"),
        drop_alerts(db, "DELETE FROM alerts WHERE story_id = ?"),
        article(db,
                "INSERT INTO articles (canonical_url, url, title, summary, content, author, "
                "published, first_seen, last_seen, feed_id, story_id, outlet, signature) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        sighting(db,
                 "INSERT INTO sightings (article_id, feed_id, item_key, url, guid, title, "
                 "outlet, seen_at, news) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        match(db,
              "INSERT OR IGNORE INTO matches (article_id, topic, field, term, offset, concept, "
              "rule) VALUES (?, ?, ?, ?, ?, nullif(?, ''), ?)"),
        feed_of(db, "SELECT id, first_success_at IS NOT NULL FROM feeds WHERE url = ?"),
        save_feed(db,
                  "UPDATE feeds SET etag = ?, last_modified = ?, last_status = ?, "
                  "last_error = ?, error_count = ?, last_polled_at = ?, "
                  "next_poll_at = ?, disabled = ?, "
                  "title = coalesce(nullif(title, ''), nullif(?, '')), "
                  "fetch_url = nullif(?, ''), "
                  // the first poll that delivered: what it finds is not news
                  "first_success_at = coalesce(first_success_at, "
                  "CASE WHEN ?3 BETWEEN 200 AND 399 AND ?4 IS NULL THEN ?6 END) "
                  "WHERE url = ?"),
        any_tombstone(db, "SELECT EXISTS (SELECT 1 FROM tombstones)") {}

  SQLite::Database& db;
  SQLite::Statement last_sighting, by_key, tombstoned, seen_in_feed, add_key, edit, touch,
      touch_story, story_exists, story_of, promote, story, move_articles, absorb_story, drop_story,
      move_alerts, drop_alerts, article, sighting, match, feed_of, save_feed, any_tombstone;
  // Read once per transaction, which holds the write lock: tombstones are looked up only
  // when there are any.
  bool tombstones = true;
};

namespace {

// Runs a statement compiled earlier with fresh bindings.
template <typename... Values>
void run(SQLite::Statement& statement, const Values&... values) {
  statement.reset();
  statement.clearBindings();
  int index = 0;
  (bind_value(statement, ++index, values), ...);
  statement.exec();
}

// The first row's first column of a statement compiled earlier, as an integer.
template <typename... Values>
std::optional<std::int64_t> query_id(SQLite::Statement& statement, const Values&... values) {
  statement.reset();
  statement.clearBindings();
  int index = 0;
  (bind_value(statement, ++index, values), ...);
  std::optional<std::int64_t> value;
  if (statement.executeStep()) value = statement.getColumn(0).getInt64();
  statement.reset();  // a statement left stepping holds its read lock
  return value;
}

void save_feed_state(SQLite::Statement& update, const FeedState& state) {
  // A feed configured without a title takes the one the feed gives itself.
  update.reset();
  update.clearBindings();
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

Store::Store(std::unique_ptr<SQLite::Database> db, std::string path, StoreOptions options)
    : db_(std::move(db)), path_(std::move(path)), options_(options) {}

// Compiled once per store, not once per batch.
Store::ItemStatements& Store::statements() {
  if (!statements_) statements_ = std::make_unique<ItemStatements>(*db_);
  return *statements_;
}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&& other) noexcept {
  statements_.reset();  // finalized before the connection they belong to is closed
  db_ = std::move(other.db_);
  path_ = std::move(other.path_);
  options_ = other.options_;
  largest_write_ = other.largest_write_;
  statements_ = std::move(other.statements_);
  clusterer_ = std::move(other.clusterer_);
  unclustered_ = std::move(other.unclustered_);
  return *this;
}
Store::~Store() {
  if (!db_) return;  // moved from
  // Empties the log for readers who come after, without the exclusive lock SQLite's own
  // checkpoint on close takes (turned off in open()): a sqlite3 reader starting then would
  // be told "database is locked".
  statements_.reset();
  try {
    db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const SQLite::Exception&) {
    // A full disk or a reader holding on: the log stays, and is read or replayed as it is.
  }
}

Result<Store> Store::open(const std::string& path, const StoreOptions& options) {
  try {
    auto db = std::make_unique<SQLite::Database>(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
    db->setBusyTimeout(options.busy_timeout_ms);
    // SQLite opens a file it cannot write read-only and says so only at the first write.
    if (sqlite3_db_readonly(db->getHandle(), "main") == 1)
      return fail(path +
                  ": cannot be written (attempt to write a readonly database): a "
                  "read-only file system, or no write permission");
    set_wal_mode(*db, options.busy_timeout_ms);
    // The -wal and -shm files stay when the daemon closes the database: a reader with only
    // read permission (an admin in the service's group, sqlite3 -readonly) cannot create
    // them, and could not open the database once the daemon has stopped.
    int persist = 1;
    sqlite3_file_control(db->getHandle(), "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    sqlite3_db_config(db->getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    db->exec("PRAGMA synchronous = NORMAL");
    db->exec("PRAGMA journal_size_limit = " + std::to_string(options.wal_limit));
    if (auto migrated = migrate(*db); !migrated) return fail(migrated.error());
    return Store(std::move(db), path, options);
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

UnixSeconds Store::article_time(const Item& item, UnixSeconds fetched_at) {
  constexpr UnixSeconds kClockSkew = 24 * 3600;
  std::optional<UnixSeconds> published = item.published ? item.published : item.updated;
  return published && *published <= fetched_at + kClockSkew ? *published : fetched_at;
}

Item stored_item(SQLite::Statement& row, int first) {
  Item item;
  item.title = row.getColumn(first).getString();
  item.summary = row.getColumn(first + 1).getString();
  item.content = row.getColumn(first + 2).getString();
  if (!row.getColumn(first + 3).isNull()) item.published = row.getColumn(first + 3).getInt64();
  return item;
}

void Store::new_clusterer() {
  clusterer_ = std::make_unique<StoryClusterer>(options_.story_threshold);
  // The terms' document frequencies, from the newest articles, relevant or not.
  SQLite::Statement terms(*db_,
                          "SELECT signature FROM articles WHERE signature IS NOT NULL "
                          "ORDER BY id DESC LIMIT ?");
  terms.bind(1, kTermArticles);
  while (terms.executeStep()) {
    if (auto signature = StorySignature::from_json(terms.getColumn(0).getString()))
      clusterer_->terms().observe(*signature);
  }
}

void Store::load_clusterer() {
  new_clusterer();
  // Only articles recent enough for a new one to join their story: a week before the newest.
  SQLite::Statement recent(*db_,
                           "SELECT id, story_id, signature FROM articles "
                           "WHERE signature IS NOT NULL AND story_id IS NOT NULL AND "
                           "coalesce(published, first_seen) >= "
                           "(SELECT max(coalesce(published, first_seen)) FROM articles) - ?");
  recent.bind(1, static_cast<int64_t>(kClusterMemory));
  while (recent.executeStep()) {
    // A signature of an earlier version is not read: `newswatch recluster` rewrites them.
    auto signature = StorySignature::from_json(recent.getColumn(2).getString());
    if (signature)
      clusterer_->add(recent.getColumn(0).getInt64(), recent.getColumn(1).getInt64(),
                      std::move(*signature));
  }
}

std::int64_t Store::new_story(ItemStatements& sql, const std::string& title, UnixSeconds now) {
  // Every article starts a story of its own; recluster merges it with those it reports.
  run(sql.story, title, static_cast<int64_t>(now), static_cast<int64_t>(now));
  return sql.db.getLastInsertRowid();
}

void Store::merge_story(ItemStatements& sql, std::int64_t from, std::int64_t into) {
  clusterer_->merge(from, into);
  if (!query_id(sql.story_exists, from) || !query_id(sql.story_exists, into)) return;
  run(sql.move_articles, static_cast<int64_t>(into), static_cast<int64_t>(from));
  run(sql.absorb_story, static_cast<int64_t>(from), static_cast<int64_t>(into));
  run(sql.drop_story, static_cast<int64_t>(from));
  // A story announced under its old id stays announced: no hook fires twice for one event.
  run(sql.move_alerts, static_cast<int64_t>(into), static_cast<int64_t>(from));
  run(sql.drop_alerts, static_cast<int64_t>(from));
}

// Merges as (from, into) in the order they were made, as (from, the story it ends in): each
// article is moved once, however many merges its story went through.
static std::vector<std::pair<std::int64_t, std::int64_t>> final_merges(
    const std::vector<std::pair<std::int64_t, std::int64_t>>& merges) {
  std::map<std::int64_t, std::int64_t> into(merges.begin(), merges.end());
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& [from, next] : merges) {
    std::int64_t root = next;
    for (auto it = into.find(root); it != into.end(); it = into.find(root)) root = it->second;
    out.emplace_back(from, root);
  }
  return out;
}

Result<int> Store::recluster() {
  if (!clusterer_ || unclustered_.empty()) return 0;
  auto merges = final_merges(clusterer_->recluster(unclustered_));
  // In transactions of a bounded size, so that the write-ahead log holds each: a first round
  // over many feeds merges thousands of stories.
  constexpr std::size_t kMergesPerTransaction = 256;
  try {
    for (std::size_t done = 0; done < merges.size();) {
      if (auto room = make_room_in_wal(); !room) throw std::runtime_error(room.error().message);
      SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      ItemStatements& sql = statements();
      std::size_t end = std::min(merges.size(), done + kMergesPerTransaction);
      for (; done < end; ++done) merge_story(sql, merges[done].first, merges[done].second);
      transaction.commit();
    }
  } catch (const std::exception& e) {
    // The clusterer is read again from the database by the next write, and this round's
    // articles clustered again then.
    clusterer_.reset();
    return fail(std::string("clustering stories: ") + e.what());
  }
  unclustered_.clear();
  clusterer_->forget_older_than(kClusterMemory);
  return static_cast<int>(merges.size());
}

Result<Store::ReclusterStats> Store::recluster_stored(
    UnixSeconds since, const std::function<MatchSet(const Item&)>& match) {
  clusterer_.reset();
  unclustered_.clear();
  ReclusterStats stats;
  try {
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    ItemStatements& sql = statements();
    const std::string when = "coalesce(a.published, a.first_seen)";
    UnixSeconds context = since > kClusterMemory ? since - kClusterMemory : 0;
    // Signatures, as the current version computes them, of the articles reclustered, the
    // week before them (what they may join) and the newest (their terms' frequencies).
    {
      SQLite::Statement stored(*db_,
                               "SELECT a.id, a.title, a.summary, a.content, a.published, "
                               "a.first_seen, coalesce(a.outlet, ''), coalesce(f.title, '') "
                               "FROM articles a LEFT JOIN feeds f ON f.id = a.feed_id WHERE " +
                                   when + " >= ? OR a.id IN (SELECT id FROM articles "
                                   "ORDER BY id DESC LIMIT ?)");
      stored.bind(1, static_cast<int64_t>(context));
      stored.bind(2, kTermArticles);
      SQLite::Statement update(*db_, "UPDATE articles SET signature = ? WHERE id = ?");
      while (stored.executeStep()) {
        Item item = stored_item(stored, 1);
        auto first_seen = static_cast<UnixSeconds>(stored.getColumn(5).getInt64());
        StorySignature signature =
            story_signature(item, match(item), article_time(item, first_seen),
                            {stored.getColumn(6).getString(), stored.getColumn(7).getString()});
        run(update, signature.to_json(), stored.getColumn(0).getInt64());
      }
    }
    stats.stories_before = static_cast<int>(
        db_->execAndGet("SELECT count(DISTINCT story_id) FROM articles a WHERE story_id IS NOT "
                        "NULL AND " + when + " >= " + std::to_string(since))
            .getInt64());
    // Each article leaves its story, but the oldest, which keeps the story's id.
    {
      SQLite::Statement leaving(*db_,
                                "SELECT a.id, a.title, a.first_seen, a.last_seen FROM articles a "
                                "WHERE a.story_id IS NOT NULL AND " + when + " >= ? AND a.id > "
                                "(SELECT min(o.id) FROM articles o WHERE o.story_id = a.story_id)");
      leaving.bind(1, static_cast<int64_t>(since));
      SQLite::Statement move(*db_, "UPDATE articles SET story_id = ? WHERE id = ?");
      std::vector<std::tuple<std::int64_t, std::string, std::int64_t, std::int64_t>> articles;
      while (leaving.executeStep())
        articles.emplace_back(leaving.getColumn(0).getInt64(), leaving.getColumn(1).getString(),
                              leaving.getColumn(2).getInt64(), leaving.getColumn(3).getInt64());
      for (const auto& [id, title, first_seen, last_seen] : articles) {
        run(sql.story, title, first_seen, last_seen);
        run(move, sql.db.getLastInsertRowid(), id);
      }
    }
    new_clusterer();
    // In the order they happened, a day at a time, as the daemon would have met them.
    SQLite::Statement relevant(*db_, "SELECT a.id, a.story_id, a.signature, " + when +
                                         " AS t FROM articles a WHERE story_id IS NOT NULL "
                                         "AND signature IS NOT NULL AND t >= ? ORDER BY t, id");
    relevant.bind(1, static_cast<int64_t>(context));
    constexpr UnixSeconds kDay = 24 * 3600;
    std::optional<UnixSeconds> day;
    std::vector<std::int64_t> reclustered;
    auto cluster_day = [&] {
      for (const auto& [from, into] : final_merges(clusterer_->recluster(reclustered)))
        merge_story(sql, from, into);
      reclustered.clear();
      clusterer_->forget_older_than(kClusterMemory);
    };
    while (relevant.executeStep()) {
      auto time = static_cast<UnixSeconds>(relevant.getColumn(3).getInt64());
      if (day && time / kDay != *day) cluster_day();
      day = time / kDay;
      auto signature = StorySignature::from_json(relevant.getColumn(2).getString());
      if (!signature) continue;
      std::int64_t id = relevant.getColumn(0).getInt64();
      clusterer_->add(id, relevant.getColumn(1).getInt64(), std::move(*signature));
      if (time >= since) {
        reclustered.push_back(id);
        ++stats.articles;
      }
    }
    cluster_day();
    db_->exec(
        "UPDATE stories SET first_seen = (SELECT min(first_seen) FROM articles WHERE story_id = "
        "stories.id), last_seen = (SELECT max(last_seen) FROM articles WHERE story_id = "
        "stories.id) WHERE id IN (SELECT story_id FROM articles a WHERE story_id IS NOT NULL "
        "AND " + when + " >= " + std::to_string(since) + ")");
    stats.stories_after = static_cast<int>(
        db_->execAndGet("SELECT count(DISTINCT story_id) FROM articles a WHERE story_id IS NOT "
                        "NULL AND " + when + " >= " + std::to_string(since))
            .getInt64());
    transaction.commit();
    clusterer_.reset();  // loaded again, as written, by the next write
    return stats;
  } catch (const SQLite::Exception& e) {
    clusterer_.reset();
    return fail(std::string("reclustering stories: ") + e.what());
  }
}

PreparedItem prepare_item(const MatchedItem& matched, const FeedState& feed,
                          UnixSeconds fetched_at, const FoldedItem* folded) {
  const Item& item = matched.item;
  PreparedItem prepared;
  set_article_keys(item, folded, prepared);
  prepared.outlet = outlet_of(item, prepared, feed);
  // Unmatched articles are signed too: their words count towards the terms' document
  // frequencies.
  prepared.signature =
      story_signature(item, matched.matches, Store::article_time(item, fetched_at),
                      {prepared.outlet, feed.title}, folded);
  prepared.signature_json = prepared.signature.to_json();
  return prepared;
}

void Store::write_item(ItemStatements& sql, const ParsedBatch& batch, std::int64_t feed,
                       bool first_poll, const MatchedItem& matched, WriteStats& stats) {
  const Item& item = matched.item;
  const auto now = static_cast<int64_t>(batch.fetched_at);
  std::optional<PreparedItem> worked_out;
  if (!matched.prepared) worked_out = prepare_item(matched, batch.feed, batch.fetched_at);
  const PreparedItem& keys = matched.prepared ? *matched.prepared : *worked_out;
  if (sql.tombstones) {
    for (const auto& key : keys.url_keys) {
      if (query_id(sql.tombstoned, key)) {
        ++stats.forgotten;
        return;
      }
    }
    if (query_id(sql.tombstoned, keys.text_key)) {
      ++stats.forgotten;
      return;
    }
  }
  const std::string& key = item_key(item, keys);
  std::string link = item.link.value_or("");
  // The same item in the same feed: known, unless the publisher changed it.
  std::optional<std::int64_t> article;
  bool edited = false;
  sql.last_sighting.reset();
  sql.last_sighting.clearBindings();
  sql.last_sighting.bind(1, static_cast<int64_t>(feed));
  sql.last_sighting.bind(2, key);
  if (sql.last_sighting.executeStep()) {
    bool unchanged = sql.last_sighting.getColumn(1).getString() == item.title &&
                     sql.last_sighting.getColumn(2).getString() == link;
    article = sql.last_sighting.getColumn(0).getInt64();
    sql.last_sighting.reset();
    if (unchanged) {
      ++stats.known;
      return;
    }
    edited = true;
  }
  // The same article under another key: another feed's copy, a new GUID, a moved link.
  for (const auto& url : keys.url_keys) {
    if (article) break;
    article = query_id(sql.by_key, url);
  }
  if (!article && keys.url_keys.empty()) article = query_id(sql.by_key, keys.text_key);
  if (article && !edited)
    edited = query_id(sql.seen_in_feed, *article, static_cast<int64_t>(feed)).has_value();

  const std::string& outlet = keys.outlet;
  bool relevant = matched.matches.relevant;
  // A relevant article belongs to a story; an unmatched one to none.
  auto join_story = [&]() -> std::optional<std::int64_t> {
    if (!relevant) return std::nullopt;
    return new_story(sql, item.title, batch.fetched_at);
  };
  // An unmatched item is kept to be recognised, not read: its body is left out.
  static const std::string kNoContent;
  if (article) {
    sql.story_of.reset();
    sql.story_of.bind(1, static_cast<int64_t>(*article));
    bool had_story = sql.story_of.executeStep() && !sql.story_of.getColumn(0).isNull();
    sql.story_of.reset();
    // A publisher's edit updates the article; another feed's copy only adds a sighting.
    if (edited) {
      run(sql.edit, item.title, item.summary, had_story ? item.content : kNoContent, now, now,
          *article);
      ++stats.updated;
    } else {
      run(sql.touch, now, *article);
    }
    if (!had_story) {
      // Seen before without a topic; this copy (or edit) matches.
      if (auto story = join_story()) {
        run(sql.promote, *story, keys.signature_json, item.title, item.summary, item.content,
            *article);
        clusterer_->add(*article, *story, keys.signature);
        unclustered_.push_back(*article);
        ++stats.new_articles;
      }
    }
    run(sql.touch_story, now, *article);
  } else {
    std::optional<std::int64_t> story = join_story();
    clusterer_->terms().observe(keys.signature);
    const std::string& canonical = keys.url_keys.empty() ? keys.text_key : keys.url_keys[0];
    std::optional<std::string> shown;
    if (item.link && !item.link->empty()) shown = without_tracking(*item.link);
    // An unmatched article's signature counts towards the terms' document frequencies.
    run(sql.article, canonical, shown, item.title, item.summary, story ? item.content : kNoContent,
        item.author, item.published ? item.published : item.updated, now, now,
        static_cast<int64_t>(feed), story, outlet, keys.signature_json);
    article = sql.db.getLastInsertRowid();
    if (story) {
      run(sql.touch_story, now, *article);
      clusterer_->add(*article, *story, keys.signature);
      unclustered_.push_back(*article);
      ++stats.new_articles;
    } else {
      ++stats.unmatched;
    }
  }
  for (const auto& url : keys.url_keys) run(sql.add_key, url, *article);
  run(sql.add_key, keys.text_key, *article);
  // What the feed held at its first poll, or an edit of what it showed before, is not news.
  std::int64_t news = !first_poll && !edited ? 1 : 0;
  run(sql.sighting, *article, static_cast<int64_t>(feed), key, item.link, item.guid, item.title,
      outlet, now, news);
  ++stats.new_sightings;
  for (const Evidence& evidence : matched.matches.evidence) {
    run(sql.match, *article, evidence.topic, std::string(field_name(evidence.field)), evidence.term,
        static_cast<int64_t>(evidence.offset), evidence.concept_id, evidence.rule);
  }
}

std::uintmax_t Store::wal_size() const {
  std::error_code error;
  auto size = std::filesystem::file_size(path_ + "-wal", error);
  return error ? 0 : size;
}

Result<void> Store::make_room_in_wal() {
  // Room for twice the largest batch written so far, and never less than half the log.
  std::uintmax_t room = std::max<std::uintmax_t>(2 * largest_write_, options_.wal_limit / 2);
  std::uintmax_t threshold = options_.wal_limit > room ? options_.wal_limit - room : 0;
  if (wal_size() <= threshold) return {};
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.wal_wait_ms);
  for (;;) {
    // TRUNCATE waits (busy timeout) for readers of older snapshots, then empties the log.
    SQLite::Statement checkpoint(*db_, "PRAGMA wal_checkpoint(TRUNCATE)");
    bool blocked = checkpoint.executeStep() && checkpoint.getColumn(0).getInt() != 0;
    checkpoint.reset();
    if (!blocked || wal_size() <= threshold) return {};
    if (std::chrono::steady_clock::now() > deadline) {
      return fail("the write-ahead log is near its limit of " +
                  std::to_string(options_.wal_limit >> 20) +
                  " MiB and a reader's open transaction keeps it from being reset; writing "
                  "later");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

WriteStats Store::write_batch(ItemStatements& sql, const ParsedBatch& batch) {
  WriteStats stats;
  sql.feed_of.reset();
  sql.feed_of.bind(1, batch.feed.url);
  if (!sql.feed_of.executeStep()) {
    sql.feed_of.reset();
    throw std::runtime_error("feed not registered");
  }
  std::int64_t feed = sql.feed_of.getColumn(0).getInt64();
  bool first_poll = sql.feed_of.getColumn(1).getInt() == 0;  // none delivered before
  sql.feed_of.reset();
  save_feed_state(sql.save_feed, batch.feed);
  for (const MatchedItem& matched : batch.items)
    write_item(sql, batch, feed, first_poll, matched, stats);
  return stats;
}

Result<WriteStats> Store::write(const ParsedBatch& batch) {
  auto stats = write(std::vector<const ParsedBatch*>{&batch});
  if (!stats) return fail(stats.error());
  return stats->front();
}

Result<std::vector<WriteStats>> Store::write(const std::vector<const ParsedBatch*>& batches) {
  if (batches.empty()) return std::vector<WriteStats>{};
  const std::string* url = &batches.front()->feed.url;
  try {
    if (auto room = make_room_in_wal(); !room) return fail(*url + ": " + room.error().message);
    std::uintmax_t wal_before = wal_size();
    if (!clusterer_) load_clusterer();
    std::vector<WriteStats> stats;
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    ItemStatements& sql = statements();
    sql.tombstones = query_id(sql.any_tombstone).value_or(1) != 0;
    for (const ParsedBatch* batch : batches) {
      url = &batch->feed.url;
      stats.push_back(write_batch(sql, *batch));
    }
    transaction.commit();
    std::uintmax_t wal_after = wal_size();
    if (wal_after > wal_before) largest_write_ = std::max(largest_write_, wal_after - wal_before);
    return stats;
  } catch (const std::runtime_error& e) {
    clusterer_.reset();  // it may hold articles the rollback removed: reloaded next time
    unclustered_.clear();
    if (!dynamic_cast<const SQLite::Exception*>(&e))
      return fail(std::string(e.what()) + ": " + *url);
    return fail("storing " + *url + ": " + e.what());
  }
}

Result<std::vector<DueAlert>> Store::due_alerts(const std::vector<AlertRule>& rules,
                                                UnixSeconds now) {
  try {
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement fire(*db_, R"sql(
      INSERT INTO alerts (hook, story_id, state, next_attempt_at, created_at)
      SELECT ?1, s.id, 'pending', ?2, ?2 FROM stories s
       WHERE s.last_seen >= ?2 - ?3
         AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.hook = ?1 AND a.story_id = s.id)
         AND EXISTS (SELECT 1 FROM articles a JOIN sightings x ON x.article_id = a.id
                      WHERE a.story_id = s.id AND x.news = 1
                        AND coalesce(a.published, a.first_seen) >= ?2 - ?3)
         AND (SELECT count(DISTINCT x.outlet) FROM sightings x
                JOIN articles a ON a.id = x.article_id WHERE a.story_id = s.id) >= ?4
         AND (json_array_length(?5) = 0 OR EXISTS (
              SELECT 1 FROM matches m JOIN articles a ON a.id = m.article_id
               WHERE a.story_id = s.id AND m.topic IN (SELECT value FROM json_each(?5))))
    )sql");
    for (const AlertRule& rule : rules) {
      fire.reset();
      fire.bind(1, rule.name);
      fire.bind(2, static_cast<int64_t>(now));
      fire.bind(3, static_cast<int64_t>(rule.max_age));
      fire.bind(4, rule.min_outlets);
      fire.bind(5, nlohmann::json(rule.topics).dump());
      fire.exec();
    }
    transaction.commit();

    std::vector<DueAlert> due;
    SQLite::Statement pending(*db_,
                              "SELECT hook, story_id, attempts FROM alerts WHERE state = 'pending' "
                              "AND next_attempt_at <= ? ORDER BY created_at, story_id, hook");
    pending.bind(1, static_cast<int64_t>(now));
    std::set<std::string> hooks;
    for (const auto& rule : rules) hooks.insert(rule.name);
    while (pending.executeStep()) {
      DueAlert alert;
      alert.hook = pending.getColumn(0).getString();
      if (!hooks.count(alert.hook)) continue;  // a hook no longer configured
      alert.story_id = pending.getColumn(1).getInt64();
      alert.attempts = pending.getColumn(2).getInt();
      due.push_back(std::move(alert));
    }
    SQLite::Statement story(
        *db_,
        "SELECT title, strftime('%Y-%m-%dT%H:%M:%SZ', first_seen, 'unixepoch'), "
        "strftime('%Y-%m-%dT%H:%M:%SZ', last_seen, 'unixepoch') "
        "FROM stories WHERE id = ?");
    SQLite::Statement topics(*db_,
                             "SELECT DISTINCT m.topic FROM matches m JOIN articles a "
                             "ON a.id = m.article_id WHERE a.story_id = ? ORDER BY m.topic");
    SQLite::Statement outlets(
        *db_,
        "SELECT DISTINCT x.outlet FROM sightings x JOIN articles a "
        "ON a.id = x.article_id WHERE a.story_id = ? AND x.outlet IS NOT NULL "
        "ORDER BY x.outlet");
    SQLite::Statement articles(*db_,
                               "SELECT title, coalesce(url, canonical_url), outlet, "
                               "strftime('%Y-%m-%dT%H:%M:%SZ', published, 'unixepoch') "
                               "FROM articles WHERE story_id = ? ORDER BY first_seen, id");
    auto strings = [](SQLite::Statement& q, std::int64_t id) {
      std::vector<std::string> out;
      q.reset();
      q.bind(1, static_cast<int64_t>(id));
      while (q.executeStep()) out.push_back(q.getColumn(0).getString());
      return out;
    };
    for (DueAlert& alert : due) {
      story.reset();
      story.bind(1, static_cast<int64_t>(alert.story_id));
      nlohmann::json j = {{"alert", alert.hook}, {"story_id", alert.story_id}};
      if (story.executeStep()) {
        alert.title = story.getColumn(0).getString();
        j["title"] = alert.title;
        j["first_seen"] = story.getColumn(1).getString();
        j["last_seen"] = story.getColumn(2).getString();
      }
      story.reset();
      alert.topics = strings(topics, alert.story_id);
      alert.outlets = strings(outlets, alert.story_id);
      nlohmann::json list = nlohmann::json::array();
      articles.reset();
      articles.bind(1, static_cast<int64_t>(alert.story_id));
      while (articles.executeStep()) {
        std::string url = articles.getColumn(1).getString();
        if (std::find(alert.urls.begin(), alert.urls.end(), url) == alert.urls.end())
          alert.urls.push_back(url);
        list.push_back({{"title", articles.getColumn(0).getString()},
                        {"url", url},
                        {"outlet", articles.getColumn(2).isNull()
                                       ? nlohmann::json(nullptr)
                                       : nlohmann::json(articles.getColumn(2).getString())},
                        {"published", articles.getColumn(3).isNull()
                                          ? nlohmann::json(nullptr)
                                          : nlohmann::json(articles.getColumn(3).getString())}});
      }
      articles.reset();
      j["topics"] = alert.topics;
      j["outlets"] = alert.outlets;
      j["urls"] = alert.urls;
      j["articles"] = list;
      alert.json = j.dump();
    }
    return due;
  } catch (const SQLite::Exception& e) {
    return fail(std::string("finding alerts: ") + e.what());
  }
}

Result<void> Store::record_alert(const std::string& hook, std::int64_t story, bool sent,
                                 const std::string& error, UnixSeconds now, UnixSeconds retry_at) {
  try {
    SQLite::Statement update(*db_,
                             "UPDATE alerts SET state = ?, attempts = attempts + ?, "
                             "last_error = nullif(?, ''), sent_at = ?, next_attempt_at = ? "
                             "WHERE hook = ? AND story_id = ?");
    update.bind(1, sent ? "sent" : "pending");
    update.bind(2, sent ? 0 : 1);
    update.bind(3, error);
    if (sent) {
      update.bind(4, static_cast<int64_t>(now));
    } else {
      update.bind(4);
    }
    update.bind(5, static_cast<int64_t>(sent ? now : retry_at));
    update.bind(6, hook);
    update.bind(7, static_cast<int64_t>(story));
    update.exec();
    return {};
  } catch (const SQLite::Exception& e) {
    return fail("recording alert " + hook + ": " + e.what());
  }
}

Result<int> Store::forget_unmatched(UnixSeconds before) {
  try {
    SQLite::Statement prune(*db_, "DELETE FROM articles WHERE story_id IS NULL AND last_seen < ?");
    prune.bind(1, static_cast<int64_t>(before));
    return prune.exec();
  } catch (const SQLite::Exception& e) {
    return fail(std::string("forgetting unmatched items: ") + e.what());
  }
}

Result<int> Store::forget(const std::vector<std::int64_t>& articles) {
  try {
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement remove(*db_, "DELETE FROM articles WHERE id = ?");
    int removed = 0;
    for (std::int64_t id : articles) {
      remove.reset();
      remove.bind(1, static_cast<int64_t>(id));
      removed += remove.exec();
    }
    transaction.commit();
    clusterer_.reset();
    unclustered_.clear();
    return removed;
  } catch (const SQLite::Exception& e) {
    return fail(std::string("forgetting articles: ") + e.what());
  }
}

int Store::schema_version() { return db_->execAndGet("PRAGMA user_version").getInt(); }

}  // namespace newswatch
