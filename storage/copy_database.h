// `newswatch migrate`: a SQLite database copied into an empty PostgreSQL one, for a team that
// moves to several daemons. Every table newswatch keeps is copied with its ids (feeds and
// their state, stories, articles, their keys, sightings, matches, tombstones, the alert
// ledger, articles queued for clustering), in one transaction on each side: the source read
// as one snapshot (a daemon may still be writing it, but what it writes after is not
// copied: stop it first), the target written all or nothing. Then each table's rows are
// counted on both sides.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"

namespace newswatch {

struct CopiedTable {
  std::string table;
  std::int64_t source_rows = 0, target_rows = 0;
};

// Copies the SQLite database at `from` (brought to the current schema first, as any newswatch
// command opening it does) into the PostgreSQL database `to` (a postgresql:// URI; created
// tables, no rows in them, no daemon on it). `progress` is told each table as it is copied.
// Fails, copying nothing, when `to` is not empty or a row does not fit; fails after the copy
// when a table's counts differ.
Result<std::vector<CopiedTable>> copy_to_postgresql(
    const std::string& from, const std::string& to,
    const std::function<void(const std::string& table)>& progress);

}  // namespace newswatch
