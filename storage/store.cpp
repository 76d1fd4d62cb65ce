#include "storage/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "storage/article_writer.h"
#include "storage/bind.h"
#include "storage/pg_connection.h"
#include "storage/schema.h"
#include "storage/sql_sqlite.h"
#include "storage/story_table.h"

namespace newswatch {
namespace {

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

}  // namespace

Store::Store(std::unique_ptr<SQLite::Database> db, std::unique_ptr<sql::Connection> sql,
             std::string path, StoreOptions options)
    : db_(std::move(db)),
      sql_(std::move(sql)),
      path_(std::move(path)),
      options_(options),
      owner_(new_lease_holder()) {}

Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&& other) noexcept {
  writer_.reset();  // statements finalized before the connection they belong to is closed
  stories_.reset();
  sql_ = std::move(other.sql_);
  db_ = std::move(other.db_);
  path_ = std::move(other.path_);
  options_ = other.options_;
  largest_write_ = other.largest_write_;
  last_write_ = other.last_write_;
  log_per_merge_ = other.log_per_merge_;
  stories_ = std::move(other.stories_);
  writer_ = std::move(other.writer_);
  owner_ = std::move(other.owner_);
  clusterer_ = std::move(other.clusterer_);
  generation_ = other.generation_;
  holds_lease_ = std::exchange(other.holds_lease_, false);
  queued_ = std::move(other.queued_);
  return *this;
}
Store::~Store() {
  writer_.reset();
  stories_.reset();
  if (sql_ && holds_lease_) {
    // Another daemon, or this one restarted, clusters at its next round, not a lease later.
    try {
      run(*sql_->prepare("UPDATE clustering SET until = 0 WHERE owner = ?"), owner_);
    } catch (const sql::Error&) {
      // The connection is gone: the lease lapses instead.
    }
  }
  if (!db_) return;  // moved from, or PostgreSQL's
  // Empties the log for readers who come after, without the exclusive lock SQLite's own
  // checkpoint on close takes (turned off in open()): a sqlite3 reader starting then would
  // be told "database is locked".
  sql_.reset();
  try {
    db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const SQLite::Exception&) {
    // A full disk or a reader holding on: the log stays, and is read or replayed as it is.
  }
}

StoryTable& Store::story_table() {
  if (!stories_) stories_ = std::make_unique<StoryTable>(*sql_);
  return *stories_;
}

ArticleWriter& Store::writer() {
  if (!writer_) writer_ = std::make_unique<ArticleWriter>(*sql_, story_table());
  return *writer_;
}

Result<Store> Store::open(const std::string& path, const StoreOptions& options) {
  if (is_postgresql(path)) {
    auto connection = PgConnection::open(path);
    if (!connection) return fail(redacted_database(path) + ": " + connection.error().message);
    if (auto migrated = migrate_postgresql(**connection); !migrated)
      return fail(redacted_database(path) + ": " + migrated.error().message);
    // A session's advisory lock: released when the connection ends, however the process ends.
    try {
      using Company = StoreOptions::Company;
      const std::string shared = "SELECT pg_try_advisory_lock_shared(4658215)",
                        exclusive = "SELECT pg_try_advisory_lock(4658215)";
      if (options.company == Company::daemons) {
        if (!query_id(*(*connection)->prepare(shared)).value_or(0))
          return fail("newswatch recluster is running on " + redacted_database(path) +
                      ": the daemons wait for it to finish");
        (*connection)->again_each_session(shared);
      }
      if (options.company == Company::nobody) {
        if (!query_id(*(*connection)->prepare(exclusive)).value_or(0))
          return fail("a newswatch daemon is running on " + redacted_database(path) +
                      ": stop every daemon on it first");
        (*connection)->again_each_session(exclusive);
      }
    } catch (const sql::Error& e) {
      return fail(redacted_database(path) + ": " + e.what());
    }
    return Store(nullptr, std::move(*connection), path, options);
  }
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
    auto connection = std::make_unique<sql::SqliteConnection>(*db);
    return Store(std::move(db), std::move(connection), path, options);
  } catch (const SQLite::Exception& e) {
    return fail(path + ": " + e.what());
  }
}

Result<void> Store::check_access(const std::string& database) {
  if (!is_postgresql(database)) return {};
  auto connection = PgConnection::open(database);
  auto checked = connection ? check_postgresql_access(**connection) : fail(connection.error());
  if (!checked) return fail(redacted_database(database) + ": " + checked.error().message);
  return {};
}

Result<void> Store::register_feed(const std::string& url, const std::string& title,
                                  UnixSeconds now) {
  try {
    auto upsert = sql_->prepare(
        "INSERT INTO feeds (url, title, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (url) DO UPDATE SET title = "
        "coalesce(nullif(excluded.title, ''), feeds.title)");
    run(*upsert, url, title, now);
    return {};
  } catch (const std::runtime_error& e) {
    return fail("registering feed " + url + ": " + e.what());
  }
}

const char* const kFeedStateColumns =
    "url, coalesce(title, ''), coalesce(etag, ''), coalesce(last_modified, ''), "
    "coalesce(last_status, 0), coalesce(last_error, ''), error_count, last_polled_at, "
    "next_poll_at, disabled, coalesce(fetch_url, '')";

FeedState stored_feed_state(const sql::Statement& row) {
  FeedState state;
  state.url = row.text(0);
  state.title = row.text(1);
  state.etag = row.text(2);
  state.last_modified = row.text(3);
  state.last_status = static_cast<int>(row.int64(4));
  state.last_error = row.text(5);
  state.error_count = static_cast<int>(row.int64(6));
  if (!row.is_null(7)) state.last_polled_at = row.int64(7);
  if (!row.is_null(8)) state.next_poll_at = row.int64(8);
  state.disabled = row.int64(9) != 0;
  state.fetch_url = row.text(10);
  return state;
}

Result<std::optional<FeedState>> Store::feed_state(const std::string& url) {
  try {
    auto query =
        sql_->prepare(std::string("SELECT ") + kFeedStateColumns + " FROM feeds WHERE url = ?");
    bind_all(*query, url);
    if (!query->step()) return std::optional<FeedState>();
    return stored_feed_state(*query);
  } catch (const std::runtime_error& e) {
    return fail("reading the state of feed " + url + ": " + e.what());
  }
}

Item stored_item(const sql::Statement& row, int first) {
  Item item;
  item.title = row.text(first);
  item.summary = row.text(first + 1);
  item.content = row.text(first + 2);
  if (!row.is_null(first + 3)) item.published = row.int64(first + 3);
  return item;
}

std::uintmax_t Store::wal_size() const {
  if (!db_) return 0;  // PostgreSQL keeps its own log
  std::error_code error;
  auto size = std::filesystem::file_size(path_ + "-wal", error);
  return error ? 0 : size;
}

void Store::note_write(std::uintmax_t wal_before) {
  std::uintmax_t wal_after = wal_size();
  last_write_ = wal_after > wal_before ? wal_after - wal_before : 0;
  largest_write_ = std::max(largest_write_, last_write_);
}

Result<void> Store::make_room_in_wal() {
  // Room for twice the largest batch written so far, and never less than half the log.
  std::uintmax_t room = std::max<std::uintmax_t>(2 * largest_write_, options_.wal_limit / 2);
  std::uintmax_t threshold = options_.wal_limit > room ? options_.wal_limit - room : 0;
  if (!db_ || wal_size() <= threshold) return {};
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

Result<WriteStats> Store::write(const ParsedBatch& batch) {
  auto stats = write(std::vector<const ParsedBatch*>{&batch});
  if (!stats) return fail(stats.error());
  return stats->front();
}

Result<std::vector<WriteStats>> Store::write(const std::vector<const ParsedBatch*>& batches) {
  if (batches.empty()) return std::vector<WriteStats>{};
  const std::string* url = &batches.front()->feed.url;
  try {
    if (auto room = make_room_in_wal(); !room) {
      const std::string& cause = room.error().message;
      return fail(Error(*url + ": " + cause, ErrorKind::not_stored, cause));
    }
    last_write_ = 0;
    std::uintmax_t wal_before = wal_size();
    std::vector<WriteStats> stats;
    sql::Transaction transaction(*sql_, true);
    ArticleWriter& articles = writer();
    articles.start_transaction();
    for (const ParsedBatch* batch : batches) {
      url = &batch->feed.url;
      stats.push_back(articles.write(*batch, queued_));
    }
    articles.finish_transaction();
    transaction.commit();
    note_write(wal_before);
    return stats;
  } catch (const std::runtime_error& e) {
    // What it noted may name articles the rollback removed: the next recluster reads the
    // queue from the database.
    queued_ = {};
    if (!dynamic_cast<const sql::Error*>(&e))
      return fail(Error(std::string(e.what()) + ": " + *url, ErrorKind::not_stored, e.what()));
    return fail(Error("storing " + *url + ": " + e.what(), ErrorKind::not_stored, e.what()));
  }
}

Result<std::vector<DueAlert>> Store::due_alerts(const std::vector<AlertRule>& rules,
                                                UnixSeconds now) {
  return AlertLedger(*sql_).due(rules, now, alone() ? 0 : kAlertClaim);
}

Result<void> Store::record_alert(const std::string& hook, std::int64_t story, bool sent,
                                 const std::string& error, UnixSeconds now, UnixSeconds retry_at) {
  return AlertLedger(*sql_).record(hook, story, sent, error, now, retry_at);
}

Result<int> Store::forget_unmatched(UnixSeconds before) {
  try {
    auto prune = sql_->prepare("DELETE FROM articles WHERE story_id IS NULL AND last_seen < ?");
    run(*prune, before);
    return static_cast<int>(prune->changes());
  } catch (const std::runtime_error& e) {
    return fail(std::string("forgetting unmatched items: ") + e.what());
  }
}

Result<int> Store::forget(const std::vector<std::int64_t>& articles) {
  try {
    sql::Transaction transaction(*sql_, true);
    auto remove = sql_->prepare("DELETE FROM articles WHERE id = ?");
    int removed = 0;
    for (std::int64_t id : articles) {
      run(*remove, id);
      removed += static_cast<int>(remove->changes());
    }
    stories_changed();
    transaction.commit();
    return removed;
  } catch (const std::runtime_error& e) {
    return fail(std::string("forgetting articles: ") + e.what());
  }
}

int Store::schema_version() {
  return db_ ? newswatch::schema_version(*db_) : postgresql_schema_version(*sql_);
}

}  // namespace newswatch
