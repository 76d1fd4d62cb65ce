// Topic packs: named topics with rules built from phrases, loaded from a TOML file.
//
//   [[topic]]
//   name = "hormuz"
//   description = "The Strait of Hormuz and Gulf shipping"
//   [[topic.rule]]
//   any = ["strait of hormuz", "détroit d'Ormuz"]   # one of these
//   all = [["iran", "tehran"], ["tanker*"]]          # and one phrase of each group
//   none = ["hormuz island"]                          # vetoes the rule
//   fields = ["title", "summary"]                     # default: every field
//
// A phrase matches whole words of folded text; a trailing '*' makes its last word a prefix.
#pragma once

#include <string>
#include <vector>

#include "feeds/result.h"

namespace newswatch {

enum class ItemField { kTitle, kSummary, kContent, kCategories };
inline constexpr ItemField kAllFields[] = {ItemField::kTitle, ItemField::kSummary,
                                           ItemField::kContent, ItemField::kCategories};
const char* field_name(ItemField field);

struct Phrase {
  std::string text;    // as the pack wrote it, for provenance
  std::string folded;  // fold(text) without the trailing '*'
  bool prefix = false;
};

struct Rule {
  std::vector<Phrase> any;
  std::vector<std::vector<Phrase>> all;
  std::vector<Phrase> none;
  std::vector<ItemField> fields;
};

struct Topic {
  std::string name;
  std::string description;
  std::vector<Rule> rules;
};

struct TopicPack {
  std::string name;
  std::vector<Topic> topics;

  // Loads a pack; errors name file:line:column and what was expected.
  static Result<TopicPack> load(const std::string& path);
  // The Iran–US pack shipped in topics/packs/iran-us.toml, compiled into the binary.
  static TopicPack builtin();
  // Parses pack text; `origin` names it in errors.
  static Result<TopicPack> parse(const std::string& text, const std::string& origin);
};

}  // namespace newswatch
