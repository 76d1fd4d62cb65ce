#include "topics/matcher.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "language/fold.h"

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
  CHECK(
      has(topics_of(titled(
              "تحریم‌های جدید آمریکا علیه صادرات نفت ایران")),
          "sanctions"));
  CHECK(
      has(topics_of(titled("مذاکرات هسته ای ایران و آمریکا", "دور سوم گفت‌وگوها")),
          "nuclear_talks"));
  // "US bases", "bases américaines", "القواعد الأمريكية": US forces next to the US.
  CHECK(has(topics_of(titled("Guards say American bases in the region are within reach")),
            "us_military"));
  CHECK(has(topics_of(titled("الحرس الثوري يتوعد القواعد الأمريكية")), "us_military"));
  // "The strait" and "the Guards", once the story has named them.
  CHECK(has(topics_of(titled("Les pasdaran simulent la fermeture du détroit",
                             "Des vedettes rapides encerclent un pétrolier.")),
            "hormuz"));
  CHECK(has(topics_of(titled("Tanker remains in the Guards' custody off Bandar Abbas")), "hormuz"));
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
  CHECK(
      topics_of(titled("Qatar and Egypt broker Gaza truce as both sides agree to talks")).empty());
  CHECK(topics_of(titled("Isfahan carpet sets auction record amid sanctions row")).empty());
  // The Gulf of Oman is a sea, not a mediator.
  CHECK_FALSE(
      has(topics_of(titled("US destroyer downs Iranian drones in Gulf of Oman")), "mediation"));
}

TEST_CASE("near needs two phrases at most within words apart in one field") {
  Matcher m = matcher_for(R"(
[[topic]]
name = "t"
  [[topic.rule]]
  near = [["carrier*"], ["iran", "tehran"]]
  within = 2
)");
  CHECK(m.match(titled("Carrier sails toward Iran")).relevant);               // 2 words between
  CHECK(m.match(titled("Iran watches the carriers")).relevant);               // either order
  CHECK_FALSE(m.match(titled("Carrier sails slowly toward Iran")).relevant);  // 3 between
  CHECK_FALSE(m.match(titled("Carrier sails", "toward Iran")).relevant);      // two fields
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
  for (const char* title :
       {"Tension in the Strait of Hormuz", "Le DÉTROIT D’ORMUZ fermé", "رزمایش در تنگه هرمز"}) {
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
  CHECK(found ==
        std::vector<std::string>{"title:drones@0", "title:tehran@16", "summary:tehran@13"});
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
  CHECK(
      m.match(titled("Iran warns Washington", "Earlier, a football match was cancelled")).relevant);
}

TEST_CASE("Arabic phrases match after the article and proclitics but not inside words") {
  Matcher m = matcher_for(R"(
[[topic]]
name = "qatar"
  [[topic.rule]]
  any = ["قطر*"]
)");
  CHECK(m.match(titled("وصل رئيس الوزراء القطري")).relevant);  // al- + qatari
  CHECK(m.match(titled("وقطر تستضيف المحادثات")).relevant);    // wa- + qatar
  CHECK(m.match(titled("زيارة للقطريين")).relevant);           // li- + al- (lil-)
  CHECK_FALSE(m.match(titled("مقطرة جديدة")).relevant);        // mim is not a proclitic
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
  CHECK(has(topics_of(titled("Teheran lehnt Verzicht auf Urananreicherung ab")), "nuclear_talks"));
  CHECK(has(topics_of(titled("EE.UU. sanciona a navieras por transportar petróleo iraní")),
            "sanctions"));
  CHECK(has(topics_of(titled("الحرس الثوري يعلن احتجاز ناقلة نفط في الخليج")), "irgc"));
  CHECK(has(
      topics_of(titled("مذاکرات هسته‌ای ایران و آمریکا در مسقط")),
      "nuclear_talks"));
  CHECK(has(topics_of(titled("Guardia Revolucionaria de Irán realiza maniobras navales")), "irgc"));
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

TEST_CASE(
    "near reports the first phrase of the left group that has a partner, then its first partner") {
  Matcher m = matcher_for(R"(
[[topic]]
name = "t"
  [[topic.rule]]
  near = [["carrier*", "fleet"], ["iran", "tehran"]]
  within = 2
)");
  // "fleet tehran" comes first in the text, and "tehran" is the closer partner of the second
  // carrier; but the left group lists "carrier*" first, and the right one "iran".
  MatchSet set =
      m.match(titled("fleet tehran x x x x carrier x x x x iran x x x carrier tehran iran"));
  REQUIRE(set.evidence.size() == 2);
  CHECK(set.evidence[0].term == "carrier*");
  CHECK(set.evidence[0].offset ==
        std::string("fleet tehran x x x x carrier x x x x iran x x x ").size());
  CHECK(set.evidence[1].term == "iran");
  CHECK(set.evidence[1].offset ==
        std::string("fleet tehran x x x x carrier x x x x iran x x x carrier tehran ").size());
}

TEST_CASE("a phrase in both near groups needs two hits of it") {
  Matcher m = matcher_for(R"(
[[topic]]
name = "t"
  [[topic.rule]]
  near = [["iran"], ["iran", "tehran"]]
  within = 0
)");
  CHECK_FALSE(m.match(titled("iran")).relevant);
  CHECK_FALSE(m.match(titled("iran x iran")).relevant);
  CHECK(m.match(titled("x iran iran")).relevant);
}

TEST_CASE("Arabic phrases match after at most wa- or fa-, bi- or ka- and al-") {
  Matcher m = matcher_for(R"(
[[topic]]
name = "qatar"
  [[topic.rule]]
  any = ["قطر*"]
)");
  CHECK(m.match(titled("وبالقطري")).relevant);          // wa- + bi- + al-: the longest
  CHECK_FALSE(m.match(titled("ووبالقطري")).relevant);   // one letter more
  CHECK_FALSE(m.match(titled("مقطرقطرقطر")).relevant);  // inside a word, after other letters
}

namespace {

// Texts that make a matcher's cost grow faster than their length if it can: every word a
// phrase of the shipped pack, Arabic words each behind proclitics, one enormous Arabic word
// in which a phrase ends at every third letter, and the two sides of a near rule thousands
// of times, never close enough.
struct AdversarialText {
  const char* name;
  std::string unit;         // repeated to length
  std::string before = "";  // once, in front
};
const std::vector<AdversarialText> kAdversarialTexts = {
    {"repeated topic words", "Iran Hormuz tanker IRGC navy strike sanctions Tehran Washington "},
    {"repeated Arabic words with proclitics", "والقطري وبالحرس للحرس الثوري وإيران فالناقلة "},
    {"one enormous Arabic word", "قطر", "x "},
    {"near misses", "seized xx xx xx xx tanker xx xx xx xx ", "Iran guards "},
};

FoldedItem folded_content(const AdversarialText& text, std::size_t bytes) {
  std::string raw = text.before;
  while (raw.size() + text.unit.size() <= bytes) raw += text.unit;
  FoldedItem item;
  item.fields[static_cast<std::size_t>(ItemField::kContent)] = fold(raw);
  return item;
}

// The least of three timings: the one other work on the machine disturbed least.
double seconds_to_match(const Matcher& matcher, const FoldedItem& item) {
  double least = 1e9;
  for (int run = 0; run < 3; ++run) {
    auto start = std::chrono::steady_clock::now();
    MatchSet set = matcher.match(item);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    least = std::min(least, took.count());
  }
  return least;
}

// The cap is a second defence: without it, matching must still be linear.
const Matcher& uncapped_builtin_matcher() {
  static const Matcher matcher(TopicPack::builtin(), SIZE_MAX);
  return matcher;
}

}  // namespace

TEST_CASE("matching time grows linearly with the length of a field, whatever it repeats") {
  for (const AdversarialText& text : kAdversarialTexts) {
    INFO(text.name);
    double small = seconds_to_match(uncapped_builtin_matcher(), folded_content(text, 256 << 10));
    double large = seconds_to_match(uncapped_builtin_matcher(), folded_content(text, 1 << 20));
    INFO("256 KiB: " << small << " s, 1 MiB: " << large << " s");
    // Linear is about 4 times as long (some hundredths of a second), quadratic 16 times (and
    // seconds); the slack is for a busy machine.
    CHECK(large < 8 * small + 0.1);
  }
}

TEST_CASE("matching work grows linearly with the length of a field, whatever it repeats") {
  for (const AdversarialText& text : kAdversarialTexts) {
    INFO(text.name);
    MatchStats small, large;
    uncapped_builtin_matcher().match(folded_content(text, 64 << 10), &small);
    uncapped_builtin_matcher().match(folded_content(text, 256 << 10), &large);
    INFO("64 KiB: " << small.hits << " hits, " << small.steps << " steps; 256 KiB: " << large.hits
                    << " hits, " << large.steps << " steps");
    CHECK(large.bytes > 4 * small.bytes - 1024);
    CHECK(large.hits * 2 <= small.hits * 9 + 64);  // 4.5 times, at most
    CHECK(large.steps * 2 <= small.steps * 9 + 64);
  }
}

namespace {

// Folded text of `bytes` bytes that ends with a space: words and spaces fold to themselves.
std::string filler(std::size_t bytes) {
  std::string text;
  while (bytes - text.size() > 10) text += "word ";
  return text + std::string(bytes - text.size() - 1, 'x') + " ";
}

}  // namespace

TEST_CASE("only the whole words within the first 64 KiB of a field are matched") {
  Matcher m = matcher_for(R"(
[[concept]]
id = "capital"
terms = ["tehran"]
[[topic]]
name = "capital"
  [[topic.rule]]
  any = ["@capital"]
)");
  auto content = [](std::string text) {
    Item item;
    item.content = std::move(text);
    return item;
  };
  auto folded = [](std::string text) {
    FoldedItem item;
    item.fields[static_cast<std::size_t>(ItemField::kContent)] = std::move(text);
    return item;
  };
  const std::string at_cap = filler(kMatchedFieldBytes - 6) + "tehran";  // ends at the cap
  const std::string across_cap = filler(kMatchedFieldBytes - 5) + "tehran";
  const std::string after_cap = filler(kMatchedFieldBytes + 100) + "tehran";
  REQUIRE(at_cap.size() == kMatchedFieldBytes);
  CHECK(m.match(content(at_cap)).relevant);
  CHECK(m.match(folded(at_cap)).relevant);
  for (const std::string& text : {across_cap, after_cap}) {
    MatchSet set = m.match(content(text));
    CHECK_FALSE(set.relevant);
    CHECK(set.concepts.empty());
    CHECK_FALSE(m.match(folded(text)).relevant);  // also when the caller folded the text
  }
  // What comes before the cap is matched however long the field.
  MatchSet early = m.match(content("Tehran " + filler(4 << 20) + "tehran"));
  CHECK(early.relevant);
  CHECK(early.concepts.size() == 1);
}

TEST_CASE("the cap never cuts a word: what it would split is left out") {
  auto pack =
      TopicPack::parse("[[topic]]\nname = \"t\"\n[[topic.rule]]\nany = [\"iran\"]\n", "t.toml");
  REQUIRE(pack);
  Matcher m(std::move(*pack), 11);
  Item item;
  item.content = "TEHRAN, IRANIAN";  // "tehran iranian": "tehran iran" would match
  CHECK(FoldedItem::from(item, 11).fields[2] == "tehran");
  CHECK_FALSE(m.match(item).relevant);
  item.content = "TEHRAN, IRAN";
  CHECK(FoldedItem::from(item, 11).fields[2] == "tehran iran");
  CHECK(m.match(item).relevant);
  CHECK(FoldedItem::from(item, 3).fields[2].empty());  // a first word longer than the cap
}

TEST_CASE("long runs of non-ASCII text fold the same in pieces, capped or not") {
  // Words that composition, case folding and mark stripping change, joined by an ideographic
  // space (a word break, but not ASCII): one run of text, folded in pieces of a few KiB that
  // must not end where a character combines with the one before it.
  const std::vector<std::string> words = {
      "\u1100\u1161\u11A8",  // Hangul jamo that compose into one syllable
      "\u3131\u314F",        // compatibility jamo, which fold to jamo that compose
      "\u00E9\u0301\u0316",  // marks out of canonical order
      "\u0B9A\u0BC6\u0BBE",  // Tamil vowel sign in two parts
      "\u0627\u0653\u0644\u0645\u0627\u0621",  // Arabic madda, which composes
      "\uFB01\u00DF\u0130",                    // ligature, sharp s, dotted capital I
      "\u0928\u093F\u0937\u0947\u0927",        // Devanagari
      "\u03AC\u0308\u0391",                    // Greek
      "\uFF28\uFF4F\uFF52",                    // fullwidth letters
      "\u0625\u064A\u0631\u0627\u0646",        // Arabic
  };
  std::mt19937 random(20261206);
  std::string text, expected;
  while (text.size() < 20000) {
    const std::string& word = words[random() % words.size()];
    if (!text.empty()) {
      text += "\u3000";
      expected += " ";
    }
    text += word;
    expected += fold(word);
  }
  for (std::size_t shift = 0; shift < 24; ++shift) {  // so that pieces end in other places
    INFO("shift " << shift);
    std::string lead;  // one word of 2 * shift bytes, or 2 * shift + 3
    for (std::size_t i = 0; i < shift; ++i) lead += "\u0101";
    if (shift % 2) lead += "\u3042";
    std::string shifted = lead;
    shifted.append("\u3000").append(text);
    std::string whole = fold(lead);
    whole.append(whole.empty() ? "" : " ").append(expected);
    CHECK(fold(shifted) == whole);
    for (std::size_t cap : {std::size_t{100}, std::size_t{5000}, std::size_t{15001}})
      CHECK(fold(shifted, cap) == whole_words(whole, cap));
  }
  // A run with a byte that is not UTF-8 is a word break as a whole, however long.
  CHECK(fold("a \u0628\xFF b") == "a b");
  std::string broken = "a ";
  broken.append(text).append("\xFF b");
  CHECK(fold(broken) == "a b");
  CHECK(fold(broken, 100) == "a b");
}

TEST_CASE("a matcher refuses, by std::length_error, a phrase longer than its automaton holds") {
  // TopicPack::parse refuses such phrases first; a pack built in code reaches the matcher.
  auto pack_with = [](std::string folded) {
    TopicPack pack;
    pack.thresholds = {1.0};
    Rule rule;
    rule.any = {Phrase{folded, folded, false, ""}};
    rule.fields = {std::begin(kAllFields), std::end(kAllFields)};
    pack.topics = {Topic{"t", "", {rule}, 0}};
    return pack;
  };
  CHECK_NOTHROW(Matcher(pack_with(std::string(65535, 'a'))));
  CHECK_THROWS_AS(Matcher(pack_with(std::string(65536, 'a'))), std::length_error);
  std::string words = "a";
  for (int i = 0; i < 255; ++i) words += " a";
  CHECK_NOTHROW(Matcher(pack_with(words)));
  CHECK_THROWS_AS(Matcher(pack_with(words + " a")), std::length_error);
}
