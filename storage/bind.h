// Running a statement compiled earlier with fresh bound parameters: every statement of the
// store is prepared once and bound, never built from values. An empty optional binds NULL.
// Internal to storage/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/sql.h"

namespace newswatch {

// Strings are bound without a copy on SQLite (sql::Statement::bind): one must live until the
// statement is stepped for the last time with it. run() and query_id() step before they
// return; a caller of bind_all() steps while the values it passed live.
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

}  // namespace newswatch
