// The stories table: every relevant article starts a story of its own, and the store merges
// stories when the clusterer finds them one event; a merged story's articles, time span and
// alerts move to the one it joins. Statements compiled once per connection; used by the one
// thread that writes, inside its transactions. On sql.h: either backend.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "feeds/item.h"
#include "storage/sql.h"

namespace newswatch {

class StoryTable {
 public:
  // `db` must outlive the table.
  explicit StoryTable(sql::Connection& db);
  StoryTable(const StoryTable&) = delete;
  StoryTable& operator=(const StoryTable&) = delete;

  // Adds a story titled `title` that spans `first_seen` to `last_seen`; returns its id.
  std::int64_t create(const std::string& title, UnixSeconds first_seen, UnixSeconds last_seen);

  // Moves the articles and alerts of story `from` into story `into`, widens its span to
  // cover both and deletes `from`. Nothing when either story no longer exists.
  void merge(std::int64_t from, std::int64_t into);

 private:
  std::unique_ptr<sql::Statement> insert_, exists_, move_articles_, absorb_, drop_, move_alerts_,
      drop_alerts_;
};

}  // namespace newswatch
