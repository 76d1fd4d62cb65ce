// sql.h on PostgreSQL, through libpq: the database a team shares when one machine is not
// enough (issue 22). `database` is what the configuration's `database` key holds, a
// postgresql:// URI or libpq's key=value string; its password, if any, is never written out:
// errors are libpq's or the server's words on one line, and what is shown of `database` is
// redacted. Prefer a libpq passfile or PGPASSWORD to a password in the configuration.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

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
  // Prepared on the server once per session (a named statement), run with text parameters.
  std::unique_ptr<sql::Statement> prepare(const std::string& sql) override;
  void execute(const std::string& sql) override;
  void begin(bool for_writing) override;

  // A lost connection (the server restarted, the network broke) is made again by the next
  // statement; what failed with it failed (sql::Error::Kind::retry_later), as the
  // transaction it was in. Attempts are spaced out, 1 s after a failed one doubling to 60 s,
  // and each gives up after `connect_timeout` (10 s unless the URI says): a caller is never
  // held longer. Statements are prepared again in the new session as they are next run.
  // `sql`, run already in this session, is run again at the start of each new one (a
  // session's setting or advisory lock); what it returns then is not read.
  void again_each_session(const std::string& sql) { session_setup_.push_back(sql); }
  // Sessions so far: 1 until the connection is lost and made again.
  int session() const { return session_; }
  pg_conn* handle() const { return connection_; }
  // Throws retry_later unless the connection is up, making it again when it may.
  void ensure_connected();

 private:
  explicit PgConnection(pg_conn* connection) : connection_(connection) {}

  pg_conn* connection_;
  int statements_ = 0;  // prepared so far, for their names
  int session_ = 1;
  std::vector<std::string> session_setup_;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::seconds backoff_{1};
};

}  // namespace newswatch
