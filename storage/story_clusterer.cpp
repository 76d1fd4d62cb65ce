#include "storage/story_clusterer.h"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <unordered_set>

#include "feeds/text.h"
#include "topics/fold.h"

namespace newswatch {
namespace {

constexpr std::size_t kLedeWords = 40;

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

struct Words {
  std::vector<std::uint32_t> content;  // each content word
  std::vector<std::uint32_t> pairs;    // each two successive content words: word order
  std::vector<std::string> terms;
  std::vector<std::string> numbers;
};

template <typename T>
void sort_unique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

Words content_words(const std::vector<std::string_view>& words) {
  Words out;
  const auto& skip = function_words();
  for (auto word : words) {
    std::string digits = ascii_digits(word);
    if (is_number(digits)) {
      if (!is_year(digits)) out.numbers.push_back(digits);
      continue;
    }
    if (word.size() < 3 || skip.count(std::string(word))) continue;
    std::uint32_t hash = word_hash(word);
    if (!out.content.empty()) out.pairs.push_back(out.content.back() * 16777619u ^ hash);
    out.content.push_back(hash);
    out.terms.emplace_back(word);
  }
  sort_unique(out.content);
  sort_unique(out.pairs);
  sort_unique(out.terms);
  sort_unique(out.numbers);
  return out;
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

template <typename T>
std::size_t shared_count(const std::vector<T>& a, const std::vector<T>& b) {
  std::size_t n = 0;
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      ++n, ++i, ++j;
    }
  }
  return n;
}

template <typename T>
double jaccard(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.empty() && b.empty()) return 0;
  std::size_t shared = shared_count(a, b);
  return static_cast<double>(shared) / static_cast<double>(a.size() + b.size() - shared);
}

template <typename T>
double overlap(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.empty() || b.empty()) return 0;
  return static_cast<double>(shared_count(a, b)) /
         static_cast<double>(std::min(a.size(), b.size()));
}

constexpr std::size_t kMinLedeWords = 4;  // word pairs: a lede shorter than this says too little

// How much of the shorter lede is found at the start of the other text: a lede truncated at
// another length, or after a photo credit, is still found.
double lede_containment(const StorySignature& a, const StorySignature& b) {
  auto contained = [](const std::vector<std::uint32_t>& lede,
                      const std::vector<std::uint32_t>& body) {
    return static_cast<double>(shared_count(lede, body)) / static_cast<double>(lede.size());
  };
  return std::max(contained(a.lede_words, b.body_words), contained(b.lede_words, a.body_words));
}

bool have_ledes(const StorySignature& a, const StorySignature& b) {
  return a.lede_words.size() >= kMinLedeWords && b.lede_words.size() >= kMinLedeWords;
}

bool numbers_differ(const StorySignature& a, const StorySignature& b) {
  return !a.title_numbers.empty() && !b.title_numbers.empty() &&
         shared_count(a.title_numbers, b.title_numbers) == 0;
}

bool near_duplicates(const StorySignature& a, const StorySignature& b) {
  if (numbers_differ(a, b)) return false;
  double title = jaccard(a.title_words, b.title_words);
  if (!have_ledes(a, b)) return title >= 0.6;
  if (title < 0.3) return false;  // whatever the ledes share: the costly part, left out
  double lede = lede_containment(a, b);
  return (title >= 0.6 && lede >= 0.8) || (title >= 0.3 && lede >= 0.9);
}

// Signs of two events: one headline over two different texts (a recurring headline, or a
// template filled twice), or headlines whose numbers differ.
bool contradict(const StorySignature& a, const StorySignature& b) {
  if (have_ledes(a, b) && overlap(a.title_words, b.title_words) >= 0.8 &&
      lede_containment(a, b) < 0.6)
    return true;
  return numbers_differ(a, b);
}

bool in_other_languages(const StorySignature& a, const StorySignature& b) {
  return !a.language.empty() && !b.language.empty() && a.language != b.language;
}

std::vector<std::string> evidence_of(const StorySignature& s) {
  std::vector<std::string> evidence;
  for (const auto& c : s.concepts) evidence.push_back("c:" + c);
  for (const auto& t : s.title_terms) evidence.push_back("t:" + t);
  for (const auto& n : s.title_numbers) evidence.push_back("#" + n);
  std::sort(evidence.begin(), evidence.end());
  return evidence;
}

constexpr int kMinBackground = 100;  // unmatched items before their concepts are counted on
constexpr std::int64_t kDuplicateWindow = 36 * 3600;
constexpr std::int64_t kRewriteWindow = 12 * 3600;
constexpr std::int64_t kBurst = 24 * 3600;        // evidence this far away is not the story's
constexpr std::int64_t kHorizon = 7 * 24 * 3600;  // how far a story's evidence is looked for
constexpr std::size_t kMinEvidence = 3;
constexpr double kMinEvidenceShare = 0.3;  // of the smaller side's evidence
constexpr double kCommonShare = 0.5;       // evidence in more of the stories in memory says nothing
constexpr double kBackgroundShare = 0.2;   // a concept in more unmatched items says nothing

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
  auto body_words = words_of(body);
  auto lede_words = body_words;
  if (lede_words.size() > kLedeWords) lede_words.resize(kLedeWords);
  if (body_words.size() > 2 * kLedeWords) body_words.resize(2 * kLedeWords);
  std::size_t lede_bytes =
      lede_words.empty() ? 0 : static_cast<std::size_t>(lede_words.back().end() - body.data());
  Words in_title = content_words(title_words);
  s.title_words = std::move(in_title.content);
  s.title_terms = std::move(in_title.terms);
  s.title_numbers = std::move(in_title.numbers);
  // Ledes are compared by word pairs: reports that only share vocabulary share few.
  s.lede_words = content_words(lede_words).pairs;
  s.body_words = content_words(body_words).pairs;
  std::vector<std::string_view> both = title_words;
  both.insert(both.end(), lede_words.begin(), lede_words.end());
  s.language = language_of(both, item.title + " " + source.substr(0, 400));
  ItemField lede_field = lede_from_summary ? ItemField::kSummary : ItemField::kContent;
  for (const ConceptHit& hit : matches.concepts) {
    if (hit.field == ItemField::kTitle || (hit.field == lede_field && hit.offset < lede_bytes))
      s.concepts.push_back(hit.concept_id);
  }
  sort_unique(s.concepts);
  return s;
}

std::string StorySignature::to_json() const {
  nlohmann::json j = {{"time", time},
                      {"language", language},
                      {"title", title_words},
                      {"lede", lede_words},
                      {"body", body_words},
                      {"title_terms", title_terms},
                      {"title_numbers", title_numbers},
                      {"concepts", concepts}};
  return j.dump();
}

std::optional<StorySignature> StorySignature::from_json(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    StorySignature s;
    s.time = j.at("time").get<UnixSeconds>();
    s.language = j.at("language").get<std::string>();
    s.title_words = j.at("title").get<std::vector<std::uint32_t>>();
    s.lede_words = j.at("lede").get<std::vector<std::uint32_t>>();
    s.body_words = j.at("body").get<std::vector<std::uint32_t>>();
    s.title_terms = j.at("title_terms").get<std::vector<std::string>>();
    s.title_numbers = j.at("title_numbers").get<std::vector<std::string>>();
    s.concepts = j.at("concepts").get<std::vector<std::string>>();
    return s;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

StoryClusterer::Decision StoryClusterer::assign(const StorySignature& signature) const {
  Decision decision;
  std::set<std::int64_t> stories;
  auto begin = members_.lower_bound(signature.time - kDuplicateWindow);
  auto end = members_.upper_bound(signature.time + kDuplicateWindow);
  for (auto it = begin; it != end; ++it) {
    const Member& m = it->second;
    if (!stories.count(m.story) && near_duplicates(signature, m.signature)) stories.insert(m.story);
  }
  if (stories.empty()) return decision;
  // The oldest story (the lowest id) absorbs the others.
  decision.story = *stories.begin();
  decision.merged.assign(std::next(stories.begin()), stories.end());
  return decision;
}

bool StoryClusterer::linked_by_evidence(
    const Member& a, const Member& b,
    const std::function<std::int64_t(std::int64_t)>& story_of) const {
  const StorySignature& sa = a.signature;
  const StorySignature& sb = b.signature;
  std::int64_t apart = sa.time > sb.time ? sa.time - sb.time : sb.time - sa.time;
  if (apart > kRewriteWindow || contradict(sa, sb)) return false;
  bool languages = in_other_languages(sa, sb);
  auto common = [&](const std::string& e) {
    if (e.starts_with("c:") && unmatched_items_ >= kMinBackground) {
      auto it = unmatched_concepts_.find(e.substr(2));
      if (it != unmatched_concepts_.end() && it->second > kBackgroundShare * unmatched_items_)
        return true;
    }
    auto it = evidence_times_.find(e);
    return it != evidence_times_.end() && static_cast<double>(it->second.size()) >
                                              kCommonShare * static_cast<double>(members_.size());
  };
  // Words only tie reports in one language.
  auto usable = [&](const std::string& e) {
    return !common(e) && !(languages && e.starts_with("t:"));
  };
  std::vector<std::string> shared;
  std::set_intersection(a.evidence.begin(), a.evidence.end(), b.evidence.begin(), b.evidence.end(),
                        std::back_inserter(shared));
  shared.erase(
      std::remove_if(shared.begin(), shared.end(), [&](const auto& e) { return !usable(e); }),
      shared.end());
  if (shared.size() < kMinEvidence) return false;
  auto usable_count = [&](const Member& m) {
    return std::count_if(m.evidence.begin(), m.evidence.end(), usable);
  };
  auto smaller = static_cast<double>(std::min(usable_count(a), usable_count(b)));
  if (static_cast<double>(shared.size()) < kMinEvidenceShare * smaller) return false;
  UnixSeconds middle = sa.time + (sb.time - sa.time) / 2;
  auto far = [&](UnixSeconds t) {
    UnixSeconds apart = t > middle ? t - middle : middle - t;
    return apart > kBurst && apart <= kHorizon;
  };
  // The evidence must be this event's: no article far from it carries all of it.
  const std::string* rarest = &shared.front();
  for (const auto& e : shared) {
    if (evidence_times_.at(e).size() < evidence_times_.at(*rarest).size()) rarest = &e;
  }
  for (auto it = members_.lower_bound(middle - kHorizon);
       it != members_.end() && it->first <= middle + kHorizon; ++it) {
    const auto& [time, m] = *it;
    if (!far(time)) continue;
    if (!std::binary_search(m.evidence.begin(), m.evidence.end(), *rarest)) continue;
    if (std::includes(m.evidence.begin(), m.evidence.end(), shared.begin(), shared.end()))
      return false;
  }
  // Across languages, only concepts and numbers tie the two: another story around them that
  // carries them too makes them ambiguous.
  if (languages) {
    std::int64_t story_a = story_of(a.story), story_b = story_of(b.story);
    for (auto it = members_.lower_bound(middle - kRewriteWindow);
         it != members_.end() && it->first <= middle + kRewriteWindow; ++it) {
      const Member& m = it->second;
      std::int64_t story = story_of(m.story);
      if (story == story_a || story == story_b) continue;
      if (std::includes(m.evidence.begin(), m.evidence.end(), shared.begin(), shared.end()))
        return false;
    }
  }
  // In one language, the headlines share a word, and one piece of the evidence is found
  // nowhere else in memory.
  if (!languages &&
      std::none_of(shared.begin(), shared.end(), [](const auto& e) { return e.starts_with("t:"); }))
    return false;
  if (!languages) {
    bool confined = std::any_of(shared.begin(), shared.end(), [&](const auto& e) {
      const auto& times = evidence_times_.at(e);
      return std::none_of(times.begin(), times.end(), far);
    });
    if (!confined) return false;
  }
  return true;
}

std::vector<std::pair<std::int64_t, std::int64_t>> StoryClusterer::recluster(
    const std::vector<std::int64_t>& articles) {
  // Union-find over story ids; the lowest id of a set is its root.
  std::map<std::int64_t, std::int64_t> parent;
  auto find = [&](std::int64_t story) {
    while (parent.count(story) && parent[story] != story) story = parent[story];
    return story;
  };
  auto unite = [&](std::int64_t a, std::int64_t b) {
    a = find(a), b = find(b);
    if (a == b) return;
    if (b < a) std::swap(a, b);
    parent[a] = a;
    parent[b] = a;
  };
  std::vector<std::int64_t> sorted = articles;
  std::sort(sorted.begin(), sorted.end());
  for (std::int64_t id : sorted) {
    auto found = by_article_.find(id);
    if (found == by_article_.end()) continue;
    const Member& a = found->second->second;
    auto begin = members_.lower_bound(a.signature.time - kRewriteWindow);
    auto end = members_.upper_bound(a.signature.time + kRewriteWindow);
    for (auto it = begin; it != end; ++it) {
      const Member& b = it->second;
      if (b.article == a.article || find(a.story) == find(b.story)) continue;
      if (linked_by_evidence(a, b, find)) unite(a.story, b.story);
    }
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> merges;
  for (const auto& [story, up] : parent) {
    std::int64_t root = find(story);
    if (root != story) merges.emplace_back(story, root);
  }
  for (const auto& [from, into] : merges) merge(from, into);
  return merges;
}

void StoryClusterer::add(std::int64_t article, std::int64_t story, StorySignature signature) {
  UnixSeconds time = signature.time;
  Member member{article, story, std::move(signature), {}};
  member.evidence = evidence_of(member.signature);
  for (const auto& e : member.evidence) {
    auto& times = evidence_times_[e];
    times.insert(std::upper_bound(times.begin(), times.end(), time), time);
  }
  by_article_[article] = members_.emplace(time, std::move(member));
}

void StoryClusterer::observe_unmatched(const std::vector<std::string>& concepts) {
  ++unmatched_items_;
  for (const auto& c : concepts) ++unmatched_concepts_[c];
}

void StoryClusterer::merge(std::int64_t from, std::int64_t into) {
  for (auto& [time, member] : members_) {
    if (member.story == from) member.story = into;
  }
}

void StoryClusterer::forget_older_than(UnixSeconds memory) {
  if (members_.empty()) return;
  UnixSeconds before = std::prev(members_.end())->first - memory;
  auto end = members_.lower_bound(before);
  for (auto it = members_.begin(); it != end; ++it) {
    by_article_.erase(it->second.article);
    for (const auto& e : it->second.evidence) {
      auto& times = evidence_times_[e];
      times.erase(std::lower_bound(times.begin(), times.end(), it->first));
      if (times.empty()) evidence_times_.erase(e);
    }
  }
  members_.erase(members_.begin(), end);
}

}  // namespace newswatch
