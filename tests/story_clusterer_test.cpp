#include "storage/story_clusterer.h"

#include <catch2/catch.hpp>

using namespace newswatch;

namespace {

constexpr UnixSeconds kDay = 24 * 3600;
constexpr UnixSeconds kNoon = 1750000000;

StorySignature signature(std::string title, std::string summary, UnixSeconds time,
                         std::vector<std::string> concepts, std::string outlet = "") {
  Item item;
  item.title = std::move(title);
  item.summary = std::move(summary);
  MatchSet matches;
  matches.relevant = true;
  for (auto& c : concepts) matches.concepts.push_back({std::move(c), ItemField::kTitle, 0});
  return story_signature(item, matches, time, {std::move(outlet)});
}

// Filler stories that make a memory look like real news: each about its own thing.
void add_background(StoryClusterer& c, std::int64_t& next_id) {
  const char* places[] = {"Lyon", "Osaka", "Porto", "Tallinn", "Leeds", "Denver"};
  for (int i = 0; i < 6; ++i) {
    std::int64_t id = next_id++;
    c.add(id, id,
          signature(std::string("Council in ") + places[i] + " approves a budget for buses",
                    "Officials said the plan would cost millions.", kNoon - 3 * kDay + i * 3600,
                    {"city_" + std::to_string(i)}));
  }
}

}  // namespace

TEST_CASE("near-duplicates join a story at once: edited headline, same lede") {
  StoryClusterer c;
  const std::string lede =
      "Iran's Revolutionary Guards said on Tuesday they had seized a foreign tanker carrying "
      "smuggled fuel near Bandar Abbas, the third seizure this month.";
  c.add(1, 10, signature("Iran seizes tanker carrying smuggled fuel near Bandar Abbas", lede, kNoon, {}));
  auto copy = c.assign(signature("UPDATE 2-Iran seizes tanker carrying smuggled fuel near Bandar "
                                 "Abbas - Gulf Courier",
                                 lede + " [...]", kNoon + 3600, {}, "Gulf Courier"));
  REQUIRE(copy.story);
  CHECK(*copy.story == 10);
  // The same text two days later is a copy still; a week later it is not looked at.
  CHECK(c.assign(signature("Iran seizes tanker carrying smuggled fuel near Bandar Abbas", lede,
                           kNoon + kDay, {}))
            .story);
  CHECK_FALSE(c.assign(signature("Iran seizes tanker carrying smuggled fuel near Bandar Abbas",
                                 lede, kNoon + 7 * kDay, {}))
                  .story);
}

TEST_CASE("one headline over another text, or with other numbers, is another story") {
  StoryClusterer c;
  c.add(1, 10,
        signature("Live updates: Middle East",
                  "Diplomats said the IAEA findings would weigh on the nuclear talks between "
                  "Tehran and Washington, which resume next week in Muscat.",
                  kNoon, {}));
  CHECK_FALSE(c.assign(signature("Live updates: Middle East",
                                 "Shipping data showed fewer tankers transiting the Strait of "
                                 "Hormuz on Monday as insurers raised their premiums again.",
                                 kNoon + 3600, {}))
                  .story);
  c.add(2, 20, signature("HORMUZ: 71 vessels rerouted after drone sighting", "", kNoon, {}));
  CHECK_FALSE(c.assign(signature("HORMUZ: 94 vessels rerouted after drone sighting", "",
                                 kNoon + 3600, {}))
                  .story);
  CHECK(c.assign(signature("Hormuz: 71 vessels rerouted after drone sighting", "", kNoon + 3600, {}))
            .story);
}

TEST_CASE("reports in two languages are tied by the evidence they share, whatever the order") {
  auto english = signature("Revolutionary Guards seize Panama-flagged tanker off Larak Island",
                           "The vessel was taken to Bandar Abbas, state media said.", kNoon,
                           {"irgc", "seizure", "vessels", "larak", "iran"});
  auto persian = signature("توقیف نفتکش با پرچم پاناما در نزدیکی جزیره لارک به دست سپاه",
                           "نفتکش به بندرعباس منتقل شد.", kNoon + 2 * 3600,
                           {"irgc", "seizure", "vessels", "larak", "iran"});
  CHECK(english.language == "en");
  CHECK(persian.language == "fa");
  for (bool english_first : {true, false}) {
    StoryClusterer c;
    std::int64_t next = 100;
    add_background(c, next);
    if (english_first) {
      c.add(1, 1, english);
      c.add(2, 2, persian);
    } else {
      c.add(2, 2, persian);
      c.add(1, 1, english);
    }
    auto merges = c.recluster({1, 2});
    REQUIRE(merges.size() == 1);
    CHECK(merges[0] == std::pair<std::int64_t, std::int64_t>{2, 1});  // the older story stays
  }
}

TEST_CASE("evidence that recurs on other days is the topic's, not the story's") {
  StoryClusterer c;
  std::int64_t next = 100;
  add_background(c, next);
  auto shared = std::vector<std::string>{"irgc", "seizure", "vessels", "iran"};
  // Three days before, another seizure with the same concepts.
  c.add(50, 50, signature("Guards seize a tanker in the Gulf", "A tanker was boarded.",
                          kNoon - 3 * kDay, shared));
  c.add(1, 1, signature("Revolutionary Guards seize a Panama-flagged tanker", "Boarded at dawn.",
                        kNoon, shared));
  c.add(2, 2, signature("Les Gardiens de la révolution arraisonnent un pétrolier", "À l'aube.",
                        kNoon + 3600, shared));
  CHECK(c.recluster({1, 2}).empty());
}

TEST_CASE("a third story around them carrying the same evidence makes it ambiguous") {
  StoryClusterer c;
  std::int64_t next = 100;
  add_background(c, next);
  auto shared = std::vector<std::string>{"irgc", "seizure", "larak", "vessels"};
  c.add(1, 1, signature("Guards seize tanker off Larak", "Boarded at dawn.", kNoon, shared));
  c.add(2, 2, signature("Los Guardianes apresan un petrolero frente a Larak", "Al amanecer.",
                        kNoon + 3600, shared));
  c.add(3, 3, signature("Drohnenbilder zeigen Schnellboote bei einem zweiten Tanker vor Larak",
                        "Ein weiteres Schiff wurde bedrängt.", kNoon + 2 * 3600, shared));
  // In three languages, each pair's evidence is carried by the third story too.
  CHECK(c.recluster({1, 2, 3}).empty());
}

TEST_CASE("in one language the headlines must share a word, and the evidence be a burst") {
  StoryClusterer c;
  std::int64_t next = 100;
  add_background(c, next);
  auto concepts = std::vector<std::string>{"naval_forces", "trump", "talks"};
  c.add(1, 1, signature("Trump says an armada is heading to the region", "He urged a deal.",
                        kNoon, concepts));
  c.add(2, 2, signature("Trump: big armada moving toward Tehran, hopefully unused",
                        "Speaking aboard Air Force One.", kNoon + 5 * 3600, concepts));
  c.add(3, 3, signature("Markets shrug off the news", "Stocks rose.", kNoon + 3600, concepts));
  auto merges = c.recluster({1, 2, 3});
  REQUIRE(merges.size() == 1);
  CHECK(merges[0] == std::pair<std::int64_t, std::int64_t>{2, 1});
}

TEST_CASE("concepts common in news that is not the story do not tie stories") {
  auto english = signature("New talks start again in the region", "Talks resumed.", kNoon,
                           {"renewal", "talks", "region_word"});
  auto french = signature("Les discussions reprennent de nouveau", "Nouvelle séance.",
                          kNoon + 3600, {"renewal", "talks", "region_word"});
  StoryClusterer without_background;
  std::int64_t next = 100;
  add_background(without_background, next);
  without_background.add(1, 1, english);
  without_background.add(2, 2, french);
  CHECK(without_background.recluster({1, 2}).size() == 1);

  StoryClusterer with_background;
  next = 100;
  add_background(with_background, next);
  for (int i = 0; i < 200; ++i)
    with_background.observe_unmatched(i % 2 ? std::vector<std::string>{"renewal"}
                                            : std::vector<std::string>{"talks"});
  with_background.add(1, 1, english);
  with_background.add(2, 2, french);
  CHECK(with_background.recluster({1, 2}).empty());
}

TEST_CASE("a signature survives its JSON and drops the outlet's name from the headline") {
  auto s = signature("Tanker seized near Hormuz, 3 crew held - The Gulf Times",
                     "The crew of 3 was taken ashore.", kNoon, {"hormuz_strait", "seizure"},
                     "gulftimes.example");
  CHECK(s.title_terms ==
        std::vector<std::string>{"crew", "held", "hormuz", "near", "seized", "tanker"});
  CHECK(s.title_numbers == std::vector<std::string>{"3"});
  auto back = StorySignature::from_json(s.to_json());
  REQUIRE(back);
  CHECK(back->to_json() == s.to_json());
  CHECK_FALSE(StorySignature::from_json("{\"time\": 1}"));
  CHECK_FALSE(StorySignature::from_json("not json"));
}
