// The merge is five statements in the caller's transaction, so that a story is never left
// half moved.
#include "storage/story_table.h"

#include "storage/bind.h"

namespace newswatch {

StoryTable::StoryTable(sql::Connection& db)
    : insert_(db.prepare(
          "INSERT INTO stories (title, first_seen, last_seen) VALUES (?, ?, ?) RETURNING id")),
      exists_(db.prepare("SELECT 1 FROM stories WHERE id = ?")),
      move_articles_(db.prepare("UPDATE articles SET story_id = ? WHERE story_id = ?")),
      // CASE rather than min()/max(), which PostgreSQL spells LEAST and GREATEST.
      absorb_(db.prepare(R"sql(
          UPDATE stories SET
            first_seen = (SELECT CASE WHEN o.first_seen < stories.first_seen
                                      THEN o.first_seen ELSE stories.first_seen END
                            FROM stories o WHERE o.id = ?1),
            last_seen = (SELECT CASE WHEN o.last_seen > stories.last_seen
                                     THEN o.last_seen ELSE stories.last_seen END
                           FROM stories o WHERE o.id = ?1)
           WHERE id = ?2)sql")),
      drop_(db.prepare("DELETE FROM stories WHERE id = ?")),
      // A hook that announced both stories keeps the alert of the one merged into.
      move_alerts_(db.prepare(R"sql(
          UPDATE alerts SET story_id = ?1 WHERE story_id = ?2
             AND NOT EXISTS (SELECT 1 FROM alerts b WHERE b.story_id = ?1 AND b.hook = alerts.hook))sql")),
      drop_alerts_(db.prepare("DELETE FROM alerts WHERE story_id = ?")) {}

std::int64_t StoryTable::create(const std::string& title, UnixSeconds first_seen,
                                UnixSeconds last_seen) {
  return *query_id(*insert_, title, first_seen, last_seen);
}

void StoryTable::merge(std::int64_t from, std::int64_t into) {
  if (!query_id(*exists_, from) || !query_id(*exists_, into)) return;
  run(*move_articles_, into, from);
  run(*absorb_, from, into);
  run(*drop_, from);
  // A story announced under its old id stays announced: no hook fires twice for one event.
  run(*move_alerts_, into, from);
  run(*drop_alerts_, from);
}

}  // namespace newswatch
