#include "topics/compiled_rule.h"

#include <algorithm>

namespace newswatch {

PhraseGroup PhraseGroup::compile(const std::vector<Phrase>& phrases, PhraseAutomaton& automaton) {
  PhraseGroup group;
  for (const Phrase& phrase : phrases)
    group.phrases.emplace_back(automaton.add(phrase.folded, phrase.prefix), &phrase);
  std::stable_sort(group.phrases.begin(), group.phrases.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // A phrase listed twice (a concept included twice, two spellings that fold alike) finds
  // the same hits: the first stands for both, as the first found is the one reported.
  auto same = [](const auto& a, const auto& b) { return a.first == b.first; };
  group.phrases.erase(std::unique(group.phrases.begin(), group.phrases.end(), same),
                      group.phrases.end());
  return group;
}

inline std::optional<FoundPhrase> PhraseGroup::first(const ItemHits& item, unsigned where) const {
  // Whichever is shorter: the item's hits, looked up in the group, or the group's phrases,
  // looked up in the item (a concept may bring dozens of phrases, an item a handful of hits).
  if (item.hits.size() < phrases.size()) {
    item.steps += item.hits.size();
    for (const PhraseHit& hit : item.hits) {
      if (!(where & (1u << hit.field))) continue;
      if (const Phrase* phrase = find(hit.pattern)) return FoundPhrase{&hit, phrase};
    }
    return std::nullopt;
  }
  std::uint32_t best = kNoHit;
  const Phrase* phrase = nullptr;
  item.steps += phrases.size();
  for (const auto& [pattern, candidate] : phrases) {
    if (item.first[pattern] >= best) continue;  // no hit, or none earlier: the common case
    std::uint32_t i = item.first_within(pattern, where);
    if (i < best) {
      best = i;
      phrase = candidate;
    }
  }
  if (best == kNoHit) return std::nullopt;
  return FoundPhrase{&item.hits[best], phrase};
}

inline const Phrase* PhraseGroup::find(std::uint32_t pattern) const {
  auto it = std::lower_bound(phrases.begin(), phrases.end(), pattern,
                             [](const auto& entry, std::uint32_t p) { return entry.first < p; });
  return it != phrases.end() && it->first == pattern ? it->second : nullptr;
}

CompiledRule CompiledRule::compile(std::uint32_t topic, const Rule& rule,
                                   PhraseAutomaton& automaton) {
  CompiledRule compiled;
  compiled.topic = topic;
  compiled.rule = &rule;
  for (ItemField field : rule.fields) compiled.fields |= 1u << static_cast<unsigned>(field);
  for (ItemField field : rule.none_fields)
    compiled.none_fields |= 1u << static_cast<unsigned>(field);
  if (!rule.any.empty()) compiled.required.push_back(PhraseGroup::compile(rule.any, automaton));
  for (const auto& group : rule.all)
    compiled.required.push_back(PhraseGroup::compile(group, automaton));
  for (const auto& group : rule.near)
    compiled.near.push_back(PhraseGroup::compile(group, automaton));
  compiled.none = PhraseGroup::compile(rule.none, automaton);
  return compiled;
}

const PhraseGroup& CompiledRule::trigger() const {
  auto commonness = [](const PhraseGroup& group) {
    double sum = 0;
    for (const auto& [pattern, phrase] : group.phrases)
      sum += 1.0 / static_cast<double>(phrase->folded.size() + (phrase->prefix ? 0 : 2));
    return sum;
  };
  const PhraseGroup* trigger = nullptr;
  for (const auto* groups : {&required, &near}) {
    for (const PhraseGroup& group : *groups) {
      if (!trigger || commonness(group) < commonness(*trigger)) trigger = &group;
    }
  }
  return *trigger;
}

inline bool CompiledRule::apply(const ItemHits& item, std::vector<FoundPhrase>& found) const {
  if (!none.phrases.empty() && none.first(item, none_fields)) return false;
  std::size_t before = found.size();
  for (const PhraseGroup& group : required) {
    auto hit = group.first(item, fields);
    if (!hit) {
      found.resize(before);
      return false;
    }
    found.push_back(*hit);
  }
  if (near.empty() || near_pair(item, found)) return true;
  found.resize(before);
  return false;
}

// Appends the pair of hits that satisfies `near`, the one comparing every left hit with every
// right hit would find first: of the left group's hits (phrase by phrase, each phrase's in the
// order of the text) the first with a partner within `within` words in its field, and its
// first partner in the same order of the right group's. False if none.
//
// For one left phrase in one field, the partners of successive hits lie in windows that only
// move forward; so each right phrase keeps a cursor that only moves forward: its first hit not
// too far behind. The cost is linear in the hits, not their product.
inline bool CompiledRule::near_pair(const ItemHits& item, std::vector<FoundPhrase>& found) const {
  const PhraseGroup& left = near[0];
  const PhraseGroup& right = near[1];
  const auto within = static_cast<std::uint32_t>(rule->within);
  auto& cursors = item.cursors;
  cursors.resize(right.phrases.size());
  for (std::size_t l = 0; l < left.phrases.size(); ++l) {
    if (item.first[left.phrases[l].first] == kNoHit) continue;
    for (std::uint32_t field = 0; field < kFieldCount; ++field) {
      if (!(fields & (1u << field))) continue;
      std::uint32_t a = item.first_in(left.phrases[l].first, field);
      if (a == kNoHit) continue;
      bool any_partner = false;
      for (std::size_t r = 0; r < right.phrases.size(); ++r) {
        cursors[r] = item.first_in(right.phrases[r].first, field);
        any_partner |= cursors[r] != kNoHit;
      }
      item.steps += right.phrases.size();
      if (!any_partner) continue;
      for (; a != kNoHit; a = item.next_in_field(a)) {
        const PhraseHit& hit = item.hits[a];
        // A partner b is near a when b.last_word + within + 1 >= a.first_word and
        // b.first_word <= a.last_word + within + 1.
        std::uint32_t lowest_last = hit.first_word > within ? hit.first_word - within - 1 : 0;
        std::uint64_t highest_first = std::uint64_t{hit.last_word} + within + 1;
        for (std::size_t r = 0; r < right.phrases.size(); ++r) {
          std::uint32_t& b = cursors[r];
          ++item.steps;
          while (b != kNoHit && item.hits[b].last_word < lowest_last) {
            b = item.next_in_field(b);
            ++item.steps;
          }
          std::uint32_t partner = b == a ? item.next_in_field(b) : b;
          if (partner != kNoHit && item.hits[partner].first_word <= highest_first) {
            found.push_back({&hit, left.phrases[l].second});
            found.push_back({&item.hits[partner], right.phrases[r].second});
            return true;
          }
        }
      }
    }
  }
  return false;
}

std::vector<MatchedRule> matching_rules(const std::vector<CompiledRule>& rules,
                                        const ItemHits& item,
                                        const std::vector<std::uint32_t>& candidates,
                                        std::vector<FoundPhrase>& found) {
  found.clear();
  std::vector<MatchedRule> matched;
  for (std::uint32_t r : candidates) {
    std::size_t begin = found.size();
    if (rules[r].apply(item, found)) matched.push_back({r, begin, found.size()});
  }
  std::sort(matched.begin(), matched.end(),
            [](const MatchedRule& a, const MatchedRule& b) { return a.rule < b.rule; });
  return matched;
}

}  // namespace newswatch
