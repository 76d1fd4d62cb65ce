// `newswatch eval`: scores newswatch end to end on labeled items, offline. The items become
// the feed documents that ../shared/topics/evaluate.py's e2e mode serves (one per outlet,
// RSS 2.0 and Atom 1.0 alternately; labeled_items.h), which go through the feed parser and
// the topic packs as in the parser workers, then into a temporary database through Store as
// one poll round of the daemon; predictions are read back from its views as evaluate.py reads
// them and scored as score.py scores them (eval_score.h). The matched items are stored again, each
// time in a fresh database, for every story threshold of a sweep.
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "daemon/clock.h"
#include "daemon/commands.h"
#include "daemon/config.h"
#include "daemon/eval_rules.h"
#include "daemon/eval_score.h"
#include "daemon/poller.h"
#include "feeds/parser.h"
#include "storage/store_reader.h"

namespace newswatch {
namespace {

using json = nlohmann::json;

constexpr const char* kEvalUsage =
    R"(usage: newswatch eval --items FILE.jsonl [--topics FILE]... [--threshold T] [--json]
                      [--predictions OUT.jsonl] [--rules]

Scores newswatch on labeled items: the JSON lines of ../shared/topics/README.md (id, title,
description, url, outlet, published, relevant, topics, story_id, same_article, and lang for
the pairs across languages). The items go, as one feed per outlet, through the feed parser,
the topic packs and the store of the daemon into a temporary database; what it keeps is
scored as ../shared/topics/score.py scores it. Then the store runs again, on a fresh
database, for each story threshold of a sweep (0.04 to 0.22).

  --items FILE        the labeled items
  --topics FILE       a topic pack (repeatable; default: the built-in Iran–US pack)
  --threshold T       the story threshold of the main report (default: the store's, 0.1)
  --json              one JSON object: score.py's keys, plus stored_article_collapse,
                      cross_language, story_threshold, sweep and, with --rules, rules
  --predictions OUT   write {"id", "relevant", "topics", "story_id"} per item of the main run
  --rules             also, per topic, its precision, recall and missed items, and per rule
                      ("file:line") the items it fired on: true (labeled with its topic),
                      false (not), alone (false, and no other rule of the topic fired),
                      not relevant (labeled not relevant at all), precision; each topic's
                      rules by false descending
)";

constexpr double kSweep[] = {0.04, 0.05, 0.065, 0.08, 0.1, 0.13, 0.17, 0.22};

// A directory of this process's, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "newswatch-eval-XXXXXX").string();
    if (mkdtemp(pattern.data())) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  bool ok() const { return !path_.empty(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// What the parser workers would hand the writer after polling each outlet's feed once: one
// batch per outlet, in evaluate.py's order of feeds, its items parsed and matched.
Result<std::vector<ParsedBatch>> polled_batches(const std::vector<LabeledItem>& items,
                                                const Matcher& matcher, UnixSeconds now) {
  std::vector<ParsedBatch> batches;
  for (const OutletFeed& feed : outlet_feeds(items)) {
    ParseOptions options;
    options.max_items = static_cast<std::size_t>(Config{}.max_items);
    auto parsed = parse_feed(feed.document, options);
    if (!parsed) return fail("the feed of outlet '" + feed.outlet + "': " + parsed.error().message);
    ParsedBatch batch;
    batch.feed.url = "eval:" + feed.name;
    batch.feed.title = feed.outlet;
    batch.feed.last_status = 200;
    batch.feed.last_polled_at = now;
    batch.fetched_at = now;
    for (auto& item : parsed->items)
      batch.items.push_back(prepared_item(std::move(item), matcher, batch.feed, now));
    batches.push_back(std::move(batch));
  }
  return batches;
}

// Stores `batches` as one poll round in a new database at `path`, with `threshold`, and reads
// back what evaluate.py reads: the article and story of each item's URL, the article's topics.
Result<std::vector<Prediction>> stored_predictions(const std::vector<ParsedBatch>& batches,
                                                   const std::vector<LabeledItem>& items,
                                                   const std::string& path, double threshold) {
  {
    StoreOptions options;
    options.story_threshold = threshold;
    auto store = Store::open(path, options);
    if (!store) return fail(store.error());
    for (const auto& batch : batches) {
      auto registered = store->register_feed(batch.feed.url, batch.feed.title, batch.fetched_at);
      if (!registered) return fail(registered.error());
      if (auto written = store->write(batch); !written) return fail(written.error());
    }
    UnixSeconds last = batches.empty() ? 0 : batches.back().fetched_at;
    if (auto merged = store->recluster(last); !merged) return fail(merged.error());
  }
  auto store = StoreReader::open(path);
  auto sightings = store ? store->url_sightings() : fail(store.error());
  if (!sightings) return fail(path + ": " + sightings.error().message);
  auto kept = store->article_topics();
  if (!kept) return fail(path + ": " + kept.error().message);
  std::unordered_map<std::string, std::pair<std::int64_t, std::optional<std::int64_t>>> by_url;
  for (const UrlSighting& sighting : *sightings)
    by_url[sighting.url] = {sighting.article_id, sighting.story_id};
  std::unordered_map<std::int64_t, std::string> topics_of;
  for (const ArticleTopics& article : *kept) topics_of[article.article_id] = article.topics;
  std::vector<Prediction> predictions(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto hit = by_url.find(items[i].url);
    if (hit == by_url.end()) continue;
    Prediction& p = predictions[i];
    std::tie(p.article_id, p.story_id) = hit->second;
    std::string_view topics = topics_of[hit->second.first];
    for (std::size_t at = 0, end; at < topics.size(); at = end + 1) {
      end = std::min(topics.find(',', at), topics.size());
      p.topics.emplace_back(topics.substr(at, end - at));
    }
    p.relevant = !p.topics.empty();
  }
  return predictions;
}

struct EvalOptions {
  std::string items, predictions;
  std::vector<std::string> packs;
  double threshold = StoreOptions{}.story_threshold;
  bool json = false;
  bool rules = false;
};

std::optional<EvalOptions> parse_eval_args(const Args& args, int& status) {
  EvalOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    bool has_value = i + 1 < args.size();
    bool ok = true;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kEvalUsage, stdout);
      status = 0;
      return std::nullopt;
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "--rules") {
      options.rules = true;
    } else if ((arg == "--items" || arg == "--predictions") && has_value) {
      (arg == "--items" ? options.items : options.predictions) = args[++i];
    } else if (arg == "--topics" && has_value) {
      options.packs.push_back(args[++i]);
    } else if (arg == "--threshold" && has_value) {
      char* end = nullptr;
      options.threshold = std::strtod(args[++i].c_str(), &end);
      ok = *end == '\0' && !args[i].empty() && std::isfinite(options.threshold) &&
           options.threshold >= 0;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "newswatch eval: bad argument '%s'\n%s", arg.c_str(), kEvalUsage);
      status = 2;
      return std::nullopt;
    }
  }
  if (options.items.empty()) {
    std::fprintf(stderr, "newswatch eval: --items FILE is required\n%s", kEvalUsage);
    status = 2;
    return std::nullopt;
  }
  return options;
}

Result<void> write_predictions(const std::string& path, const std::vector<LabeledItem>& items,
                               const std::vector<Prediction>& predictions) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Prediction& p = predictions[i];
    nlohmann::ordered_json line = {{"id", items[i].id},
                                   {"relevant", p.relevant},
                                   {"topics", p.topics},
                                   {"story_id", p.story_id ? json(*p.story_id) : json(nullptr)}};
    out << line.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  }
  out.flush();
  if (!out) return fail(path + ": cannot write the predictions");
  return {};
}

// The MatchSet of each item in `batches`, by the item's URL; nullptr where no item has it.
std::vector<const MatchSet*> matches_of(const std::vector<ParsedBatch>& batches,
                                        const std::vector<LabeledItem>& items) {
  std::unordered_map<std::string_view, const MatchSet*> by_url;
  for (const auto& batch : batches) {
    for (const auto& matched : batch.items)
      if (matched.item.link) by_url[*matched.item.link] = &matched.matches;
  }
  std::vector<const MatchSet*> matches;
  for (const auto& item : items) {
    auto found = by_url.find(item.url);
    matches.push_back(found == by_url.end() ? nullptr : found->second);
  }
  return matches;
}

// One line of the sweep: story pairs over relevant items, and across languages.
json sweep_point(double threshold, const json& score) {
  json point = score["story_clustering"]["relevant_items"];
  for (const char* count : {"gold_pairs", "predicted_pairs", "correct_pairs"}) point.erase(count);
  point["threshold"] = threshold;
  if (score.contains("cross_language"))
    point["cross_language_recall"] = score["cross_language"]["recall"];
  return point;
}

void print_sweep(const json& sweep, double main_threshold) {
  bool languages = sweep.front().contains("cross_language_recall");
  std::printf("\nStory threshold sweep (story pairs over relevant items; a fresh database each)\n");
  std::printf("  threshold  precision  recall      F1%s\n",
              languages ? "  cross-language recall" : "");
  for (const json& point : sweep) {
    double threshold = point["threshold"].get<double>();
    std::printf("  %-9g  %9.4f  %6.4f  %6.4f", threshold, point["precision"].get<double>(),
                point["recall"].get<double>(), point["f1"].get<double>());
    if (languages) std::printf("  %21.4f", point["cross_language_recall"].get<double>());
    std::printf("%s\n", threshold == main_threshold ? "   (the report above)" : "");
  }
}

// The sweep's story thresholds and `main`, each once: `main` first (the report is its run),
// then the others in order.
std::vector<double> thresholds_to_run(double main) {
  std::vector<double> thresholds(std::begin(kSweep), std::end(kSweep));
  if (std::find(thresholds.begin(), thresholds.end(), main) == thresholds.end())
    thresholds.push_back(main);
  std::sort(thresholds.begin(), thresholds.end());
  std::stable_partition(thresholds.begin(), thresholds.end(), [&](double t) { return t == main; });
  return thresholds;
}

}  // namespace

int eval_command(const Args& args) {
  int status = 0;
  auto options = parse_eval_args(args, status);
  if (!options) return status;
  auto failed = [](const std::string& message) {
    std::fprintf(stderr, "newswatch eval: %s\n", message.c_str());
    return 1;
  };
  auto items = read_labeled_items(options->items);
  if (!items) return failed(items.error().message);
  auto pack = load_topic_packs(options->packs);
  if (!pack) return failed(pack.error().message);
  Matcher matcher(std::move(*pack));
  auto batches = polled_batches(*items, matcher, SystemClock().now());
  if (!batches) return failed(batches.error().message);
  TempDir dir;
  if (!dir.ok()) return failed("cannot create a temporary directory");

  std::vector<std::string> topics = scored_topics(*items);
  std::string gold = std::filesystem::path(options->items).filename().string();
  std::vector<double> thresholds = thresholds_to_run(options->threshold);
  json report, sweep = json::array();
  for (std::size_t run = 0; run < thresholds.size(); ++run) {
    std::string db = dir.file("run-" + std::to_string(run) + ".db");
    auto predictions = stored_predictions(*batches, *items, db, thresholds[run]);
    if (!predictions) return failed(predictions.error().message);
    json score = score_predictions(gold, *items, *predictions, topics);
    sweep.push_back(sweep_point(thresholds[run], score));
    if (run == 0) {
      report = std::move(score);
      if (!options->predictions.empty()) {
        if (auto written = write_predictions(options->predictions, *items, *predictions); !written)
          return failed(written.error().message);
      }
    }
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix, ignored);
  }
  std::sort(sweep.begin(), sweep.end(), [](const json& a, const json& b) {
    return a["threshold"].get<double>() < b["threshold"].get<double>();
  });
  json rules;
  if (options->rules)
    rules = rule_figures(matcher.pack(), *items, matches_of(*batches, *items), report);
  if (options->json) {
    report["story_threshold"] = options->threshold;
    report["sweep"] = std::move(sweep);
    if (options->rules) report["rules"] = std::move(rules);
    std::printf("%s\n", report.dump(2, ' ', false, json::error_handler_t::replace).c_str());
  } else {
    print_score(stdout, report, topics);
    print_sweep(sweep, options->threshold);
    if (options->rules) print_rule_figures(stdout, rules);
  }
  return 0;
}

}  // namespace newswatch
