#include "topics/topic_pack.h"

#include <catch2/catch.hpp>

#include "base/read_file.h"
#include "test_support.h"
#include "topics/pack_codec.h"

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

TEST_CASE("the built-in pack, compiled when the project is built, is the shipped file parsed") {
  auto text = read_file(NEWSWATCH_SOURCE_DIR "/topics/packs/iran-us.toml");
  REQUIRE(text);
  auto parsed = TopicPack::parse(*text, "iran-us.toml (built in)");
  REQUIRE(parsed);
  TopicPack builtin = TopicPack::builtin();
  CHECK(builtin == *parsed);
  CHECK(builtin.topics.front().rules.front().origin.starts_with("iran-us.toml (built in):"));
}

TEST_CASE("a pack encoded and decoded is the same pack, and bytes cut short are refused") {
  TopicPack pack = TopicPack::builtin();
  pack.thresholds.push_back(0.3);  // a double that binary fractions do not hold exactly
  std::string bytes = encode_pack(pack);
  CHECK(decode_pack(bytes) == pack);
  CHECK_THROWS_AS(decode_pack(std::string_view(bytes).substr(0, bytes.size() - 3)),
                  std::runtime_error);
  CHECK_THROWS_AS(decode_pack(bytes + "x"), std::runtime_error);
  CHECK_THROWS_AS(decode_pack(""), std::runtime_error);
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

static const char* const kRuleHead = "[[topic]]\nname = \"t\"\n[[topic.rule]]\n";

TEST_CASE("rule errors name the line and what a rule expects") {
  auto rule_error = [](const std::string& rule) { return error_of(kRuleHead + rule); };
  CHECK_THAT(rule_error("near = [[\"a\"]]\n"),
             Catch::StartsWith("pack.toml:4:") && Catch::Contains("exactly two groups"));
  CHECK_THAT(rule_error("any = [\"a\"]\nwithin = 3\n"),
             Catch::StartsWith("pack.toml:5:") && Catch::Contains("'within' needs 'near'"));
  CHECK_THAT(rule_error("near = [[\"a\"], [\"b\"]]\nwithin = -1\n"),
             Catch::StartsWith("pack.toml:5:") && Catch::Contains("whole number of words"));
  CHECK_THAT(rule_error("any = [\"a\"]\nweight = \"heavy\"\n"),
             Catch::StartsWith("pack.toml:5:") && Catch::Contains("'weight' must be a number"));
  CHECK_THAT(rule_error("any = []\n"),
             Catch::StartsWith("pack.toml:4:") && Catch::Contains("'any' is empty"));
  CHECK_THAT(rule_error("any = \"a\"\n"), Catch::Contains("'any' must be an array of strings"));
  CHECK_THAT(rule_error("any = [\"a\"]\nnone_fields = [\"title\"]\n"),
             Catch::StartsWith("pack.toml:5:") && Catch::Contains("'none_fields' needs 'none'"));
  CHECK_THAT(rule_error("any = [\"@nowhere\"]\n"),
             Catch::StartsWith("pack.toml:4:") && Catch::Contains("unknown concept '@nowhere'"));
  CHECK_THAT(rule_error("any = [\"a\"]\nfields = []\n"),
             Catch::Contains("'fields' must be an array of field names"));
}

TEST_CASE("pack and concept errors name the line and what was expected") {
  CHECK_THAT(error_of("threshold = 0\n[[topic]]\nname = \"t\"\n[[topic.rule]]\nany = [\"a\"]\n"),
             Catch::StartsWith("pack.toml:1:") && Catch::Contains("greater than 0"));
  CHECK_THAT(error_of("[[concept]]\nid = \"c\"\nterms = [\"a\"]\n[[concept]]\nid = \"c\"\n"
                      "terms = [\"b\"]\n"),
             Catch::StartsWith("pack.toml:4:") && Catch::Contains("duplicate concept id 'c'"));
  CHECK_THAT(error_of("[[concept]]\nid = \"c\"\n"), Catch::Contains("concept 'c' needs 'terms'"));
  CHECK_THAT(error_of("[[concept]]\nid = \"c\"\nterms = []\n"),
             Catch::StartsWith("pack.toml:3:") && Catch::Contains("'terms' is empty"));
  CHECK_THAT(error_of("[[concept]]\nid = \"two words\"\nterms = [\"a\"]\n"),
             Catch::StartsWith("pack.toml:2:") && Catch::Contains("without spaces"));
  CHECK_THAT(error_of("[[concept]]\nid = \"a\"\nterms = [\"@b\"]\n[[concept]]\nid = \"b\"\n"
                      "terms = [\"x\"]\n"),
             Catch::StartsWith("pack.toml:3:") && Catch::Contains("defined before use"));
  CHECK_THAT(error_of("[[concept]]\nterms = [\"a\"]\n"), Catch::Contains("needs an 'id'"));
  CHECK_THAT(error_of("[[topic]]\nname = \"t\"\n[[topic.rule]]\nany = [\"a\"]\n"
                      "[[topic]]\nname = \"t\"\n[[topic.rule]]\nany = [\"b\"]\n"),
             Catch::StartsWith("pack.toml:5:") && Catch::Contains("duplicate topic name 't'"));
}

TEST_CASE("rules read near within weight none_fields and concepts") {
  auto pack = TopicPack::parse(R"(
[[concept]]
id = "iran"
terms = ["iran*", "tehran"]
[[topic]]
name = "t"
  [[topic.rule]]
  near = [["@iran"], ["talks"]]
  within = 3
  none = ["film"]
  none_fields = ["title"]
  weight = 0.5
)",
                               "pack.toml");
  REQUIRE(pack);
  const Rule& rule = pack->topics.at(0).rules.at(0);
  REQUIRE(rule.near.size() == 2);
  CHECK(rule.near[0].size() == 2);
  CHECK(rule.near[0][1].concept_id == "iran");
  CHECK(rule.near[1][0].concept_id.empty());
  CHECK(rule.within == 3);
  CHECK(rule.weight == 0.5);
  CHECK(rule.fields.size() == 4);
  CHECK(rule.none_fields == std::vector<ItemField>{ItemField::kTitle});
  CHECK(rule.origin == "pack.toml:7");
  CHECK(pack->thresholds == std::vector<double>{1.0});
}

TEST_CASE("merged packs keep their own thresholds and refuse a topic defined twice") {
  auto first = TopicPack::parse(
      "threshold = 2\n[[topic]]\nname = \"a\"\n[[topic.rule]]\nany = "
      "[\"x\"]\n",
      "a.toml");
  auto second =
      TopicPack::parse("[[topic]]\nname = \"b\"\n[[topic.rule]]\nany = [\"y\"]\n", "b.toml");
  REQUIRE(first);
  REQUIRE(second);
  REQUIRE(first->merge(*second));
  CHECK(first->thresholds == std::vector<double>{2.0, 1.0});
  CHECK(first->topics.at(1).pack == 1);
  auto again = first->merge(*second);
  REQUIRE_FALSE(again);
  CHECK_THAT(again.error().message, Catch::Contains("topic 'b' is defined by both"));
}
