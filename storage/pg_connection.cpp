#include "storage/pg_connection.h"

#include <libpq-fe.h>

#include <regex>

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

}  // namespace

void PgConnection::Close::operator()(pg_conn* connection) const { PQfinish(connection); }

PgConnection::PgConnection(pg_conn* connection) : connection_(connection) {}
PgConnection::PgConnection(PgConnection&&) noexcept = default;
PgConnection& PgConnection::operator=(PgConnection&&) noexcept = default;
PgConnection::~PgConnection() = default;

Result<PgConnection> PgConnection::open(const std::string& database) {
  PgConnection opened(PQconnectdb(database.c_str()));
  if (!opened.connection_) return fail("PostgreSQL: out of memory");
  if (PQstatus(opened.connection_.get()) != CONNECTION_OK)
    return fail("PostgreSQL: " + one_line(PQerrorMessage(opened.connection_.get())));
  return opened;
}

Result<PgRows> PgConnection::exec(const std::string& sql,
                                  const std::vector<std::optional<std::string>>& parameters) {
  std::vector<const char*> values;
  for (const auto& parameter : parameters)
    values.push_back(parameter ? parameter->c_str() : nullptr);
  std::unique_ptr<PGresult, void (*)(PGresult*)> result(
      PQexecParams(connection_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                   values.data(), nullptr, nullptr, 0),
      PQclear);
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    return fail("PostgreSQL: " + one_line(PQerrorMessage(connection_.get())));
  PgRows rows;
  int columns = PQnfields(result.get());
  for (int column = 0; column < columns; ++column)
    rows.columns.emplace_back(PQfname(result.get(), column));
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    auto& values_of_row = rows.rows.emplace_back();
    for (int column = 0; column < columns; ++column)
      values_of_row.push_back(
          PQgetisnull(result.get(), row, column)
              ? std::nullopt
              : std::optional<std::string>(PQgetvalue(result.get(), row, column)));
  }
  return rows;
}

bool is_postgresql(const std::string& database) {
  return database.starts_with("postgresql://") || database.starts_with("postgres://");
}

std::string redacted_database(const std::string& database) {
  static const std::regex in_user_part(R"(^(postgres(?:ql)?://[^:@/?]*:)[^@/?]*@)");
  static const std::regex in_query(R"(([?&]password=)[^&]*)");
  static const std::regex in_pairs(R"((^|\s)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*))");
  if (is_postgresql(database))
    return std::regex_replace(std::regex_replace(database, in_user_part, "$1***@"), in_query,
                              "$1***");
  return std::regex_replace(database, in_pairs, "$1$2***");
}

}  // namespace newswatch
