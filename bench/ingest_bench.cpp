// Storage ingest rate on the bench corpus (python3 ../shared/bench/gen_corpus.py --out
// bench-corpus): what the writer does for a poll of every feed — dedup by every key,
// sightings, matches, story clustering, one transaction per feed, then the round's
// reclustering — against the floor of plain INSERTs of the same rows into the same schema
// (indexes, triggers and FTS5 included) in one transaction, with no lookup and no
// clustering. Run from the project root: build/bench/ingest_bench [--benchmark_...]
// The corpus directory can be set with NEWSWATCH_BENCH_CORPUS (default bench-corpus/feeds).
#include <SQLiteCpp/SQLiteCpp.h>
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bench/corpus_files.h"
#include "feeds/parser.h"
#include "feeds/url.h"
#include "storage/store.h"
#include "topics/matcher.h"

namespace {

using newswatch::MatchedItem;
using newswatch::ParsedBatch;
using newswatch::Store;

struct Corpus {
  std::vector<ParsedBatch> batches;  // one per feed, items matched by the built-in pack
  std::size_t items = 0;
};

const Corpus& corpus() {
  static const Corpus loaded = [] {
    Corpus c;
    newswatch::Matcher matcher(newswatch::TopicPack::builtin());
    for (const auto& file : newswatch::bench::corpus_files()) {
      std::ifstream in(file, std::ios::binary);
      std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      auto feed = newswatch::parse_feed(bytes, newswatch::ParseOptions{});
      if (!feed) continue;
      ParsedBatch batch;
      batch.feed.url = "http://127.0.0.1/" + file.filename().string();
      batch.feed.title = feed->title;
      batch.feed.last_status = 200;
      batch.fetched_at = 1750500000;
      for (auto& item : feed->items) {
        newswatch::MatchSet matches = matcher.match(item);
        batch.items.push_back({std::move(item), std::move(matches), std::nullopt});
      }
      c.items += batch.items.size();
      c.batches.push_back(std::move(batch));
    }
    return c;
  }();
  return loaded;
}

bool have_corpus(benchmark::State& state) {
  if (!corpus().batches.empty()) return true;
  state.SkipWithError("no corpus: run python3 ../shared/bench/gen_corpus.py --out bench-corpus");
  return false;
}

// A fresh database of the current schema with the corpus's feeds registered.
struct FreshDatabase {
  std::string path;
  FreshDatabase() {
    path = (std::filesystem::temp_directory_path() /
            ("newswatch-ingest-" + std::to_string(getpid()) + ".db"))
               .string();
    remove_files();
    auto store = Store::open(path);
    for (const auto& batch : corpus().batches) (void)store->register_feed(batch.feed.url, "", 0);
  }
  ~FreshDatabase() { remove_files(); }
  void remove_files() const {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
};

void report(benchmark::State& state) {
  state.counters["items"] = benchmark::Counter(
      static_cast<double>(state.iterations() * corpus().items), benchmark::Counter::kIsRate);
}

// What the daemon's writer does with a poll of every feed.
void BM_IngestWithDedupAndClustering(benchmark::State& state) {
  if (!have_corpus(state)) return;
  for (auto _ : state) {
    state.PauseTiming();
    {
      FreshDatabase db;
      auto store = Store::open(db.path);
      state.ResumeTiming();
      int failed = 0;
      for (const auto& batch : corpus().batches) failed += store->write(batch) ? 0 : 1;
      failed += store->recluster(corpus().batches.back().fetched_at) ? 0 : 1;
      state.PauseTiming();
      if (failed) {
        state.SkipWithError("a write failed: the figure would not be an ingest rate");
        break;
      }
    }
    state.ResumeTiming();
  }
  report(state);
}
BENCHMARK(BM_IngestWithDedupAndClustering)->Unit(benchmark::kMillisecond)->MinTime(3);

// The floor: the same rows — an article per item (kept ones with their body and a story),
// its keys, its sighting and its matches — inserted blindly in one transaction.
void BM_PlainInserts(benchmark::State& state) {
  if (!have_corpus(state)) return;
  for (auto _ : state) {
    state.PauseTiming();
    {
      FreshDatabase fresh;
      SQLite::Database db(fresh.path, SQLite::OPEN_READWRITE);
      db.exec("PRAGMA synchronous = NORMAL");
      state.ResumeTiming();
      SQLite::Transaction transaction(db);
      SQLite::Statement story(
          db, "INSERT INTO stories (title, first_seen, last_seen) VALUES (?, 0, 0)");
      SQLite::Statement article(
          db,
          "INSERT INTO articles (canonical_url, url, title, summary, content, author, published, "
          "first_seen, last_seen, feed_id, story_id, outlet, signature) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, NULL)");
      SQLite::Statement key(db,
                            "INSERT OR IGNORE INTO article_keys (key, article_id) VALUES (?, ?)");
      SQLite::Statement sighting(db,
                                 "INSERT INTO sightings (article_id, feed_id, item_key, url, guid, "
                                 "title, outlet, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0)");
      SQLite::Statement match(db,
                              "INSERT OR IGNORE INTO matches (article_id, topic, field, term, "
                              "offset, concept, rule) VALUES (?, ?, ?, ?, ?, ?, ?)");
      std::int64_t feed = 0, n = 0;
      for (const auto& batch : corpus().batches) {
        ++feed;
        for (const MatchedItem& m : batch.items) {
          ++n;
          std::string url = m.item.link.value_or("item:" + std::to_string(n));
          std::string canonical = newswatch::canonical_article_url(url) + "#" + std::to_string(n);
          bool kept = m.matches.relevant;
          std::int64_t story_id = 0;
          if (kept) {
            story.bind(1, m.item.title);
            story.exec();
            story.reset();
            story_id = db.getLastInsertRowid();
          }
          article.bind(1, canonical);
          article.bind(2, url);
          article.bind(3, m.item.title);
          article.bind(4, m.item.summary);
          article.bind(5, kept ? m.item.content : std::string());
          article.bind(6, m.item.author.value_or(""));
          article.bind(7, static_cast<int64_t>(m.item.published.value_or(0)));
          article.bind(8, static_cast<int64_t>(feed));
          if (kept)
            article.bind(9, static_cast<int64_t>(story_id));
          else
            article.bind(9);
          article.bind(10, batch.feed.title);
          article.exec();
          article.reset();
          std::int64_t id = db.getLastInsertRowid();
          for (const std::string& k : {canonical, "text:" + std::to_string(n)}) {
            key.bind(1, k);
            key.bind(2, static_cast<int64_t>(id));
            key.exec();
            key.reset();
          }
          sighting.bind(1, static_cast<int64_t>(id));
          sighting.bind(2, static_cast<int64_t>(feed));
          sighting.bind(3, m.item.guid.value_or(url));
          sighting.bind(4, url);
          sighting.bind(5, m.item.guid.value_or(""));
          sighting.bind(6, m.item.title);
          sighting.bind(7, batch.feed.title);
          sighting.exec();
          sighting.reset();
          for (const auto& e : m.matches.evidence) {
            match.bind(1, static_cast<int64_t>(id));
            match.bind(2, e.topic);
            match.bind(3, newswatch::field_name(e.field));
            match.bind(4, e.term);
            match.bind(5, static_cast<int64_t>(e.offset));
            match.bind(6, e.concept_id);
            match.bind(7, e.rule);
            match.exec();
            match.reset();
          }
        }
      }
      transaction.commit();
      state.PauseTiming();
    }
    state.ResumeTiming();
  }
  report(state);
}
BENCHMARK(BM_PlainInserts)->Unit(benchmark::kMillisecond)->MinTime(3);

}  // namespace

BENCHMARK_MAIN();
