// How a story signature is made: the content words of a headline and its lede, folded and
// hashed, the language they are in, the headline's numbers and the topic pack's concepts.
// Each constant says why it has its value (bench/RESULTS.md has the measurements).
#include "storage/story_signature.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "base/fnv1a.h"
#include "feeds/text.h"
#include "topics/fold.h"

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

std::vector<std::string_view> words_of(std::string_view folded) {
  std::vector<std::string_view> words;
  while (!folded.empty()) {
    std::size_t space = folded.find(' ');
    words.push_back(folded.substr(0, space));
    if (space == std::string_view::npos) break;
    folded.remove_prefix(space + 1);
  }
  return words;
}

// A set of words looked up by string_view, without making a string of each word.
struct WordHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view word) const {
    return std::hash<std::string_view>{}(word);
  }
};
using WordSet = std::unordered_set<std::string, WordHash, std::equal_to<>>;

// Function words of the six languages of the news being watched, and the kickers and
// attributions of headlines ("Exclusive:", "..., officials say"): words that say nothing
// about which event a text reports. Kept folded, as text is compared.
const WordSet& function_words() {
  static const WordSet words = [] {
    const char* lists[] = {
        // English
        "a an the of in on at to for from by with and or as is are was were be been has have "
        "had it its this that these those he she they we you his her their our who what which "
        "when where why how not no but if than then so will would could can may might after "
        "before over into about amid against between during up down out off more most also "
        "just new says said say told",
        // headline kickers and attributions
        "exclusive watch live update updates analysis explainer latest breaking video opinion "
        "report reports official officials source sources according what know far today "
        "monday tuesday wednesday thursday friday saturday sunday week",
        // French
        "le la les des du de et un une en pour sur dans est au aux par avec qui que se ne pas "
        "sa son ses plus il elle ils ont a été selon après",
        // German
        "der die das und den dem des ein eine einer im in zu mit von für auf ist nicht sich "
        "auch an nach aus bei über sei hat wird werden vor",
        // Spanish
        "el la los las del de y en un una por con para al que se su sus es como más tras sobre "
        "ha según",
        // Arabic
        "في من على إلى أن عن مع هذا هذه التي الذي قال وقال بعد قبل بين كان ما لا",
        // Persian
        "در از به که این با را است و آن برای شد می کرد گفت پس تا"};
    WordSet set;
    for (const char* list : lists) {
      std::string folded = fold(list);
      for (auto word : words_of(folded)) set.emplace(word);
    }
    return set;
  }();
  return words;
}

// The languages language_of() tells apart, each by its commonest words.
struct Language {
  const char* code;
  const char* words;
};
constexpr Language kLanguages[] = {
    {"en", "the of and to in on for with is at by from as says after"},
    {"fr", "le la les des du et une pour sur dans est au aux par avec selon"},
    {"de", "der die das und den dem des ein eine im zu mit von für auf ist nicht nach"},
    {"es", "el los las del y en una por con para al que su tras sobre según"},
    {"ar", "في من على إلى أن عن مع التي الذي قال"},
    {"fa", "در از به که این با را است برای شد"}};

// Which of kLanguages' word lists each word is in (bit i for kLanguages[i]): one lookup a
// word instead of one a language.
const std::unordered_map<std::string, std::uint8_t, WordHash, std::equal_to<>>& language_words() {
  static const auto words = [] {
    std::unordered_map<std::string, std::uint8_t, WordHash, std::equal_to<>> map;
    for (std::size_t i = 0; i < std::size(kLanguages); ++i) {
      std::string folded = fold(kLanguages[i].words);
      for (auto word : words_of(folded))
        map[std::string(word)] |= static_cast<std::uint8_t>(1u << i);
    }
    return map;
  }();
  return words;
}

// The language of a text, from its script and its commonest function words: enough to know
// when two reports cannot share their wording.
std::string language_of(const std::vector<std::string_view>& words, std::string_view raw) {
  int counts[std::size(kLanguages)] = {};
  const auto& known = language_words();
  for (auto word : words) {
    auto it = known.find(word);
    if (it == known.end()) continue;
    for (std::size_t i = 0; i < std::size(kLanguages); ++i) counts[i] += (it->second >> i) & 1;
  }
  bool arabic_script = false;
  for (std::size_t i = 0; i + 1 < raw.size(); ++i) {
    auto lead = static_cast<unsigned char>(raw[i]);
    if (lead >= 0xD8 && lead <= 0xDB) {
      arabic_script = true;
      break;
    }
  }
  std::string best;
  int best_count = 0;
  for (std::size_t i = 0; i < std::size(kLanguages); ++i) {
    std::string_view code = kLanguages[i].code;
    bool arabic_language = code == "ar" || code == "fa";
    if (arabic_language != arabic_script) continue;
    if (counts[i] > best_count) {
      best = code;
      best_count = counts[i];
    }
  }
  if (best.empty() && arabic_script) return "ar";
  return best;
}

// Stored in signatures: the same on every platform and run.
std::uint32_t word_hash(std::string_view word) { return fnv1a_32(word); }

// Arabic-Indic and Persian digits as ASCII, so that "١٤" and "14" are one number.
std::string ascii_digits(std::string_view word) {
  std::string out;
  for (std::size_t i = 0; i < word.size(); ++i) {
    auto lead = static_cast<unsigned char>(word[i]);
    if (i + 1 < word.size()) {
      auto next = static_cast<unsigned char>(word[i + 1]);
      if (lead == 0xD9 && next >= 0xA0 && next <= 0xA9) {
        out += static_cast<char>('0' + (next - 0xA0));
        ++i;
        continue;
      }
      if (lead == 0xDB && next >= 0xB0 && next <= 0xB9) {
        out += static_cast<char>('0' + (next - 0xB0));
        ++i;
        continue;
      }
    }
    out += word[i];
  }
  return out;
}

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
void count_words(const std::vector<std::string_view>& words, std::uint16_t times,
                 std::map<std::uint32_t, std::uint16_t>& counts,
                 std::vector<std::string>* numbers) {
  const auto& skip = function_words();
  for (auto word : words) {
    // Only a word with an Arabic-Indic or Persian digit (lead byte 0xD9 or 0xDB) changes.
    bool eastern = word.find_first_of("\xD9\xDB") != std::string_view::npos;
    std::string converted = eastern ? ascii_digits(word) : std::string();
    std::string_view digits = eastern ? std::string_view(converted) : word;
    if (is_number(digits)) {
      if (numbers && !is_year(digits)) numbers->emplace_back(digits);
      continue;
    }
    if (characters(word) < kMinWordLength || skip.count(word)) continue;
    auto& n = counts[word_hash(word)];
    n = static_cast<std::uint16_t>(std::min<int>(n + times, 0xFFFF));
  }
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
  std::map<std::uint32_t, std::uint16_t> counts;
  count_words(title_words, kHeadlineCount, counts, &s.numbers);
  count_words(lede_words, 1, counts, nullptr);
  s.words.assign(counts.begin(), counts.end());
  sort_unique(s.numbers);
  std::vector<std::string_view> both = title_words;
  both.insert(both.end(), lede_words.begin(), lede_words.end());
  s.language = language_of(both, item.title + " " + source.substr(0, 400));
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

double TermCounts::idf(std::uint32_t term) const {
  auto it = counts_.find(term);
  double documents =
      it == counts_.end() ? 1.0 : static_cast<double>(std::max<std::int64_t>(it->second, 1));
  return std::log(std::max(static_cast<double>(total_), documents) / documents);
}

}  // namespace newswatch
