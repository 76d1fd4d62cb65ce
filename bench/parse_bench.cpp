// Parser throughput on the bench corpus (python3 ../shared/bench/gen_corpus.py --out
// bench-corpus), against the floor that bounds it: a bare pugixml load_buffer of the same
// bytes. Run from the project root: build/bench/parse_bench [--benchmark_...]
// The corpus directory can be set with NEWSWATCH_BENCH_CORPUS (default bench-corpus/feeds).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "bench/corpus_files.h"
#include "feeds/parser.h"
#include "feeds/text.h"

namespace {

struct Corpus {
  std::vector<std::string> xml_documents;
  std::size_t bytes = 0;
};

const Corpus& corpus() {
  static const Corpus loaded = [] {
    Corpus c;
    for (const auto& file : newswatch::bench::corpus_files()) {
      if (file.extension() != ".xml") continue;
      std::ifstream in(file, std::ios::binary);
      c.xml_documents.emplace_back(std::istreambuf_iterator<char>(in),
                                   std::istreambuf_iterator<char>());
      c.bytes += c.xml_documents.back().size();
    }
    return c;
  }();
  return loaded;
}

bool have_corpus(benchmark::State& state) {
  if (!corpus().xml_documents.empty()) return true;
  state.SkipWithError("no corpus: run python3 ../shared/bench/gen_corpus.py --out bench-corpus");
  return false;
}

// The floor: pugixml building its DOM, nothing extracted.
void BM_PugixmlLoadBuffer(benchmark::State& state) {
  if (!have_corpus(state)) return;
  for (auto _ : state) {
    for (const auto& doc : corpus().xml_documents) {
      pugi::xml_document parsed;
      benchmark::DoNotOptimize(parsed.load_buffer(doc.data(), doc.size()));
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus().bytes));
}
BENCHMARK(BM_PugixmlLoadBuffer)->Unit(benchmark::kMillisecond);

// Full extraction: encoding, repair, items, HTML to text, dates, links.
void BM_ParseFeed(benchmark::State& state) {
  if (!have_corpus(state)) return;
  newswatch::ParseOptions options;
  options.base_url = "http://127.0.0.1/feeds/";
  std::size_t items = 0;
  for (auto _ : state) {
    for (const auto& doc : corpus().xml_documents) {
      auto feed = newswatch::parse_feed(doc, options);
      if (feed) items += feed->items.size();
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus().bytes));
  state.counters["items"] =
      benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseFeed)->Unit(benchmark::kMillisecond);

// HTML to text alone, over the corpus documents as if they were HTML.
void BM_HtmlToText(benchmark::State& state) {
  if (!have_corpus(state)) return;
  for (auto _ : state) {
    for (const auto& doc : corpus().xml_documents)
      benchmark::DoNotOptimize(newswatch::html_to_text(doc));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus().bytes));
}
BENCHMARK(BM_HtmlToText)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
