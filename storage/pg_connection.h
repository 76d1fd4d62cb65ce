// A connection to PostgreSQL through libpq: the database a team shares when one machine is not
// enough (issue 22). `database` is what the configuration's `database` key holds, a
// postgresql:// URI or libpq's key=value string; its password, if any, is never written out:
// errors are libpq's words on one line, and what is shown of `database` is redacted. Prefer a
// libpq passfile or PGPASSWORD to a password in the configuration.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

struct pg_conn;

namespace newswatch {

// Rows of text, as libpq gives them; nullopt for NULL.
struct PgRows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

class PgConnection {
 public:
  // Connects. An error says why on one line: the server unreachable, authentication failed,
  // no such database or role.
  static Result<PgConnection> open(const std::string& database);
  PgConnection(PgConnection&&) noexcept;
  PgConnection& operator=(PgConnection&&) noexcept;
  ~PgConnection();

  // Runs `sql`, its $1, $2 ... given as text (nullopt: NULL); the error is the server's
  // message on one line.
  Result<PgRows> exec(const std::string& sql,
                      const std::vector<std::optional<std::string>>& parameters = {});

 private:
  struct Close {
    void operator()(pg_conn* connection) const;
  };
  explicit PgConnection(pg_conn* connection);

  std::unique_ptr<pg_conn, Close> connection_;
};

// Is `database` a PostgreSQL one (a postgresql:// or postgres:// URI) rather than the path of
// a SQLite file?
bool is_postgresql(const std::string& database);

// `database` with its password, in the URI's user part, its query or a key=value pair,
// shown as "***": what logs, metrics and messages may show of it.
std::string redacted_database(const std::string& database);

}  // namespace newswatch
