#include "topics/matcher.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>
#include <string_view>

#include "topics/fold.h"

namespace newswatch {

namespace {

// A phrase found in a field: which pattern, where, and which words it spans.
struct Hit {
  std::uint32_t pattern;
  std::uint32_t field;
  std::uint32_t offset;
  std::uint32_t first_word;
  std::uint32_t last_word;
};

struct Pattern {
  std::uint32_t length;
  std::uint32_t spaces;  // words - 1
  bool prefix;
  bool arabic;  // may follow Arabic proclitics inside its first word
};

bool is_arabic_lead(unsigned char byte) { return byte >= 0xD8 && byte <= 0xDB; }

// Arabic writes conjunctions, some prepositions and the article as part of the next word:
// "والقطري" is "wa-" + "al-" + "qatari". True when `clitics` is such a sequence.
bool is_arabic_proclitics(std::string_view clitics) {
  auto take = [&](std::string_view letter) {
    if (!clitics.starts_with(letter)) return false;
    clitics.remove_prefix(letter.size());
    return true;
  };
  if (clitics.empty()) return false;
  take("\u0648") || take("\u0641");                         // wa-, fa-
  bool li = take("\u0644");                                 // li-
  if (!li) take("\u0628") || take("\u06A9");                // bi-, ka- (folded kaf)
  take("\u0627\u0644") || (li && take("\u0644"));           // al-, or li- + al- = "lil"
  return clitics.empty();
}

}  // namespace

// Aho–Corasick over the bytes of folded text. The root's transitions are a dense table (most
// bytes of a text leave the root unchanged); other nodes keep their few edges in sorted runs.
class PhraseAutomaton {
 public:
  std::uint32_t add(const std::string& folded, bool prefix) {
    auto [it, inserted] = ids_.try_emplace({folded, prefix}, patterns_.size());
    if (!inserted) return it->second;
    std::uint32_t node = 0;
    for (unsigned char byte : folded) {
      auto& children = building_[node];
      auto child = children.find(byte);
      if (child == children.end()) {
        child = children.emplace(byte, building_.size()).first;
        building_.emplace_back();
        node_patterns_.emplace_back();
      }
      node = child->second;
    }
    node_patterns_[node].push_back(it->second);
    auto spaces = static_cast<std::uint32_t>(std::count(folded.begin(), folded.end(), ' '));
    patterns_.push_back({static_cast<std::uint32_t>(folded.size()), spaces, prefix,
                         is_arabic_lead(static_cast<unsigned char>(folded[0]))});
    return it->second;
  }

  void build() {
    nodes_.assign(building_.size(), Node{});
    // Breadth first, so a node's failure target is complete before its children need it.
    std::vector<std::uint32_t> queue{0};
    for (std::size_t head = 0; head < queue.size(); ++head) {
      std::uint32_t node = queue[head];
      nodes_[node].edges_begin = static_cast<std::uint32_t>(edge_bytes_.size());
      for (auto [byte, child] : building_[node]) {
        edge_bytes_.push_back(byte);
        edge_targets_.push_back(child);
        queue.push_back(child);
        std::uint32_t fail = 0;
        if (node != 0) {
          for (std::uint32_t f = nodes_[node].fail;; f = nodes_[f].fail) {
            auto it = building_[f].find(byte);
            if (it != building_[f].end()) {
              fail = it->second;
              break;
            }
            if (f == 0) break;
          }
        }
        nodes_[child].fail = fail;
        nodes_[child].output_link =
            node_patterns_[fail].empty() ? nodes_[fail].output_link : fail;
      }
      nodes_[node].edges_end = static_cast<std::uint32_t>(edge_bytes_.size());
    }
    for (auto [byte, child] : building_[0]) root_[byte] = child;
    for (std::uint32_t node = 0; node < nodes_.size(); ++node) {
      nodes_[node].outputs_begin = static_cast<std::uint32_t>(outputs_.size());
      outputs_.insert(outputs_.end(), node_patterns_[node].begin(), node_patterns_[node].end());
      nodes_[node].outputs_end = static_cast<std::uint32_t>(outputs_.size());
    }
    building_.clear();
    building_.shrink_to_fit();
    node_patterns_.clear();
    node_patterns_.shrink_to_fit();
  }

  std::size_t pattern_count() const { return patterns_.size(); }

  // Appends every whole-word occurrence of every pattern in `text` to `hits`.
  void scan(std::string_view text, std::uint32_t field, std::vector<Hit>& hits) const {
    std::uint32_t state = 0;
    std::uint32_t words = 0;
    const auto n = static_cast<std::uint32_t>(text.size());
    for (std::uint32_t i = 0; i < n; ++i) {
      auto byte = static_cast<unsigned char>(text[i]);
      if (byte == ' ') ++words;
      state = next(state, byte);
      std::uint32_t out = nodes_[state].outputs_begin != nodes_[state].outputs_end
                              ? state
                              : nodes_[state].output_link;
      for (; out != 0; out = nodes_[out].output_link) {
        for (auto k = nodes_[out].outputs_begin; k < nodes_[out].outputs_end; ++k) {
          std::uint32_t id = outputs_[k];
          const Pattern& p = patterns_[id];
          std::uint32_t end = i + 1;
          std::uint32_t start = end - p.length;
          if (!p.prefix && end != n && text[end] != ' ') continue;
          if (start != 0 && text[start - 1] != ' ' && !(p.arabic && after_clitics(text, start)))
            continue;
          hits.push_back({id, field, start, words - p.spaces, words});
        }
      }
    }
  }

 private:
  struct Node {
    std::uint32_t edges_begin = 0, edges_end = 0;
    std::uint32_t outputs_begin = 0, outputs_end = 0;
    std::uint32_t fail = 0;
    std::uint32_t output_link = 0;  // nearest node on the failure chain with outputs; 0: none
  };

  std::uint32_t next(std::uint32_t state, unsigned char byte) const {
    for (;;) {
      if (state == 0) return root_[byte];
      const Node& node = nodes_[state];
      for (auto e = node.edges_begin; e < node.edges_end; ++e) {
        if (edge_bytes_[e] == byte) return edge_targets_[e];
      }
      state = node.fail;
    }
  }

  static bool after_clitics(std::string_view text, std::uint32_t start) {
    std::size_t word = text.rfind(' ', start - 1);
    word = word == std::string_view::npos ? 0 : word + 1;
    return is_arabic_proclitics(text.substr(word, start - word));
  }

  std::vector<Node> nodes_;
  std::vector<unsigned char> edge_bytes_;
  std::vector<std::uint32_t> edge_targets_;
  std::vector<std::uint32_t> outputs_;
  std::array<std::uint32_t, 256> root_{};
  std::vector<Pattern> patterns_;
  std::map<std::pair<std::string, bool>, std::uint32_t> ids_;
  std::vector<std::map<unsigned char, std::uint32_t>> building_{1};
  std::vector<std::vector<std::uint32_t>> node_patterns_{1};
};

namespace {

// A rule's phrases as automaton patterns, sorted by pattern for lookup.
struct Group {
  std::vector<std::pair<std::uint32_t, const Phrase*>> phrases;

  const Phrase* find(std::uint32_t pattern) const {
    auto it = std::lower_bound(phrases.begin(), phrases.end(),
                               std::pair<std::uint32_t, const Phrase*>{pattern, nullptr},
                               [](const auto& a, const auto& b) { return a.first < b.first; });
    return it != phrases.end() && it->first == pattern ? it->second : nullptr;
  }
};

struct Found {
  const Hit* hit;
  const Phrase* phrase;
};

// Words between two hits in one field; 0 when they touch or overlap.
std::uint32_t gap(const Hit& a, const Hit& b) {
  if (a.last_word < b.first_word) return b.first_word - a.last_word - 1;
  if (b.last_word < a.first_word) return a.first_word - b.last_word - 1;
  return 0;
}

}  // namespace

struct CompiledRule {
  std::uint32_t topic = 0;
  const Rule* rule = nullptr;
  unsigned fields = 0;          // bit per ItemField
  unsigned none_fields = 0;
  std::vector<Group> required;  // `any` (if present), then each `all` group
  std::vector<Group> near;      // none or two
  Group none;

  bool looks_in(const Hit& hit) const { return fields & (1u << hit.field); }

  std::optional<Found> first(const Group& group, const std::vector<Hit>& hits,
                             unsigned where) const {
    for (const Hit& hit : hits) {
      if (!(where & (1u << hit.field))) continue;
      if (const Phrase* phrase = group.find(hit.pattern)) return Found{&hit, phrase};
    }
    return std::nullopt;
  }

  // The hits that make the rule match, or nothing when it does not.
  std::optional<std::vector<Found>> apply(const std::vector<Hit>& hits) const {
    if (!none.phrases.empty() && first(none, hits, none_fields)) return std::nullopt;
    std::vector<Found> found;
    for (const Group& group : required) {
      auto hit = first(group, hits, fields);
      if (!hit) return std::nullopt;
      found.push_back(*hit);
    }
    if (near.empty()) return found;
    for (const Hit& a : hits) {
      const Phrase* pa = looks_in(a) ? near[0].find(a.pattern) : nullptr;
      if (!pa) continue;
      for (const Hit& b : hits) {
        if (&a == &b || b.field != a.field) continue;
        const Phrase* pb = near[1].find(b.pattern);
        if (pb && gap(a, b) <= static_cast<std::uint32_t>(rule->within)) {
          found.push_back({&a, pa});
          found.push_back({&b, pb});
          return found;
        }
      }
    }
    return std::nullopt;
  }
};

Matcher::Matcher(TopicPack pack)
    : pack_(std::move(pack)), automaton_(std::make_unique<PhraseAutomaton>()) {
  auto compile = [&](const std::vector<Phrase>& phrases) {
    Group group;
    for (const Phrase& phrase : phrases)
      group.phrases.emplace_back(automaton_->add(phrase.folded, phrase.prefix), &phrase);
    std::stable_sort(group.phrases.begin(), group.phrases.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    return group;
  };
  for (std::uint32_t t = 0; t < pack_.topics.size(); ++t) {
    for (const Rule& rule : pack_.topics[t].rules) {
      CompiledRule compiled;
      compiled.topic = t;
      compiled.rule = &rule;
      for (ItemField field : rule.fields) compiled.fields |= 1u << static_cast<unsigned>(field);
      for (ItemField field : rule.none_fields)
        compiled.none_fields |= 1u << static_cast<unsigned>(field);
      if (!rule.any.empty()) compiled.required.push_back(compile(rule.any));
      for (const auto& group : rule.all) compiled.required.push_back(compile(group));
      for (const auto& group : rule.near) compiled.near.push_back(compile(group));
      compiled.none = compile(rule.none);
      rules_.push_back(std::move(compiled));
    }
  }
  automaton_->build();
  // A rule can only match when its first group does, so only those phrases trigger it.
  rules_of_pattern_.resize(automaton_->pattern_count());
  for (std::uint32_t r = 0; r < rules_.size(); ++r) {
    const Group& trigger =
        rules_[r].required.empty() ? rules_[r].near[0] : rules_[r].required[0];
    for (const auto& [pattern, phrase] : trigger.phrases) {
      auto& triggered = rules_of_pattern_[pattern];
      if (triggered.empty() || triggered.back() != r) triggered.push_back(r);
    }
  }
}

Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;

FoldedItem FoldedItem::from(const Item& item) {
  FoldedItem folded;
  folded.fields[static_cast<std::size_t>(ItemField::kTitle)] = fold(item.title);
  folded.fields[static_cast<std::size_t>(ItemField::kSummary)] = fold(item.summary);
  folded.fields[static_cast<std::size_t>(ItemField::kContent)] = fold(item.content);
  std::string categories;
  for (const auto& category : item.categories) categories += category + "\n";
  folded.fields[static_cast<std::size_t>(ItemField::kCategories)] = fold(categories);
  return folded;
}

MatchSet Matcher::match(const Item& item) const { return match(FoldedItem::from(item)); }

MatchSet Matcher::match(const FoldedItem& item) const {
  std::vector<Hit> hits;
  for (std::uint32_t field = 0; field < item.fields.size(); ++field)
    automaton_->scan(item.fields[field], field, hits);
  if (hits.empty()) return {};
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return std::tie(a.field, a.offset, a.pattern) < std::tie(b.field, b.offset, b.pattern);
  });
  std::vector<std::uint32_t> candidates;
  for (const Hit& hit : hits) {
    const auto& triggered = rules_of_pattern_[hit.pattern];
    candidates.insert(candidates.end(), triggered.begin(), triggered.end());
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

  std::vector<double> scores(pack_.topics.size(), 0.0);
  std::vector<std::pair<std::uint32_t, std::vector<Found>>> matched;  // rule, its hits
  for (std::uint32_t r : candidates) {
    auto found = rules_[r].apply(hits);
    if (!found) continue;
    scores[rules_[r].topic] += rules_[r].rule->weight;
    matched.emplace_back(r, std::move(*found));
  }
  if (matched.empty()) return {};
  std::vector<double> totals(pack_.thresholds.size(), 0.0);
  for (std::size_t t = 0; t < scores.size(); ++t) totals[pack_.topics[t].pack] += scores[t];
  auto passes = [&](const Topic& topic) {
    // A little slack, so that weights such as 0.1 + 0.2 + 0.7 reach a threshold of 1.
    return totals[topic.pack] + 1e-9 >= pack_.thresholds[topic.pack];
  };

  MatchSet result;
  std::vector<bool> reported(pack_.topics.size(), false);
  for (std::size_t t = 0; t < pack_.topics.size(); ++t) {
    if (scores[t] <= 0 || !passes(pack_.topics[t])) continue;
    reported[t] = true;
    result.topics.push_back(pack_.topics[t].name);
    result.scores.push_back(scores[t]);
  }
  result.relevant = !result.topics.empty();
  std::stable_sort(matched.begin(), matched.end(), [&](const auto& a, const auto& b) {
    return rules_[a.first].topic < rules_[b.first].topic;
  });
  for (const auto& [r, found] : matched) {
    const CompiledRule& rule = rules_[r];
    if (!reported[rule.topic]) continue;
    for (const Found& f : found) {
      result.evidence.push_back({pack_.topics[rule.topic].name, static_cast<ItemField>(f.hit->field),
                                 f.phrase->text, f.hit->offset, f.phrase->concept_id,
                                 rule.rule->origin});
    }
  }
  return result;
}

}  // namespace newswatch
