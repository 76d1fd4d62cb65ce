#include "storage/copy_database.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "storage/bind.h"
#include "storage/pg_connection.h"
#include "storage/schema.h"
#include "storage/sql_sqlite.h"
#include "storage/store.h"

namespace newswatch {
namespace {

// In the order their foreign keys need. The full-text index (SQLite's articles_fts) is not a
// table of PostgreSQL's, whose articles carry their words; the clustering lease starts free.
const std::vector<std::string> kTables = {"feeds",        "stories",   "articles",
                                          "article_keys", "sightings", "matches",
                                          "tombstones",   "alerts",    "cluster_queue"};
// Those whose ids are copied and whose identity then continues after the largest.
const std::vector<std::string> kIdentities = {"feeds", "stories", "articles", "sightings"};

std::int64_t count_rows(sql::Connection& db, const std::string& table) {
  auto count = db.prepare("SELECT count(*) FROM " + table);
  return count->step() ? count->int64(0) : 0;
}

// The columns of `table` both have that PostgreSQL lets a row give: not a generated one (the
// words), nor an identity always generated (the queue's order, which the copy keeps by
// inserting in it).
std::vector<std::string> shared_columns(sql::Connection& sqlite, sql::Connection& postgresql,
                                        const std::string& table) {
  std::set<std::string> in_sqlite;
  auto info = sqlite.prepare("SELECT name FROM pragma_table_info(?)");
  bind_all(*info, table);
  while (info->step()) in_sqlite.emplace(info->text(0));
  auto columns = postgresql.prepare(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = "
      "current_schema() AND table_name = ? AND is_generated = 'NEVER' "
      "AND coalesce(identity_generation, '') <> 'ALWAYS' ORDER BY ordinal_position");
  bind_all(*columns, table);
  std::vector<std::string> shared;
  while (columns->step()) {
    std::string name(columns->text(0));
    if (in_sqlite.count(name)) shared.push_back(name);
  }
  return shared;
}

// Every row of `table`, each value as text (PostgreSQL reads a number, or a signature's JSON,
// from its text), in SQLite's order of insertion where it has one.
void copy_table(sql::Connection& sqlite, sql::Connection& postgresql, const std::string& table) {
  std::vector<std::string> columns = shared_columns(sqlite, postgresql, table);
  std::string names, marks;
  for (const std::string& column : columns) {
    names += (names.empty() ? "\"" : ", \"") + column + "\"";
    marks += marks.empty() ? "?" : ", ?";
  }
  // A table WITHOUT ROWID (article_keys, tombstones) has no order of insertion to keep.
  auto schema =
      sqlite.prepare("SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_schema WHERE name = ?");
  bool rowid = !query_id(*schema, table).value_or(0);
  auto read =
      sqlite.prepare("SELECT " + names + " FROM " + table + (rowid ? " ORDER BY rowid" : ""));
  auto write =
      postgresql.prepare("INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")");
  while (read->step()) {
    write->reset();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      int column = static_cast<int>(i);
      if (read->is_null(column)) {
        write->bind_null(column + 1);
      } else {
        write->bind(column + 1, read->text(column));
      }
    }
    while (write->step()) {
    }
  }
}

}  // namespace

Result<std::vector<CopiedTable>> copy_to_postgresql(
    const std::string& from, const std::string& to,
    const std::function<void(const std::string& table)>& progress) {
  if (!std::filesystem::exists(from)) return fail(from + ": no such database");
  if (auto current = Store::open(from); !current) return fail(current.error());
  auto target = PgConnection::open(to);
  if (!target) return fail(redacted_database(to) + ": " + target.error().message);
  sql::Connection& postgresql = **target;
  if (auto migrated = migrate_postgresql(postgresql); !migrated)
    return fail(redacted_database(to) + ": " + migrated.error().message);
  std::vector<CopiedTable> counts;
  try {
    // As `recluster` does: no daemon on the target while it is filled.
    if (!query_id(*postgresql.prepare("SELECT pg_try_advisory_lock(4658215)")).value_or(0))
      return fail("a newswatch daemon is running on " + redacted_database(to) +
                  ": stop it; the copy goes into an empty database");
    for (const std::string& table : kTables) {
      if (count_rows(postgresql, table) > 0)
        return fail(redacted_database(to) + ": not empty (" + table +
                    " has rows): the copy goes into an empty database");
    }
    SQLite::Database file(from, SQLite::OPEN_READONLY);
    sql::SqliteConnection sqlite(file);
    {
      sql::Transaction snapshot(sqlite, false);
      sql::Transaction copy(postgresql, true);
      for (const std::string& table : kTables) {
        progress(table);
        copy_table(sqlite, postgresql, table);
      }
      for (const std::string& table : kIdentities)
        postgresql.execute("SELECT setval(pg_get_serial_sequence('" + table +
                           "', 'id'), coalesce(max(id), 0) + 1, false) FROM " + table);
      copy.commit();
      // Counted in the snapshot copied, while a daemon on the source may write on.
      for (const std::string& table : kTables)
        counts.push_back({table, count_rows(sqlite, table), 0});
      snapshot.commit();
    }
    for (CopiedTable& table : counts) table.target_rows = count_rows(postgresql, table.table);
  } catch (const std::runtime_error& e) {  // sql::Error, or SQLiteCpp's on opening
    return fail(std::string("copying into ") + redacted_database(to) + ": " + e.what());
  }
  for (const CopiedTable& table : counts) {
    if (table.source_rows != table.target_rows)
      return fail(table.table + ": " + std::to_string(table.source_rows) + " rows in " + from +
                  ", " + std::to_string(table.target_rows) + " copied");
  }
  return counts;
}

}  // namespace newswatch
