#include "topics/matcher.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <tuple>

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
  take("\u0648") || take("\u0641");                // wa-, fa-
  bool li = take("\u0644");                        // li-
  if (!li) take("\u0628") || take("\u06A9");       // bi-, ka- (folded kaf)
  take("\u0627\u0644") || (li && take("\u0644"));  // al-, or li- + al- = "lil"
  return clitics.empty();
}

// The longest sequence is_arabic_proclitics accepts: wa-/fa-, bi-/ka-, al- (four letters).
constexpr std::uint32_t kMaxProcliticBytes = 8;

}  // namespace

// Aho–Corasick over the bytes of folded text. The root's transitions are a dense table (most
// bytes of a text leave the root unchanged); other nodes hold their first edge themselves
// (most have one: a trie is mostly chains) and the rest in sorted runs. What a node reports
// is kept apart from the transitions, which the scan touches at every byte.
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
    if (folded.size() > UINT16_MAX || spaces > UINT8_MAX)
      throw std::length_error("phrase too long to match: " + folded.substr(0, 40));
    patterns_.push_back({static_cast<std::uint32_t>(folded.size()), spaces, prefix,
                         is_arabic_lead(static_cast<unsigned char>(folded[0]))});
    return it->second;
  }

  void build() {
    if (building_.size() > kStateMask) throw std::length_error("topic packs too large to match");
    nodes_.assign(building_.size(), Node{});
    reports_.assign(building_.size(), Reports{});
    // A state as the automaton carries it: the node, and whether it reports any pattern.
    auto flagged = [&](std::uint32_t node) {
      bool reports = !node_patterns_[node].empty() || reports_[node].link != 0;
      return node | (reports ? kReports : 0);
    };
    std::vector<unsigned char> last_byte(building_.size(), ' ');  // the root: a word start
    auto root_child = [&](unsigned char byte) {
      auto it = building_[0].find(byte);
      return it == building_[0].end() ? 0u : it->second;
    };
    // Breadth first, so a node's failure target is complete before its children need it.
    std::vector<std::uint32_t> queue{0};
    for (std::size_t head = 0; head < queue.size(); ++head) {
      std::uint32_t node = queue[head];
      nodes_[node].more_begin = static_cast<std::uint32_t>(edges_.size());
      for (auto [byte, child] : building_[node]) {
        queue.push_back(child);
        // The longest proper suffix that could begin a match: one starting a word.
        std::uint32_t fail = 0;
        if (node != 0) {
          for (std::uint32_t f = nodes_[node].fail;; f = nodes_[f].fail) {
            if (f == 0) {
              if (may_start_match(byte, last_byte[node])) fail = root_child(byte);
              break;
            }
            auto it = building_[f].find(byte);
            if (it != building_[f].end()) {
              fail = it->second;
              break;
            }
          }
        }
        last_byte[child] = byte;
        nodes_[child].fail = fail;
        reports_[child].link = node_patterns_[fail].empty() ? reports_[fail].link : fail;
        std::uint32_t edge = std::uint32_t{byte} << 24 | flagged(child);
        if (nodes_[node].first_edge == 0)
          nodes_[node].first_edge = edge;
        else
          edges_.push_back(edge);
      }
      nodes_[node].more_end = static_cast<std::uint32_t>(edges_.size());
    }
    for (auto [byte, child] : building_[0]) root_[byte] = flagged(child);
    for (std::uint32_t node = 0; node < nodes_.size(); ++node) {
      reports_[node].begin = static_cast<std::uint32_t>(outputs_.size());
      for (std::uint32_t id : node_patterns_[node]) {
        const Pattern& p = patterns_[id];
        outputs_.push_back({id, static_cast<std::uint16_t>(p.length),
                            static_cast<std::uint8_t>(p.spaces), p.prefix, p.arabic});
      }
      reports_[node].end = static_cast<std::uint32_t>(outputs_.size());
    }
    building_.clear();
    building_.shrink_to_fit();
    node_patterns_.clear();
    node_patterns_.shrink_to_fit();
  }

  std::size_t pattern_count() const { return patterns_.size(); }

  // Appends every whole-word occurrence of every pattern in `text` to `hits`; adds the bytes
  // it reads back (for proclitics) to `steps`. Linear in the length of `text`.
  void scan(std::string_view text, std::uint32_t field, std::vector<Hit>& hits,
            std::uint64_t& steps) const {
    std::uint32_t state = 0;
    std::uint32_t words = 0;
    const auto n = static_cast<std::uint32_t>(text.size());
    unsigned char previous = ' ';
    for (std::uint32_t i = 0; i < n; previous = static_cast<unsigned char>(text[i++])) {
      auto byte = static_cast<unsigned char>(text[i]);
      if (byte == ' ') ++words;
      state = next(state, byte, previous);
      if (!(state & kReports)) continue;
      state &= kStateMask;
      std::uint32_t out =
          reports_[state].begin != reports_[state].end ? state : reports_[state].link;
      for (; out != 0; out = reports_[out].link) {
        for (auto k = reports_[out].begin; k < reports_[out].end; ++k) {
          const Output& p = outputs_[k];
          std::uint32_t end = i + 1;
          std::uint32_t start = end - p.length;
          if (!p.prefix && end != n && text[end] != ' ') continue;
          if (start != 0 && text[start - 1] != ' ' &&
              !(p.arabic && after_clitics(text, start, steps)))
            continue;
          hits.push_back({p.pattern, field, start, words - p.spaces, words});
        }
      }
    }
  }

 private:
  struct Node {
    std::uint32_t first_edge = 0;  // packed like edges_; 0: none
    std::uint32_t more_begin = 0, more_end = 0;
    std::uint32_t fail = 0;
  };
  struct Reports {
    std::uint32_t begin = 0, end = 0;  // its own patterns in outputs_
    std::uint32_t link = 0;  // the nearest node on the failure chain with patterns; 0: none
  };
  // A pattern as the scan needs it where it is reported.
  struct Output {
    std::uint32_t pattern;
    std::uint16_t length;
    std::uint8_t spaces;
    bool prefix;
    bool arabic;
  };

  // Matches begin at word starts only (or, in Arabic, after proclitics inside a word), so
  // the automaton follows only those suffixes: mid-word it rests at the root, cheaply.
  static bool may_start_match(unsigned char byte, unsigned char previous) {
    return previous == ' ' || is_arabic_lead(byte);
  }

  // The state after `byte`, flagged with kReports when it reports patterns.
  std::uint32_t next(std::uint32_t state, unsigned char byte, unsigned char previous) const {
    state &= kStateMask;
    for (;;) {
      if (state == 0) return may_start_match(byte, previous) ? root_[byte] : 0;
      const Node& node = nodes_[state];
      if (node.first_edge >> 24 == byte) return node.first_edge & 0xFFFFFF;
      for (auto e = node.more_begin; e < node.more_end; ++e) {
        if (edges_[e] >> 24 == byte) return edges_[e] & 0xFFFFFF;
      }
      state = node.fail;
    }
  }

  // Whether `start` follows proclitics at the start of its word. Reads back no further than
  // proclitics can reach: inside one enormous word, matches are found at every letter.
  static bool after_clitics(std::string_view text, std::uint32_t start, std::uint64_t& steps) {
    std::uint32_t word = start;
    while (word > 0 && text[word - 1] != ' ' && start - word < kMaxProcliticBytes) --word;
    steps += start - word;
    if (word > 0 && text[word - 1] != ' ') return false;  // more letters than proclitics
    return is_arabic_proclitics(text.substr(word, start - word));
  }

  std::vector<Node> nodes_;
  // An edge is its byte (the top 8 bits) and its target state, flagged.
  static constexpr std::uint32_t kReports = 1u << 23;
  static constexpr std::uint32_t kStateMask = kReports - 1;
  std::vector<std::uint32_t> edges_;
  std::vector<Reports> reports_;
  std::vector<Output> outputs_;
  std::array<std::uint32_t, 256> root_{};
  std::vector<Pattern> patterns_;
  std::map<std::pair<std::string, bool>, std::uint32_t> ids_;
  std::vector<std::map<unsigned char, std::uint32_t>> building_{1};
  std::vector<std::vector<std::uint32_t>> node_patterns_{1};
};

namespace {

constexpr std::uint32_t kNoHit = UINT32_MAX;
constexpr std::uint32_t kFieldCount = std::size(kAllFields);

// An item's hits, sorted by field and offset, with each pattern's hits chained in that order
// and its first hit, and first hit in each field, at hand. Hits of one pattern in one field
// follow each other in the order of their words, first and last: they have one length.
struct ItemHits {
  const std::vector<Hit>& hits;
  std::vector<std::uint32_t>& next_same;       // the next hit of the same pattern, or kNoHit
  std::vector<std::uint32_t>& first;           // the first hit of each pattern, or kNoHit
  std::vector<std::uint32_t>& first_in_field;  // [pattern * kFieldCount + field], or kNoHit
  std::vector<std::uint32_t>& cursors;         // for near: a hit per phrase of a group
  std::uint64_t& steps;                        // hits and phrases visited, for MatchStats

  // `first` and `first_in_field` are shared by the calls on one thread: every entry is
  // kNoHit between them.
  ItemHits(const std::vector<Hit>& sorted, std::vector<std::uint32_t>& next,
           std::vector<std::uint32_t>& first_of_pattern, std::vector<std::uint32_t>& first_of_field,
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
  ~ItemHits() {
    for (const Hit& hit : hits) {
      first[hit.pattern] = kNoHit;
      first_in_field[hit.pattern * kFieldCount + hit.field] = kNoHit;
    }
  }
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

struct Found {
  const Hit* hit;
  const Phrase* phrase;
};

// A rule's phrases as automaton patterns, sorted by pattern, each pattern once.
struct Group {
  std::vector<std::pair<std::uint32_t, const Phrase*>> phrases;

  // The earliest hit of any of the phrases in the fields `where` (a bit per ItemField).
  std::optional<Found> first(const ItemHits& item, unsigned where) const {
    // Whichever is shorter: the item's hits, looked up in the group, or the group's phrases,
    // looked up in the item (a concept may bring dozens of phrases, an item a handful of hits).
    if (item.hits.size() < phrases.size()) {
      item.steps += item.hits.size();
      for (const Hit& hit : item.hits) {
        if (!(where & (1u << hit.field))) continue;
        if (const Phrase* phrase = find(hit.pattern)) return Found{&hit, phrase};
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
    return Found{&item.hits[best], phrase};
  }

  const Phrase* find(std::uint32_t pattern) const {
    auto it = std::lower_bound(phrases.begin(), phrases.end(), pattern,
                               [](const auto& entry, std::uint32_t p) { return entry.first < p; });
    return it != phrases.end() && it->first == pattern ? it->second : nullptr;
  }
};

}  // namespace

struct CompiledRule {
  std::uint32_t topic = 0;
  const Rule* rule = nullptr;
  unsigned fields = 0;  // bit per ItemField
  unsigned none_fields = 0;
  std::vector<Group> required;  // `any` (if present), then each `all` group
  std::vector<Group> near;      // none or two
  Group none;

  // The hits that make the rule match, appended to `found`; false when it does not match.
  bool apply(const ItemHits& item, std::vector<Found>& found) const {
    if (!none.phrases.empty() && none.first(item, none_fields)) return false;
    std::size_t before = found.size();
    for (const Group& group : required) {
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

  // Appends the pair of hits that satisfies `near`, the one comparing every left hit with
  // every right hit would find first: of the left group's hits (phrase by phrase, each
  // phrase's in the order of the text) the first with a partner within `within` words in its
  // field, and its first partner in the same order of the right group's. False if none.
  //
  // For one left phrase in one field, the partners of successive hits lie in windows that
  // only move forward; so each right phrase keeps a cursor that only moves forward: its first
  // hit not too far behind. The cost is linear in the hits, not their product.
  bool near_pair(const ItemHits& item, std::vector<Found>& found) const {
    const Group& left = near[0];
    const Group& right = near[1];
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
          const Hit& hit = item.hits[a];
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
};

Matcher::Matcher(TopicPack pack, std::size_t max_field_bytes)
    : pack_(std::move(pack)),
      // Hits hold 32-bit offsets.
      max_field_bytes_(std::min<std::size_t>(max_field_bytes, UINT32_MAX - 1)),
      automaton_(std::make_unique<PhraseAutomaton>()) {
  auto compile = [&](const std::vector<Phrase>& phrases) {
    Group group;
    for (const Phrase& phrase : phrases)
      group.phrases.emplace_back(automaton_->add(phrase.folded, phrase.prefix), &phrase);
    std::stable_sort(group.phrases.begin(), group.phrases.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    // A phrase listed twice (a concept included twice, two spellings that fold alike) finds
    // the same hits: the first stands for both, as the first found is the one reported.
    auto same = [](const auto& a, const auto& b) { return a.first == b.first; };
    group.phrases.erase(std::unique(group.phrases.begin(), group.phrases.end(), same),
                        group.phrases.end());
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
  // Every concept term is looked for, also those no rule uses: they say what an item is
  // about. The same phrase may stand for more than one concept.
  // A term keeps the id of the concept that defines it, also when another includes it.
  std::map<std::string, std::uint32_t> concept_index;
  for (std::uint32_t c = 0; c < pack_.concepts.size(); ++c) concept_index[pack_.concepts[c].id] = c;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> concept_patterns;
  for (const Concept& c : pack_.concepts) {
    for (const Phrase& term : c.terms) {
      concept_patterns.emplace_back(automaton_->add(term.folded, term.prefix),
                                    concept_index.at(term.concept_id));
    }
  }
  automaton_->build();
  concepts_of_pattern_.resize(automaton_->pattern_count());
  for (auto [pattern, id] : concept_patterns) {
    auto& ids = concepts_of_pattern_[pattern];
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  // A rule can only match when each of its groups does, so the phrases of one group are
  // enough to trigger it: the group likeliest to be rare, with few, long phrases.
  auto commonness = [](const Group& group) {
    double sum = 0;
    for (const auto& [pattern, phrase] : group.phrases)
      sum += 1.0 / static_cast<double>(phrase->folded.size() + (phrase->prefix ? 0 : 2));
    return sum;
  };
  rules_of_pattern_.resize(automaton_->pattern_count());
  for (std::uint32_t r = 0; r < rules_.size(); ++r) {
    const Group* trigger = nullptr;
    for (const auto* groups : {&rules_[r].required, &rules_[r].near}) {
      for (const Group& group : *groups) {
        if (!trigger || commonness(group) < commonness(*trigger)) trigger = &group;
      }
    }
    for (const auto& [pattern, phrase] : trigger->phrases) {
      auto& triggered = rules_of_pattern_[pattern];
      if (triggered.empty() || triggered.back() != r) triggered.push_back(r);
    }
  }
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

MatchSet Matcher::match(const FoldedItem& folded, MatchStats* stats) const {
  struct Report {  // written however the match ends
    MatchStats* to;
    MatchStats cost;
    ~Report() {
      if (to) *to = cost;
    }
  } report{stats, {}};
  // Buffers reused by every call on a thread, so that matching an item allocates only for
  // what it returns.
  thread_local struct Scratch {
    std::vector<Hit> hits;
    std::vector<std::uint32_t> next_same, first_of_pattern, first_in_field, cursors;
    std::vector<std::uint32_t> seen_in_call, candidates;
    std::vector<Found> found;
    std::uint32_t call = 0;
  } scratch;
  auto& hits = scratch.hits;
  hits.clear();
  for (std::uint32_t field = 0; field < folded.fields.size(); ++field) {
    std::string_view text = whole_words(folded.fields[field], max_field_bytes_);
    automaton_->scan(text, field, hits, report.cost.steps);
    report.cost.bytes += text.size();
  }
  report.cost.hits = hits.size();
  if (hits.empty()) return {};
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return std::tie(a.field, a.offset, a.pattern) < std::tie(b.field, b.offset, b.pattern);
  });
  // Each rule once, the first time one of its trigger phrases is seen.
  auto& seen_in_call = scratch.seen_in_call;
  if (seen_in_call.size() < rules_.size()) seen_in_call.resize(rules_.size(), 0);
  if (++scratch.call == 0) {  // wrapped around: forget every earlier call
    std::fill(seen_in_call.begin(), seen_in_call.end(), 0);
    scratch.call = 1;
  }
  auto& candidates = scratch.candidates;
  candidates.clear();
  for (const Hit& hit : hits) {
    for (std::uint32_t r : rules_of_pattern_[hit.pattern]) {
      if (seen_in_call[r] != scratch.call) {
        seen_in_call[r] = scratch.call;
        candidates.push_back(r);
      }
    }
  }
  // Every item's concepts, relevant or not: how common a concept is in the news at large
  // tells storage how much it says about a story.
  auto concepts_found = [&] {
    std::vector<ConceptHit> found;
    for (const Hit& hit : hits) {
      for (std::uint32_t c : concepts_of_pattern_[hit.pattern])
        found.push_back({pack_.concepts[c].id, static_cast<ItemField>(hit.field), hit.offset});
    }
    return found;
  };
  auto unmatched = [&] {
    MatchSet none;
    none.concepts = concepts_found();
    return none;
  };
  if (candidates.empty()) return unmatched();

  if (scratch.first_of_pattern.size() < automaton_->pattern_count()) {
    scratch.first_of_pattern.resize(automaton_->pattern_count(), kNoHit);
    scratch.first_in_field.resize(automaton_->pattern_count() * kFieldCount, kNoHit);
  }
  const ItemHits item(hits, scratch.next_same, scratch.first_of_pattern, scratch.first_in_field,
                      scratch.cursors, report.cost.steps);

  auto& found = scratch.found;  // the hits of every matching rule
  found.clear();
  struct Matched {
    std::uint32_t rule;
    std::size_t begin, end;  // its hits in `found`
  };
  std::vector<Matched> matched;
  for (std::uint32_t r : candidates) {
    std::size_t begin = found.size();
    if (rules_[r].apply(item, found)) matched.push_back({r, begin, found.size()});
  }
  if (matched.empty()) return unmatched();
  // Rules are in topic order: sorted by rule, the matches come topic by topic.
  std::sort(matched.begin(), matched.end(),
            [](const Matched& a, const Matched& b) { return a.rule < b.rule; });
  struct Scored {
    std::uint32_t topic;
    double score;
  };
  std::vector<Scored> scored;  // the topics with a matching rule, in pack order
  std::vector<double> totals(pack_.thresholds.size(), 0.0);
  for (const Matched& m : matched) {
    const CompiledRule& rule = rules_[m.rule];
    if (scored.empty() || scored.back().topic != rule.topic) scored.push_back({rule.topic, 0});
    scored.back().score += rule.rule->weight;
    totals[pack_.topics[rule.topic].pack] += rule.rule->weight;
  }
  auto reported = [&](std::uint32_t t) {
    const Topic& topic = pack_.topics[t];
    // A little slack, so that weights such as 0.1 + 0.2 + 0.7 reach a threshold of 1.
    auto it =
        std::lower_bound(scored.begin(), scored.end(), t,
                         [](const Scored& s, std::uint32_t topic) { return s.topic < topic; });
    return it->score > 0 && totals[topic.pack] + 1e-9 >= pack_.thresholds[topic.pack];
  };

  MatchSet result;
  for (const Scored& s : scored) {
    if (!reported(s.topic)) continue;
    result.topics.push_back(pack_.topics[s.topic].name);
    result.scores.push_back(s.score);
  }
  result.relevant = !result.topics.empty();
  result.concepts = concepts_found();
  if (!result.relevant) return result;
  for (const Matched& m : matched) {
    const CompiledRule& rule = rules_[m.rule];
    if (!reported(rule.topic)) continue;
    for (std::size_t i = m.begin; i < m.end; ++i) {
      result.evidence.push_back({pack_.topics[rule.topic].name,
                                 static_cast<ItemField>(found[i].hit->field), found[i].phrase->text,
                                 found[i].hit->offset, found[i].phrase->concept_id,
                                 rule.rule->origin});
    }
  }
  return result;
}

}  // namespace newswatch
