// Decides which topics an item belongs to, and records why: every match names the topic, the
// rule, the field, the phrase, its concept and where in the folded field text it was found.
//
// Every phrase of every rule is compiled into one Aho–Corasick automaton (phrase_automaton.h),
// so an item's fields are each read once however many rules there are; only rules that one of
// the found phrases belongs to are then evaluated (compiled_rule.h).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/item.h"
#include "topics/topic_pack.h"

namespace newswatch {

struct Evidence {
  std::string topic;
  ItemField field;
  std::string term;        // the phrase as the pack wrote it
  std::size_t offset = 0;  // byte offset in the folded field text
  std::string concept_id;  // the phrase's concept, or empty
  std::string rule;        // "file:line" of the rule that matched
};

// Where a concept's term occurs in an item, whether or not a rule used it: what storage
// compares to tie reports of one event together across languages.
struct ConceptHit {
  std::string concept_id;
  ItemField field;
  std::size_t offset = 0;  // byte offset in the folded field text
};

struct MatchSet {
  bool relevant = false;
  std::vector<std::string> topics;   // in pack order; empty unless relevant
  std::vector<double> scores;        // the summed weights of each topic's matching rules
  std::vector<Evidence> evidence;    // the phrases that made each topic match
  std::vector<ConceptHit> concepts;  // by field and offset, relevant or not
};

// How much of each folded field is matched: whole words within its first 64 KiB, some 10,000
// words of English or 6,000 of Arabic or Persian, more than a long article's body. What
// follows is ignored: matching a field of any length costs at most what 64 KiB of it cost
// (about a millisecond, for the worst text measured).
inline constexpr std::size_t kMatchedFieldBytes = 64 * 1024;

// What matching one item cost, in units that do not depend on the machine (for tests that
// check the cost grows no faster than the text, and for benchmarks).
struct MatchStats {
  std::uint64_t bytes = 0;  // folded text scanned, after the cap
  std::uint64_t hits = 0;   // occurrences of phrases found
  std::uint64_t steps = 0;  // hits and phrases visited by rules, bytes read back for proclitics
};

// The text of an item's fields, folded once and matched against every rule.
struct FoldedItem {
  std::array<std::string, 4> fields;                 // indexed by ItemField
  std::size_t max_field_bytes = kMatchedFieldBytes;  // what each field was cut to
  // Each field cut to its whole words within `max_field_bytes` (see fold()).
  static FoldedItem from(const Item& item, std::size_t max_field_bytes = kMatchedFieldBytes);
  // fold(text), read from `field` when `text` (what the field was folded from) is too short
  // for any folding of it to reach the cut (Unicode bounds what NFKC and case folding add:
  // under 64 times the bytes); nullptr when it would have to be folded again.
  const std::string* whole(ItemField field, std::string_view text) const {
    return text.size() <= max_field_bytes / 64 ? &fields[static_cast<std::size_t>(field)] : nullptr;
  }
};

class PhraseAutomaton;
struct CompiledRule;

class Matcher {
 public:
  // Fields are matched up to their last whole word within `max_field_bytes` of folded text
  // (at most 4 GiB): SIZE_MAX matches them whole, at a cost that grows linearly with them.
  // Throws std::length_error when the pack is more than the automaton holds: a phrase of
  // over 65,535 folded bytes or 255 spaces (TopicPack::parse refuses those), or phrases that
  // need over 8,388,607 states, some 8 MB of distinct phrase text (which a pack may hold).
  explicit Matcher(TopicPack pack, std::size_t max_field_bytes = kMatchedFieldBytes);
  ~Matcher();
  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;

  // Pure and thread-safe: the same matcher may serve every parser worker.
  // The cost is linear in the length of the fields (up to the cap), whatever they repeat.
  MatchSet match(const Item& item) const;
  MatchSet match(const FoldedItem& item, MatchStats* stats = nullptr) const;
  // An item's fields folded as match(item) folds them, for a caller that reads them again.
  FoldedItem fold(const Item& item) const { return FoldedItem::from(item, max_field_bytes_); }

  const TopicPack& pack() const { return pack_; }

 private:
  TopicPack pack_;
  std::size_t max_field_bytes_;
  std::unique_ptr<PhraseAutomaton> automaton_;
  std::vector<CompiledRule> rules_;
  std::vector<std::vector<std::uint32_t>> rules_of_pattern_;     // rules a phrase can start
  std::vector<std::vector<std::uint32_t>> concepts_of_pattern_;  // indexes into pack_.concepts
};

}  // namespace newswatch
