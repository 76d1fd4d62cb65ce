// Topic packs: named topics with weighted rules built from phrases and shared concepts,
// loaded from a TOML file.
//
//   threshold = 1.0                                   # evidence an item needs to be relevant
//   [[concept]]
//   id = "hormuz_strait"                              # one place, every language
//   terms = ["strait of hormuz", "détroit d'Ormuz", "تنگه هرمز"]
//   [[topic]]
//   name = "hormuz"
//   [[topic.rule]]
//   any = ["@hormuz_strait", "hormuz"]                # one of these ("@id": a concept's terms)
//   all = [["iran*", "tehran"], ["tanker*"]]          # and one phrase of each group
//   near = [["seiz*", "board*"], ["tanker*"]]         # one of each, at most `within` words apart
//   within = 5
//   none = ["hormuz island"]                          # vetoes the rule
//   fields = ["title", "summary"]                     # default: every field
//   none_fields = ["title"]                           # where `none` looks; default: fields
//   weight = 1.0                                      # what a match adds to the topic's score
//
// A phrase matches whole words of folded text; a trailing '*' makes its last word a prefix.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "base/result.h"

namespace newswatch {

enum class ItemField { kTitle, kSummary, kContent, kCategories };
inline constexpr ItemField kAllFields[] = {ItemField::kTitle, ItemField::kSummary,
                                           ItemField::kContent, ItemField::kCategories};
const char* field_name(ItemField field);

// The longest phrase a pack may hold.
inline constexpr std::size_t kMaxPhraseBytes = 1024;
inline constexpr long kMaxPhraseWords = 64;

struct Phrase {
  std::string text;    // as the pack wrote it, for provenance
  std::string folded;  // fold(text) without the trailing '*'
  bool prefix = false;
  std::string concept_id;  // the concept it came from ("hormuz_strait"), or empty
  bool operator==(const Phrase&) const = default;
};

struct Rule {
  std::vector<Phrase> any;
  std::vector<std::vector<Phrase>> all;
  std::vector<std::vector<Phrase>> near;  // empty, or two groups
  int within = 8;                         // words allowed between the two near phrases
  std::vector<Phrase> none;
  std::vector<ItemField> fields;
  std::vector<ItemField> none_fields;  // where `none` looks; default: `fields`
  double weight = 1.0;
  std::string origin;  // "file:line" of the rule, for explanations
  bool operator==(const Rule&) const = default;
};

struct Topic {
  std::string name;
  std::string description;
  std::vector<Rule> rules;
  std::size_t pack = 0;  // index into TopicPack::thresholds
  bool operator==(const Topic&) const = default;
};

struct Concept {
  std::string id;
  std::vector<Phrase> terms;
  bool operator==(const Concept&) const = default;
};

struct TopicPack {
  std::string name;
  std::vector<Concept> concepts;
  std::vector<Topic> topics;
  // One per pack merged into this one: an item is relevant when the scores of one pack's
  // topics add up to at least its threshold.
  std::vector<double> thresholds;

  // Loads a pack; errors name file:line:column and what was expected.
  static Result<TopicPack> load(const std::string& path);
  // The Iran–US pack shipped in topics/packs/iran-us.toml, compiled into the binary.
  static TopicPack builtin();
  // Parses pack text; `origin` names it in errors.
  static Result<TopicPack> parse(const std::string& text, const std::string& origin);

  // Adds another pack's topics, which keep their own threshold; fails on a topic name
  // both packs define.
  Result<void> merge(TopicPack other);

  bool operator==(const TopicPack&) const = default;
};

}  // namespace newswatch
