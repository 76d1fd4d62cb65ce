// Story clustering: the cost of one poll round against the number of articles already in the
// clusterer's memory. The acceptance criterion of the issue: per-article clustering time grows
// by at most 2x from 10,000 to 100,000 articles in the window.
//
// The window is a synthetic stream of news, generated in time order, that looks like what the
// store feeds the clusterer:
//   - stories start at random (Poisson) times; a quarter are single reports, the others have
//     3 to 15 reports from different outlets, spread over up to two days after the first;
//   - every language has a vocabulary of kVocabulary pseudo-words drawn by Zipf's law, so that
//     a few words ("Iran") are in most articles and most words are rare; a story has its own
//     key words (the same ranks in every language: a translation) and two to four names of its
//     own, which every report rewrites into its headline and lede with other words;
//   - 60% of the reports are in English, the others in French, German, Spanish (names shared
//     with English, other words not), Arabic and Persian (Arabic script: only concepts tie them
//     to the others), with the function words that tell guess_language which;
//   - every report carries some of its story's concepts, from a fixed set of 30 ids of the
//     Iran-US pack's (themselves drawn by Zipf's law: "iran" everywhere), and some numbers;
//   - the signatures are made by story_signature() from the Item's title and summary, as the
//     store makes them.
// Articles arrive at the rate that puts `window` of them in `hours` (the second argument): 72
// hours, the clusterer's reach, puts every article of the window within reach of a new one in
// time (the worst case); 168 hours is the store's memory, where 3/7 of it is.
//
// Setup is not timed: the window is filled by the rounds the daemon would have run, kRound
// articles each (every article a story of its own, then recluster over the round's, then
// forget), so that it holds the stories the clusterer makes of the stream as it comes. (One
// recluster over the whole window instead links every two articles alike above zero before it
// merges anything: a peak RSS of 1.7 GB at 10,000 articles and 7.2 GB at 30,000 with 83b0608,
// out of reach at 100,000. Starting from the generated stories is no shortcut either: they are
// not what the clusterer would make of the window, so the first round goes on merging all over
// it.) It is done once per window: the runs of one benchmark go on with the same stream. The
// timed part is one poll round as Store does it: kRound new articles (the next ones of the
// stream: reports of stories already in the window and of new ones) added, their terms
// observed, recluster() over them, then forget_older_than(hours), which is what keeps the
// window at its size: the stream is in its steady state, and every iteration does the work of
// one real round.
//
// Counters: us/article is the CPU time of a round divided by its articles, in microseconds
// (the figure whose ratio 100k/10k the criterion bounds); observe_us, add_us, recluster_us
// and forget_us are its parts; signature_us (not timed) is what story_signature() costs an
// article, for scale. heap/article is the heap the clusterer holds for each article of the
// window (bytes in use by malloc, measured around every call that fills it); rss/article is
// the process's resident memory grown over the setup, divided by the window (approximate: it
// counts the generator too, and malloc keeps memory freed by an earlier benchmark: run one
// window a process for it). setup_s is the time of the setup. pair_P and pair_R are pairwise
// precision and recall of the stories the clusterer holds against the generated ones, over
// the window after the run: whether the stream is clustered as it was generated, which decides
// how large the stories compared are.
//
// A round takes about a second (83b0608: 0.6 s at 10,000 articles, 1.4 s at 30,000): Google
// Benchmark then runs one iteration; --benchmark_min_time=20 gives a few.
//   build/bench/cluster_bench [--benchmark_...]
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/story_clusterer.h"
#include "topics/matcher.h"

namespace {

using newswatch::Item;
using newswatch::ItemField;
using newswatch::MatchSet;
using newswatch::StoryClusterer;
using newswatch::StorySignature;
using newswatch::UnixSeconds;

constexpr UnixSeconds kHour = 3600;
constexpr UnixSeconds kStart = 1750000000;
constexpr std::size_t kRound = 200;  // new articles in a poll round
constexpr int kVocabulary = 30000;   // words of each language
constexpr int kOutlets = 600;
constexpr double kSingletons = 0.25;  // stories told once
constexpr int kMinReports = 3, kMaxReports = 15;
constexpr double kReportSpreadHours = 8;  // mean delay of a report after the story's first
constexpr double kMaxSpreadHours = 48;

// Iran-US pack concept ids: a place, actor or act in every language.
const char* const kConcepts[] = {
    "iran",          "iran_state",   "khamenei",    "pezeshkian",    "araghchi",
    "irgc",          "guards",       "trump",       "witkoff",       "united_states",
    "us_forces",     "naval_forces", "carriers",    "qatar",         "oman",
    "mediators",     "hormuz",       "gulf_waters", "nuclear_sites", "enrichment",
    "nuclear",       "talks",        "talks_round", "seizure",       "vessels",
    "shipping_risk", "oil_market",   "drones",      "strike_words",  "sanction_words"};
constexpr int kConceptCount = static_cast<int>(std::size(kConcepts));

enum Language { kEn, kFr, kDe, kEs, kAr, kFa, kLanguages };
const double kLanguageShare[kLanguages] = {0.60, 0.10, 0.08, 0.08, 0.07, 0.07};
// Function words guess_language reads, a few of each language.
const char* const kFunctionWords[kLanguages][6] = {
    {"the", "of", "and", "to", "in", "for"},    {"le", "la", "les", "des", "et", "pour"},
    {"der", "die", "das", "und", "mit", "von"}, {"el", "los", "las", "del", "y", "para"},
    {"في", "من", "على", "إلى", "عن", "مع"},     {"در", "از", "به", "که", "این", "با"}};

bool arabic_script(int language) { return language == kAr || language == kFa; }

// Pseudo-words: a number written in `digits` syllables (Latin) or letters (Arabic script),
// one-to-one, so that distinct numbers are distinct words.
std::string latin(std::uint64_t n, int digits) {
  static const char consonants[] = "bdfgjklmnprstvwz";  // 16
  static const char vowels[] = "aeiou";                 // 5
  std::string out;
  for (int i = 0; i < digits; ++i) {
    std::uint64_t s = n % 80;
    n /= 80;
    out += consonants[s / 5];
    out += vowels[s % 5];
  }
  return out;
}

std::string arabic(std::uint64_t n, int digits) {
  static const char* const letters[] = {"ب", "ت", "ث", "ج", "ح", "خ", "د", "ذ", "ر",
                                        "ز", "س", "ش", "ص", "ض", "ط", "ظ", "ع", "غ",
                                        "ف", "ق", "ك", "ل", "م", "ن", "و"};  // 25
  std::string out;
  for (int i = 0; i < digits; ++i) {
    out += letters[n % 25];
    n /= 25;
  }
  return out;
}

// Word `rank` (0: the commonest) of a language's vocabulary.
std::string word(int language, int rank) {
  auto n = static_cast<std::uint64_t>(language) * 1000000 + static_cast<std::uint64_t>(rank);
  return arabic_script(language) ? arabic(n, 5) : latin(n, 4);
}

// A name, as Latin and Arabic scripts write it: longer than any word, so never one.
std::string name(int language, std::uint64_t id) {
  if (arabic_script(language)) return arabic(id, 6);
  std::string n = latin(id, 5);
  n[0] = static_cast<char>(n[0] - 'a' + 'A');
  return n;
}

std::string outlet_name(int outlet) {
  std::string n = latin(static_cast<std::uint64_t>(outlet) + 7000000, 3);
  n[0] = static_cast<char>(n[0] - 'a' + 'A');
  return n + " Times";
}

class Zipf {
 public:
  Zipf(int n, double s) : cdf_(static_cast<std::size_t>(n)) {
    double sum = 0;
    for (int i = 0; i < n; ++i) cdf_[static_cast<std::size_t>(i)] = sum += 1.0 / std::pow(i + 1, s);
    for (double& c : cdf_) c /= sum;
  }
  int operator()(std::mt19937_64& rng) const {
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<int>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

struct GeneratedArticle {
  std::int64_t story = 0;  // the generated story, the truth
  StorySignature signature;
};

// The stream of relevant articles, in time order.
class Stream {
 public:
  // `mean_gap`: seconds between two articles.
  explicit Stream(double mean_gap) : words_(kVocabulary, 1.0), concepts_(kConceptCount, 1.0) {
    double mean_reports = kSingletons + (1 - kSingletons) * (kMinReports + kMaxReports) / 2.0;
    story_gap_ = mean_gap * mean_reports;
    next_start_ = static_cast<double>(kStart);
  }

  GeneratedArticle next() {
    while (pending_.empty() || static_cast<double>(pending_.top().time) >= next_start_)
      start_story();
    Pending p = pending_.top();
    pending_.pop();
    Story& story = stories_.at(p.story);
    GeneratedArticle out{p.story, report(story, p.time)};
    if (--story.remaining == 0) stories_.erase(p.story);
    return out;
  }

 private:
  struct Story {
    std::vector<std::uint64_t> names;
    std::vector<int> key_words;  // ranks, the same in every language
    std::vector<int> concepts;
    int number = -1;
    int remaining = 0;
  };
  struct Pending {
    UnixSeconds time;
    std::int64_t story;
    bool operator>(const Pending& o) const {
      return std::tie(time, story) > std::tie(o.time, o.story);
    }
  };

  double uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  void start_story() {
    std::int64_t id = next_story_++;
    Story& s = stories_[id];
    for (int i = between(2, 4); i > 0; --i) s.names.push_back(next_name_++);
    for (int i = between(3, 5); i > 0; --i) {
      int rank;
      do rank = words_(rng_);
      while (rank < 30);  // a story's own words are not the commonest
      s.key_words.push_back(rank);
    }
    for (int i = between(1, 4); i > 0; --i) s.concepts.push_back(concepts_(rng_));
    if (uniform() < 0.2) s.number = between(10, 99);
    int reports = uniform() < kSingletons ? 1 : between(kMinReports, kMaxReports);
    s.remaining = reports;
    auto start = static_cast<UnixSeconds>(next_start_);
    for (int i = 0; i < reports; ++i) {
      double delay =
          i == 0 ? 0
                 : std::min(kMaxSpreadHours,
                            std::exponential_distribution<double>(1 / kReportSpreadHours)(rng_));
      pending_.push({start + static_cast<UnixSeconds>(delay * kHour), id});
    }
    next_start_ += std::exponential_distribution<double>(1 / story_gap_)(rng_);
  }

  int language() {
    double u = uniform();
    for (int l = 0; l < kLanguages - 1; ++l) {
      if (u < kLanguageShare[l]) return l;
      u -= kLanguageShare[l];
    }
    return kLanguages - 1;
  }

  template <typename T>
  T pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(between(0, static_cast<int>(v.size()) - 1))];
  }

  // Words of a text: some of the story's names and key words, words of the day drawn by
  // Zipf's law, function words between them, in a shuffled order.
  std::string text(const Story& s, int lang, int names, int keys, int others, bool number) {
    std::vector<std::string> words;
    for (int i = 0; i < names; ++i) words.push_back(name(lang, pick(s.names)));
    for (int i = 0; i < keys; ++i) words.push_back(word(lang, pick(s.key_words)));
    for (int i = 0; i < others; ++i) words.push_back(word(lang, words_(rng_)));
    if (number && s.number >= 0) words.push_back(std::to_string(s.number));
    std::shuffle(words.begin(), words.end(), rng_);
    std::string out;
    for (const auto& w : words) {
      if (!out.empty()) out += ' ';
      if (uniform() < 0.4) {
        out += kFunctionWords[lang][between(0, 5)];
        out += ' ';
      }
      out += w;
    }
    return out;
  }

  StorySignature report(const Story& s, UnixSeconds time) {
    int lang = language();
    int outlet = between(0, kOutlets - 1);
    Item item;
    item.title = text(s, lang, between(1, 2), between(1, 3), between(2, 4), uniform() < 0.5);
    if (uniform() < 0.3) item.title += " - " + outlet_name(outlet);
    item.summary = text(s, lang, between(1, 2), between(2, 3), between(12, 20), false) + ".";
    MatchSet matches;
    matches.relevant = true;
    for (int c : s.concepts) {
      if (uniform() < 0.8) matches.concepts.push_back({kConcepts[c], ItemField::kTitle, 0});
    }
    if (uniform() < 0.3)
      matches.concepts.push_back({kConcepts[concepts_(rng_)], ItemField::kTitle, 0});
    return newswatch::story_signature(item, matches, time, {outlet_name(outlet)});
  }

  std::mt19937_64 rng_{20261206};
  Zipf words_;
  Zipf concepts_;
  double story_gap_ = 0;
  double next_start_ = 0;
  std::int64_t next_story_ = 0;
  std::uint64_t next_name_ = 0;
  std::unordered_map<std::int64_t, Story> stories_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
};

std::size_t heap_in_use() {
  struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

std::size_t resident_bytes() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<std::size_t>(resident) * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A clusterer with `window` articles of the stream in its memory, and what is known of them.
struct Window {
  int window = 0, hours = 0;
  Stream stream;
  StoryClusterer clusterer;
  std::int64_t next_article = 1;
  // By article id (from 1): the generated story, the time; by story id (every article starts
  // its own): the story it merged into.
  std::vector<std::int64_t> truth{0}, merged_into{0};
  std::vector<UnixSeconds> times{0};
  double heap_per_article = 0, rss_per_article = 0, setup_seconds = 0;

  Window(int window_, int hours_)
      : window(window_), hours(hours_), stream(static_cast<double>(hours_) * kHour / window_) {
    std::size_t capacity = static_cast<std::size_t>(window) * 4;
    truth.reserve(capacity), merged_into.reserve(capacity), times.reserve(capacity);
    auto start = std::chrono::steady_clock::now();
    std::size_t rss_before = resident_bytes();
    std::ptrdiff_t heap = 0;  // grown inside the clusterer's calls only
    std::vector<GeneratedArticle> round;
    std::vector<std::int64_t> ids;
    for (int added = 0; added < window; added += static_cast<int>(round.size())) {
      round.clear();
      ids.clear();
      for (int i = 0; i < static_cast<int>(kRound) && added + i < window; ++i) {
        round.push_back(stream.next());
        ids.push_back(record(round.back()));
      }
      auto before = static_cast<std::ptrdiff_t>(heap_in_use());
      for (std::size_t i = 0; i < round.size(); ++i) {
        clusterer.terms().observe(round[i].signature);
        clusterer.add(ids[i], ids[i], round[i].signature);  // a copy: its memory is counted here
      }
      auto merges = clusterer.recluster(ids);
      clusterer.forget_older_than(hours * kHour);
      apply(merges);
      merges = {};
      heap += static_cast<std::ptrdiff_t>(heap_in_use()) - before;
    }
    setup_seconds = seconds_since(start);
    auto size = static_cast<double>(std::max<std::size_t>(clusterer.size(), 1));
    heap_per_article = static_cast<double>(heap) / size;
    rss_per_article = static_cast<double>(resident_bytes() - rss_before) / size;
  }

  std::int64_t record(const GeneratedArticle& a) {
    truth.push_back(a.story);
    merged_into.push_back(next_article);
    times.push_back(a.signature.time);
    return next_article++;
  }

  void apply(const std::vector<std::pair<std::int64_t, std::int64_t>>& merges) {
    for (const auto& [from, into] : merges) merged_into[static_cast<std::size_t>(from)] = into;
  }

  std::int64_t story_of(std::int64_t article) {
    std::int64_t s = article;
    while (merged_into[static_cast<std::size_t>(s)] != s)
      s = merged_into[static_cast<std::size_t>(s)];
    return merged_into[static_cast<std::size_t>(article)] = s;
  }

  // Pairwise precision and recall over the articles within `hours` of the newest.
  std::pair<double, double> pairwise() {
    UnixSeconds newest = *std::max_element(times.begin(), times.end());
    std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> both;
    std::unordered_map<std::int64_t, std::int64_t> found, told;
    for (std::int64_t a = 1; a < next_article; ++a) {
      if (times[static_cast<std::size_t>(a)] < newest - hours * kHour) continue;
      std::int64_t s = story_of(a), t = truth[static_cast<std::size_t>(a)];
      ++both[{s, t}], ++found[s], ++told[t];
    }
    auto pairs = [](std::int64_t n) {
      return static_cast<double>(n) * static_cast<double>(n - 1) / 2;
    };
    double tp = 0, fp = 0, tt = 0;
    for (const auto& [k, n] : both) tp += pairs(n);
    for (const auto& [k, n] : found) fp += pairs(n);
    for (const auto& [k, n] : told) tt += pairs(n);
    return {fp > 0 ? tp / fp : 1, tt > 0 ? tp / tt : 1};
  }
};

// One window at a time: the runs of a benchmark go on with its stream; another one frees it.
Window& window_of(int window, int hours) {
  static std::unique_ptr<Window> current;
  if (!current || current->window != window || current->hours != hours) {
    current.reset();
    current = std::make_unique<Window>(window, hours);
  }
  return *current;
}

// CPU time of this thread, as Google Benchmark times an iteration, so that the parts of a
// round add up to its time.
double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

void BM_ClusterRound(benchmark::State& state) {
  Window& w = window_of(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  double add = 0, observe = 0, recluster = 0, forget = 0, signature = 0, merges = 0, size = 0;
  std::vector<GeneratedArticle> round;
  std::vector<std::int64_t> ids;
  for (auto _ : state) {
    state.PauseTiming();
    round.clear();
    ids.clear();
    double generating = thread_seconds();
    for (std::size_t i = 0; i < kRound; ++i) round.push_back(w.stream.next());
    signature += thread_seconds() - generating;
    for (const auto& a : round) ids.push_back(w.record(a));
    state.ResumeTiming();

    double t0 = thread_seconds();
    for (std::size_t i = 0; i < kRound; ++i) w.clusterer.terms().observe(round[i].signature);
    double t1 = thread_seconds();
    for (std::size_t i = 0; i < kRound; ++i)
      w.clusterer.add(ids[i], ids[i], std::move(round[i].signature));
    double t2 = thread_seconds();
    auto found = w.clusterer.recluster(ids);
    double t3 = thread_seconds();
    w.clusterer.forget_older_than(w.hours * kHour);
    double t4 = thread_seconds();

    state.PauseTiming();
    observe += t1 - t0;
    add += t2 - t1;
    recluster += t3 - t2;
    forget += t4 - t3;
    merges += static_cast<double>(found.size());
    size += static_cast<double>(w.clusterer.size());
    w.apply(found);
    state.ResumeTiming();
  }
  auto articles = static_cast<double>(state.iterations() * kRound);
  state.SetItemsProcessed(static_cast<std::int64_t>(articles));
  using benchmark::Counter;
  auto micros = [&](double seconds) { return seconds * 1e6 / articles; };
  state.counters["us/article"] = micros(observe + add + recluster + forget);
  state.counters["observe_us"] = micros(observe);
  state.counters["add_us"] = micros(add);
  state.counters["recluster_us"] = micros(recluster);
  state.counters["forget_us"] = micros(forget);
  state.counters["signature_us"] = micros(signature);
  state.counters["merges/round"] = merges / static_cast<double>(state.iterations());
  state.counters["window"] = size / static_cast<double>(state.iterations());
  state.counters["heap/article"] =
      Counter(w.heap_per_article, Counter::kDefaults, Counter::kIs1024);
  state.counters["rss/article"] = Counter(w.rss_per_article, Counter::kDefaults, Counter::kIs1024);
  state.counters["setup_s"] = w.setup_seconds;
  auto [precision, recall] = w.pairwise();
  state.counters["pair_P"] = precision;
  state.counters["pair_R"] = recall;
}
BENCHMARK(BM_ClusterRound)
    ->ArgNames({"window", "hours"})
    ->Args({10000, 72})
    ->Args({30000, 72})
    ->Args({100000, 72})
    ->Args({10000, 168})
    ->Args({100000, 168})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
