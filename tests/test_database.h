// A database for a storage test, on either backend: a SQLite file in a temporary directory, or
// a new database on the test process's PostgreSQL server (pg_server.h). name() is what
// Store::open and StoreReader::open take; number() and text() read the first column of the
// first row of a query through a connection of the test's own, for its checks.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <memory>
#include <string>

#include "pg_server.h"
#include "storage/pg_connection.h"
#include "storage/sql.h"
#include "storage/sql_sqlite.h"
#include "test_support.h"

namespace newswatch::test {

class TestDatabase {
 public:
  explicit TestDatabase(sql::Backend backend)
      : backend_(backend),
        name_(backend == sql::Backend::sqlite ? dir_.file("n.db")
                                              : fresh_database(shared_pg_server())) {}

  const std::string& name() const { return name_; }
  sql::Backend backend() const { return backend_; }
  const char* backend_name() const {
    return backend_ == sql::Backend::sqlite ? "SQLite" : "PostgreSQL";
  }

  std::int64_t number(const std::string& sql) {
    auto read = checks().prepare(sql);
    return read->step() && !read->is_null(0) ? read->int64(0) : 0;
  }
  std::string text(const std::string& sql) {
    auto read = checks().prepare(sql);
    return read->step() ? std::string(read->text(0)) : std::string();
  }

  // A connection of the test's own, opened on first use: after the store made the database,
  // or before, to build one of an older schema (a SQLite file is created then).
  sql::Connection& checks() {
    if (!checks_) {
      if (backend_ == sql::Backend::sqlite) {
        sqlite_ =
            std::make_unique<SQLite::Database>(name_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        checks_ = std::make_unique<sql::SqliteConnection>(*sqlite_);
      } else {
        auto opened = PgConnection::open(name_);
        if (!opened) throw std::runtime_error(opened.error().message);
        checks_ = std::move(*opened);
      }
    }
    return *checks_;
  }

 private:
  TempDir dir_;
  sql::Backend backend_;
  std::string name_;
  std::unique_ptr<SQLite::Database> sqlite_;
  std::unique_ptr<sql::Connection> checks_;  // before sqlite_, which it reads: destroyed first
};

}  // namespace newswatch::test
