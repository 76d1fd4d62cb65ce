// The alert ledger: which story each [[alert]] hook has announced, or is to announce. A story
// fires once per hook, ever: the row is recorded before the action runs, and a failed action
// is tried again later from the same row. The conditions of firing are one SQL statement; the
// story of a due alert is read back from the stories, articles, sightings and matches tables
// as plain values. What a hook receives of it (JSON and environment) is the hook contract's
// business: daemon/hook_contract.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "feeds/item.h"
#include "storage/sql.h"

namespace newswatch {

// What an [[alert]] hook announces: stories of its topics carried by enough outlets.
struct AlertRule {
  std::string name;
  std::vector<std::string> topics;  // empty: any topic
  int min_outlets = 1;
  UnixSeconds max_age = 24 * 3600;  // older news never fires
};

// An article of an alert's story. Times are ISO-8601 UTC ("2026-12-07T06:00:00Z"); an unknown
// outlet or publication time is empty.
struct AlertArticle {
  std::string title, url;
  std::optional<std::string> outlet, published;
};

// A story a hook is to announce now: new, or after failed attempts.
struct DueAlert {
  std::string hook;
  std::int64_t story_id = 0;
  int attempts = 0;  // failed so far
  // The story's row: false when it was gone, and title, first_seen and last_seen are unknown.
  bool story_found = false;
  std::string title, first_seen, last_seen;  // times as AlertArticle's
  std::vector<std::string> topics, outlets;  // sorted, each once
  std::vector<std::string> urls;             // of its articles, oldest first, each once
  std::vector<AlertArticle> articles;        // oldest first
};

class AlertLedger {
 public:
  // `db` must outlive the ledger. On sql.h: either backend.
  explicit AlertLedger(sql::Connection& db) : db_(db) {}

  // See Store::due_alerts. With `claim`, the alerts returned are this caller's for that long
  // (their next attempt moved on by it), so that daemons sharing the database never send one
  // twice; the outcome recorded replaces the claim. Without, a daemon alone finds them again
  // each round until it records what became of them.
  Result<std::vector<DueAlert>> due(const std::vector<AlertRule>& rules, UnixSeconds now,
                                    UnixSeconds claim = 0);
  // See Store::record_alert.
  Result<void> record(const std::string& hook, std::int64_t story, bool sent,
                      const std::string& error, UnixSeconds now, UnixSeconds retry_at);

 private:
  void fire(const std::vector<AlertRule>& rules, UnixSeconds now);
  std::vector<DueAlert> pending(const std::vector<AlertRule>& rules, UnixSeconds now,
                                UnixSeconds claim);

  sql::Connection& db_;
};

}  // namespace newswatch
