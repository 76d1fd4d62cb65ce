#include "topics/topic_pack.h"

#include <catch2/catch.hpp>

#include "test_support.h"

using namespace newswatch;

static std::string error_of(const std::string& text) {
  auto pack = TopicPack::parse(text, "pack.toml");
  REQUIRE_FALSE(pack);
  return pack.error().message;
}

TEST_CASE("the shipped Iran-US pack loads and has the documented topics") {
  TopicPack pack = TopicPack::builtin();
  std::vector<std::string> names;
  for (const auto& t : pack.topics) names.push_back(t.name);
  CHECK(names == std::vector<std::string>{"hormuz", "nuclear_talks", "irgc", "us_military",
                                          "mediation", "sanctions", "strikes", "protests_iran",
                                          "us_iran"});
  auto from_file = TopicPack::load(NEWSWATCH_SOURCE_DIR "/topics/packs/iran-us.toml");
  REQUIRE(from_file);
  CHECK(from_file->topics.size() == pack.topics.size());
}

TEST_CASE("rules: any, all groups, none, fields and prefixes are read") {
  auto pack = TopicPack::parse(R"(
[[topic]]
name = "t"
  [[topic.rule]]
  any = ["Strait of Hormuz", "iran*"]
  all = ["tanker", ["oil", "crude"]]
  none = ["island"]
  fields = ["title"]
)",
                               "pack.toml");
  REQUIRE(pack);
  const Rule& rule = pack->topics.at(0).rules.at(0);
  CHECK(rule.any.at(0).folded == "strait of hormuz");
  CHECK(rule.any.at(1).folded == "iran");
  CHECK(rule.any.at(1).prefix);
  CHECK(rule.all.size() == 2);
  CHECK(rule.all.at(1).size() == 2);
  CHECK(rule.none.at(0).folded == "island");
  CHECK(rule.fields == std::vector<ItemField>{ItemField::kTitle});
}

TEST_CASE("pack errors name file:line:column and what was expected") {
  CHECK_THAT(error_of("[[topic]]\nname = \"t\"\ncolour = 1\n"),
             Catch::StartsWith("pack.toml:3:") && Catch::Contains("unknown key 'colour'"));
  CHECK_THAT(
      error_of("[[topic]]\nname = \"t\"\n[[topic.rule]]\nany = [\"a\"]\nfields = [\"body\"]\n"),
      Catch::StartsWith("pack.toml:5:") && Catch::Contains("unknown field 'body'"));
  CHECK_THAT(error_of("[[topic]]\nname = \"t\"\n[[topic.rule]]\nnone = [\"a\"]\n"),
             Catch::Contains("needs 'any', 'all' or 'near'"));
  CHECK_THAT(error_of("[[topic]]\nname = \"t\"\n"), Catch::Contains("at least one [[topic.rule]]"));
  CHECK_THAT(error_of("[[topic]]\ndescription = \"x\"\n"), Catch::Contains("needs a 'name'"));
  CHECK_THAT(error_of("[[topic]]\nname = \"t\"\n[[topic.rule]]\nany = [\"...\"]\n"),
             Catch::StartsWith("pack.toml:4:") && Catch::Contains("no letters"));
  CHECK_THAT(error_of("[[topic]]\nname = = \"t\"\n"), Catch::StartsWith("pack.toml:2:"));
  CHECK_THAT(error_of("name = \"p\"\n"), Catch::Contains("at least one [[topic]]"));
}

TEST_CASE("a pack file that does not exist is an error naming it") {
  auto pack = TopicPack::load("/nonexistent/pack.toml");
  REQUIRE_FALSE(pack);
  CHECK_THAT(pack.error().message, Catch::Contains("/nonexistent/pack.toml"));
}
