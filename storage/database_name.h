// What the configuration's `database` names: the path of a SQLite file, or a PostgreSQL
// database as a postgresql:// URI (libpq's syntax), and what of it may be shown.
#pragma once

#include <string>

namespace newswatch {

// Is `database` a PostgreSQL one (a postgresql:// or postgres:// URI) rather than the path of
// a SQLite file?
bool is_postgresql(const std::string& database);

// `database` with its password, in the URI's user part, its query or a key=value pair,
// shown as "***": what logs, metrics and messages may show of it.
std::string redacted_database(const std::string& database);

// A name for a holder of leases among the processes that may share a database: this host,
// pid and when the process started (a pid is used again), and a number of its own within it.
std::string new_lease_holder();

}  // namespace newswatch
