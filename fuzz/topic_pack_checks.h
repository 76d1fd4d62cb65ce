// topic_pack_fuzzer's properties. TopicPack::parse on any text either fails with an error
// that names "origin:line:column" (topics/topic_pack.h), or gives a pack a Matcher accepts
// (the daemon builds one from every pack that loads, with nothing to catch a throw). The
// pack's own text, as an item, must then match the same way twice, with every topic, score
// and piece of evidence in range.
#pragma once

#include <algorithm>
#include <exception>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>

#include "feeds/item.h"
#include "feeds/text.h"
#include "fuzz/checks.h"
#include "topics/matcher.h"
#include "topics/topic_pack.h"

namespace newswatch::fuzz {

inline const std::string kPackOrigin = "fuzz-pack.toml";

// The one error about the file as a whole, which has no line to name.
inline bool is_pack_without_topics(const std::string& message) {
  return message == kPackOrigin + ": a topic pack needs at least one [[topic]]";
}

inline std::string check_match_set(const TopicPack& pack, const FoldedItem& folded,
                                   const MatchSet& set) {
  if (set.relevant == set.topics.empty()) return "'relevant' disagrees with the topics found";
  if (set.scores.size() != set.topics.size()) return "a score per topic is missing";
  for (const auto& topic : set.topics) {
    bool known = std::any_of(pack.topics.begin(), pack.topics.end(),
                             [&](const Topic& t) { return t.name == topic; });
    if (!known) return "a match names topic '" + printable(topic) + "', not in the pack";
  }
  for (const auto& evidence : set.evidence) {
    if (std::find(set.topics.begin(), set.topics.end(), evidence.topic) == set.topics.end())
      return "evidence for topic '" + printable(evidence.topic) + "', which did not match";
    if (evidence.offset >= folded.fields[static_cast<std::size_t>(evidence.field)].size())
      return "evidence at offset " + std::to_string(evidence.offset) + " past the end of " +
             field_name(evidence.field);
  }
  for (const auto& hit : set.concepts) {
    if (hit.offset >= folded.fields[static_cast<std::size_t>(hit.field)].size())
      return "concept '" + printable(hit.concept_id) + "' at offset " + std::to_string(hit.offset) +
             " past the end of " + field_name(hit.field);
  }
  return {};
}

inline bool same_match(const MatchSet& a, const MatchSet& b) {
  auto evidence_key = [](const Evidence& e) {
    return std::tuple(e.topic, e.field, e.term, e.offset, e.concept_id, e.rule);
  };
  if (a.relevant != b.relevant || a.topics != b.topics || a.scores != b.scores ||
      a.evidence.size() != b.evidence.size() || a.concepts.size() != b.concepts.size())
    return false;
  for (std::size_t i = 0; i < a.evidence.size(); ++i) {
    if (evidence_key(a.evidence[i]) != evidence_key(b.evidence[i])) return false;
  }
  return true;
}

inline std::string check_topic_pack(std::string_view bytes) {
  std::string text(bytes);
  auto pack = TopicPack::parse(text, kPackOrigin);
  if (!pack) {
    const std::string& message = pack.error().message;
    if (is_pack_without_topics(message) || names_place(message, kPackOrigin)) return {};
    return "a pack error without " + kPackOrigin + ":line:column: '" + printable(message) + "'";
  }
  std::optional<Matcher> matcher;
  try {
    matcher.emplace(std::move(*pack));
  } catch (const std::exception& e) {
    return std::string("Matcher rejects a pack TopicPack::parse accepted: ") + e.what();
  }
  // An item as the parser delivers one: plain, NFC text; a category per line.
  Item item;
  item.title = item.summary = item.content = plain_text(text);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) item.categories.push_back(plain_text(line));
  FoldedItem folded = FoldedItem::from(item);
  MatchSet first = matcher->match(folded);
  if (auto broken = check_match_set(matcher->pack(), folded, first); !broken.empty()) return broken;
  // The matcher reuses per-thread buffers from call to call: nothing may leak between them.
  if (!same_match(first, matcher->match(item)))
    return "matching the same item twice gives two different results";
  return {};
}

}  // namespace newswatch::fuzz
