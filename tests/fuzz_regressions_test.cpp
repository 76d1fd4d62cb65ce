// Inputs that once crashed the parser under the fuzzer (fuzz/README.md). Each must now parse,
// or fail cleanly, without a sanitizer report; run the ASan build to make that a hard check.
#include <catch2/catch.hpp>
#include <filesystem>

#include "feeds/parser.h"
#include "feeds/text.h"
#include "test_support.h"

TEST_CASE("inputs that once crashed the fuzzer parse without harm") {
  std::filesystem::path dir = NEWSWATCH_SOURCE_DIR "/tests/fuzz_regressions";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string bytes = newswatch::test::read_file(entry.path().string());
    INFO(entry.path().filename().string());
    for (const char* base : {"", "http://example.com/feeds/rss.xml"}) {
      newswatch::ParseOptions options;
      options.base_url = base;
      auto feed = newswatch::parse_feed(bytes, options);
      if (feed) CHECK(newswatch::to_nfc(feed->title) == feed->title);
    }
    (void)newswatch::html_to_text(bytes);
    ++files;
  }
  CHECK(files > 0);
}
