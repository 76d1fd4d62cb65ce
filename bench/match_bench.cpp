// Topic-matcher throughput, in MB/s of item text (title + summary, as plain text): the
// built-in Iran–US pack, a synthetic pack of 1,000 more rules on top of it (the Aho–Corasick
// automaton should keep the cost close to flat as rules grow), folding alone, which every
// match pays first, and one enormous field, whose cost must grow no faster than it does.
// Run from the project root: build/bench/match_bench [--benchmark_...]
// The corpus is the labelled dev set (NEWSWATCH_MATCH_CORPUS, default
// ../shared/topics/dev.jsonl) plus, when it has been generated, the items of the bench corpus
// (NEWSWATCH_BENCH_CORPUS, default bench-corpus/feeds), repeated up to at least 1 MB.
// BM_MatchPackFile matches with the pack NEWSWATCH_MATCH_PACK names, for comparing packs:
//   git show REV:topics/packs/iran-us.toml > /tmp/old.toml
//   NEWSWATCH_MATCH_PACK=/tmp/old.toml build/bench/match_bench --benchmark_filter='Pack'
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bench/corpus_files.h"
#include "feeds/parser.h"
#include "feeds/text.h"
#include "language/fold.h"
#include "topics/matcher.h"
#include "topics/topic_pack.h"

namespace {

using newswatch::FoldedItem;
using newswatch::Item;
using newswatch::ItemField;
using newswatch::Matcher;
using newswatch::TopicPack;

// Small enough corpora are repeated: a pass shorter than this would time the loop, not the
// matcher.
constexpr std::size_t kMinCorpusBytes = 1 << 20;

struct Corpus {
  std::vector<Item> items;
  std::size_t distinct_items = 0;  // items before repetition
  std::size_t dev_items = 0;       // the first items, from the labelled dev set
  std::size_t bytes = 0;           // title + summary of every item, repeats included
};

// Only the counted fields are kept, so that MB/s is the text the matcher actually reads.
Item text_item(std::string title, std::string summary) {
  Item item;
  item.title = std::move(title);
  item.summary = std::move(summary);
  return item;
}

std::string string_field(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void add_dev_set(std::vector<Item>& items) {
  const char* path = std::getenv("NEWSWATCH_MATCH_CORPUS");
  std::ifstream in(path ? path : "../shared/topics/dev.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json object = nlohmann::json::parse(line, nullptr, false);
    if (!object.is_object()) continue;
    // As `newswatch match --jsonl` reads them: either field may hold HTML.
    items.push_back(text_item(newswatch::html_to_text(string_field(object, "title")),
                              newswatch::html_to_text(string_field(object, "description"))));
  }
}

void add_bench_corpus(std::vector<Item>& items) {
  // In a fixed order: the same corpus, the same synthetic pack.
  for (const auto& file : newswatch::bench::corpus_files()) {
    if (file.extension() != ".xml" && file.extension() != ".json") continue;
    std::ifstream in(file, std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto feed = newswatch::parse_feed(bytes, newswatch::ParseOptions{});
    if (!feed) continue;
    for (auto& item : feed->items)
      items.push_back(text_item(std::move(item.title), std::move(item.summary)));
  }
}

std::size_t text_bytes(const Item& item) { return item.title.size() + item.summary.size(); }

const Corpus& corpus() {
  static const Corpus loaded = [] {
    Corpus c;
    add_dev_set(c.items);
    c.dev_items = c.items.size();
    add_bench_corpus(c.items);
    c.distinct_items = c.items.size();
    for (const auto& item : c.items) c.bytes += text_bytes(item);
    if (c.bytes == 0) return Corpus{};
    std::size_t passes = (kMinCorpusBytes + c.bytes - 1) / c.bytes;
    c.items.reserve(c.distinct_items * passes);  // no reallocation while copying from itself
    for (std::size_t pass = 1; pass < passes; ++pass) {
      for (std::size_t i = 0; i < c.distinct_items; ++i) c.items.push_back(c.items[i]);
    }
    c.bytes *= passes;
    return c;
  }();
  return loaded;
}

bool have_corpus(benchmark::State& state) {
  if (!corpus().items.empty()) return true;
  state.SkipWithError(
      "no corpus: set NEWSWATCH_MATCH_CORPUS to a dev.jsonl, or run from the project root");
  return false;
}

// The phrases the synthetic pack is written with. Corpus n-grams make most rules' phrases
// really occur, so the automaton reports hits and rules get evaluated, as they would for a
// pack written about the news being read.
struct Vocabulary {
  std::vector<std::string> ngrams[3];     // 1-, 2- and 3-word phrases, commonest first
  std::vector<std::string> distinct[3];   // every phrase of the dev set's real news, once
  std::vector<std::string> pack_phrases;  // the built-in pack's, folded, '*' kept
};

// Words no editor would put in a rule, and which would otherwise top the n-gram counts; bare
// numbers are mostly the generated corpus's story ids.
bool is_content_word(std::string_view word) {
  static const std::set<std::string_view> kFunctionWords = {
      "about", "after", "also", "been", "could", "from",  "have",  "into",
      "more",  "over",  "said", "than", "that",  "their", "there", "they",
      "this",  "were",  "what", "when", "which", "will",  "with",  "would"};
  auto is_digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  return word.size() >= 4 && !std::all_of(word.begin(), word.end(), is_digit) &&
         !kFunctionWords.count(word);
}

std::vector<std::string> words_of(const std::string& folded) {
  std::vector<std::string> words;
  for (std::size_t start = 0; start < folded.size();) {
    std::size_t end = std::min(folded.find(' ', start), folded.size());
    words.push_back(folded.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

std::vector<std::string> commonest(const std::map<std::string, int>& counts) {
  constexpr std::size_t kPoolSize = 2000;
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& [phrase, count] : counts) {
    if (count >= 2) ranked.emplace_back(-count, phrase);  // ties fall back to the phrase
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> pool;
  for (std::size_t i = 0; i < ranked.size() && i < kPoolSize; ++i)
    pool.push_back(std::move(ranked[i].second));
  return pool;
}

Vocabulary vocabulary(const Corpus& c, const TopicPack& builtin) {
  std::map<std::string, int> counts[3];
  std::set<std::string> dev_phrases[3];
  for (std::size_t i = 0; i < c.distinct_items; ++i) {
    FoldedItem folded = FoldedItem::from(c.items[i]);
    for (ItemField field : {ItemField::kTitle, ItemField::kSummary}) {
      auto words = words_of(folded.fields[static_cast<std::size_t>(field)]);
      for (std::size_t first = 0; first < words.size(); ++first) {
        std::string phrase;
        for (std::size_t n = 0; n < 3 && first + n < words.size(); ++n) {
          if (!is_content_word(words[first + n])) break;
          phrase += (n ? " " : "") + words[first + n];
          ++counts[n][phrase];
          if (i < c.dev_items) dev_phrases[n].insert(phrase);
        }
      }
    }
  }
  Vocabulary v;
  for (std::size_t n = 0; n < 3; ++n) {
    v.ngrams[n] = commonest(counts[n]);
    v.distinct[n].assign(dev_phrases[n].begin(), dev_phrases[n].end());
  }
  std::set<std::string> pack_phrases;
  auto add = [&](const std::vector<newswatch::Phrase>& phrases) {
    for (const auto& p : phrases) pack_phrases.insert(p.folded + (p.prefix ? "*" : ""));
  };
  for (const auto& c : builtin.concepts) add(c.terms);
  for (const auto& topic : builtin.topics) {
    for (const auto& rule : topic.rules) {
      add(rule.any);
      for (const auto& group : rule.all) add(group);
      for (const auto& group : rule.near) add(group);
    }
  }
  v.pack_phrases.assign(pack_phrases.begin(), pack_phrases.end());
  return v;
}

// Draws phrases from a vocabulary with a fixed seed: the same corpus gives the same pack.
class PhraseSource {
 public:
  // `busy`: phrases from the commonest n-grams, so that most rules fire on most items (the
  // worst case); otherwise from every n-gram of the corpus alike, as rules written about
  // the same news would be.
  PhraseSource(const Vocabulary& vocabulary, bool busy) : vocabulary_(vocabulary), busy_(busy) {}

  std::string next() {
    // Mostly single words, as packs are. The busy pack takes a fifth from the shipped pack's
    // own phrases, which fire on most items of a corpus about Iran; the typical pack is
    // about other subjects, written with the words of real news (the dev set's, drawn
    // alike, rare and common), most of which the generated corpus never uses.
    unsigned roll = random_() % 10;
    const auto& ngrams = busy_ ? vocabulary_.ngrams : vocabulary_.distinct;
    const auto& pool = roll < 2 && busy_ ? vocabulary_.pack_phrases
                       : roll < 2        ? ngrams[0]
                       : roll < 6        ? ngrams[0]
                       : roll < 8        ? ngrams[1]
                                         : ngrams[2];
    if (pool.empty()) return pick(vocabulary_.pack_phrases);
    std::string phrase = pick(pool);
    if (random_() % 4 == 0) make_prefix(phrase);
    return phrase;
  }

 private:
  const std::string& pick(const std::vector<std::string>& pool) {
    return pool[random_() % pool.size()];
  }

  // A stem as editors write one ("negotiat*"), at least five letters long so that it stays
  // as selective as theirs. Only ASCII endings are cut: the phrase stays valid UTF-8.
  static void make_prefix(std::string& phrase) {
    if (phrase.ends_with('*')) return;
    std::size_t last_word = phrase.rfind(' ') + 1;  // npos + 1 == 0
    auto is_ascii = [](char ch) { return static_cast<unsigned char>(ch) < 0x80; };
    if (phrase.size() - last_word < 7 || !std::all_of(phrase.end() - 2, phrase.end(), is_ascii))
      return;
    phrase.resize(phrase.size() - 2);
    phrase += '*';
  }

  const Vocabulary& vocabulary_;
  bool busy_;
  std::mt19937 random_{20261125};  // mt19937 is specified exactly: the same on every platform
};

// Folded phrases hold only letters, digits and spaces: nothing in them needs TOML escaping.
std::string toml_list(PhraseSource& phrases, int count) {
  std::string list = "[";
  for (int i = 0; i < count; ++i) list += (i ? ", \"" : "\"") + phrases.next() + "\"";
  return list + "]";
}

constexpr int kSyntheticTopics = 100;
constexpr int kRulesPerTopic = 10;

std::string synthetic_pack_text(const Vocabulary& vocabulary, bool busy) {
  PhraseSource phrases(vocabulary, busy);
  std::string text = "name = \"synthetic\"\nthreshold = 1.0\n";
  for (int t = 0; t < kSyntheticTopics; ++t) {
    text += "\n[[topic]]\nname = \"synthetic-" + std::to_string(t) + "\"\n";
    for (int r = 0; r < kRulesPerTopic; ++r) {
      text += "[[topic.rule]]\nany = " + toml_list(phrases, 5) + "\n";
      text += "all = [" + toml_list(phrases, 4) + "]\n";
      // One rule in ten also asks for two phrases close together, the costliest check.
      if (r == kRulesPerTopic - 1) {
        text += "near = [" + toml_list(phrases, 2) + ", " + toml_list(phrases, 2) + "]\n";
        text += "within = 6\n";
      }
    }
  }
  return text;
}

std::size_t rule_count(const TopicPack& pack) {
  std::size_t rules = 0;
  for (const auto& topic : pack.topics) rules += topic.rules.size();
  return rules;
}

struct SyntheticMatcher {
  std::optional<Matcher> matcher;  // empty when the pack did not parse
  std::string error;
  std::size_t synthetic_rules = 0;
  std::size_t rules = 0;  // synthetic and built-in together
};

SyntheticMatcher build_synthetic_matcher(bool busy) {
  SyntheticMatcher result;
  TopicPack pack = TopicPack::builtin();
  auto synthetic =
      TopicPack::parse(synthetic_pack_text(vocabulary(corpus(), pack), busy), "synthetic.toml");
  if (!synthetic) {
    result.error = synthetic.error().message;
    return result;
  }
  result.synthetic_rules = rule_count(*synthetic);
  if (auto merged = pack.merge(std::move(*synthetic)); !merged) {
    result.error = merged.error().message;
    return result;
  }
  result.rules = rule_count(pack);
  result.matcher.emplace(std::move(pack));
  return result;
}

const SyntheticMatcher& synthetic_matcher(bool busy) {
  static const SyntheticMatcher typical = build_synthetic_matcher(false);
  static const SyntheticMatcher worst = build_synthetic_matcher(true);
  return busy ? worst : typical;
}

void match_corpus(benchmark::State& state, const Matcher& matcher) {
  std::size_t relevant = 0;
  for (auto _ : state) {
    for (const auto& item : corpus().items) {
      newswatch::MatchSet set = matcher.match(item);
      relevant += set.relevant;
      benchmark::DoNotOptimize(set);
    }
  }
  auto items = static_cast<double>(state.iterations()) * corpus().items.size();
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus().bytes));
  state.counters["items"] = benchmark::Counter(items, benchmark::Counter::kIsRate);
  // The share of items kept: evidence for whether the rules really fire on this corpus.
  state.counters["relevant"] = items > 0 ? static_cast<double>(relevant) / items : 0;
}

// What the daemon does today, for every item it parses.
void BM_MatchDefaultPack(benchmark::State& state) {
  if (!have_corpus(state)) return;
  static const Matcher matcher(TopicPack::builtin());
  match_corpus(state, matcher);
}
BENCHMARK(BM_MatchDefaultPack)->Unit(benchmark::kMillisecond);

// Another pack in place of the built-in one (NEWSWATCH_MATCH_PACK), in the same run: an
// earlier version of the pack, to see what a change to it costs.
void BM_MatchPackFile(benchmark::State& state) {
  if (!have_corpus(state)) return;
  static const std::optional<Matcher> matcher = []() -> std::optional<Matcher> {
    const char* path = std::getenv("NEWSWATCH_MATCH_PACK");
    if (!path) return std::nullopt;
    auto pack = TopicPack::load(path);
    if (!pack) return std::nullopt;
    return Matcher(std::move(*pack));
  }();
  if (!matcher) {
    state.SkipWithError("set NEWSWATCH_MATCH_PACK to a pack file that loads");
    return;
  }
  match_corpus(state, *matcher);
}
BENCHMARK(BM_MatchPackFile)->Unit(benchmark::kMillisecond);

// The built-in pack plus 1,000 generated rules: how the cost grows with the pack.
void match_synthetic(benchmark::State& state, bool busy) {
  if (!have_corpus(state)) return;
  const SyntheticMatcher& synthetic = synthetic_matcher(busy);
  if (!synthetic.matcher) {
    state.SkipWithError(("synthetic pack: " + synthetic.error).c_str());
    return;
  }
  match_corpus(state, *synthetic.matcher);
  state.counters["synthetic_rules"] = static_cast<double>(synthetic.synthetic_rules);
  state.counters["rules"] = static_cast<double>(synthetic.rules);
}

void BM_Match1000Rules(benchmark::State& state) { match_synthetic(state, false); }
BENCHMARK(BM_Match1000Rules)->Unit(benchmark::kMillisecond);

// The worst case: rules of the corpus's commonest phrases, most of which fire on most items.
void BM_Match1000BusyRules(benchmark::State& state) { match_synthetic(state, true); }
BENCHMARK(BM_Match1000BusyRules)->Unit(benchmark::kMillisecond);

// One enormous field of the shipped pack's words, over and over (issue 14): near rules see
// thousands of hits on each side, none close enough. Without the cap (state.range(1) == 0)
// the time per byte must stay flat as the field grows (it grew with the field, quadratic
// code took 7 s for 1 MiB); with it, the default, a field costs what its first 64 KiB do.
void BM_MatchRepeatedTopicWords(benchmark::State& state) {
  static const Matcher uncapped(TopicPack::builtin(), SIZE_MAX);
  static const Matcher capped(TopicPack::builtin());
  const std::string unit = "Iran Hormuz tanker IRGC navy strike sanctions Tehran Washington ";
  std::string text;
  while (text.size() + unit.size() <= static_cast<std::size_t>(state.range(0))) text += unit;
  FoldedItem item;
  item.fields[static_cast<std::size_t>(ItemField::kContent)] = newswatch::fold(text);
  const Matcher& matcher = state.range(1) ? capped : uncapped;
  for (auto _ : state) benchmark::DoNotOptimize(matcher.match(item));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_MatchRepeatedTopicWords)
    ->ArgNames({"bytes", "capped"})
    ->ArgsProduct({{64 << 10, 256 << 10, 1 << 20, 4 << 20}, {0}})
    ->Args({16 << 20, 0})
    ->Args({16 << 20, 1})
    ->Unit(benchmark::kMillisecond);

// Folding alone, which Matcher::match(const Item&) does first: the part no pack can change.
void BM_FoldOnly(benchmark::State& state) {
  if (!have_corpus(state)) return;
  for (auto _ : state) {
    for (const auto& item : corpus().items) benchmark::DoNotOptimize(FoldedItem::from(item));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus().bytes));
}
BENCHMARK(BM_FoldOnly)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
