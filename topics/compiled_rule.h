// A topic-pack rule as the matcher evaluates it: each group of phrases (`any`, each `all`, the
// two `near` groups, `none`) turned into automaton patterns, and the fields as bits. The
// matcher compiles every rule once, adding its phrases to one PhraseAutomaton; for an item,
// matching_rules evaluates only the rules that a phrase found in it may trigger, against the
// item's hits indexed by pattern and field (ItemHits), and keeps the hits that made each rule
// match.
#pragma once

#include <cstdint>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

#include "topics/phrase_automaton.h"
#include "topics/topic_pack.h"

namespace newswatch {

inline constexpr std::uint32_t kNoHit = UINT32_MAX;
inline constexpr std::uint32_t kFieldCount = std::size(kAllFields);

// An item's hits, sorted by field and offset, with each pattern's hits chained in that order
// and its first hit, and first hit in each field, at hand. Hits of one pattern in one field
// follow each other in the order of their words, first and last: they have one length.
struct ItemHits {
  const std::vector<PhraseHit>& hits;
  std::vector<std::uint32_t>& next_same;       // the next hit of the same pattern, or kNoHit
  std::vector<std::uint32_t>& first;           // the first hit of each pattern, or kNoHit
  std::vector<std::uint32_t>& first_in_field;  // [pattern * kFieldCount + field], or kNoHit
  std::vector<std::uint32_t>& cursors;         // for near: a hit per phrase of a group
  std::uint64_t& steps;                        // hits and phrases visited, for MatchStats

  // `first` and `first_in_field` are shared by the calls on one thread: every entry is
  // kNoHit between them. (Both defined below, inline: out of line, matching a field thick
  // with phrases took 1.5% more instructions.)
  ItemHits(const std::vector<PhraseHit>& sorted, std::vector<std::uint32_t>& next,
           std::vector<std::uint32_t>& first_of_pattern, std::vector<std::uint32_t>& first_of_field,
           std::vector<std::uint32_t>& scratch, std::uint64_t& work);
  ~ItemHits();
  ItemHits(const ItemHits&) = delete;
  ItemHits& operator=(const ItemHits&) = delete;

  std::uint32_t first_in(std::uint32_t pattern, std::uint32_t field) const {
    return first_in_field[pattern * kFieldCount + field];
  }
  // The first hit of `pattern` in the fields `where` (a bit per ItemField), or kNoHit.
  std::uint32_t first_within(std::uint32_t pattern, unsigned where) const {
    std::uint32_t i = first[pattern];
    if (i == kNoHit || where & (1u << hits[i].field)) return i;
    for (std::uint32_t field = hits[i].field + 1; field < kFieldCount; ++field) {
      if (where & (1u << field) && first_in(pattern, field) != kNoHit)
        return first_in(pattern, field);
    }
    return kNoHit;
  }
  // The hit after `i` of the same pattern in the same field, or kNoHit.
  std::uint32_t next_in_field(std::uint32_t i) const {
    std::uint32_t next = next_same[i];
    return next != kNoHit && hits[next].field == hits[i].field ? next : kNoHit;
  }
};

inline ItemHits::ItemHits(const std::vector<PhraseHit>& sorted, std::vector<std::uint32_t>& next,
                          std::vector<std::uint32_t>& first_of_pattern,
                          std::vector<std::uint32_t>& first_of_field,
                          std::vector<std::uint32_t>& scratch, std::uint64_t& work)
    : hits(sorted),
      next_same(next),
      first(first_of_pattern),
      first_in_field(first_of_field),
      cursors(scratch),
      steps(work) {
  next_same.resize(hits.size());
  for (auto i = static_cast<std::uint32_t>(hits.size()); i-- > 0;) {
    next_same[i] = first[hits[i].pattern];
    first[hits[i].pattern] = i;
    first_in_field[hits[i].pattern * kFieldCount + hits[i].field] = i;
  }
}

inline ItemHits::~ItemHits() {
  for (const PhraseHit& hit : hits) {
    first[hit.pattern] = kNoHit;
    first_in_field[hit.pattern * kFieldCount + hit.field] = kNoHit;
  }
}

// A hit that made a rule match, and the phrase of the rule it stands for.
struct FoundPhrase {
  const PhraseHit* hit;
  const Phrase* phrase;
};

// A rule's phrases as automaton patterns, sorted by pattern, each pattern once.
struct PhraseGroup {
  std::vector<std::pair<std::uint32_t, const Phrase*>> phrases;

  // Adds `phrases` to `automaton`; they must outlive the group.
  static PhraseGroup compile(const std::vector<Phrase>& phrases, PhraseAutomaton& automaton);

  // The earliest hit of any of the phrases in the fields `where` (a bit per ItemField).
  // This, find, apply and near_pair are defined inline in compiled_rule.cpp, for its
  // matching_rules, which calls them once per candidate rule: out of line, matching an item
  // took 1% more instructions. Other files go through matching_rules.
  std::optional<FoundPhrase> first(const ItemHits& item, unsigned where) const;
  // The phrase `pattern` stands for in the group, or nullptr.
  const Phrase* find(std::uint32_t pattern) const;
};

struct CompiledRule {
  std::uint32_t topic = 0;
  const Rule* rule = nullptr;
  unsigned fields = 0;  // bit per ItemField
  unsigned none_fields = 0;
  std::vector<PhraseGroup> required;  // `any` (if present), then each `all` group
  std::vector<PhraseGroup> near;      // none or two
  PhraseGroup none;

  // Adds the phrases of `rule`, of the topic at index `topic`, to `automaton`; `rule` must
  // outlive the compiled rule.
  static CompiledRule compile(std::uint32_t topic, const Rule& rule, PhraseAutomaton& automaton);

  // A rule can only match when each of its groups does, so the phrases of one group are
  // enough to trigger it: the group likeliest to be rare, with few, long phrases.
  const PhraseGroup& trigger() const;

  // The hits that make the rule match, appended to `found`; false when it does not match.
  bool apply(const ItemHits& item, std::vector<FoundPhrase>& found) const;

 private:
  // Appends the pair of hits that satisfies `near`; false if none (see the definition).
  bool near_pair(const ItemHits& item, std::vector<FoundPhrase>& found) const;
};

// A rule that matched, and its hits in the `found` of matching_rules.
struct MatchedRule {
  std::uint32_t rule;
  std::size_t begin, end;
};

// The candidates that match, sorted by rule (so topic by topic: rules are in topic order),
// their hits appended to `found`.
std::vector<MatchedRule> matching_rules(const std::vector<CompiledRule>& rules,
                                        const ItemHits& item,
                                        const std::vector<std::uint32_t>& candidates,
                                        std::vector<FoundPhrase>& found);

}  // namespace newswatch
