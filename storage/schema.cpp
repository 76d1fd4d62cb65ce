// Migrations run with foreign keys off, as SQLite prescribes for those that rebuild a table
// (its way to change a column), and are checked for dangling references before they commit.
// They change tables only: the views are dropped before a migration, so none stands in the
// way of a table being rebuilt, and come back from views.sql after the last.
#include "storage/schema.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <string_view>
#include <vector>

#include "feeds/url.h"
#include "storage/migrations.h"

namespace newswatch {
namespace {

// Version 4 keys articles by their canonical URL; those stored before were keyed by the link
// as published, which SQL alone cannot canonicalize.
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

// The names of the views views.sql creates. Only these are dropped: a view an analyst added
// to the database is theirs.
std::vector<std::string> our_view_names() {
  static const std::string kCreate = "CREATE VIEW ";
  std::vector<std::string> names;
  std::string_view views = kViews;
  for (std::size_t at = views.find(kCreate); at != std::string_view::npos;
       at = views.find(kCreate, at + 1)) {
    std::size_t start = at + kCreate.size();
    names.emplace_back(views.substr(start, views.find(' ', start) - start));
  }
  return names;
}

void drop_views(SQLite::Database& db) {
  for (const auto& name : our_view_names()) db.exec("DROP VIEW IF EXISTS " + name);
}

// What the database holds of the views of views.sql, as SQLite keeps their text.
std::string stored_views(SQLite::Database& db) {
  std::string stored;
  SQLite::Statement view(db, "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?");
  for (const auto& name : our_view_names()) {
    view.reset();
    view.bind(1, name);
    stored += view.executeStep() ? view.getColumn(0).getString() : "(none)";
    stored += '\n';
  }
  return stored;
}

// Creates the views as views.sql has them. When they were so already the transaction rolls
// back: nothing is written, and no other connection sees the schema change and re-prepares.
void refresh_views(SQLite::Database& db) {
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  std::string before = stored_views(db);
  drop_views(db);
  db.exec(kViews);
  if (stored_views(db) != before) transaction.commit();
}

}  // namespace

Result<void> migrate(SQLite::Database& db) {
  db.exec("PRAGMA foreign_keys = OFF");
  for (const auto& migration : kMigrations) {
    // The version is read inside the write transaction: two processes opening a new
    // database at once apply each migration exactly once.
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    int current = schema_version(db);
    if (current > latest_version(kMigrations)) {
      return fail("database schema version " + std::to_string(current) +
                  " is newer than this newswatch understands (" +
                  std::to_string(latest_version(kMigrations)) + ")");
    }
    if (migration.version <= current) continue;
    drop_views(db);
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
  refresh_views(db);
  return {};
}

int schema_version(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

}  // namespace newswatch
