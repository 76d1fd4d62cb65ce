// The alert ledger: which story each [[alert]] hook has announced, or is to announce, and
// what a hook receives about a story. A story fires once per hook, ever: the row is recorded
// before the action runs, and a failed action is tried again later from the same row. The
// conditions of firing are one SQL statement; the story a hook receives is read back from
// the stories, articles, sightings and matches tables as JSON.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "feeds/item.h"
#include "base/result.h"

namespace SQLite {
class Database;
}

namespace newswatch {

// What an [[alert]] hook announces: stories of its topics carried by enough outlets.
struct AlertRule {
  std::string name;
  std::vector<std::string> topics;  // empty: any topic
  int min_outlets = 1;
  UnixSeconds max_age = 24 * 3600;  // older news never fires
};

// A story a hook is to announce now: new, or after failed attempts.
struct DueAlert {
  std::string hook;
  std::int64_t story_id = 0;
  int attempts = 0;  // failed so far
  std::string title;
  std::vector<std::string> topics, outlets, urls;
  std::string json;  // the story, as the hook receives it
};

class AlertLedger {
 public:
  // `db` must outlive the ledger.
  explicit AlertLedger(SQLite::Database& db) : db_(db) {}

  // See Store::due_alerts.
  Result<std::vector<DueAlert>> due(const std::vector<AlertRule>& rules, UnixSeconds now);
  // See Store::record_alert.
  Result<void> record(const std::string& hook, std::int64_t story, bool sent,
                      const std::string& error, UnixSeconds now, UnixSeconds retry_at);

 private:
  void fire(const std::vector<AlertRule>& rules, UnixSeconds now);
  std::vector<DueAlert> pending(const std::vector<AlertRule>& rules, UnixSeconds now);
  void describe(std::vector<DueAlert>& alerts);

  SQLite::Database& db_;
};

}  // namespace newswatch
