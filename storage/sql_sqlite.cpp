#include "storage/sql_sqlite.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

namespace newswatch::sql {
namespace {

Error::Kind kind_of(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
      return Error::Kind::retry_later;
    case SQLITE_CONSTRAINT:
      return Error::Kind::constraint;
    default:
      return Error::Kind::general;
  }
}

// Throws the connection's error unless `code` says all is well.
void check(sqlite3* database, int code) {
  if (code != SQLITE_OK && code != SQLITE_ROW && code != SQLITE_DONE)
    throw Error(sqlite3_errmsg(database), kind_of(code));
}

// On SQLite's own API, not SQLiteCpp's: its columns are read without copying and without a
// Column object (and a shared pointer) for each.
class SqliteStatement : public Statement {
 public:
  SqliteStatement(sqlite3* database, const std::string& sql) : database_(database) {
    check(database_, sqlite3_prepare_v2(database_, sql.c_str(), static_cast<int>(sql.size()),
                                        &statement_, nullptr));
  }
  ~SqliteStatement() override { sqlite3_finalize(statement_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void bind(int index, std::int64_t value) override {
    check(database_, sqlite3_bind_int64(statement_, index, value));
  }
  void bind(int index, double value) override {
    check(database_, sqlite3_bind_double(statement_, index, value));
  }
  void bind(int index, std::string_view value) override {
    check(database_, sqlite3_bind_text64(statement_, index, value.data(), value.size(),
                                         SQLITE_STATIC, SQLITE_UTF8));
  }
  void bind_null(int index) override { check(database_, sqlite3_bind_null(statement_, index)); }
  bool step() override {
    int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) changes_ = sqlite3_changes64(database_);
    if (code != SQLITE_DONE) {
      sqlite3_reset(statement_);  // a failed statement holds no lock
      check(database_, code);
    }
    return false;
  }
  void reset() override { sqlite3_reset(statement_); }
  void clear_bindings() override { sqlite3_clear_bindings(statement_); }
  std::int64_t changes() const override { return changes_; }

  bool is_null(int column) const override {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
  }
  std::int64_t int64(int column) const override { return sqlite3_column_int64(statement_, column); }
  double real(int column) const override { return sqlite3_column_double(statement_, column); }
  std::string_view text(int column) const override {
    const auto* text = sqlite3_column_text(statement_, column);
    if (!text) return {};
    return {reinterpret_cast<const char*>(text),
            static_cast<std::size_t>(sqlite3_column_bytes(statement_, column))};
  }

 private:
  sqlite3* database_;
  sqlite3_stmt* statement_ = nullptr;
  std::int64_t changes_ = 0;
};

}  // namespace

std::unique_ptr<Statement> SqliteConnection::prepare(const std::string& sql) {
  return std::make_unique<SqliteStatement>(database_.getHandle(), sql);
}

void SqliteConnection::execute(const std::string& sql) {
  sqlite3* database = database_.getHandle();
  check(database, sqlite3_exec(database, sql.c_str(), nullptr, nullptr, nullptr));
}

void SqliteConnection::begin(bool for_writing) {
  execute(for_writing ? "BEGIN IMMEDIATE" : "BEGIN");
}

}  // namespace newswatch::sql
