// The merge is five statements in the caller's transaction, so that a story is never left
// half moved.
#include "storage/story_table.h"

#include "storage/bind.h"

namespace newswatch {

StoryTable::StoryTable(SQLite::Database& db)
    : db_(db),
      insert_(db, "INSERT INTO stories (title, first_seen, last_seen) VALUES (?, ?, ?)"),
      exists_(db, "SELECT 1 FROM stories WHERE id = ?"),
      move_articles_(db, "UPDATE articles SET story_id = ? WHERE story_id = ?"),
      absorb_(db,
              "UPDATE stories SET first_seen = min(first_seen, (SELECT first_seen FROM "
              "stories WHERE id = ?1)), last_seen = max(last_seen, (SELECT last_seen "
              "FROM stories WHERE id = ?1)) WHERE id = ?2"),
      drop_(db, "DELETE FROM stories WHERE id = ?"),
      move_alerts_(db, "UPDATE OR IGNORE alerts SET story_id = ? WHERE story_id = ?"),
      drop_alerts_(db, "DELETE FROM alerts WHERE story_id = ?") {}

std::int64_t StoryTable::create(const std::string& title, UnixSeconds first_seen,
                                UnixSeconds last_seen) {
  run(insert_, title, first_seen, last_seen);
  return db_.getLastInsertRowid();
}

void StoryTable::merge(std::int64_t from, std::int64_t into) {
  if (!query_id(exists_, from) || !query_id(exists_, into)) return;
  run(move_articles_, into, from);
  run(absorb_, from, into);
  run(drop_, from);
  // A story announced under its old id stays announced: no hook fires twice for one event.
  run(move_alerts_, into, from);
  run(drop_alerts_, from);
}

}  // namespace newswatch
