#include "storage/story_clusterer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <queue>
#include <string_view>
#include <tuple>
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

// A story looks for others through its members' weightiest terms only: pairs that share
// none of them are too unalike to matter, and common terms ("Iran") would make every look-up
// scan the whole window. With 16 the figures are those of looking every term up; with 8,
// cross-language pairs were missed (recall 0.93 → 0.90).
constexpr std::size_t kLookupTerms = 16;

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

// Function words of the six languages of the news being watched, and the kickers and
// attributions of headlines ("Exclusive:", "..., officials say"): words that say nothing
// about which event a text reports. Kept folded, as text is compared.
const std::unordered_set<std::string>& function_words() {
  static const std::unordered_set<std::string> words = [] {
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
    std::unordered_set<std::string> set;
    for (const char* list : lists) {
      std::string folded = fold(list);
      for (auto word : words_of(folded)) set.emplace(word);
    }
    return set;
  }();
  return words;
}

// The language of a text, from its script and its commonest function words: enough to know
// when two reports cannot share their wording.
std::string language_of(const std::vector<std::string_view>& words, std::string_view raw) {
  struct Language {
    const char* code;
    const char* words;
  };
  static const Language kLanguages[] = {
      {"en", "the of and to in on for with is at by from as says after"},
      {"fr", "le la les des du et une pour sur dans est au aux par avec selon"},
      {"de", "der die das und den dem des ein eine im zu mit von für auf ist nicht nach"},
      {"es", "el los las del y en una por con para al que su tras sobre según"},
      {"ar", "في من على إلى أن عن مع التي الذي قال"},
      {"fa", "در از به که این با را است برای شد"}};
  static const std::vector<std::pair<std::string, std::unordered_set<std::string>>> sets = [] {
    std::vector<std::pair<std::string, std::unordered_set<std::string>>> out;
    for (const auto& language : kLanguages) {
      std::string folded = fold(language.words);
      std::unordered_set<std::string> set;
      for (auto word : words_of(folded)) set.emplace(word);
      out.emplace_back(language.code, std::move(set));
    }
    return out;
  }();
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
  for (const auto& [code, set] : sets) {
    bool arabic_language = code == "ar" || code == "fa";
    if (arabic_language != arabic_script) continue;
    int n = 0;
    for (auto word : words) n += set.count(std::string(word)) ? 1 : 0;
    if (n > best_count) {
      best = code;
      best_count = n;
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
    std::string digits = ascii_digits(word);
    if (is_number(digits)) {
      if (numbers && !is_year(digits)) numbers->push_back(digits);
      continue;
    }
    if (characters(word) < kMinWordLength || skip.count(std::string(word))) continue;
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
                               const std::vector<std::string>& publishers) {
  StorySignature s;
  s.time = time;
  std::string title = fold(without_outlet_suffix(item.title, publishers));
  bool lede_from_summary = !item.summary.empty();
  const std::string& source = lede_from_summary ? item.summary : item.content;
  // A summary that should be plain text but carries markup (JSON Feed's, in some feeds).
  std::string body = fold(source.find('<') != std::string::npos ? html_to_text(source) : source);
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
  ItemField lede_field = lede_from_summary ? ItemField::kSummary : ItemField::kContent;
  for (const ConceptHit& hit : matches.concepts) {
    // A concept further on in the text is background, as the words there are.
    if (hit.field == ItemField::kTitle || (hit.field == lede_field && hit.offset < lede_bytes))
      s.concepts.push_back(concept_hash(hit.concept_id));
  }
  sort_unique(s.concepts);
  return s;
}

std::string StorySignature::to_json() const {
  nlohmann::json j = {{"v", 2},         {"time", time},         {"language", language},
                      {"words", words}, {"concepts", concepts}, {"numbers", numbers}};
  return j.dump();
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
  std::multimap<UnixSeconds, Member> members;  // by time
  std::unordered_map<std::int64_t, Member*> by_article;
  std::unordered_map<std::int64_t, std::vector<Member*>> stories;
  std::unordered_map<std::int64_t, std::uint64_t> versions;  // bumped when a story changes
  // Articles by lookup term. Entries of forgotten articles are dropped when met, or all at
  // once when they have come to outnumber the living.
  std::unordered_map<std::uint32_t, std::vector<std::int64_t>> postings;
  std::size_t forgotten = 0;
  std::vector<std::int64_t> unweighed;  // added since the last recluster

  void index(const Member& m) {
    for (std::uint32_t term : m.lookup) postings[term].push_back(m.article);
  }

  void weigh(Member& m, const TermCounts& terms) {
    if (m.weighed) return;
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
    index(m);
  }

  // The mean likeness over every pair of their members.
  double story_likeness(std::int64_t a, std::int64_t b, const TermCounts& terms) {
    const auto& left = stories.at(a);
    const auto& right = stories.at(b);
    double sum = 0;
    for (Member* x : left) {
      weigh(*x, terms);
      for (Member* y : right) {
        if (apart(*x, *y) > kTimeReach) continue;
        weigh(*y, terms);
        sum += likeness(*x, *y);
      }
    }
    return sum / static_cast<double>(left.size() * right.size());
  }

  // The stories with a member that shares a lookup term with a member of `story`, near in
  // time.
  std::vector<std::int64_t> neighbours(std::int64_t story, const TermCounts& terms) {
    std::vector<std::int64_t> found;
    for (Member* m : stories.at(story)) {
      weigh(*m, terms);
      for (std::uint32_t term : m->lookup) {
        auto posting = postings.find(term);
        if (posting == postings.end()) continue;
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
          if (o.story != story && apart(*m, o) <= kTimeReach) found.push_back(o.story);
        }
      }
    }
    sort_unique(found);
    return found;
  }

  void move_story(std::int64_t from, std::int64_t into) {
    auto source = stories.find(from);
    if (source == stories.end() || from == into) return;
    std::vector<Member*> moved = std::move(source->second);
    stories.erase(source);
    versions.erase(from);
    auto& target = stories[into];
    for (Member* m : moved) {
      m->story = into;
      target.push_back(m);
    }
    ++versions[into];
  }
};

StoryClusterer::StoryClusterer(double threshold)
    : state_(std::make_unique<State>()), threshold_(threshold) {}
StoryClusterer::~StoryClusterer() = default;
StoryClusterer::StoryClusterer(StoryClusterer&&) noexcept = default;
StoryClusterer& StoryClusterer::operator=(StoryClusterer&&) noexcept = default;

std::size_t StoryClusterer::size() const { return state_->members.size(); }

void StoryClusterer::add(std::int64_t article, std::int64_t story, StorySignature signature) {
  UnixSeconds time = signature.time;
  auto it = state_->members.emplace(time, Member{article, story, std::move(signature), {}, {}, {}, false});
  Member* m = &it->second;
  state_->by_article[article] = m;
  state_->stories[story].push_back(m);
  ++state_->versions[story];
  state_->unweighed.push_back(article);
}

double StoryClusterer::story_likeness(std::int64_t a, std::int64_t b) {
  if (!state_->stories.count(a) || !state_->stories.count(b)) return 0;
  return state_->story_likeness(a, b, terms_);
}

std::vector<std::pair<std::int64_t, std::int64_t>> StoryClusterer::recluster(
    const std::vector<std::int64_t>& articles) {
  State& s = *state_;
  // Weighed with the document frequencies of this round, its own articles counted; then
  // every pair that shares a lookup term is in the postings, whichever side looks.
  for (std::int64_t article : s.unweighed) {
    auto found = s.by_article.find(article);
    if (found != s.by_article.end()) s.weigh(*found->second, terms_);
  }
  s.unweighed.clear();

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
    for (std::int64_t other : s.neighbours(story, terms_)) {
      double alike = s.story_likeness(story, other, terms_);
      if (alike < threshold_) continue;
      std::int64_t a = std::min(story, other), b = std::max(story, other);
      heap.push({alike, a, b, s.versions[a], s.versions[b]});
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
    auto a = s.versions.find(top.a), b = s.versions.find(top.b);
    if (a == s.versions.end() || b == s.versions.end() || a->second != top.version_a ||
        b->second != top.version_b)
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
  for (auto it = s.members.begin(); it != end; ++it) {
    Member& m = it->second;
    s.by_article.erase(m.article);
    auto story = s.stories.find(m.story);
    if (story != s.stories.end()) {
      auto& list = story->second;
      list.erase(std::remove(list.begin(), list.end(), &m), list.end());
      if (list.empty()) {
        s.stories.erase(story);
        s.versions.erase(m.story);
      }
    }
    ++s.forgotten;
  }
  s.members.erase(s.members.begin(), end);
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
