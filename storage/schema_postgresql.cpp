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

Result<void> check_postgresql_access(sql::Connection& db) {
  try {
    auto exists = db.prepare("SELECT to_regclass('newswatch_schema') IS NOT NULL");
    bool made = exists->step() && exists->int64(0) == 1;
    // has_table_privilege is true when any one of several privileges is held: each is asked.
    auto allowed = db.prepare(
        made ? "SELECT bool_and(has_table_privilege(t, p)) FROM unnest(ARRAY['newswatch_schema', "
               "'feeds', 'articles', 'article_keys', 'sightings', 'stories', 'matches', "
               "'alerts', 'tombstones']) t, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', "
               "'DELETE']) p"
             : "SELECT has_schema_privilege(current_schema(), 'CREATE')");
    if (!allowed->step() || allowed->is_null(0) || allowed->int64(0) != 1)
      return fail(made ? "permission denied: the role may not read and write newswatch's tables "
                         "(GRANT SELECT, INSERT, UPDATE, DELETE on them, or connect as their "
                         "owner)"
                       : "permission denied: the role may not create newswatch's tables in the "
                         "database's schema (GRANT CREATE ON SCHEMA public, or make it the "
                         "database's owner)");
    int version = postgresql_schema_version(db);
    if (version > latest_version(kPgMigrations))
      return fail("database schema version " + std::to_string(version) +
                  " is newer than this newswatch understands (" +
                  std::to_string(latest_version(kPgMigrations)) + ")");
    return {};
  } catch (const sql::Error& e) {
    return fail(e.what());
  }
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
