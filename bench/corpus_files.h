// The bench corpus's feed files (python3 ../shared/bench/gen_corpus.py --out bench-corpus),
// in a fixed order: NEWSWATCH_BENCH_CORPUS, default bench-corpus/feeds from the project root,
// with its subdirectories (NEWSWATCH_BENCH_CORPUS=../shared/conformance/cases runs on the
// conformance files). Empty when the corpus has not been generated.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace newswatch::bench {

inline std::vector<std::filesystem::path> corpus_files() {
  const char* dir = std::getenv("NEWSWATCH_BENCH_CORPUS");
  std::filesystem::path path = dir ? dir : "bench-corpus/feeds";
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::is_directory(path)) return files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace newswatch::bench
