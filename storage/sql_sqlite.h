// sql.h on SQLite, over a SQLiteCpp connection the caller owns (Store keeps its own for what is
// SQLite's alone: the write-ahead log, PRAGMAs). Internal to storage/.
#pragma once

#include "storage/sql.h"

namespace SQLite {
class Database;
}

namespace newswatch::sql {

class SqliteConnection : public Connection {
 public:
  explicit SqliteConnection(SQLite::Database& database) : database_(database) {}

  Backend backend() const override { return Backend::sqlite; }
  std::unique_ptr<Statement> prepare(const std::string& sql) override;
  void execute(const std::string& sql) override;
  void begin(bool for_writing) override;

 private:
  SQLite::Database& database_;
};

}  // namespace newswatch::sql
