// Inputs that once broke a fuzz target (fuzz/README.md), kept in tests/fuzz_regressions/
// under the target's name. Each goes through the very check its target runs
// (fuzz/*_checks.h), which must now hold; the ASan build makes memory errors fail too.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "fuzz/config_checks.h"
#include "fuzz/date_checks.h"
#include "fuzz/feed_checks.h"
#include "fuzz/html_diff_checks.h"
#include "fuzz/html_text_checks.h"
#include "fuzz/opml_checks.h"
#include "fuzz/topic_pack_checks.h"
#include "fuzz/url_checks.h"
#include "test_support.h"

namespace {

using Check = std::string (*)(std::string_view);

const std::map<std::string, Check> kChecksByTarget = {
    {"parse_fuzzer", newswatch::fuzz::check_feed_parsing},
    {"date_fuzzer", newswatch::fuzz::check_date_parsing},
    {"url_fuzzer", newswatch::fuzz::check_url_handling},
    {"html_text_fuzzer", newswatch::fuzz::check_text_conversion},
    {"html_diff_fuzzer", newswatch::fuzz::check_html_against_gumbo},
    {"topic_pack_fuzzer", newswatch::fuzz::check_topic_pack},
    {"config_fuzzer", newswatch::fuzz::check_config},
    {"opml_fuzzer", newswatch::fuzz::check_opml},
};

const std::filesystem::path kRegressions = NEWSWATCH_SOURCE_DIR "/tests/fuzz_regressions";

// Runs every input kept for `target` through its check; returns how many there were.
int replay(const std::string& target) {
  std::filesystem::path dir = kRegressions / target;
  if (!std::filesystem::exists(dir)) return 0;
  Check check = kChecksByTarget.at(target);
  int inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    INFO(target << "/" << entry.path().filename().string());
    CHECK(check(newswatch::test::read_file(entry.path().string())) == "");
    ++inputs;
  }
  return inputs;
}

}  // namespace

TEST_CASE("every directory of fuzz regressions is named after a fuzz target") {
  for (const auto& entry : std::filesystem::directory_iterator(kRegressions)) {
    INFO(entry.path().filename().string());
    CHECK(entry.is_directory());
    CHECK(kChecksByTarget.count(entry.path().filename().string()) == 1);
  }
}

TEST_CASE("feeds that once broke parse_fuzzer parse without harm") {
  CHECK(replay("parse_fuzzer") > 0);
}

TEST_CASE("dates that once broke date_fuzzer parse and read back") { replay("date_fuzzer"); }

TEST_CASE("URLs that once broke url_fuzzer have a stable canonical form") { replay("url_fuzzer"); }

TEST_CASE("HTML that once broke html_text_fuzzer becomes collapsed NFC text") {
  replay("html_text_fuzzer");
}

TEST_CASE("HTML that once broke html_diff_fuzzer reads as gumbo reads it") {
  replay("html_diff_fuzzer");
}

TEST_CASE("packs that once broke topic_pack_fuzzer load or fail with a place") {
  replay("topic_pack_fuzzer");
}

TEST_CASE("configs that once broke config_fuzzer load or fail with file:line:column") {
  replay("config_fuzzer");
}

TEST_CASE("OPML that once broke opml_fuzzer lists feeds or fails with a place") {
  replay("opml_fuzzer");
}
