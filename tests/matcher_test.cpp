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

TEST_CASE("the shipped pack reads the story as told in every language") {
  // Arabic without the article: "للحرس" is li- + al- + the word.
  CHECK(has(topics_of(titled("ضربات على مواقع تابعة للحرس الثوري")), "irgc"));
  // Persian written with a zero-width non-joiner, or with a space.
  CHECK(has(topics_of(titled("تحریم‌های جدید آمریکا علیه صادرات نفت ایران")), "sanctions"));
  CHECK(has(topics_of(titled("مذاکرات هسته ای ایران و آمریکا", "دور سوم گفت‌وگوها")),
            "nuclear_talks"));
  // "US bases", "bases américaines", "القواعد الأمريكية": US forces next to the US.
  CHECK(has(topics_of(titled("Guards say American bases in the region are within reach")),
            "us_military"));
  CHECK(has(topics_of(titled("الحرس الثوري يتوعد القواعد الأمريكية")), "us_military"));
  // "The strait" and "the Guards", once the story has named them.
  CHECK(has(topics_of(titled("Les pasdaran simulent la fermeture du détroit",
                             "Des vedettes rapides encerclent un pétrolier.")),
            "hormuz"));
  CHECK(has(topics_of(titled("Tanker remains in the Guards' custody off Bandar Abbas")),
            "hormuz"));
  // Strikes on sites, new strikes threatened, and protests tied to US action.
  CHECK(has(topics_of(titled("US jets hit drone sites near Bandar Abbas")), "strikes"));
  CHECK(has(topics_of(titled("Trump amenaza a Irán con nuevos ataques")), "strikes"));
  CHECK(has(topics_of(titled("Washington condemns crackdown on protesters in Zahedan")),
            "protests_iran"));
  CHECK(has(topics_of(titled("UK to proscribe Revolutionary Guards as terrorist organisation")),
            "sanctions"));
}

TEST_CASE("the shipped pack leaves other straits, guards, strikes and mediations alone") {
  CHECK(topics_of(titled("Coast guards seize cocaine boat in the Strait of Gibraltar")).empty());
  CHECK(topics_of(titled("Houthis seize car carrier in the Red Sea")).empty());
  CHECK(topics_of(titled("Dockworkers on strike at US Gulf Coast ports")).empty());
  CHECK(topics_of(titled("Qatar and Egypt broker Gaza truce as both sides agree to talks"))
            .empty());
  CHECK(topics_of(titled("Isfahan carpet sets auction record amid sanctions row")).empty());
  // The Gulf of Oman is a sea, not a mediator.
  CHECK_FALSE(has(topics_of(titled("US destroyer downs Iranian drones in Gulf of Oman")),
                  "mediation"));
}

TEST_CASE("near needs two phrases at most within words apart in one field") {
  Matcher m = matcher_for(R"(
[[topic]]
name = "t"
  [[topic.rule]]
  near = [["carrier*"], ["iran", "tehran"]]
  within = 2
)");
  CHECK(m.match(titled("Carrier sails toward Iran")).relevant);           // 2 words between
  CHECK(m.match(titled("Iran watches the carriers")).relevant);           // either order
  CHECK_FALSE(m.match(titled("Carrier sails slowly toward Iran")).relevant);  // 3 between
  CHECK_FALSE(m.match(titled("Carrier sails", "toward Iran")).relevant);  // two fields
  MatchSet set = m.match(titled("A carrier, then Tehran"));
  REQUIRE(set.evidence.size() == 2);
  CHECK(set.evidence[0].term == "carrier*");
  CHECK(set.evidence[1].term == "tehran");
}

TEST_CASE("rules add their weights and the pack's threshold decides relevance") {
  Matcher m = matcher_for(R"(
threshold = 2
[[topic]]
name = "ships"
  [[topic.rule]]
  any = ["tanker"]
  [[topic.rule]]
  any = ["strait"]
  weight = 0.5
[[topic]]
name = "talks"
  [[topic.rule]]
  any = ["talks"]
[[topic]]
name = "strikes"
  [[topic.rule]]
  any = ["airstrike"]
  weight = 2
)");
  CHECK_FALSE(m.match(titled("Tanker news")).relevant);
  CHECK_FALSE(m.match(titled("Tanker in the strait")).relevant);  // 1.5
  MatchSet both = m.match(titled("Tanker talks"));
  CHECK(both.topics == std::vector<std::string>{"ships", "talks"});
  CHECK(both.scores == std::vector<double>{1.0, 1.0});
  MatchSet three = m.match(titled("Talks on the tanker in the strait"));
  CHECK(three.scores == std::vector<double>{1.5, 1.0});
  CHECK(m.match(titled("Airstrike reported")).topics == std::vector<std::string>{"strikes"});
}

TEST_CASE("concepts stand for their terms in every language and evidence names them") {
  Matcher m = matcher_for(R"(
[[concept]]
id = "hormuz_strait"
terms = ["strait of hormuz", "détroit d'Ormuz", "تنگه هرمز"]
[[concept]]
id = "places"
terms = ["@hormuz_strait", "bandar abbas"]
[[topic]]
name = "hormuz"
  [[topic.rule]]
  any = ["@places"]
)");
  for (const char* title : {"Tension in the Strait of Hormuz", "Le DÉTROIT D’ORMUZ fermé",
                            "رزمایش در تنگه هرمز"}) {
    MatchSet set = m.match(titled(title));
    REQUIRE(set.relevant);
    CHECK(set.evidence.at(0).concept_id == "hormuz_strait");  // the term's own concept
  }
  CHECK(m.match(titled("Drills off Bandar Abbas")).evidence.at(0).concept_id == "places");
}

TEST_CASE("an item lists every concept it names, used by a rule or not, relevant or not") {
  Matcher m = matcher_for(R"(
[[concept]]
id = "tehran"
terms = ["tehran", "تهران"]
[[concept]]
id = "drones"
terms = ["drone*", "پهپاد"]
[[topic]]
name = "capital"
  [[topic.rule]]
  any = ["@tehran"]
)");
  MatchSet set = m.match(titled("Drone seen over Tehran", "Witnesses in Tehran said"));
  REQUIRE(set.relevant);
  std::vector<std::string> found;
  for (const auto& hit : set.concepts)
    found.push_back(std::string(field_name(hit.field)) + ":" + hit.concept_id + "@" +
                    std::to_string(hit.offset));
  CHECK(found == std::vector<std::string>{"title:drones@0", "title:tehran@16", "summary:tehran@13"});
  MatchSet lake = m.match(titled("Drone seen over the lake"));
  CHECK_FALSE(lake.relevant);
  REQUIRE(lake.concepts.size() == 1);
  CHECK(lake.concepts[0].concept_id == "drones");
  CHECK(m.match(titled("Rain over the lake")).concepts.empty());
}

TEST_CASE("none_fields limits where a veto looks") {
  Matcher m = matcher_for(R"(
[[topic]]
name = "t"
  [[topic.rule]]
  any = ["iran"]
  none = ["football"]
  none_fields = ["title"]
)");
  CHECK_FALSE(m.match(titled("Iran football team wins")).relevant);
  CHECK(m.match(titled("Iran warns Washington", "Earlier, a football match was cancelled"))
            .relevant);
}

TEST_CASE("Arabic phrases match after the article and proclitics but not inside words") {
  Matcher m = matcher_for(R"(
[[topic]]
name = "qatar"
  [[topic.rule]]
  any = ["قطر*"]
)");
  CHECK(m.match(titled("وصل رئيس الوزراء القطري")).relevant);      // al- + qatari
  CHECK(m.match(titled("وقطر تستضيف المحادثات")).relevant);         // wa- + qatar
  CHECK(m.match(titled("زيارة للقطريين")).relevant);               // li- + al- (lil-)
  CHECK_FALSE(m.match(titled("مقطرة جديدة")).relevant);            // mim is not a proclitic
}

TEST_CASE("Arabic and Persian spellings of one word match each other") {
  Matcher m = matcher_for(R"(
[[topic]]
name = "t"
  [[topic.rule]]
  any = ["ایران", "کشتی"]
)");
  CHECK(m.match(titled("إيران تحذر")).relevant);  // Arabic yeh and alef with hamza
  CHECK(m.match(titled("كشتي جديدة")).relevant);  // Arabic kaf and yeh
}

TEST_CASE("the automaton reports nested and overlapping phrases") {
  Matcher m = matcher_for(R"(
[[topic]]
name = "a"
  [[topic.rule]]
  any = ["strait of hormuz"]
[[topic]]
name = "b"
  [[topic.rule]]
  any = ["hormuz"]
[[topic]]
name = "c"
  [[topic.rule]]
  any = ["of hormuz island"]
[[topic]]
name = "d"
  [[topic.rule]]
  any = ["straits*"]
)");
  CHECK(m.match(titled("the strait of hormuz island")).topics ==
        std::vector<std::string>{"a", "b", "c"});
  CHECK(m.match(titled("straitsofhormuz")).topics == std::vector<std::string>{"d"});
  CHECK(m.match(titled("hormuzstrait")).topics.empty());
}

TEST_CASE("an article on the standoff matches each of its subjects") {
  Item article;
  article.title = "Hormuz standoff deepens as US carrier arrives and Guards hold drills";
  article.content =
      "DUBAI — Tankers slowed in the Strait of Hormuz on Tuesday as the USS Abraham Lincoln "
      "carrier strike group arrived in the Arabian Sea, the Pentagon said. Iran's "
      "Revolutionary Guards began two days of naval drills with fast-attack boats and "
      "anti-ship missiles near Bandar Abbas. Ali Larijani, secretary of Iran's Supreme "
      "National Security Council, said Tehran was ready for negotiations with Washington "
      "on its nuclear programme but would not accept zero enrichment. Qatar's prime "
      "minister, who has carried messages between the two sides, said Doha would keep "
      "mediating to avert a military confrontation.";
  auto found = topics_of(article);
  for (const char* topic : {"hormuz", "nuclear_talks", "irgc", "us_military", "mediation"}) {
    INFO(topic);
    CHECK(has(found, topic));
  }
}

TEST_CASE("the shipped pack reads the story in six languages") {
  CHECK(has(topics_of(titled("Le détroit d'Ormuz sous tension après la saisie d'un pétrolier")),
            "hormuz"));
  CHECK(has(topics_of(titled("Teheran lehnt Verzicht auf Urananreicherung ab")),
            "nuclear_talks"));
  CHECK(has(topics_of(titled("EE.UU. sanciona a navieras por transportar petróleo iraní")),
            "sanctions"));
  CHECK(has(topics_of(titled("الحرس الثوري يعلن احتجاز ناقلة نفط في الخليج")), "irgc"));
  CHECK(has(topics_of(titled("مذاکرات هسته‌ای ایران و آمریکا در مسقط")), "nuclear_talks"));
  CHECK(has(topics_of(titled("Guardia Revolucionaria de Irán realiza maniobras navales")),
            "irgc"));
}

TEST_CASE("the shipped pack needs context not keywords") {
  CHECK(topics_of(titled("Iranian director's new film opens in Paris")).empty());
  CHECK(topics_of(titled("Tehran closes schools as smog chokes the capital")).empty());
  CHECK(topics_of(titled("Oman's new airport terminal opens to tourists")).empty());
  CHECK(topics_of(titled("Trump raises tariffs on Canadian lumber")).empty());
  CHECK(topics_of(titled("USS Ronald Reagan arrives in Manila for joint drills")).empty());
  CHECK(topics_of(titled("Hormuz Capital launches a new healthcare fund")).empty());
  CHECK(topics_of(titled("Iraq and Iran sign deal on shared water resources")).empty());
  CHECK(topics_of(titled("Lincoln police close roads after winter storm")).empty());
  CHECK(topics_of(titled("Dockworkers' strike halts Antwerp port")).empty());
  CHECK(topics_of(titled("Give us more time, Iran's volleyball coach says")).empty());
  // ... while the same words in the story's context do make an item relevant.
  CHECK(has(topics_of(titled("Tehran warns Washington it will answer any strike")), "us_iran"));
  CHECK(has(topics_of(titled("Trump threatens tariffs on buyers of Iranian oil")), "sanctions"));
}

TEST_CASE("merged packs are each held to their own threshold") {
  auto strict = TopicPack::parse(
      "threshold = 2\n[[topic]]\nname = \"a\"\n[[topic.rule]]\nany = [\"tanker\"]\n", "a.toml");
  auto lenient =
      TopicPack::parse("[[topic]]\nname = \"b\"\n[[topic.rule]]\nany = [\"drone\"]\n", "b.toml");
  REQUIRE(strict);
  REQUIRE(lenient);
  REQUIRE(strict->merge(std::move(*lenient)));
  Matcher m(std::move(*strict));
  CHECK(m.match(titled("Tanker and drone")).topics == std::vector<std::string>{"b"});
}
