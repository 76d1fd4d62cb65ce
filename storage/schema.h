// The schema: the SQL files of storage/migrations/, embedded in the binary and applied in order
// when a database is opened, each in its own transaction, so that a database of any earlier
// version (or none) reaches the current one and a newer one is refused. PRAGMA user_version
// records how far a database has come.
#pragma once

#include "base/result.h"

namespace SQLite {
class Database;
}

namespace newswatch {

// Migrates `db` to the current schema. Two processes migrating one database at once apply
// each migration once; a database of a newer schema than this binary knows is an error.
Result<void> migrate(SQLite::Database& db);

// The schema version `db` is at.
int schema_version(SQLite::Database& db);

namespace sql {
class Connection;
}

// The same for a PostgreSQL database (storage/migrations_pg/, its own version numbers, kept in
// the table newswatch_schema), whose views (views_pg.sql) are then created again. Several
// daemons starting at once take turns: each migration holds an advisory lock.
Result<void> migrate_postgresql(sql::Connection& db);

// The schema version of a PostgreSQL database; 0 before its first migration.
int postgresql_schema_version(sql::Connection& db);

// Whether the connected role can run newswatch on `db`: create the schema in a new database,
// or read and write its tables; a database of a newer schema is refused. Says which, on one
// line.
Result<void> check_postgresql_access(sql::Connection& db);

}  // namespace newswatch
