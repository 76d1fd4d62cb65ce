// How a story signature is made: the content words of a headline and its lede, folded and
// hashed, the language they are in, the headline's numbers and the topic pack's concepts.
// Each constant says why it has its value (bench/RESULTS.md has the measurements).
#include "storage/story_signature.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>

#include "base/fnv1a.h"
#include "feeds/text.h"
#include "language/digits.h"
#include "language/fold.h"
#include "language/function_words.h"
#include "language/languages.h"

namespace newswatch {
namespace {

// The first words of a summary are its lede, what a feed shows of the event; further on it
// is background that other events share. 20 held better than 40 on real news.
constexpr std::size_t kLedeWords = 20;

// A headline says which event; a lede says it again with context. Counting the headline
// twice held better than once, three or four times.
constexpr std::uint16_t kHeadlineCount = 2;

// Shorter words say little, counted in characters so that Arabic and Latin words are judged
// alike.
constexpr std::size_t kMinWordLength = 3;

std::uint32_t word_hash(std::string_view word) { return fnv1a_32(word); }

bool is_number(std::string_view word) {
  return !word.empty() &&
         std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Years date every report of a period; they tell no event from another.
bool is_year(std::string_view number) {
  return number.size() == 4 && (number.starts_with("19") || number.starts_with("20"));
}

std::size_t characters(std::string_view word) {
  return static_cast<std::size_t>(std::count_if(word.begin(), word.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// Counts the content words of folded text by their hashes, `times` each (numbers, function
// words and short words left out: they tell no event from another); collects the numbers.
// Each word is appended once per occurrence; sum_counts() adds them up.
void count_words(const std::vector<std::string_view>& words, std::uint16_t times,
                 std::vector<std::pair<std::uint32_t, std::uint16_t>>& counts,
                 std::vector<std::string>* numbers) {
  std::string converted;
  for (auto word : words) {
    std::string_view digits = ascii_digits(word, converted);
    if (is_number(digits)) {
      if (numbers && !is_year(digits)) numbers->emplace_back(digits);
      continue;
    }
    if (characters(word) < kMinWordLength || is_function_word(word)) continue;
    counts.emplace_back(word_hash(word), times);
  }
}

// Sorts by hash and adds up each hash's counts (at most 0xFFFF): a few dozen words an
// article, where a map cost an allocation a word.
void sum_counts(std::vector<std::pair<std::uint32_t, std::uint16_t>>& counts) {
  std::sort(counts.begin(), counts.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::size_t kept = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (kept > 0 && counts[kept - 1].first == counts[i].first) {
      int sum = counts[kept - 1].second + counts[i].second;
      counts[kept - 1].second = static_cast<std::uint16_t>(std::min(sum, 0xFFFF));
    } else {
      counts[kept++] = counts[i];
    }
  }
  counts.resize(kept);
}

std::uint32_t concept_hash(std::string_view id) {
  std::string key = "concept:";
  key += id;
  return word_hash(key);
}

template <typename T>
void sort_unique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Headlines often end with their outlet's name ("... - The Gulf Times"), which two outlets'
// reports of one event never share and two reports of one outlet always do. `publishers`
// names it as the feed, the item or the site's host do.
std::string without_outlet_suffix(const std::string& title,
                                  const std::vector<std::string>& publishers) {
  auto squeezed = [](std::string_view text) {
    std::string folded = fold(text);
    folded.erase(std::remove(folded.begin(), folded.end(), ' '), folded.end());
    return folded;
  };
  for (std::string_view separator : {" - ", " | ", " \u2014 ", " \u2013 "}) {
    std::size_t at = title.rfind(separator);
    if (at == std::string::npos) continue;
    std::string suffix = squeezed(std::string_view(title).substr(at + separator.size()));
    if (suffix.size() < 4) continue;
    for (const auto& publisher : publishers) {
      // A host names the outlet in its first label: "gulftimes.example".
      std::string name = squeezed(publisher.substr(0, publisher.find('.')));
      if (name.size() >= 4 &&
          (suffix.find(name) != std::string::npos || name.find(suffix) != std::string::npos))
        return title.substr(0, at);
    }
  }
  return title;
}

}  // namespace

StorySignature story_signature(const Item& item, const MatchSet& matches, UnixSeconds time,
                               const std::vector<std::string>& publishers,
                               const FoldedItem* folded) {
  StorySignature s;
  s.time = time;
  std::string headline = without_outlet_suffix(item.title, publishers);
  const std::string* whole_title = folded && headline.size() == item.title.size()
                                       ? folded->whole(ItemField::kTitle, headline)
                                       : nullptr;
  std::string title = whole_title ? *whole_title : fold(headline);
  bool lede_from_summary = !item.summary.empty();
  const std::string& source = lede_from_summary ? item.summary : item.content;
  ItemField lede_field = lede_from_summary ? ItemField::kSummary : ItemField::kContent;
  // A summary that should be plain text but carries markup (JSON Feed's, in some feeds).
  bool markup = source.find('<') != std::string::npos;
  // The matcher's fold of the field is a prefix of whole words of fold(source): its first
  // kLedeWords words are the lede whenever it has that many.
  std::string_view body;
  std::string refolded;
  if (folded && !markup) {
    body = folded->fields[static_cast<std::size_t>(lede_field)];
    if (std::count(body.begin(), body.end(), ' ') + 1 < static_cast<std::ptrdiff_t>(kLedeWords) &&
        !folded->whole(lede_field, source))
      body = {};
  }
  if (body.data() == nullptr) {
    refolded = fold(markup ? html_to_text(source) : source);
    body = refolded;
  }
  auto title_words = words_of(title);
  auto lede_words = words_of(body);
  if (lede_words.size() > kLedeWords) lede_words.resize(kLedeWords);
  std::size_t lede_bytes =
      lede_words.empty() ? 0 : static_cast<std::size_t>(lede_words.back().end() - body.data());
  std::vector<std::pair<std::uint32_t, std::uint16_t>> counts;
  counts.reserve(title_words.size() + lede_words.size());
  count_words(title_words, kHeadlineCount, counts, &s.numbers);
  count_words(lede_words, 1, counts, nullptr);
  sum_counts(counts);
  s.words.assign(counts.begin(), counts.end());  // sized exactly: the clusterer keeps it
  sort_unique(s.numbers);
  std::vector<std::string_view> both = title_words;
  both.insert(both.end(), lede_words.begin(), lede_words.end());
  s.language = guess_language(both, item.title + " " + source.substr(0, 400));
  for (const ConceptHit& hit : matches.concepts) {
    // A concept further on in the text is background, as the words there are.
    if (hit.field == ItemField::kTitle || (hit.field == lede_field && hit.offset < lede_bytes))
      s.concepts.push_back(concept_hash(hit.concept_id));
  }
  sort_unique(s.concepts);
  return s;
}

std::string StorySignature::to_json() const {
  // A round writes one for every item it stores, so the bytes nlohmann::json::dump() gives
  // (keys sorted, nothing between tokens) are written directly when no string needs an
  // escape: a language is a code and a number its ASCII digits, from story_signature().
  auto plain = [](std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; });
  };
  if (!plain(language) || !std::all_of(numbers.begin(), numbers.end(), plain)) {
    nlohmann::json j = {{"v", 2},         {"time", time},         {"language", language},
                        {"words", words}, {"concepts", concepts}, {"numbers", numbers}};
    return j.dump();
  }
  std::string out;
  out.reserve(64 + 24 * words.size() + 12 * concepts.size());
  out += "{\"concepts\":[";
  for (std::size_t i = 0; i < concepts.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(concepts[i]);
  }
  out += "],\"language\":\"";
  out += language;
  out += "\",\"numbers\":[";
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    if (i) out += ',';
    out += '"';
    out += numbers[i];
    out += '"';
  }
  out += "],\"time\":";
  out += std::to_string(time);
  out += ",\"v\":2,\"words\":[";
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i) out += ',';
    out += '[';
    out += std::to_string(words[i].first);
    out += ',';
    out += std::to_string(words[i].second);
    out += ']';
  }
  out += "]}";
  return out;
}

std::optional<StorySignature> StorySignature::from_json(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || j.value("v", 0) != 2) return std::nullopt;
  try {
    StorySignature s;
    s.time = j.at("time").get<UnixSeconds>();
    s.language = j.at("language").get<std::string>();
    s.words = j.at("words").get<std::vector<std::pair<std::uint32_t, std::uint16_t>>>();
    s.concepts = j.at("concepts").get<std::vector<std::uint32_t>>();
    s.numbers = j.at("numbers").get<std::vector<std::string>>();
    return s;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

void TermCounts::observe(const StorySignature& signature) {
  std::vector<std::uint32_t> terms;
  terms.reserve(signature.words.size() + signature.concepts.size());
  for (const auto& [word, count] : signature.words) terms.push_back(word);
  terms.insert(terms.end(), signature.concepts.begin(), signature.concepts.end());
  sort_unique(terms);
  for (std::uint32_t term : terms) ++counts_[term];
  ++total_;
}

void TermCounts::add(const TermCounts& other) {
  for (const auto& [term, count] : other.counts_) counts_[term] += count;
  total_ += other.total_;
}

double TermCounts::idf(std::uint32_t term) const {
  auto it = counts_.find(term);
  double documents =
      it == counts_.end() ? 1.0 : static_cast<double>(std::max<std::int64_t>(it->second, 1));
  return std::log(std::max(static_cast<double>(total_), documents) / documents);
}

}  // namespace newswatch
