// Decides which topics an item belongs to, and records why: every match names the topic, the
// field, the phrase and where in the folded field text it was found.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "feeds/item.h"
#include "topics/topic_pack.h"

namespace newswatch {

struct Evidence {
  std::string topic;
  ItemField field;
  std::string term;        // the phrase as the pack wrote it
  std::size_t offset = 0;  // byte offset in the folded field text
};

struct MatchSet {
  bool relevant = false;
  std::vector<std::string> topics;  // in pack order
  std::vector<Evidence> evidence;   // the phrases that made each topic match
};

// The text of an item's fields, folded once and matched against every rule.
struct FoldedItem {
  std::array<std::string, 4> fields;  // indexed by ItemField
  static FoldedItem from(const Item& item);
};

class Matcher {
 public:
  explicit Matcher(TopicPack pack) : pack_(std::move(pack)) {}

  // Pure and thread-safe: the same matcher may serve every parser worker.
  MatchSet match(const Item& item) const;
  MatchSet match(const FoldedItem& item) const;

  const TopicPack& pack() const { return pack_; }

 private:
  TopicPack pack_;
};

}  // namespace newswatch
