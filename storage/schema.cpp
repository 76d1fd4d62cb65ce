// Migrations run with foreign keys off, as SQLite prescribes for those that rebuild a table
// (its way to change a column), and are checked for dangling references before they commit.
#include "storage/schema.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

#include "feeds/url.h"
#include "storage/migrations.h"

namespace newswatch {
namespace {

constexpr int latest_version() {
  int version = 0;
  for (const auto& m : kMigrations) version = m.version;
  return version;
}

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

}  // namespace

Result<void> migrate(SQLite::Database& db) {
  db.exec("PRAGMA foreign_keys = OFF");
  for (const auto& migration : kMigrations) {
    // The version is read inside the write transaction: two processes opening a new
    // database at once apply each migration exactly once.
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    int current = schema_version(db);
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

int schema_version(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

}  // namespace newswatch
