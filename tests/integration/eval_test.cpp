// `newswatch eval` as analysts run it: labeled JSON lines in, score.py's figures out, through
// the real parser, matcher and store.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "integration/process.h"
#include "test_support.h"

using namespace newswatch::test;
using json = nlohmann::json;

namespace {

// Eight items of three outlets: two stories (one told in French too), one article under two
// URLs, and a football match no topic is about.
const char* kLabeledItems[] = {
    R"({"id": "a1", "title": "Iran&#8217;s Revolutionary Guards seize oil tanker in the Strait of Hormuz", "description": "<p>The IRGC navy boarded the vessel &amp; escorted it to Bandar Abbas, US officials said.</p>", "published": "2026-01-20T06:00:00Z", "lang": "en", "relevant": true, "topics": ["hormuz", "irgc"], "story_id": "tanker", "outlet": "Gulf Wire", "url": "https://gulfwire.example/2026/01/20/irgc-seize-tanker", "same_article": "https://gulfwire.example/2026/01/20/irgc-seize-tanker"})",
    R"({"id": "a1-copy", "title": "Iran's Revolutionary Guards seize oil tanker in the Strait of Hormuz", "description": "The IRGC navy boarded the vessel & escorted it to Bandar Abbas, US officials said.", "published": "2026-01-20T06:05:00Z", "lang": "en", "relevant": true, "topics": ["hormuz", "irgc"], "story_id": "tanker", "outlet": "Gulf Wire", "url": "https://gulfwire.example/2026/01/20/irgc-seize-tanker?utm_source=rss&utm_medium=feed", "same_article": "https://gulfwire.example/2026/01/20/irgc-seize-tanker"})",
    R"({"id": "a2", "title": "Revolutionary Guards seize tanker in Hormuz as US warns Tehran", "description": "Iran's IRGC seized an oil tanker in the Strait of Hormuz; the Pentagon said US forces were monitoring.", "published": "2026-01-20T07:30:00Z", "lang": "en", "relevant": true, "topics": ["hormuz", "irgc", "us_military"], "story_id": "tanker", "outlet": "Capital Post", "url": "https://capitalpost.example/world/irgc-tanker-hormuz", "same_article": null})",
    R"({"id": "a3", "title": "Les Gardiens de la révolution saisissent un pétrolier dans le détroit d'Ormuz", "description": "L'Iran a saisi un pétrolier dans le détroit d'Ormuz, selon Washington.", "published": "2026-01-20T08:10:00Z", "lang": "fr", "relevant": true, "topics": ["hormuz", "irgc"], "story_id": "tanker", "outlet": "Le Monde Arabe", "url": "https://mondearabe.example/2026/01/20/petrolier-ormuz", "same_article": null})",
    R"({"id": "b1", "title": "US and Iran open new round of nuclear talks in Muscat", "description": "Oman is mediating indirect talks between Washington and Tehran on uranium enrichment.", "published": "2026-01-21T09:00:00Z", "lang": "en", "relevant": true, "topics": ["nuclear_talks", "mediation"], "story_id": "talks", "outlet": "Gulf Wire", "url": "https://gulfwire.example/2026/01/21/nuclear-talks-muscat", "same_article": null})",
    R"({"id": "b2", "title": "Iran, US hold indirect nuclear talks in Oman", "description": "Omani mediators carried messages between the US and Iranian delegations in Muscat on enrichment.", "published": "2026-01-21T10:00:00Z", "lang": "en", "relevant": true, "topics": ["nuclear_talks", "mediation"], "story_id": "talks", "outlet": "Capital Post", "url": "https://capitalpost.example/world/iran-us-nuclear-talks-oman", "same_article": null})",
    R"({"id": "b3", "title": "Nouvelle session de pourparlers nucléaires entre l'Iran et les États-Unis à Mascate", "description": "Oman sert de médiateur entre Washington et Téhéran sur l'enrichissement de l'uranium.", "published": "2026-01-21T11:00:00Z", "lang": "fr", "relevant": true, "topics": ["nuclear_talks", "mediation"], "story_id": "talks", "outlet": "Le Monde Arabe", "url": "https://mondearabe.example/2026/01/21/pourparlers-mascate", "same_article": null})",
    R"({"id": "i1", "title": "Persepolis win the Tehran derby in front of 80,000 fans", "description": "The football club beat Esteghlal 2-1 at Azadi Stadium.", "published": "2026-01-21T18:00:00Z", "lang": "en", "relevant": false, "topics": [], "story_id": "derby", "outlet": "Capital Post", "url": "https://capitalpost.example/sport/tehran-derby", "same_article": null})",
};

std::string labeled_items() {
  std::string lines;
  for (const char* line : kLabeledItems) lines += std::string(line) + "\n";
  return lines;
}

}  // namespace

TEST_CASE("eval scores labeled items through parser, matcher and store") {
  TempDir dir;
  std::string items = dir.write("items.jsonl", labeled_items());
  pid_t pid = spawn_newswatch({"eval", "--items", items, "--json", "--threshold", "0.3",
                               "--predictions", dir.file("predictions.jsonl")},
                              dir.file("out"));
  REQUIRE(exit_status(pid) == 0);
  json score = json::parse(read_file(dir.file("out")));
  CHECK(score["gold"] == "items.jsonl");
  CHECK(score["items"] == 8);
  CHECK(score["relevance"]["recall"] == 1.0);
  CHECK(score["relevance"]["precision"] == 1.0);  // the derby is no topic's
  CHECK(score["relevance"]["tn"] == 1);
  CHECK(score["topics"]["hormuz"]["support"] == 4);
  CHECK(score["story_clustering"]["all_items"]["gold_pairs"] == 9);
  CHECK(score["story_clustering"]["relevant_items"]["correct_pairs"].get<int>() >= 1);
  CHECK(score["same_article"]["collapse_rate"] == 1.0);
  CHECK(score["stored_article_collapse"] == json({{"groups", 1}, {"collapsed", 1}}));
  CHECK(score["cross_language"]["gold_pairs"] == 5);
  CHECK(score["story_threshold"] == 0.3);
  REQUIRE(score["sweep"].size() == 9);  // the grid's eight and --threshold
  CHECK(score["sweep"].back()["threshold"] == 0.3);

  std::istringstream predictions(read_file(dir.file("predictions.jsonl")));
  std::map<std::string, json> by_id;
  for (std::string line; std::getline(predictions, line);) {
    json p = json::parse(line);
    CHECK(p.size() == 4);  // id, relevant, topics, story_id
    by_id[p["id"].get<std::string>()] = p;
  }
  CHECK(by_id.size() == 8);
  CHECK(by_id["a1"]["story_id"] == by_id["a1-copy"]["story_id"]);
  CHECK(by_id["a1"]["story_id"].is_number());
  CHECK(by_id["i1"]["relevant"] == false);
  CHECK(by_id["i1"]["story_id"].is_null());
}

TEST_CASE("eval prints score.py's report, the pairs across languages and the sweep") {
  TempDir dir;
  std::string items = dir.write("items.jsonl", labeled_items());
  pid_t pid = spawn_newswatch({"eval", "--items", items}, dir.file("out"));
  REQUIRE(exit_status(pid) == 0);
  std::string out = read_file(dir.file("out"));
  CHECK_THAT(out, Catch::StartsWith("gold items.jsonl: 8 items; predictions for 8"));
  CHECK_THAT(out, Catch::Contains("(tp 7 fp 0 fn 0 tn 1)"));
  CHECK_THAT(out, Catch::Contains("collapse rate 1.0000 (1/1 groups fully merged)"));
  CHECK_THAT(out,
             Catch::Contains("Stored articles: 1/1 same-article groups stored as one article"));
  CHECK_THAT(out, Catch::Contains("Cross-language same-story pairs (relevant items): "));
  CHECK_THAT(out, Catch::Contains("  0.08   "));
  CHECK_THAT(out, Catch::Contains("(the report above)"));
}

TEST_CASE("eval names the file and line of a bad item and exits 1") {
  TempDir dir;
  std::string lines = labeled_items();
  std::size_t third = lines.find('\n', lines.find('\n') + 1) + 1;
  lines.insert(third,
               "\n{\"id\": \"x\", \"title\": \"t\", \"description\": \"\", \"url\": "
               "\"https://x.example/\", \"published\": \"2026-01-20T06:00:00Z\", "
               "\"story_id\": null}\n");
  std::string items = dir.write("items.jsonl", lines);
  pid_t pid = spawn_newswatch({"eval", "--items", items}, dir.file("out"));
  CHECK(exit_status(pid) == 1);
  CHECK_THAT(read_file(dir.file("out")),
             Catch::Contains(items + ":4: 'relevant' must be true or false"));

  pid = spawn_newswatch({"eval", "--threshold", "0.1"}, dir.file("out"));
  CHECK(exit_status(pid) == 2);  // --items is required
  CHECK_THAT(read_file(dir.file("out")), Catch::Contains("--items FILE is required"));
}

namespace {

// A pack with a rule that finds Hormuz (right), one that tags talks in Muscat as Hormuz
// (wrong twice), one that never fires; an IRGC rule on "tehran" that also fires on the talks
// and on the football derby, and one on "derby" (wrong on the derby, not relevant at all); and
// a topic no label names.
constexpr const char* kRulesPack = R"(threshold = 1.0

[[topic]]
name = "hormuz"

[[topic.rule]]
any = ["hormuz"]

[[topic.rule]]
any = ["gibraltar"]

[[topic.rule]]
any = ["muscat"]

[[topic]]
name = "irgc"

[[topic.rule]]
any = ["tehran"]

[[topic.rule]]
any = ["derby"]

[[topic]]
name = "umbrella"

[[topic.rule]]
any = ["tehran"]
)";

}  // namespace

TEST_CASE("eval --rules counts the labeled items each rule fired on, worst rule first") {
  TempDir dir;
  std::string items = dir.write("items.jsonl", labeled_items());
  std::string pack = dir.write("pack.toml", kRulesPack);
  pid_t pid = spawn_newswatch({"eval", "--items", items, "--topics", pack, "--rules", "--json"},
                              dir.file("out"));
  REQUIRE(exit_status(pid) == 0);
  json rules = json::parse(read_file(dir.file("out")))["rules"];
  REQUIRE(rules.size() >= 2);  // the pack's two topics, then the other scored topics
  const json& hormuz = rules[0];
  CHECK(hormuz["topic"] == "hormuz");
  // a1, a1-copy and a2 say Hormuz; a3 only "Ormuz"; b1 and b2 are wrongly given the topic.
  CHECK(hormuz["support"] == 4);
  CHECK(hormuz["predicted"] == 5);
  CHECK(hormuz["precision"] == 0.6);
  CHECK(hormuz["recall"] == 0.75);
  CHECK(hormuz["missed"] == 1);
  REQUIRE(hormuz["rules"].size() == 3);
  CHECK(hormuz["rules"][0] == json({{"rule", pack + ":12"},
                                    {"fired", 2},
                                    {"true", 0},
                                    {"false", 2},
                                    {"false_alone", 2},
                                    {"not_relevant", 0},
                                    {"precision", 0.0}}));
  CHECK(hormuz["rules"][1] == json({{"rule", pack + ":6"},
                                    {"fired", 3},
                                    {"true", 3},
                                    {"false", 0},
                                    {"false_alone", 0},
                                    {"not_relevant", 0},
                                    {"precision", 1.0}}));
  CHECK(hormuz["rules"][2]["rule"] == pack + ":9");  // fired on nothing: last
  CHECK(hormuz["rules"][2]["fired"] == 0);
  CHECK(hormuz["rules"][2]["precision"].is_null());

  const json& irgc = rules[1];
  CHECK(irgc["topic"] == "irgc");
  CHECK(irgc["predicted"] == 3);
  CHECK(irgc["missed"] == 3);  // a1, a1-copy and a3 name no Tehran
  REQUIRE(irgc["rules"].size() == 2);
  // a2 (labeled irgc), b1 (talks) and the derby, which is not relevant and which the "derby"
  // rule gave the topic too.
  CHECK(irgc["rules"][0]["rule"] == pack + ":18");
  CHECK(irgc["rules"][0]["fired"] == 3);
  CHECK(irgc["rules"][0]["true"] == 1);
  CHECK(irgc["rules"][0]["false"] == 2);
  CHECK(irgc["rules"][0]["false_alone"] == 1);
  CHECK(irgc["rules"][0]["not_relevant"] == 1);
  CHECK(irgc["rules"][1] == json({{"rule", pack + ":21"},
                                  {"fired", 1},
                                  {"true", 0},
                                  {"false", 1},
                                  {"false_alone", 0},
                                  {"not_relevant", 1},
                                  {"precision", 0.0}}));

  // No label names the topic: only what needs no topic labels is counted.
  const json& umbrella = rules[2];
  CHECK(umbrella["topic"] == "umbrella");
  CHECK(umbrella["support"].is_null());
  CHECK(umbrella["missed"].is_null());
  CHECK(umbrella["rules"][0] == json({{"rule", pack + ":27"},
                                      {"fired", 3},
                                      {"true", nullptr},
                                      {"false", nullptr},
                                      {"false_alone", nullptr},
                                      {"not_relevant", 1},
                                      {"precision", nullptr}}));

  for (const json& topic : rules) {
    if (topic["topic"] == "nuclear_talks") {
      CHECK(topic["rules"].empty());  // the pack has no rule for it
      CHECK(topic["missed"] == 3);
    }
  }
}

TEST_CASE("eval --rules prints a table a topic after the report") {
  TempDir dir;
  std::string items = dir.write("items.jsonl", labeled_items());
  std::string pack = dir.write("pack.toml", kRulesPack);
  pid_t pid =
      spawn_newswatch({"eval", "--items", items, "--topics", pack, "--rules"}, dir.file("out"));
  REQUIRE(exit_status(pid) == 0);
  std::string out = read_file(dir.file("out"));
  CHECK_THAT(out, Catch::Contains("  hormuz: support 4  predicted 5  precision 0.6000  recall "
                                  "0.7500  missed 1\n"));
  // rule, fired, true, false, alone, not relevant, precision
  CHECK_THAT(out, Catch::Contains("    " + pack + ":12" +
                                  "      2     0      2      2             0"
                                  "     0.0000\n"));
  CHECK_THAT(out, Catch::Contains("    " + pack + ":9 " +
                                  "      0     0      0      0             0"
                                  "          -\n"));
  CHECK_THAT(out, Catch::Contains("    " + pack + ":27" +
                                  "      3     -      -      -             1"
                                  "          -\n"));
  CHECK_THAT(out, Catch::Contains("  umbrella: support -  predicted -  precision -  recall -  "
                                  "missed -\n"));
  CHECK(out.find("(the report above)") < out.find("\nRules: "));  // after the sweep
  REQUIRE(out.find(pack + ":6 ") != std::string::npos);
  CHECK(out.find(pack + ":12") < out.find(pack + ":6 "));  // the rule that costs precision first

  pid = spawn_newswatch({"eval", "--items", items, "--topics", pack}, dir.file("out"));
  REQUIRE(exit_status(pid) == 0);
  CHECK(read_file(dir.file("out")).find(pack + ":12") == std::string::npos);  // no --rules
}
