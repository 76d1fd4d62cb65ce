// `newswatch migrate`: a SQLite database copied into PostgreSQL, its counts checked.
#include <cstdio>
#include <string>

#include "daemon/commands.h"
#include "storage/copy_database.h"
#include "storage/database_name.h"

namespace newswatch {
namespace {

constexpr const char* kMigrateUsage = R"(usage: newswatch migrate --from PATH --to URI

Copies the SQLite database PATH into the PostgreSQL database URI (postgresql://...), which
must be empty (newswatch creates its tables): feeds and their state, stories, articles, their
keys, sightings, matches, tombstones, the alert ledger and the articles waiting to be
clustered, with their ids, all or nothing. Then counts every table on both sides, prints the
counts and exits 0 when they are equal, 1 otherwise. Stop the daemon first: what it writes
during the copy is not copied. No daemon may run on URI meanwhile.

  --from PATH     the SQLite database (brought to the current schema first)
  --to URI        the PostgreSQL database: a postgresql:// URI, its password best in a passfile
)";

}  // namespace

int migrate_command(const Args& args) {
  std::string from, to;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(kMigrateUsage, stdout);
      return 0;
    }
    if ((args[i] == "--from" || args[i] == "--to") && i + 1 < args.size()) {
      (args[i] == "--from" ? from : to) = args[i + 1];
      ++i;
      continue;
    }
    std::fprintf(stderr, "newswatch migrate: bad argument '%s'\n%s", args[i].c_str(),
                 kMigrateUsage);
    return 2;
  }
  if (from.empty() || to.empty() || !is_postgresql(to)) {
    std::fprintf(stderr, "newswatch migrate: --from a SQLite file and --to a postgresql:// URI\n%s",
                 kMigrateUsage);
    return 2;
  }
  auto copied = copy_to_postgresql(from, to, [](const std::string& table) {
    std::fprintf(stderr, "copying %s\n", table.c_str());
  });
  if (!copied) {
    std::fprintf(stderr, "newswatch migrate: %s\n", copied.error().message.c_str());
    return 1;
  }
  std::printf("%-14s %12s %12s\n", "table", "SQLite", "PostgreSQL");
  for (const CopiedTable& table : *copied)
    std::printf("%-14s %12lld %12lld\n", table.table.c_str(),
                static_cast<long long>(table.source_rows),
                static_cast<long long>(table.target_rows));
  std::printf("%s copied into %s: every table's count is equal\n", from.c_str(),
              redacted_database(to).c_str());
  return 0;
}

}  // namespace newswatch
