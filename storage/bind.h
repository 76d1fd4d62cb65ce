// Running a statement compiled earlier with fresh bound parameters: every statement of the
// store is prepared once and bound, never built from values. An empty optional binds NULL.
// Internal to storage/.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>

#include "storage/sql.h"

namespace newswatch {

// On sql.h's statements, which the storage code moves to so that it runs on PostgreSQL too
// (ARCHITECTURE.md); the SQLiteCpp ones below serve what has not moved yet.
inline void bind_value(sql::Statement& statement, int index, std::int64_t value) {
  statement.bind(index, value);
}
inline void bind_value(sql::Statement& statement, int index, const std::string& value) {
  statement.bind(index, std::string_view(value));
}
template <typename T>
void bind_value(sql::Statement& statement, int index, const std::optional<T>& value) {
  if (value) {
    bind_value(statement, index, *value);
  } else {
    statement.bind_null(index);
  }
}

template <typename... Values>
void bind_all(sql::Statement& statement, const Values&... values) {
  statement.reset();
  statement.clear_bindings();
  int index = 0;
  (bind_value(statement, ++index, values), ...);
}

template <typename... Values>
void run(sql::Statement& statement, const Values&... values) {
  bind_all(statement, values...);
  while (statement.step()) {
  }
}

template <typename... Values>
std::optional<std::int64_t> query_id(sql::Statement& statement, const Values&... values) {
  bind_all(statement, values...);
  std::optional<std::int64_t> value;
  if (statement.step()) value = statement.int64(0);
  statement.reset();  // a statement left stepping holds its read lock
  return value;
}

inline void bind_value(SQLite::Statement& statement, int index, std::int64_t value) {
  statement.bind(index, static_cast<int64_t>(value));
}

// Without a copy (SQLITE_STATIC): the string must live until the statement is stepped for the
// last time with it. run() and query_id() step before they return; a caller of bind_all()
// steps while the values it passed live. The store binds a few strings for every item it
// writes, and copying them was a third of what SQLite allocated.
inline void bind_value(SQLite::Statement& statement, int index, const std::string& value) {
  statement.bindNoCopy(index, value);
}

template <typename T>
void bind_value(SQLite::Statement& statement, int index, const std::optional<T>& value) {
  if (value) {
    bind_value(statement, index, *value);
  } else {
    statement.bind(index);
  }
}

// Binds `values` to the parameters of `statement` in order, its earlier bindings cleared.
template <typename... Values>
void bind_all(SQLite::Statement& statement, const Values&... values) {
  statement.reset();
  statement.clearBindings();
  int index = 0;
  (bind_value(statement, ++index, values), ...);
}

// Runs `statement` with `values`.
template <typename... Values>
void run(SQLite::Statement& statement, const Values&... values) {
  bind_all(statement, values...);
  statement.exec();
}

// The first row's first column of `statement` run with `values`, as an integer; nullopt when
// there is no row.
template <typename... Values>
std::optional<std::int64_t> query_id(SQLite::Statement& statement, const Values&... values) {
  bind_all(statement, values...);
  std::optional<std::int64_t> value;
  if (statement.executeStep()) value = statement.getColumn(0).getInt64();
  statement.reset();  // a statement left stepping holds its read lock
  return value;
}

}  // namespace newswatch
