#include "topics/matcher.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <tuple>
#include <utility>

#include "language/fold.h"
#include "topics/compiled_rule.h"
#include "topics/phrase_automaton.h"

namespace newswatch {

namespace {

using PatternIndex = std::vector<std::vector<std::uint32_t>>;  // ids by pattern

// Every concept term, also those no rule uses, added to `automaton`, as pairs of its pattern
// and the index of its concept in `concepts`: they say what an item is about.
std::vector<std::pair<std::uint32_t, std::uint32_t>> add_concept_terms(
    const std::vector<Concept>& concepts, PhraseAutomaton& automaton) {
  // A term keeps the id of the concept that defines it, also when another includes it.
  std::map<std::string, std::uint32_t> concept_index;
  for (std::uint32_t c = 0; c < concepts.size(); ++c) concept_index[concepts[c].id] = c;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> concept_patterns;
  for (const Concept& c : concepts) {
    for (const Phrase& term : c.terms) {
      concept_patterns.emplace_back(automaton.add(term.folded, term.prefix),
                                    concept_index.at(term.concept_id));
    }
  }
  return concept_patterns;
}

// The concepts each pattern stands for, each once: the same phrase may stand for more than
// one concept.
PatternIndex concepts_by_pattern(
    const std::vector<std::pair<std::uint32_t, std::uint32_t>>& concept_patterns,
    std::size_t pattern_count) {
  PatternIndex concepts_of_pattern(pattern_count);
  for (auto [pattern, id] : concept_patterns) {
    auto& ids = concepts_of_pattern[pattern];
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return concepts_of_pattern;
}

// The rules each pattern triggers (see CompiledRule::trigger), in rule order.
PatternIndex rules_by_trigger(const std::vector<CompiledRule>& rules, std::size_t pattern_count) {
  PatternIndex rules_of_pattern(pattern_count);
  for (std::uint32_t r = 0; r < rules.size(); ++r) {
    for (const auto& [pattern, phrase] : rules[r].trigger().phrases) {
      auto& triggered = rules_of_pattern[pattern];
      if (triggered.empty() || triggered.back() != r) triggered.push_back(r);
    }
  }
  return rules_of_pattern;
}

}  // namespace

Matcher::Matcher(TopicPack pack, std::size_t max_field_bytes)
    : pack_(std::move(pack)),
      // Hits hold 32-bit offsets.
      max_field_bytes_(std::min<std::size_t>(max_field_bytes, UINT32_MAX - 1)),
      automaton_(std::make_unique<PhraseAutomaton>()) {
  for (std::uint32_t t = 0; t < pack_.topics.size(); ++t) {
    for (const Rule& rule : pack_.topics[t].rules)
      rules_.push_back(CompiledRule::compile(t, rule, *automaton_));
  }
  auto concept_patterns = add_concept_terms(pack_.concepts, *automaton_);
  automaton_->build();
  concepts_of_pattern_ = concepts_by_pattern(concept_patterns, automaton_->pattern_count());
  rules_of_pattern_ = rules_by_trigger(rules_, automaton_->pattern_count());
}

Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;

FoldedItem FoldedItem::from(const Item& item, std::size_t max_field_bytes) {
  FoldedItem folded;
  folded.max_field_bytes = max_field_bytes;
  auto set = [&](ItemField field, std::string_view text) {
    folded.fields[static_cast<std::size_t>(field)] = fold(text, max_field_bytes);
  };
  set(ItemField::kTitle, item.title);
  set(ItemField::kSummary, item.summary);
  set(ItemField::kContent, item.content);
  std::string categories;
  for (const auto& category : item.categories) categories += category + "\n";
  set(ItemField::kCategories, categories);
  return folded;
}

MatchSet Matcher::match(const Item& item) const {
  return match(FoldedItem::from(item, max_field_bytes_));
}

namespace {

// Buffers reused by every call on a thread, so that matching an item allocates only for what
// it returns.
struct Scratch {
  std::vector<PhraseHit> hits;
  std::vector<std::uint32_t> next_same, first_of_pattern, first_in_field, cursors;
  std::vector<std::uint32_t> seen_in_call, candidates;
  std::vector<FoundPhrase> found;
  std::uint32_t call = 0;
};

Scratch& thread_scratch() {
  thread_local Scratch scratch;
  return scratch;
}

// What a match cost, written to `to` however the match ends.
struct CostReport {
  MatchStats* to;
  MatchStats cost;
  ~CostReport() {
    if (to) *to = cost;
  }
};

// Every hit of the automaton in the fields, cut to their whole words within
// `max_field_bytes`, sorted by field and offset into `hits`.
void scan_fields(const PhraseAutomaton& automaton, const FoldedItem& folded,
                 std::size_t max_field_bytes, std::vector<PhraseHit>& hits, MatchStats& cost) {
  hits.clear();
  for (std::uint32_t field = 0; field < folded.fields.size(); ++field) {
    std::string_view text = whole_words(folded.fields[field], max_field_bytes);
    automaton.scan(text, field, hits, cost.steps);
    cost.bytes += text.size();
  }
  cost.hits = hits.size();
  std::sort(hits.begin(), hits.end(), [](const PhraseHit& a, const PhraseHit& b) {
    return std::tie(a.field, a.offset, a.pattern) < std::tie(b.field, b.offset, b.pattern);
  });
}

// The rules the hits trigger, into `scratch.candidates`: each rule once, the first time one
// of its trigger phrases is seen.
void find_candidates(const PatternIndex& rules_of_pattern, std::size_t rule_count,
                     Scratch& scratch) {
  auto& seen_in_call = scratch.seen_in_call;
  if (seen_in_call.size() < rule_count) seen_in_call.resize(rule_count, 0);
  if (++scratch.call == 0) {  // wrapped around: forget every earlier call
    std::fill(seen_in_call.begin(), seen_in_call.end(), 0);
    scratch.call = 1;
  }
  auto& candidates = scratch.candidates;
  candidates.clear();
  for (const PhraseHit& hit : scratch.hits) {
    for (std::uint32_t r : rules_of_pattern[hit.pattern]) {
      if (seen_in_call[r] != scratch.call) {
        seen_in_call[r] = scratch.call;
        candidates.push_back(r);
      }
    }
  }
}

// Every item's concepts, relevant or not: how common a concept is in the news at large tells
// storage how much it says about a story.
std::vector<ConceptHit> concepts_found(const std::vector<PhraseHit>& hits,
                                       const PatternIndex& concepts_of_pattern,
                                       const std::vector<Concept>& concepts) {
  std::vector<ConceptHit> found;
  for (const PhraseHit& hit : hits) {
    for (std::uint32_t c : concepts_of_pattern[hit.pattern])
      found.push_back({concepts[c].id, static_cast<ItemField>(hit.field), hit.offset});
  }
  return found;
}

// The score of each topic with a matching rule, and of each pack.
class TopicScores {
 public:
  TopicScores(const TopicPack& pack, const std::vector<CompiledRule>& rules,
              const std::vector<MatchedRule>& matched)
      : pack_(pack), totals_(pack.thresholds.size(), 0.0) {
    for (const MatchedRule& m : matched) {
      const CompiledRule& rule = rules[m.rule];
      if (scored_.empty() || scored_.back().topic != rule.topic) scored_.push_back({rule.topic, 0});
      scored_.back().score += rule.rule->weight;
      totals_[pack_.topics[rule.topic].pack] += rule.rule->weight;
    }
  }

  // The reported topics' names and scores, in pack order, into `result`.
  void report(MatchSet& result) const {
    for (const Scored& s : scored_) {
      if (!reported(s.topic)) continue;
      result.topics.push_back(pack_.topics[s.topic].name);
      result.scores.push_back(s.score);
    }
  }

  // Whether topic `t`, one with a matching rule, is reported: its pack reached its threshold.
  bool reported(std::uint32_t t) const {
    const Topic& topic = pack_.topics[t];
    // A little slack, so that weights such as 0.1 + 0.2 + 0.7 reach a threshold of 1.
    auto it =
        std::lower_bound(scored_.begin(), scored_.end(), t,
                         [](const Scored& s, std::uint32_t topic) { return s.topic < topic; });
    return it->score > 0 && totals_[topic.pack] + 1e-9 >= pack_.thresholds[topic.pack];
  }

 private:
  struct Scored {
    std::uint32_t topic;
    double score;
  };
  const TopicPack& pack_;
  std::vector<Scored> scored_;  // the topics with a matching rule, in pack order
  std::vector<double> totals_;  // by index into TopicPack::thresholds
};

// The evidence of the reported topics' matching rules, appended to `result`.
void add_evidence(const TopicPack& pack, const std::vector<CompiledRule>& rules,
                  const TopicScores& scores, const std::vector<MatchedRule>& matched,
                  const std::vector<FoundPhrase>& found, MatchSet& result) {
  for (const MatchedRule& m : matched) {
    const CompiledRule& rule = rules[m.rule];
    if (!scores.reported(rule.topic)) continue;
    for (std::size_t i = m.begin; i < m.end; ++i) {
      result.evidence.push_back({pack.topics[rule.topic].name,
                                 static_cast<ItemField>(found[i].hit->field), found[i].phrase->text,
                                 found[i].hit->offset, found[i].phrase->concept_id,
                                 rule.rule->origin});
    }
  }
}

}  // namespace

MatchSet Matcher::match(const FoldedItem& folded, MatchStats* stats) const {
  CostReport report{stats, {}};
  Scratch& scratch = thread_scratch();
  scan_fields(*automaton_, folded, max_field_bytes_, scratch.hits, report.cost);
  if (scratch.hits.empty()) return {};
  MatchSet result;
  result.concepts = concepts_found(scratch.hits, concepts_of_pattern_, pack_.concepts);
  find_candidates(rules_of_pattern_, rules_.size(), scratch);
  if (scratch.candidates.empty()) return result;

  if (scratch.first_of_pattern.size() < automaton_->pattern_count()) {
    scratch.first_of_pattern.resize(automaton_->pattern_count(), kNoHit);
    scratch.first_in_field.resize(automaton_->pattern_count() * kFieldCount, kNoHit);
  }
  const ItemHits item(scratch.hits, scratch.next_same, scratch.first_of_pattern,
                      scratch.first_in_field, scratch.cursors, report.cost.steps);
  auto matched = matching_rules(rules_, item, scratch.candidates, scratch.found);
  if (matched.empty()) return result;
  TopicScores scores(pack_, rules_, matched);
  scores.report(result);
  result.relevant = !result.topics.empty();
  if (result.relevant) add_evidence(pack_, rules_, scores, matched, scratch.found, result);
  return result;
}

}  // namespace newswatch
