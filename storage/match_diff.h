// What matching a stored article again changes: the topics it gains or loses, and whether the
// evidence stored for it (the `matches` rows) is still what the topic packs find. `newswatch
// rematch` reports and applies these; the comparison is kept apart from the database so that
// it can be tested on its own.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "topics/matcher.h"

namespace newswatch {

// One row of the `matches` table, as stored (concept and rule "" for NULL).
struct MatchRow {
  std::string topic, field, term;
  std::int64_t offset = 0;
  std::string concept_id, rule;

  auto key() const { return std::tie(topic, field, term); }  // the table's primary key
  auto tied() const { return std::tie(topic, field, term, offset, concept_id, rule); }
  bool operator==(const MatchRow& other) const { return tied() == other.tied(); }
  bool operator<(const MatchRow& other) const { return tied() < other.tied(); }
};

// The rows `matches` holds for an article that matched as `matches` did: one per topic, field
// and term (the first occurrence), sorted.
std::vector<MatchRow> match_rows(const MatchSet& matches);

struct MatchDiff {
  enum class Kind {
    kUnchanged,
    kGained,    // was not relevant, is now
    kLost,      // was relevant, is not now
    kTopics,    // relevant before and now, with other topics
    kEvidence,  // the same topics, found by other rules, phrases or places
  };
  Kind kind = Kind::kUnchanged;
  std::vector<std::string> added, removed;  // topics, sorted
  std::vector<MatchRow> rows;               // what `matches` is to hold now (match_rows)
};

// Compares what is stored of an article (whether it has a story, and its `matches` rows) with
// what the topic packs find in it now.
MatchDiff diff_matches(bool was_relevant, std::vector<MatchRow> stored, const MatchSet& now);

// "gained", "lost", "topics" or "evidence"; "unchanged".
const char* kind_name(MatchDiff::Kind kind);

}  // namespace newswatch
