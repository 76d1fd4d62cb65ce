// The SQL the storage code speaks, on either backend: a connection prepares statements whose
// parameters are `?` (or `?N`), binds values by position, steps through the rows and reads
// their columns. SQLite (sql_sqlite.cpp, over SQLiteCpp) and PostgreSQL (pg_connection.cpp,
// over libpq) implement it, so that one writer's logic serves both. The SQL is what both
// understand: `INSERT ... ON CONFLICT DO NOTHING`, `RETURNING id` for a new row's id, `->>`
// for a JSON member; what differs (the schema, full-text search, the views) is each
// backend's own. PostgreSQL gives a parameter the type of what it is compared with or stored
// in: where nothing says (`? + 1` is an integer of 32 bits), write CAST(? AS BIGINT). Failures
// throw sql::Error; storage's front turns them into Result.
// Internal to storage/.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace newswatch::sql {

enum class Backend { sqlite, postgresql };

class Error : public std::runtime_error {
 public:
  enum class Kind {
    general,
    // The database refused the statement as a whole and may take it later: busy, locked,
    // full, read-only, the connection lost. Nothing of the transaction is stored.
    retry_later,
    constraint,  // a UNIQUE, NOT NULL, CHECK or foreign key constraint
  };
  Error(const std::string& message, Kind kind) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class Statement {
 public:
  virtual ~Statement() = default;

  // Parameters count from 1. A text is not copied by every backend: it must live until the
  // statement has run with it (stepped to its end, or reset). The store binds a few strings
  // for every item it writes, and copying them was a third of what SQLite allocated.
  virtual void bind(int index, std::int64_t value) = 0;
  virtual void bind(int index, double value) = 0;
  virtual void bind(int index, std::string_view value) = 0;
  virtual void bind_null(int index) = 0;
  // The next row: true when there is one. The first call runs the statement.
  virtual bool step() = 0;
  // Ready to run again; the bindings stay until bound again or cleared.
  virtual void reset() = 0;
  virtual void clear_bindings() = 0;

  // The rows the last run inserted, updated or deleted, once stepped to its end.
  virtual std::int64_t changes() const = 0;

  // The current row's columns, counted from 0. A text lives until the next step or reset.
  virtual bool is_null(int column) const = 0;
  virtual std::int64_t int64(int column) const = 0;
  virtual double real(int column) const = 0;
  virtual std::string_view text(int column) const = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual Backend backend() const = 0;
  virtual std::unique_ptr<Statement> prepare(const std::string& sql) = 0;
  // Runs statements without parameters, separated by semicolons (a migration, BEGIN).
  virtual void execute(const std::string& sql) = 0;
  // Starts a transaction; one `for_writing` takes the write lock at once (SQLite's BEGIN
  // IMMEDIATE), so that it never fails half-way for another writer's lock; one not for
  // writing reads one snapshot of the database, and writes nothing.
  virtual void begin(bool for_writing) = 0;
};

// A transaction: committed by commit(), rolled back if destroyed before.
class Transaction {
 public:
  Transaction(Connection& connection, bool for_writing) : connection_(connection) {
    connection_.begin(for_writing);
  }
  // One the caller began with a BEGIN of its own, of a kind begin() does not offer.
  struct Begun {};
  Transaction(Connection& connection, Begun) : connection_(connection) {}
  ~Transaction() {
    if (!done_) {
      try {
        connection_.execute("ROLLBACK");
      } catch (const Error&) {
        // The connection is gone or the transaction already ended: nothing to undo.
      }
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit() {
    connection_.execute("COMMIT");
    done_ = true;
  }

 private:
  Connection& connection_;
  bool done_ = false;
};

// `sql` with its `?` and `?N` parameters as PostgreSQL's `$N`; those in quotes, quoted names
// and comments left as they are.
std::string numbered_parameters(std::string_view sql);

}  // namespace newswatch::sql
