// Real-world feed captures (tests/real_feeds/, where SOURCES.md says where each comes from and
// under which license) parse as they did before the parser became namespace-aware (issue 17):
// counts.json records each file's format and item count, taken from `newswatch parse` of
// 0733b04 and of the merge e470d4f, which agree. Every item also has something to show and
// no text field that could act on a terminal or a log.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "feeds/parser.h"
#include "test_support.h"

using namespace newswatch;

namespace {

const std::string kDir = NEWSWATCH_SOURCE_DIR "/tests/real_feeds/";

nlohmann::json expected_counts() {
  auto counts = nlohmann::json::parse(test::read_file(kDir + "counts.json"), nullptr, false);
  REQUIRE(counts.is_object());
  REQUIRE(counts.contains("files"));
  return counts["files"];
}

ParsedFeed parse_capture(const std::string& name) {
  std::string bytes = test::read_file(kDir + name);
  REQUIRE(!bytes.empty());
  auto feed = parse_feed(bytes, ParseOptions{});
  REQUIRE(feed);
  return *feed;
}

// A C0 control (tab and newline included: text fields are whitespace-collapsed), DEL, or a C1
// control (U+0080..U+009F, C2 80..C2 9F in UTF-8).
bool has_control(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7f) return true;
    if (byte == 0xc2 && i + 1 < text.size()) {
      auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9f) return true;
    }
  }
  return false;
}

void check_text(std::string_view field, std::string_view text) {
  INFO(field << ": " << text);
  CHECK_FALSE(has_control(text));
}

}  // namespace

TEST_CASE("every real-world capture parses with its recorded format and item count") {
  auto files = expected_counts();
  REQUIRE(files.size() >= 10);
  for (const auto& [name, expected] : files.items()) {
    INFO(name);
    auto feed = parse_capture(name);
    CHECK(format_name(feed.format) == expected["format"].get<std::string>());
    CHECK(feed.items.size() == expected["items"].get<std::size_t>());
  }
}

TEST_CASE("every item of a real-world capture has a title or a link and no control character") {
  auto files = expected_counts();
  for (const auto& [name, expected] : files.items()) {
    INFO(name);
    auto feed = parse_capture(name);
    check_text("feed title", feed.title);
    for (const Item& item : feed.items) {
      INFO("item " << item.title);
      CHECK((!item.title.empty() || (item.link && !item.link->empty())));
      check_text("title", item.title);
      check_text("summary", item.summary);
      check_text("content", item.content);
      if (item.link) check_text("link", *item.link);
      if (item.guid) check_text("guid", *item.guid);
      if (item.author) check_text("author", *item.author);
      for (const auto& category : item.categories) check_text("category", category);
    }
  }
}
