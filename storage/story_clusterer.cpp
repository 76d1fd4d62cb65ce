#include "storage/story_clusterer.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <queue>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

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

// A concept is one term in every language: it is what ties two reports in different scripts
// together, so it weighs as much as several words. 4 held better than 2 or 3. Within one
// language concepts are not compared: their words are in the texts already, and counting a
// phrase again as its concepts (often several: "Strait of Hormuz" is hormuz, hormuz_strait,
// gulf_core) lets the topic's vocabulary outweigh what tells events apart — the more, the
// more unrelated news the stream holds and the rarer the concepts are in it.
constexpr double kConceptWeight = 4.0;

// Coverage of one event spreads over a day or two (time zones, morning editions, wire copy
// republished). A Gaussian of 24 h keeps reports 12 h apart at 0.78 of their likeness, 30 h
// apart at 0.21, 48 h at 0.02: a smooth fall instead of a cut-off that a story crosses.
// 18 h and 36 h held worse, an exponential kernel no better.
constexpr double kTimeScale = 24 * 3600.0;
// Beyond three time scales the kernel is below 0.0002: not worth looking.
constexpr UnixSeconds kTimeReach = 72 * 3600;

// Reports in two languages share only concepts, names and cognates: their cosine is lower
// than that of two rewrites in one language. Doubling it let the threshold rise, which parts
// same-language reports of different events and keeps cross-language recall (1.5 and 3 held
// worse).
constexpr double kOtherLanguage = 2.0;

// A new article looks for the articles it is alike through its weightiest terms: pairs that
// share none of them are too unalike to matter. With 24 the figures are exactly those of
// looking every term up; with 16 a few cross-language pairs were missed.
constexpr std::size_t kLookupTerms = 24;
// A term carried by thousands of the week's articles ("Iran" in a watch of Iran) does not say
// which event an article reports, and looking it up would make the cost of an article grow
// with the window. (No term of the labeled sets comes near.)
constexpr std::size_t kCommonTerm = 2000;

// A pair of articles less alike than half the threshold is not evidence that they report one
// event: two reports that share only background words ("Iran", "talks", "Tehran" on a busy
// day) are that alike. Such pairs are left out of the sums of likeness across stories, so
// that the many weak pairs between two large stories of one day cannot add up to a merge
// that no pair of their reports supports; a mean leaves them out by at most half the
// threshold. With the topic pack before issue 16 this held better on real news (5-fold F1
// 0.863 against 0.851 keeping every pair; 0.25 no better, 0.75 and 1 worse); with the pack
// of issue 16 no share is better than another (held-out F1 with the threshold chosen per
// fold: 0.883 keeping every pair, 0.880 at a half, 0.882 at 0.75; folds choosing both took
// every pair, by 0.002 or less). It is kept for what it saves: with 100,000 articles in 72 hours a round cost 12.3 ms an article
// and 2.2 GB keeping every pair, 3.5 ms and 0.6 GB without the weak ones (bench/RESULTS.md).
constexpr double kEvidence = 0.5;

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

std::uint32_t word_hash(std::string_view word) {
  std::uint32_t hash = 2166136261u;  // FNV-1a: the same on every platform and run
  for (char c : word) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

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
  const std::string* whole_title =
      folded && headline.size() == item.title.size() ? folded->whole(ItemField::kTitle, headline)
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
    return std::all_of(text.begin(), text.end(), [](char c) {
      return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
    });
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
  double documents = it == counts_.end() ? 1.0 : static_cast<double>(std::max<std::int64_t>(it->second, 1));
  return std::log(std::max(static_cast<double>(total_), documents) / documents);
}

namespace {

using Vector = std::vector<std::pair<std::uint32_t, float>>;  // sorted by term

struct Member {
  std::int64_t article = 0;
  std::int64_t story = 0;
  StorySignature signature;
  // The weighted, normalised vectors of its words, and of its words and concepts, computed
  // when the member is first compared, with the document frequencies of then; and the
  // kLookupTerms weightiest terms.
  Vector words;
  Vector terms;
  std::vector<std::uint32_t> lookup;
  bool weighed = false;
};

void normalise(Vector& v) {
  double norm = 0;
  for (const auto& [term, weight] : v) norm += static_cast<double>(weight) * weight;
  norm = std::sqrt(norm);
  for (auto& [term, weight] : v) weight = norm > 0 ? static_cast<float>(weight / norm) : 0;
}

double cosine(const Vector& a, const Vector& b) {
  double sum = 0;
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (i->first < j->first) {
      ++i;
    } else if (j->first < i->first) {
      ++j;
    } else {
      sum += static_cast<double>(i->second) * static_cast<double>(j->second);
      ++i, ++j;
    }
  }
  return sum;
}

UnixSeconds apart(const Member& a, const Member& b) {
  UnixSeconds ta = a.signature.time, tb = b.signature.time;
  return ta > tb ? ta - tb : tb - ta;
}

// Headlines whose numbers differ ("63 vessels", "73 vessels"; "round 5", "round 6") report
// two events, however alike their words. Cost nothing on real news.
bool numbers_differ(const StorySignature& a, const StorySignature& b) {
  if (a.numbers.empty() || b.numbers.empty()) return false;
  std::vector<std::string> shared;
  std::set_intersection(a.numbers.begin(), a.numbers.end(), b.numbers.begin(), b.numbers.end(),
                        std::back_inserter(shared));
  return shared.empty();
}

double likeness(const Member& a, const Member& b) {
  UnixSeconds gap = apart(a, b);
  if (gap > kTimeReach || numbers_differ(a.signature, b.signature)) return 0;
  double scaled = static_cast<double>(gap) / kTimeScale;
  double kernel = std::exp(-scaled * scaled);
  const std::string &la = a.signature.language, &lb = b.signature.language;
  if (la.empty() || lb.empty() || la == lb) return cosine(a.words, b.words) * kernel;
  return cosine(a.terms, b.terms) * kernel * kOtherLanguage;
}

}  // namespace

struct StoryClusterer::State {
  struct Story {
    std::vector<Member*> members;
    // Articles ever added, forgotten ones included: their likenesses stay in `links`.
    std::size_t size = 0;
    // Sums of the likeness of every pair of articles across this story and another, for
    // the stories with one such pair above `evidence`: merging two stories adds their rows
    // (Lance and Williams), so that a merge costs what the two stories touch, not their size
    // squared.
    std::unordered_map<std::int64_t, double> links;
    std::uint64_t version = 0;  // bumped when the story changes
  };
  std::multimap<UnixSeconds, Member> members;  // by time
  std::unordered_map<std::int64_t, Member*> by_article;
  std::unordered_map<std::int64_t, Story> stories;
  // Articles by lookup term. Entries of forgotten articles are dropped when met, or all at
  // once when they have come to outnumber the living.
  std::unordered_map<std::uint32_t, std::vector<std::int64_t>> postings;
  std::size_t forgotten = 0;
  std::vector<std::int64_t> unweighed;  // added since the last recluster
  double evidence = 0;  // the least likeness of a pair that is kept (see kEvidence)

  void index(const Member& m) {
    for (const auto& [term, weight] : m.terms) postings[term].push_back(m.article);
  }

  void weigh(Member& m, const TermCounts& terms) {
    m.weighed = true;
    m.words.clear();
    for (const auto& [word, count] : m.signature.words) {
      double tf = 1.0 + std::log(static_cast<double>(count));
      m.words.emplace_back(word, static_cast<float>(tf * terms.idf(word)));
    }
    m.terms = m.words;
    for (std::uint32_t concept_id : m.signature.concepts)
      m.terms.emplace_back(concept_id, static_cast<float>(kConceptWeight * terms.idf(concept_id)));
    std::sort(m.terms.begin(), m.terms.end());
    normalise(m.words);
    normalise(m.terms);
    Vector weightiest = m.terms;
    std::size_t n = std::min(kLookupTerms, weightiest.size());
    std::partial_sort(weightiest.begin(), weightiest.begin() + static_cast<std::ptrdiff_t>(n),
                      weightiest.end(), [](const auto& a, const auto& b) {
                        return a.second != b.second ? a.second > b.second : a.first < b.first;
                      });
    m.lookup.clear();
    for (std::size_t i = 0; i < n; ++i) m.lookup.push_back(weightiest[i].first);
  }

  void link(std::int64_t a, std::int64_t b, double alike) {
    stories[a].links[b] += alike;
    stories[b].links[a] += alike;
  }

  // Weighs `m` and adds its likeness to every weighed article it shares a lookup term with
  // to the links of their stories; then it is looked up itself. Each pair is met once: by
  // the later of the two.
  void meet(Member& m, const TermCounts& terms) {
    weigh(m, terms);
    std::unordered_set<std::int64_t> seen;
    for (std::uint32_t term : m.lookup) {
      auto posting = postings.find(term);
      if (posting == postings.end() || posting->second.size() > kCommonTerm) continue;
      auto& ids = posting->second;
      for (std::size_t i = 0; i < ids.size();) {
        auto other = by_article.find(ids[i]);
        if (other == by_article.end()) {
          ids[i] = ids.back();
          ids.pop_back();
          continue;
        }
        ++i;
        const Member& o = *other->second;
        if (o.story == m.story || apart(m, o) > kTimeReach || !seen.insert(o.article).second)
          continue;
        if (double alike = likeness(m, o); alike > evidence) link(m.story, o.story, alike);
      }
    }
    index(m);
  }

  // Weighed with the document frequencies of now, the round's own articles counted.
  void meet_unweighed(const TermCounts& terms) {
    for (std::int64_t article : unweighed) {
      auto found = by_article.find(article);
      if (found != by_article.end() && !found->second->weighed) meet(*found->second, terms);
    }
    unweighed.clear();
  }

  double story_likeness(std::int64_t a, std::int64_t b) const {
    auto left = stories.find(a), right = stories.find(b);
    if (left == stories.end() || right == stories.end()) return 0;
    auto sum = left->second.links.find(b);
    if (sum == left->second.links.end()) return 0;
    return sum->second /
           static_cast<double>(left->second.size) / static_cast<double>(right->second.size);
  }

  void move_story(std::int64_t from, std::int64_t into) {
    auto source = stories.find(from);
    if (source == stories.end() || from == into) return;
    Story moved = std::move(source->second);
    stories.erase(source);
    Story& target = stories[into];
    for (Member* m : moved.members) {
      m->story = into;
      target.members.push_back(m);
    }
    target.size += moved.size;
    target.links.erase(from);
    for (const auto& [other, sum] : moved.links) {
      if (other == into) continue;
      target.links[other] += sum;
      auto& theirs = stories[other].links;
      theirs.erase(from);
      theirs[into] += sum;
    }
    ++target.version;
  }

  // Drops a story with no members left, and every link to it.
  void drop_if_empty(std::int64_t id) {
    auto story = stories.find(id);
    if (story == stories.end() || !story->second.members.empty()) return;
    for (const auto& [other, sum] : story->second.links) {
      auto theirs = stories.find(other);
      if (theirs != stories.end()) theirs->second.links.erase(id);
    }
    stories.erase(story);
  }
};

StoryClusterer::StoryClusterer(double threshold)
    : state_(std::make_unique<State>()), threshold_(threshold) {
  state_->evidence = kEvidence * threshold;
}
StoryClusterer::~StoryClusterer() = default;
StoryClusterer::StoryClusterer(StoryClusterer&&) noexcept = default;
StoryClusterer& StoryClusterer::operator=(StoryClusterer&&) noexcept = default;

std::size_t StoryClusterer::size() const { return state_->members.size(); }

void StoryClusterer::add(std::int64_t article, std::int64_t story, StorySignature signature) {
  UnixSeconds time = signature.time;
  auto it = state_->members.emplace(time, Member{article, story, std::move(signature), {}, {}, {}, false});
  Member* m = &it->second;
  state_->by_article[article] = m;
  auto& joined = state_->stories[story];
  joined.members.push_back(m);
  ++joined.size;
  ++joined.version;
  state_->unweighed.push_back(article);
}

double StoryClusterer::story_likeness(std::int64_t a, std::int64_t b) {
  state_->meet_unweighed(terms_);
  return state_->story_likeness(a, b);
}

std::vector<std::pair<std::int64_t, std::int64_t>> StoryClusterer::recluster(
    const std::vector<std::int64_t>& articles) {
  State& s = *state_;
  s.meet_unweighed(terms_);

  struct Candidate {
    double likeness;
    std::int64_t a, b;  // a < b
    std::uint64_t version_a, version_b;
    bool operator<(const Candidate& o) const {
      // Most alike first; on a tie the older stories, so that the order of the heap does
      // not decide.
      if (likeness != o.likeness) return likeness < o.likeness;
      return std::tie(a, b) > std::tie(o.a, o.b);
    }
  };
  std::priority_queue<Candidate> heap;
  auto consider = [&](std::int64_t story) {
    for (const auto& [other, sum] : s.stories.at(story).links) {
      double alike = s.story_likeness(story, other);
      if (alike < threshold_) continue;
      std::int64_t a = std::min(story, other), b = std::max(story, other);
      heap.push({alike, a, b, s.stories.at(a).version, s.stories.at(b).version});
    }
  };
  std::vector<std::int64_t> changed;
  for (std::int64_t article : articles) {
    auto found = s.by_article.find(article);
    if (found != s.by_article.end()) changed.push_back(found->second->story);
  }
  sort_unique(changed);
  for (std::int64_t story : changed) consider(story);

  std::vector<std::pair<std::int64_t, std::int64_t>> merges;
  while (!heap.empty()) {
    Candidate top = heap.top();
    heap.pop();
    auto a = s.stories.find(top.a), b = s.stories.find(top.b);
    if (a == s.stories.end() || b == s.stories.end() || a->second.version != top.version_a ||
        b->second.version != top.version_b)
      continue;  // one of them changed since: its new likeness was pushed then
    s.move_story(top.b, top.a);
    merges.emplace_back(top.b, top.a);
    consider(top.a);
  }
  return merges;
}

void StoryClusterer::merge(std::int64_t from, std::int64_t into) { state_->move_story(from, into); }

void StoryClusterer::forget_older_than(UnixSeconds memory) {
  State& s = *state_;
  if (s.members.empty()) return;
  UnixSeconds before = std::prev(s.members.end())->first - memory;
  auto end = s.members.lower_bound(before);
  std::vector<std::int64_t> emptied;
  for (auto it = s.members.begin(); it != end; ++it) {
    Member& m = it->second;
    s.by_article.erase(m.article);
    auto story = s.stories.find(m.story);
    if (story != s.stories.end()) {
      auto& list = story->second.members;
      list.erase(std::remove(list.begin(), list.end(), &m), list.end());
      if (list.empty()) emptied.push_back(m.story);
    }
    ++s.forgotten;
  }
  s.members.erase(s.members.begin(), end);
  for (std::int64_t story : emptied) s.drop_if_empty(story);
  if (s.forgotten > s.members.size()) {
    s.postings.clear();
    for (const auto& [time, m] : s.members) {
      if (m.weighed) s.index(m);
    }
    s.forgotten = 0;
  }
  std::erase_if(s.unweighed, [&](std::int64_t article) { return !s.by_article.count(article); });
}

}  // namespace newswatch
