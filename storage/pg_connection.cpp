#include "storage/pg_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdio>
#include <optional>
#include <vector>

namespace newswatch {
namespace {

// libpq's message on one line: its lines joined, its padding ("FATAL:  ") closed up.
std::string one_line(const char* message) {
  std::string line;
  for (const char* c = message; c && *c; ++c) {
    if (*c == '\n') {
      if (!line.empty() && c[1] != '\0') line += "; ";
    } else if (!(*c == ' ' && !line.empty() && line.back() == ' ')) {
      line += *c;
    }
  }
  while (!line.empty() && (line.back() == ' ' || line.back() == ';')) line.pop_back();
  return line;
}

using ResultPtr = std::unique_ptr<PGresult, void (*)(PGresult*)>;

// Throws the failure of `result` (or of the connection, when there is no result) unless it
// succeeded. Constraint violations (SQLSTATE class 23) are told apart; so is what may succeed
// later: a lost connection, serialization failures and deadlocks, the server out of room or
// shutting down.
void check(PGconn* connection, const PGresult* result) {
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
  std::string state = result && PQresultErrorField(result, PG_DIAG_SQLSTATE)
                          ? PQresultErrorField(result, PG_DIAG_SQLSTATE)
                          : "";
  sql::Error::Kind kind = sql::Error::Kind::general;
  if (state.starts_with("23")) kind = sql::Error::Kind::constraint;
  if (PQstatus(connection) != CONNECTION_OK || state.starts_with("08") || state.starts_with("53") ||
      state.starts_with("57P") || state == "40001" || state == "40P01")
    kind = sql::Error::Kind::retry_later;
  throw sql::Error("PostgreSQL: " + one_line(PQerrorMessage(connection)), kind);
}

class PgStatement : public sql::Statement {
 public:
  PgStatement(PgConnection& connection, std::string name, const std::string& sql)
      : connection_(connection), name_(std::move(name)), sql_(sql::numbered_parameters(sql)) {
    prepare();
  }
  ~PgStatement() override {
    PGconn* handle = connection_.handle();
    if (session_ == connection_.session() && PQstatus(handle) == CONNECTION_OK)
      PQclear(PQexec(handle, ("DEALLOCATE " + name_).c_str()));
  }
  PgStatement(const PgStatement&) = delete;
  PgStatement& operator=(const PgStatement&) = delete;

  void bind(int index, std::int64_t value) override { at(index) = std::to_string(value); }
  void bind(int index, double value) override {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    at(index) = text;
  }
  void bind(int index, std::string_view value) override { at(index) = std::string(value); }
  void bind_null(int index) override { at(index).reset(); }
  bool step() override {
    if (!result_) {
      connection_.ensure_connected();
      if (session_ != connection_.session()) prepare();  // a new session knows it not
      std::vector<const char*> values;
      for (const auto& parameter : parameters_)
        values.push_back(parameter ? parameter->c_str() : nullptr);
      // Kept only when it succeeded: after a failure the next step runs the statement again,
      // as SQLite's does once reset.
      PGconn* handle = connection_.handle();
      ResultPtr result(PQexecPrepared(handle, name_.c_str(), static_cast<int>(values.size()),
                                      values.data(), nullptr, nullptr, 0),
                       PQclear);
      check(handle, result.get());
      result_ = std::move(result);
      row_ = -1;
    }
    return ++row_ < PQntuples(result_.get());
  }
  void reset() override { result_.reset(); }
  void clear_bindings() override {
    for (auto& parameter : parameters_) parameter.reset();
  }
  std::int64_t changes() const override {
    std::string_view count = result_ ? PQcmdTuples(result_.get()) : "";
    std::int64_t number = 0;
    std::from_chars(count.data(), count.data() + count.size(), number);
    return number;
  }

  bool is_null(int column) const override { return PQgetisnull(result_.get(), row_, column); }
  std::int64_t int64(int column) const override {
    std::string_view value = text(column);
    if (value == "t" || value == "f") return value == "t";  // a boolean, as SQLite has them
    std::int64_t number = 0;
    std::from_chars(value.data(), value.data() + value.size(), number);
    return number;
  }
  double real(int column) const override {
    return std::strtod(PQgetvalue(result_.get(), row_, column), nullptr);
  }
  std::string_view text(int column) const override {
    return {PQgetvalue(result_.get(), row_, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row_, column))};
  }

 private:
  void prepare() {
    connection_.ensure_connected();
    PGconn* handle = connection_.handle();
    ResultPtr prepared(PQprepare(handle, name_.c_str(), sql_.c_str(), 0, nullptr), PQclear);
    check(handle, prepared.get());
    ResultPtr described(PQdescribePrepared(handle, name_.c_str()), PQclear);
    check(handle, described.get());
    parameters_.resize(static_cast<std::size_t>(PQnparams(described.get())));
    session_ = connection_.session();
  }

  std::optional<std::string>& at(int index) {
    if (index < 1 || static_cast<std::size_t>(index) > parameters_.size())
      throw sql::Error("PostgreSQL: no parameter " + std::to_string(index) + " in " + name_,
                       sql::Error::Kind::general);
    reset();
    return parameters_[static_cast<std::size_t>(index - 1)];
  }

  PgConnection& connection_;
  std::string name_;
  std::string sql_;
  int session_ = 0;  // the one it was prepared in
  std::vector<std::optional<std::string>> parameters_;
  ResultPtr result_{nullptr, PQclear};
  int row_ = -1;
};

}  // namespace

Result<std::unique_ptr<PgConnection>> PgConnection::open(const std::string& database) {
  // A connect_timeout of 10 s unless `database` gives one: keywords after an expanded dbname
  // override it, those before are its defaults.
  const char* keys[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"10", database.c_str(), nullptr};
  std::unique_ptr<PgConnection> opened(new PgConnection(PQconnectdbParams(keys, values, 1)));
  if (!opened->connection_) return fail("PostgreSQL: out of memory");
  if (PQstatus(opened->connection_) != CONNECTION_OK)
    return fail("PostgreSQL: " + one_line(PQerrorMessage(opened->connection_)));
  try {
    // libpq prints the server's notices on stderr ("relation ... already exists, skipping"):
    // only warnings are worth the daemon's log.
    opened->execute("SET client_min_messages = warning");
    opened->again_each_session("SET client_min_messages = warning");
  } catch (const sql::Error& e) {
    return fail(e.what());
  }
  return opened;
}

PgConnection::~PgConnection() { PQfinish(connection_); }

void PgConnection::ensure_connected() {
  if (PQstatus(connection_) == CONNECTION_OK) return;
  auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_)
    throw sql::Error("PostgreSQL: the connection is lost; trying again shortly",
                     sql::Error::Kind::retry_later);
  PQreset(connection_);
  if (PQstatus(connection_) != CONNECTION_OK) {
    next_attempt_ = std::chrono::steady_clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, std::chrono::seconds(60));
    throw sql::Error("PostgreSQL: the connection is lost: " + one_line(PQerrorMessage(connection_)),
                     sql::Error::Kind::retry_later);
  }
  backoff_ = std::chrono::seconds(1);
  ++session_;
  for (const std::string& sql : session_setup_) {
    ResultPtr result(PQexec(connection_, sql.c_str()), PQclear);
    check(connection_, result.get());
  }
}

std::unique_ptr<sql::Statement> PgConnection::prepare(const std::string& sql) {
  return std::make_unique<PgStatement>(*this, "newswatch_" + std::to_string(++statements_), sql);
}

void PgConnection::execute(const std::string& sql) {
  ensure_connected();
  ResultPtr result(PQexec(connection_, sql.c_str()), PQclear);
  check(connection_, result.get());
}

// Writers take turns, as on SQLite, whose BEGIN IMMEDIATE takes the database's one write
// lock: a transaction for writing holds newswatch's write lock (an advisory lock, released when
// it ends), so that daemons sharing the database write their batches and merge their stories
// one at a time, each on what the one before committed. A reader's transaction reads one
// snapshot, as SQLite's does in WAL mode (PostgreSQL's default takes one per statement).
void PgConnection::begin(bool for_writing) {
  execute(for_writing ? "BEGIN; SELECT pg_advisory_xact_lock(4658214)"
                      : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

}  // namespace newswatch
