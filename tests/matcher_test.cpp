#include "topics/matcher.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace newswatch;

static Matcher matcher_for(const std::string& rules) {
  auto pack = TopicPack::parse(rules, "test.toml");
  REQUIRE(pack);
  return Matcher(std::move(*pack));
}

static Item titled(std::string title, std::string summary = "") {
  Item item;
  item.title = std::move(title);
  item.summary = std::move(summary);
  return item;
}

static std::vector<std::string> topics_of(const Item& item) {
  static const Matcher matcher(TopicPack::builtin());
  return matcher.match(item).topics;
}

static bool has(const std::vector<std::string>& topics, const std::string& topic) {
  return std::find(topics.begin(), topics.end(), topic) != topics.end();
}

TEST_CASE("phrases match whole words only, unless marked as a prefix") {
  Matcher m = matcher_for(R"(
[[topic]]
name = "a"
  [[topic.rule]]
  any = ["irgc"]
[[topic]]
name = "b"
  [[topic.rule]]
  any = ["sanction*"]
)");
  CHECK(m.match(titled("IRGC drills")).topics == std::vector<std::string>{"a"});
  CHECK(m.match(titled("IRGCX drills")).topics.empty());
  CHECK(m.match(titled("New sanctions")).topics == std::vector<std::string>{"b"});
  CHECK(m.match(titled("unsanctioned")).topics.empty());
}

TEST_CASE("all groups must each match and none vetoes") {
  Matcher m = matcher_for(R"(
[[topic]]
name = "hormuz"
  [[topic.rule]]
  any = ["hormuz"]
  all = [["tanker", "oil"], ["iran", "tehran"]]
  none = ["hormuz island"]
)");
  CHECK(m.match(titled("Oil tanker slows near Hormuz, Iran says")).relevant);
  CHECK_FALSE(m.match(titled("Oil tanker slows near Hormuz")).relevant);
  CHECK_FALSE(m.match(titled("Hormuz Island oil tanker museum, Iran")).relevant);
}

TEST_CASE("fields limit where a rule looks, and evidence says where it matched") {
  Matcher m = matcher_for(R"(
[[topic]]
name = "t"
  [[topic.rule]]
  any = ["Détroit d'Ormuz"]
  fields = ["summary"]
)");
  CHECK_FALSE(m.match(titled("Le détroit d'Ormuz")).relevant);
  MatchSet set = m.match(titled("Actualité", "Tension dans le DETROIT D’ORMUZ ce matin"));
  REQUIRE(set.relevant);
  REQUIRE(set.evidence.size() == 1);
  CHECK(set.evidence[0].topic == "t");
  CHECK(set.evidence[0].field == ItemField::kSummary);
  CHECK(set.evidence[0].term == "Détroit d'Ormuz");
  CHECK(set.evidence[0].offset == std::string("tension dans le ").size());
}

TEST_CASE("the shipped pack keeps the story's core subjects") {
  CHECK(has(topics_of(titled("Iran warns it could close the Strait of Hormuz")), "hormuz"));
  CHECK(has(topics_of(titled("Straße von Hormus: Reedereien meiden die Meerenge")), "hormuz"));
  CHECK(has(topics_of(titled("US and Iran hold new round of nuclear talks in Muscat")),
            "nuclear_talks"));
  CHECK(has(topics_of(titled("IRGC navy seizes foreign tanker near Bandar Abbas")), "irgc"));
  CHECK(has(topics_of(titled("USS Abraham Lincoln carrier strike group enters the Arabian Sea")),
            "us_military"));
  CHECK(
      has(topics_of(titled("Qatar offers to mediate between Tehran and Washington")), "mediation"));
  CHECK(has(topics_of(titled("US sanctions 12 firms tied to Iran's Revolutionary Guards")),
            "sanctions"));
}

TEST_CASE("the shipped pack ignores look-alikes") {
  CHECK(topics_of(titled("Iran national football team qualifies for the World Cup")).empty());
  CHECK(topics_of(titled("Strait of Gibraltar ferry traffic hits summer record")).empty());
  CHECK(topics_of(titled("Qatar Airways earnings soar on strong long-haul demand")).empty());
  CHECK(topics_of(titled("Abraham Lincoln letters go on display at the Smithsonian")).empty());
  CHECK(topics_of(titled("North Korea rejects offer of new nuclear talks")).empty());
  CHECK(topics_of(titled("Hormuz Island's red beaches draw record tourist numbers")).empty());
  CHECK(topics_of(titled("US Navy band to perform free summer concerts")).empty());
}
