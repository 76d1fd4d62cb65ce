// sql.h on PostgreSQL, through libpq: the database a team shares when one machine is not
// enough (issue 22). `database` is what the configuration's `database` key holds, a
// postgresql:// URI or libpq's key=value string; its password, if any, is never written out:
// errors are libpq's or the server's words on one line, and what is shown of `database` is
// redacted. Prefer a libpq passfile or PGPASSWORD to a password in the configuration.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "storage/database_name.h"
#include "storage/sql.h"

struct pg_conn;

namespace newswatch {

class PgConnection : public sql::Connection {
 public:
  // Connects. An error says why on one line: the server unreachable, authentication failed,
  // no such database or role.
  static Result<std::unique_ptr<PgConnection>> open(const std::string& database);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  sql::Backend backend() const override { return sql::Backend::postgresql; }
  // Prepared on the server once (a named statement), run with text parameters.
  std::unique_ptr<sql::Statement> prepare(const std::string& sql) override;
  void execute(const std::string& sql) override;
  void begin(bool for_writing) override;

 private:
  explicit PgConnection(pg_conn* connection) : connection_(connection) {}

  pg_conn* connection_;
  int statements_ = 0;  // prepared so far, for their names
};

}  // namespace newswatch
