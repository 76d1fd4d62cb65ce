#include "storage/match_diff.h"

#include <algorithm>
#include <iterator>
#include <set>

namespace newswatch {
namespace {

std::vector<std::string> topics_of(const std::vector<MatchRow>& rows) {
  std::set<std::string> topics;
  for (const MatchRow& row : rows) topics.insert(row.topic);
  return {topics.begin(), topics.end()};
}

std::vector<std::string> difference(const std::vector<std::string>& a,
                                    const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

std::vector<MatchRow> match_rows(const MatchSet& matches) {
  std::vector<MatchRow> rows;
  for (const Evidence& evidence : matches.evidence) {
    MatchRow row{evidence.topic,      field_name(evidence.field),
                 evidence.term,       static_cast<std::int64_t>(evidence.offset),
                 evidence.concept_id, evidence.rule};
    // The store inserts OR IGNORE on (article, topic, field, term): the first one stays.
    bool known = std::any_of(rows.begin(), rows.end(),
                             [&](const MatchRow& r) { return r.key() == row.key(); });
    if (!known) rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

MatchDiff diff_matches(bool was_relevant, std::vector<MatchRow> stored, const MatchSet& now) {
  MatchDiff diff;
  diff.rows = match_rows(now);
  std::sort(stored.begin(), stored.end());
  std::vector<std::string> before = was_relevant ? topics_of(stored) : std::vector<std::string>();
  std::vector<std::string> after = now.topics;  // empty unless relevant
  std::sort(after.begin(), after.end());
  diff.added = difference(after, before);
  diff.removed = difference(before, after);
  if (!was_relevant && now.relevant) {
    diff.kind = MatchDiff::Kind::kGained;
  } else if (was_relevant && !now.relevant) {
    diff.kind = MatchDiff::Kind::kLost;
  } else if (!diff.added.empty() || !diff.removed.empty()) {
    diff.kind = MatchDiff::Kind::kTopics;
  } else if (stored != diff.rows) {
    diff.kind = MatchDiff::Kind::kEvidence;
  }
  return diff;
}

const char* kind_name(MatchDiff::Kind kind) {
  switch (kind) {
    case MatchDiff::Kind::kGained:
      return "gained";
    case MatchDiff::Kind::kLost:
      return "lost";
    case MatchDiff::Kind::kTopics:
      return "topics";
    case MatchDiff::Kind::kEvidence:
      return "evidence";
    case MatchDiff::Kind::kUnchanged:
      break;
  }
  return "unchanged";
}

}  // namespace newswatch
