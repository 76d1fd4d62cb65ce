// Matcher against a reference: a direct reading of the rule semantics (topics/topic_pack.h)
// that folds the text, finds each phrase with std::string::find and evaluates every rule of
// every topic, run on random packs and items from a fixed seed. The packs are written as TOML
// and parsed, so the pack reader is checked on the way: the reference works from the phrases
// as generated, never from the parsed pack.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "language/fold.h"
#include "rounds.h"
#include "topics/matcher.h"

using namespace newswatch;

namespace {

// Phrases share prefixes ("iran", "irani", "iranian") and words ("oil", "oil tanker"), so
// whole-word and prefix matching, overlaps and the automaton's failure links all get work.
// Arabic is left out: its proclitics are a rule of their own, tested in matcher_test.cpp.
const std::vector<std::string> kPhrases = [] {
  std::vector<std::string> words = {"iran",   "iranian", "irani",     "ran",  "a",
                                    "tanker", "tank",    "tankers",   "oil",  "ormuz",
                                    "hormuz", "téhéran", "navy",      "us",   "seize",
                                    "seized", "tehran",  "sanctions", "иран", "иранский"};
  for (const char* phrase : {"oil tanker", "tank tank", "Détroit d'Ormuz", "strait of hormuz",
                             "US navy", "iran navy", "nuclear talks"})
    words.push_back(phrase);
  return words;
}();
const std::vector<std::string> kOtherWords = {"the",   "of",      "and",     "says",    "near",
                                              "irans", "tankerx", "rani",    "oiled",   "new",
                                              "42",    "d",       "l'Iran",  "TEHERAN", "Hormuz's",
                                              "US",    "talks",   "nuclear", "strait",  "иранские"};
const std::vector<std::string> kSeparators = {" ",   " ", " ", " ",  " ",  ", ", ". ",
                                              " — ", "-", "'", "\n", " (", ") ", "’"};

class Random {
 public:
  explicit Random(std::uint32_t seed) : engine_(seed) {}
  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(engine_);
  }
  bool chance(double p) { return std::bernoulli_distribution(p)(engine_); }
  template <typename T>
  const T& pick(const std::vector<T>& values) {
    return values[below(values.size())];
  }
  // Upper-cases all of a word, its first letter or none of it (ASCII letters only).
  std::string vary_case(std::string text) {
    std::size_t how = below(4);
    for (std::size_t i = 0; i < text.size() && how < 2; ++i) {
      if (how == 0 || i == 0)
        text[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    }
    return text;
  }
  template <typename T>
  void shuffle(std::vector<T>& values) {
    std::shuffle(values.begin(), values.end(), engine_);
  }

 private:
  std::mt19937 engine_;
};

struct RefPhrase {
  std::string text;  // as written in the pack
  std::string folded;
  bool prefix = false;
  std::string concept_id;
};

struct RefRule {
  std::vector<RefPhrase> any;
  std::vector<std::vector<RefPhrase>> all, near;
  int within = 8;
  std::vector<RefPhrase> none;
  std::vector<ItemField> fields{std::begin(kAllFields), std::end(kAllFields)};
  std::vector<ItemField> none_fields = fields;
  double weight = 1.0;
};

struct RefTopic {
  std::string name;
  std::size_t pack = 0;
  std::vector<RefRule> rules;
};

struct RefPack {
  std::vector<RefTopic> topics;
  std::vector<double> thresholds;
};

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

// Writes one random pack as TOML while recording, phrase by phrase, what it means.
class PackWriter {
 public:
  PackWriter(Random& random, std::string tag) : random_(random), tag_(std::move(tag)) {}

  std::string write(RefPack& ref) {
    std::ostringstream toml;
    toml << "name = " << quoted(tag_) << "\n";
    double threshold = 1.0;
    if (random_.chance(0.7)) {
      threshold = random_.pick(std::vector<double>{0.5, 1, 2});
      toml << "threshold = " << threshold << "\n";
    }
    std::size_t pack = ref.thresholds.size();
    ref.thresholds.push_back(threshold);
    for (std::size_t c = random_.below(3); c > 0; --c) write_concept(toml);
    for (std::size_t t = 1 + random_.below(4); t > 0; --t) {
      RefTopic topic{tag_ + std::to_string(ref.topics.size()), pack, {}};
      toml << "[[topic]]\nname = " << quoted(topic.name) << "\n";
      for (std::size_t r = 1 + random_.below(4); r > 0; --r)
        topic.rules.push_back(write_rule(toml));
      ref.topics.push_back(std::move(topic));
    }
    return toml.str();
  }

 private:
  struct ConceptTerms {
    std::string id;
    std::vector<RefPhrase> terms;
  };

  // One element of a phrase list: a phrase, or now and then an earlier concept.
  std::string element(std::vector<RefPhrase>& out) {
    if (!concepts_.empty() && random_.chance(0.15)) {
      const ConceptTerms& c = random_.pick(concepts_);
      out.insert(out.end(), c.terms.begin(), c.terms.end());
      return quoted("@" + c.id);
    }
    RefPhrase phrase;
    std::string body = random_.vary_case(random_.pick(kPhrases));
    phrase.prefix = random_.chance(0.25);
    phrase.text = body + (phrase.prefix ? "*" : "");
    phrase.folded = fold(body);
    out.push_back(phrase);
    return quoted(phrase.text);
  }

  std::string list(std::size_t max, std::vector<RefPhrase>& out) {
    std::string toml = "[";
    for (std::size_t i = 0, n = 1 + random_.below(max); i < n; ++i)
      toml += (i ? ", " : "") + element(out);
    return toml + "]";
  }

  // Groups of phrases; a group of one may be written as a bare string.
  std::string groups(std::size_t count, std::vector<std::vector<RefPhrase>>& out) {
    std::string toml = "[";
    for (std::size_t i = 0; i < count; ++i) {
      out.emplace_back();
      toml += (i ? ", " : "") + (random_.chance(0.25) ? element(out.back()) : list(3, out.back()));
    }
    return toml + "]";
  }

  std::vector<ItemField> some_fields() {
    std::vector<ItemField> fields{std::begin(kAllFields), std::end(kAllFields)};
    random_.shuffle(fields);
    fields.resize(1 + random_.below(fields.size()));
    return fields;
  }

  static std::string field_list(const std::vector<ItemField>& fields) {
    std::string toml = "[";
    for (std::size_t i = 0; i < fields.size(); ++i)
      toml += (i ? ", " : "") + quoted(field_name(fields[i]));
    return toml + "]";
  }

  void write_concept(std::ostringstream& toml) {
    ConceptTerms c{std::string("c").append(std::to_string(concepts_.size())), {}};
    toml << "[[concept]]\nid = " << quoted(c.id) << "\nterms = " << list(3, c.terms) << "\n";
    for (auto& term : c.terms) {
      if (term.concept_id.empty()) term.concept_id = c.id;  // "@c0" terms keep their own
    }
    concepts_.push_back(std::move(c));
  }

  RefRule write_rule(std::ostringstream& toml) {
    RefRule rule;
    toml << "  [[topic.rule]]\n";
    std::size_t kinds = 1 + random_.below(7);  // a bit each for any, all and near
    if (kinds & 1) toml << "  any = " << list(3, rule.any) << "\n";
    if (kinds & 2) toml << "  all = " << groups(1 + random_.below(2), rule.all) << "\n";
    if (kinds & 4) {
      toml << "  near = " << groups(2, rule.near) << "\n";
      if (random_.chance(0.8)) {
        rule.within = static_cast<int>(random_.below(5));
        toml << "  within = " << rule.within << "\n";
      }
    }
    if (random_.chance(0.3)) toml << "  none = " << list(2, rule.none) << "\n";
    if (random_.chance(0.4)) {
      rule.fields = some_fields();
      toml << "  fields = " << field_list(rule.fields) << "\n";
    }
    rule.none_fields = rule.fields;
    if (!rule.none.empty() && random_.chance(0.5)) {
      rule.none_fields = some_fields();
      toml << "  none_fields = " << field_list(rule.none_fields) << "\n";
    }
    if (random_.chance(0.6)) {
      rule.weight = random_.pick(std::vector<double>{0.5, 1, 2});
      toml << "  weight = " << rule.weight << "\n";
    }
    return rule;
  }

  Random& random_;
  std::string tag_;
  std::vector<ConceptTerms> concepts_;
};

std::string random_text(Random& random, std::size_t max_words) {
  std::string text;
  for (std::size_t i = 0, n = random.below(max_words + 1); i < n; ++i) {
    if (i) text += random.pick(kSeparators);
    text += random.vary_case(random.chance(0.6) ? random.pick(kPhrases) : random.pick(kOtherWords));
  }
  if (random.chance(0.2)) text += random.pick(std::vector<std::string>{".", "!", " —", "?"});
  return text;
}

Item random_item(Random& random) {
  Item item;
  if (random.chance(0.8)) item.title = random_text(random, 12);
  if (random.chance(0.6)) item.summary = random_text(random, 30);
  if (random.chance(0.4)) item.content = random_text(random, 30);
  for (std::size_t c = random.below(4); c > 0; --c)
    item.categories.push_back(random_text(random, 3));
  return item;
}

// The reference: every phrase found with std::string::find, every rule evaluated.

using Fields = std::array<std::string, 4>;

Fields folded_fields(const Item& item) {
  std::string categories;
  for (const auto& category : item.categories) categories += category + "\n";
  return {fold(item.title), fold(item.summary), fold(item.content), fold(categories)};
}

bool occurs_at(const std::string& text, const RefPhrase& phrase, std::size_t pos) {
  if (pos > text.size() || text.compare(pos, phrase.folded.size(), phrase.folded) != 0)
    return false;
  if (pos != 0 && text[pos - 1] != ' ') return false;
  std::size_t end = pos + phrase.folded.size();
  return phrase.prefix || end == text.size() || text[end] == ' ';
}

struct RefHit {
  ItemField field;
  std::size_t offset, first_word, last_word;
  const RefPhrase* phrase;
};

std::vector<RefHit> hits_of(const Fields& fields, const std::vector<RefPhrase>& phrases,
                            const std::vector<ItemField>& where) {
  std::vector<RefHit> hits;
  for (ItemField field : where) {
    const std::string& text = fields[static_cast<std::size_t>(field)];
    for (const RefPhrase& phrase : phrases) {
      for (auto pos = text.find(phrase.folded); pos != std::string::npos;
           pos = text.find(phrase.folded, pos + 1)) {
        if (!occurs_at(text, phrase, pos)) continue;
        auto first = static_cast<std::size_t>(
            std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), ' '));
        auto words =
            static_cast<std::size_t>(std::count(phrase.folded.begin(), phrase.folded.end(), ' '));
        hits.push_back({field, pos, first, first + words, &phrase});
      }
    }
  }
  return hits;
}

bool near_match(const RefRule& rule, const Fields& fields) {
  for (const RefHit& a : hits_of(fields, rule.near[0], rule.fields)) {
    for (const RefHit& b : hits_of(fields, rule.near[1], rule.fields)) {
      bool same_hit = a.field == b.field && a.offset == b.offset &&
                      a.phrase->folded == b.phrase->folded && a.phrase->prefix == b.phrase->prefix;
      if (a.field != b.field || same_hit) continue;
      std::size_t gap = a.last_word < b.first_word   ? b.first_word - a.last_word - 1
                        : b.last_word < a.first_word ? a.first_word - b.last_word - 1
                                                     : 0;
      if (gap <= static_cast<std::size_t>(rule.within)) return true;
    }
  }
  return false;
}

bool rule_matches(const RefRule& rule, const Fields& fields) {
  if (!hits_of(fields, rule.none, rule.none_fields).empty()) return false;
  if (!rule.any.empty() && hits_of(fields, rule.any, rule.fields).empty()) return false;
  for (const auto& group : rule.all) {
    if (hits_of(fields, group, rule.fields).empty()) return false;
  }
  return rule.near.empty() || near_match(rule, fields);
}

struct Expected {
  std::vector<std::string> topics;
  std::vector<double> scores;
  std::vector<std::vector<bool>> matched;  // by topic, then rule
};

Expected expect(const RefPack& pack, const Fields& fields) {
  Expected expected;
  std::vector<double> scores, totals(pack.thresholds.size(), 0.0);
  for (const RefTopic& topic : pack.topics) {
    expected.matched.emplace_back();
    double score = 0;
    for (const RefRule& rule : topic.rules) {
      expected.matched.back().push_back(rule_matches(rule, fields));
      if (expected.matched.back().back()) score += rule.weight;
    }
    scores.push_back(score);
    totals[topic.pack] += score;
  }
  for (std::size_t t = 0; t < pack.topics.size(); ++t) {
    std::size_t p = pack.topics[t].pack;
    if (scores[t] <= 0 || totals[p] + 1e-9 < pack.thresholds[p]) continue;
    expected.topics.push_back(pack.topics[t].name);
    expected.scores.push_back(scores[t]);
  }
  return expected;
}

template <typename T>
std::string listed(const std::vector<T>& values) {
  std::ostringstream out;
  out << "[";
  for (std::size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << values[i];
  return out.str() + "]";
}

// Where each rule came from, as evidence names it: "random.toml:7" -> (topic, rule).
using Origins = std::multimap<std::string, std::pair<std::size_t, std::size_t>>;

// True when `e` is a hit of a phrase of a rule that matched, in one of the rule's fields.
bool explains(const Evidence& e, const RefPack& pack, const Expected& expected,
              const Fields& fields, const Origins& origins) {
  auto [begin, end] = origins.equal_range(e.rule);
  for (auto it = begin; it != end; ++it) {
    auto [t, r] = it->second;
    const RefRule& rule = pack.topics[t].rules[r];
    if (pack.topics[t].name != e.topic || !expected.matched[t][r]) continue;
    if (std::find(rule.fields.begin(), rule.fields.end(), e.field) == rule.fields.end()) continue;
    std::vector<const RefPhrase*> phrases;
    for (const auto& p : rule.any) phrases.push_back(&p);
    for (const auto* groups : {&rule.all, &rule.near}) {
      for (const auto& group : *groups) {
        for (const auto& p : group) phrases.push_back(&p);
      }
    }
    for (const RefPhrase* p : phrases) {
      if (p->text == e.term && p->concept_id == e.concept_id &&
          occurs_at(fields[static_cast<std::size_t>(e.field)], *p, e.offset))
        return true;
    }
  }
  return false;
}

// What is wrong with `got`, or empty when it agrees with the reference.
std::string disagreement(const MatchSet& got, const RefPack& pack, const Fields& fields,
                         const Origins& origins) {
  Expected expected = expect(pack, fields);
  std::ostringstream problem;
  if (got.relevant != !expected.topics.empty() || got.topics != expected.topics ||
      got.scores != expected.scores) {
    problem << "expected topics " << listed(expected.topics) << " scores "
            << listed(expected.scores) << ", got relevant=" << got.relevant << " topics "
            << listed(got.topics) << " scores " << listed(got.scores);
    return problem.str();
  }
  for (const std::string& topic : got.topics) {
    auto named = [&](const Evidence& e) { return e.topic == topic; };
    if (std::none_of(got.evidence.begin(), got.evidence.end(), named))
      return "no evidence for reported topic " + topic;
  }
  for (const Evidence& e : got.evidence) {
    if (!explains(e, pack, expected, fields, origins)) {
      problem << "evidence not explained by a matching rule: topic " << e.topic << " field "
              << field_name(e.field) << " term '" << e.term << "' concept '" << e.concept_id
              << "' offset " << e.offset << " rule " << e.rule;
      return problem.str();
    }
  }
  return {};
}

std::string described(const Item& item, const Fields& fields) {
  std::ostringstream out;
  out << "title: '" << item.title << "'\nsummary: '" << item.summary << "'\ncontent: '"
      << item.content << "'\ncategories:";
  for (const auto& category : item.categories) out << " '" << category << "'";
  out << "\nfolded:";
  for (ItemField field : kAllFields)
    out << "\n  " << field_name(field) << ": '" << fields[static_cast<std::size_t>(field)] << "'";
  return out.str();
}

Origins origins_of(const TopicPack& parsed, const RefPack& ref) {
  REQUIRE(parsed.topics.size() == ref.topics.size());
  Origins origins;
  for (std::size_t t = 0; t < parsed.topics.size(); ++t) {
    REQUIRE(parsed.topics[t].rules.size() == ref.topics[t].rules.size());
    for (std::size_t r = 0; r < parsed.topics[t].rules.size(); ++r)
      origins.emplace(parsed.topics[t].rules[r].origin, std::pair{t, r});
  }
  return origins;
}

// Matches `items_per_pack` random items against `packs` random packs, each the merge of
// `parts` packs, and fails on the first disagreement; returns how many items were compared.
int compare_random(std::uint32_t seed, int packs, std::size_t parts, int items_per_pack) {
  Random random(seed);
  int compared = 0;
  for (int case_index = 0; case_index < packs; ++case_index) {
    RefPack ref;
    std::string texts;
    TopicPack merged;
    for (std::size_t part = 0; part < parts; ++part) {
      std::string tag(1, static_cast<char>('a' + part));
      std::string text = PackWriter(random, tag).write(ref);
      texts += "# " + tag + ".toml\n" + text;
      auto pack = TopicPack::parse(text, parts == 1 ? "random.toml" : tag + ".toml");
      INFO("pack:\n" << text);
      if (!pack) FAIL("the pack does not parse: " << pack.error().message);
      if (part == 0) {
        merged = std::move(*pack);
      } else {
        auto joined = merged.merge(std::move(*pack));
        if (!joined) FAIL("the packs do not merge: " << joined.error().message);
      }
    }
    Origins origins = origins_of(merged, ref);
    Matcher matcher(std::move(merged));
    for (int i = 0; i < items_per_pack; ++i) {
      Item item = random_item(random);
      Fields fields = folded_fields(item);
      std::string problem = FoldedItem::from(item).fields != fields
                                ? "FoldedItem::from folds the fields differently"
                                : disagreement(matcher.match(item), ref, fields, origins);
      if (!problem.empty()) {
        INFO("seed " << seed << ", case " << case_index << ", item " << i);
        INFO("pack:\n" << texts);
        INFO("item:\n" << described(item, fields));
        FAIL(problem);
      }
      ++compared;
    }
  }
  return compared;
}

}  // namespace

TEST_CASE("matcher differential: random packs agree with a direct reading of the rules") {
  int packs = newswatch::test::rounds(3000);
  CHECK(compare_random(20240611, packs, 1, 3) == packs * 3);
}

TEST_CASE("matcher differential: merged packs each keep their threshold as in the reference") {
  int pairs = newswatch::test::rounds(300), triples = newswatch::test::rounds(200);
  CHECK(compare_random(7, pairs, 2, 3) == pairs * 3);
  CHECK(compare_random(8, triples, 3, 3) == triples * 3);
}
