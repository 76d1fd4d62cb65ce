// PostgreSQL's migrations: each in a transaction that first takes an advisory lock, so that
// daemons starting together apply each migration once, and a database of a newer version is
// refused, as on SQLite.
#include <string>

#include "storage/migrations.h"
#include "storage/schema.h"
#include "storage/sql.h"

namespace newswatch {
namespace {

// The advisory lock of newswatch's schema changes: any number, the same for every daemon.
constexpr const char* kLockSchema = "SELECT pg_advisory_xact_lock(4658213)";

void set_version(sql::Connection& db, int version) {
  db.execute("DELETE FROM newswatch_schema");
  db.execute("INSERT INTO newswatch_schema (version) VALUES (" + std::to_string(version) + ")");
}

}  // namespace

int postgresql_schema_version(sql::Connection& db) {
  auto exists = db.prepare("SELECT to_regclass('newswatch_schema') IS NOT NULL");
  if (!exists->step() || exists->text(0) != "t") return 0;
  auto version = db.prepare("SELECT max(version) FROM newswatch_schema");
  return version->step() && !version->is_null(0) ? static_cast<int>(version->int64(0)) : 0;
}

Result<void> migrate_postgresql(sql::Connection& db) {
  try {
    for (const auto& migration : kPgMigrations) {
      sql::Transaction transaction(db, true);
      db.execute(kLockSchema);
      db.execute("CREATE TABLE IF NOT EXISTS newswatch_schema (version INTEGER NOT NULL)");
      int current = postgresql_schema_version(db);
      if (current > latest_version(kPgMigrations))
        return fail("database schema version " + std::to_string(current) +
                    " is newer than this newswatch understands (" +
                    std::to_string(latest_version(kPgMigrations)) + ")");
      if (migration.version <= current) continue;
      db.execute(migration.sql);
      set_version(db, migration.version);
      transaction.commit();
    }
    sql::Transaction transaction(db, true);
    db.execute(kLockSchema);
    db.execute(kPgViews);
    transaction.commit();
    return {};
  } catch (const sql::Error& e) {
    return fail(std::string("migrating the database: ") + e.what());
  }
}

}  // namespace newswatch
