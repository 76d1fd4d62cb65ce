#include "storage/story_clusterer.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace newswatch;

namespace {

constexpr UnixSeconds kHour = 3600;
constexpr UnixSeconds kDay = 24 * kHour;
constexpr UnixSeconds kNoon = 1750000000;

using Merges = std::vector<std::pair<std::int64_t, std::int64_t>>;
using Partition = std::set<std::set<std::int64_t>>;

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

// The clusterer fed as the store feeds it: every article, relevant or not, counts towards the
// document frequencies; a relevant one is added as a story of its own, under a new id, and
// the merges recluster() returns are applied to the stories kept here.
class Stream {
 public:
  std::int64_t report(StorySignature s) {
    clusterer.terms().observe(s);
    std::int64_t id = next_id_++;
    clusterer.add(id, id, std::move(s));
    story_[id] = id;
    unclustered_.push_back(id);
    return id;
  }
  void unmatched(const StorySignature& s) { clusterer.terms().observe(s); }

  Merges recluster() {
    Merges merges = clusterer.recluster(unclustered_);
    unclustered_.clear();
    for (const auto& [from, into] : merges) {
      for (auto& [article, story] : story_) {
        if (story == from) story = into;
      }
    }
    return merges;
  }

  std::int64_t story_of(std::int64_t article) const { return story_.at(article); }
  bool together(std::int64_t a, std::int64_t b) const { return story_of(a) == story_of(b); }
  // The stories of `articles`, each as the set of those articles it holds.
  Partition stories_of(const std::vector<std::int64_t>& articles) const {
    std::map<std::int64_t, std::set<std::int64_t>> by_story;
    for (std::int64_t article : articles) by_story[story_of(article)].insert(article);
    Partition partition;
    for (auto& [story, members] : by_story) partition.insert(members);
    return partition;
  }

  StoryClusterer clusterer;

 private:
  std::int64_t next_id_ = 1;
  std::map<std::int64_t, std::int64_t> story_;
  std::vector<std::int64_t> unclustered_;
};

// News of the days around `noon` that the topic pack does not match: counted in the document
// frequencies, never a story.
std::vector<StorySignature> unmatched_news(UnixSeconds noon) {
  const std::pair<const char*, const char*> news[] = {
      {"Heatwave grips southern Europe as temperatures pass 40C",
       "Authorities in Spain and Italy opened cooling centres and warned older people to stay "
       "indoors through the afternoon."},
      {"Central bank holds interest rates steady, signals cut in autumn",
       "Policymakers voted to keep borrowing costs unchanged while inflation eased for a third "
       "month."},
      {"Striker's late header sends Rovers into cup final",
       "A stoppage-time goal settled a tense semi-final in front of a sold-out crowd."},
      {"Wildfire forces evacuation of hillside villages in California",
       "Firefighters battled strong winds as the blaze spread across dry brush overnight."},
      {"Chipmaker shares jump after record quarterly revenue",
       "Demand for data-centre processors lifted sales well above analysts' forecasts."},
      {"Parliament passes housing bill after marathon debate",
       "The law lets councils buy empty homes and caps rent rises for existing tenants."},
      {"Flooding cuts rail links across northern England",
       "Network operators told passengers not to travel as rivers burst their banks."},
      {"Tennis champion withdraws from Wimbledon with knee injury",
       "The top seed said doctors had advised several weeks of rest."},
      {"Electric carmaker recalls vehicles over braking software fault",
       "Owners will receive an over-the-air update, the company said in a filing."},
      {"Scientists map the genome of an ancient wheat variety",
       "The work could help breeders develop crops that tolerate drought."},
      {"City marathon draws record field of runners",
       "Organisers closed roads across the centre from dawn until mid-afternoon."},
      {"Airline strike grounds hundreds of flights at peak season",
       "Cabin crew walked out over pay after talks with management collapsed."},
      {"Museum returns looted bronze statues to Nigeria",
       "The handover ceremony ended a campaign that lasted more than a decade."},
      {"Coffee prices climb as frost damages Brazilian harvest",
       "Traders expect shortages to push retail prices higher before the winter."},
      {"Government unveils plan to expand offshore wind farms",
       "Ministers promised faster permits and new grid connections along the coast."},
      {"Prime minister reshuffles cabinet after election setback",
       "Three senior ministers lost their posts in the most sweeping changes in years."},
      {"Hospital waiting lists fall for the first time in a decade",
       "Health officials credited extra weekend clinics and new diagnostic centres."},
      {"Space agency delays launch of lunar lander",
       "Engineers found a leak in a fuel line during final checks on the pad."},
      {"Protesters march against pension reform in the capital",
       "Unions called a nationwide strike for next month if the bill goes ahead."},
      {"Tech giant fined over data protection breaches",
       "Regulators said the company kept users' location data without consent."},
      {"Incendie de forêt : des centaines d'habitants évacués dans le Var",
       "Les pompiers luttent contre les flammes attisées par le mistral depuis la nuit."},
      {"La Bourse de Paris termine en hausse portée par le luxe",
       "Le CAC 40 a gagné près d'un pour cent après des résultats meilleurs que prévu."},
      {"موجة حر شديدة تضرب مصر وتحذيرات من انقطاع الكهرباء",
       "دعت السلطات المواطنين إلى ترشيد الاستهلاك خلال ساعات الذروة."},
      {"ارتفاع أسعار الذهب إلى مستوى قياسي جديد",
       "أقبل المستثمرون على المعدن النفيس وسط مخاوف من تباطؤ الاقتصاد العالمي."},
  };
  std::vector<StorySignature> out;
  UnixSeconds at = noon - kDay;
  for (const auto& [title, summary] : news) {
    out.push_back(signature(title, summary, at, {}));
    at += 2 * kHour;
  }
  return out;
}

// Earlier news of the region, from the weeks before: out of the clusterer's memory, but
// counted in the document frequencies the store keeps for good. In a stream about Iran,
// "Iran", the United States and the Guards are everyday terms.
std::vector<StorySignature> earlier_regional_news(UnixSeconds noon) {
  struct Earlier {
    const char* title;
    const char* summary;
    std::vector<std::string> concepts;
  };
  const Earlier news[] = {
      {"Iran's Guards seize foreign tanker accused of smuggling fuel in the Gulf",
       "The vessel was escorted to port and its crew questioned, the Guards said in a statement.",
       {"irgc", "seizure", "vessels", "iran"}},
      {"US Navy says Iranian fast boats harassed destroyer in Strait of Hormuz",
       "The boats approached at high speed before turning away after warning flares were fired.",
       {"usa", "irgc", "hormuz", "vessels", "iran"}},
      {"Washington imposes new sanctions on Iran's oil shipping network",
       "The measures target tankers and front companies that move Iranian crude to Asia.",
       {"usa", "sanctions", "oil", "iran", "vessels"}},
      {"Iran's foreign minister says talks with Washington must stay indirect",
       "He said messages would continue to pass through intermediaries until sanctions eased.",
       {"iran", "usa", "talks"}},
      {"Omani foreign minister shuttles between Iranian and American envoys",
       "Oman has hosted several rounds of indirect contacts between the two governments.",
       {"oman", "iran", "usa", "talks"}},
      {"IAEA report says Iran expanded its stock of enriched uranium",
       "The confidential report seen by diplomats said inspectors still lack access to some "
       "sites.",
       {"iaea", "nuclear_program", "iran"}},
      {"Revolutionary Guards commander warns of crushing response to any attack",
       "He told a rally in Tehran that American bases in the region were within range.",
       {"irgc", "iran", "usa"}},
      {"Oil prices rise on fears of supply disruption in the Gulf",
       "Brent crude gained as traders weighed the risk to tankers leaving the region.",
       {"oil", "hormuz", "iran"}},
      {"UAE renews claim to Abu Musa and the Tunbs at Arab League meeting",
       "Tehran rejected the statement and summoned the Emirati charge d'affaires.",
       {"abu_musa", "iran"}},
      {"Iranian president says the country will not give up enrichment",
       "He said the nuclear programme was peaceful and a matter of national pride.",
       {"iran", "nuclear_program"}},
      {"US envoy says the door to diplomacy with Iran remains open",
       "The envoy told reporters in Washington that sanctions would stay until a deal.",
       {"usa", "iran", "talks", "sanctions"}},
      {"Guards unveil new anti-ship missile on state television",
       "The Revolutionary Guards said the missile could strike vessels hundreds of kilometres "
       "away.",
       {"irgc", "iran", "vessels"}},
      {"Shipping insurers raise war-risk premiums for Gulf voyages",
       "Underwriters cited recent incidents involving tankers near the Strait of Hormuz.",
       {"vessels", "hormuz"}},
      {"Iraqi militia claims drone attack on US base in Syria",
       "The Pentagon said the drone was shot down and no personnel were hurt.",
       {"iraq", "usa", "drone"}},
      {"Israel and Iran trade threats after strike in Syria",
       "Iran blamed Israel for the strike and vowed to respond at a time of its choosing.",
       {"israel", "iran"}},
      {"Iranian teachers strike over unpaid wages",
       "Teachers in dozens of cities stayed away from classrooms, rights groups said.",
       {"iran", "protests", "economy"}},
      {"Senators press White House over Iran sanctions waivers",
       "A letter signed by both parties asked the administration to explain recent waivers.",
       {"usa", "sanctions", "iran"}},
      {"Iran and US swap prisoners in deal brokered by Qatar",
       "Five Americans flew out of Tehran as Iranian funds were released to banks in Doha.",
       {"iran", "usa"}},
      {"Revolutionary Guards arrest dual nationals on spying charges",
       "The intelligence arm of the Guards said the suspects had worked for Western agencies.",
       {"irgc", "iran", "judiciary"}},
      {"Tanker traffic through Hormuz returns to normal after exercises",
       "Ship-tracking data showed transits back at their usual levels after the naval drills.",
       {"hormuz", "vessels", "naval_drill"}},
      {"L'Iran et les États-Unis reprennent contact par l'intermédiaire d'Oman",
       "Des messages ont été échangés à Mascate, selon une source diplomatique.",
       {"iran", "usa", "oman", "talks"}},
      {"Les Gardiens de la révolution menacent de fermer le détroit d'Ormuz",
       "Un commandant a averti que les pétroliers pourraient être visés en cas d'attaque.",
       {"irgc", "hormuz", "iran", "vessels"}},
      {"الحرس الثوري يحتجز ناقلة نفط أجنبية في الخليج",
       "قالت وسائل إعلام رسمية إن الناقلة كانت تهرب الوقود.",
       {"irgc", "seizure", "vessels", "iran"}},
      {"واشنطن تفرض عقوبات جديدة على صادرات النفط الإيرانية",
       "تستهدف العقوبات شركات شحن وناقلات تنقل النفط الإيراني إلى آسيا.",
       {"usa", "sanctions", "oil", "iran"}},
      {"وزير الخارجية العماني يلتقي نظيره الإيراني في مسقط",
       "بحث الجانبان العلاقات الثنائية والأوضاع في المنطقة.",
       {"oman", "iran"}},
      {"Iran hangs man convicted over protest killings",
       "Rights groups said the trial was unfair and the confession forced.",
       {"iran", "judiciary", "protests"}},
      {"US carrier group enters Arabian Sea amid tensions with Iran",
       "The Pentagon said the deployment was meant to deter attacks on shipping.",
       {"usa", "iran", "vessels"}},
      {"Iran says its drone programme is defensive after Western criticism",
       "A foreign ministry spokesman rejected reports of drone sales abroad.",
       {"iran", "drone"}},
  };
  std::vector<StorySignature> out;
  UnixSeconds at = noon - 40 * kDay;
  for (const auto& earlier : news) {
    out.push_back(signature(earlier.title, earlier.summary, at, earlier.concepts));
    at += kDay;
  }
  return out;
}

// What the pack matches about other events of the region in the days around `noon`: stories
// of their own, beside the events the tests report.
std::vector<StorySignature> regional_news(UnixSeconds noon) {
  return {
      signature("Iran's rial slides to a record low against the dollar",
                "Currency dealers in Tehran said demand for hard currency surged as hopes of "
                "sanctions relief faded.",
                noon - 20 * kHour, {"iran", "economy"}),
      signature("Saudi and Iranian foreign ministers discuss Yemen truce by phone",
                "The two ministers agreed to keep channels open and to back the United Nations "
                "envoy's efforts, Riyadh said.",
                noon - 6 * kHour, {"iran", "saudi_arabia", "yemen"}),
      // Not on the day of the talks: on it, this report is alike the Arabic report of the talks
      // (they share the concepts of Iran and the United States, doubled across languages)
      // above the default threshold, and the talks story merges into it.
      signature("Treasury sanctions Hong Kong firms over Iranian oil sales",
                "The companies arranged shipments of Iranian crude to refiners in Asia using "
                "falsified documents, the department said.",
                noon + 40 * kHour, {"usa", "sanctions", "iran", "oil"}),
      signature("Houthi drone strikes cargo ship in the Red Sea",
                "The bulk carrier reported a fire in its engine room after being hit west of "
                "Hodeidah; no crew were hurt.",
                noon + 9 * kHour, {"houthis", "red_sea", "vessels"}),
      signature("IAEA chief to visit Tehran to discuss inspections",
                "The agency's director general will meet Iran's atomic energy head over "
                "access to enrichment sites.",
                noon - 30 * kHour, {"iaea", "iran", "nuclear_program"}),
      // Not on the day of the seizure: on it, this report is alike the seizure's reports above
      // the default threshold (the Guards, as words and as a concept), and they merge.
      signature("Revolutionary Guards navy stages drills near the Strait of Hormuz",
                "Speedboats and coastal missile batteries took part in the exercise, the "
                "Guards' news agency said.",
                noon - 2 * kDay, {"irgc", "hormuz", "naval_drill", "iran"}),
      signature("Iranian court jails journalist for reporting on protests",
                "The reporter was sentenced to three years for spreading propaganda, her lawyer "
                "said.",
                noon + 20 * kHour, {"iran", "judiciary"}),
      signature("Sultan of Oman receives Iran's president in Muscat",
                "The leaders discussed trade, shipping and regional security at the Al Alam "
                "palace.",
                noon - 3 * kDay, {"oman", "iran"}),
      signature("Guards intercept fuel smuggling boat off Qeshm",
                "Eleven crew members were detained and the cargo handed to the judiciary, a "
                "provincial official said.",
                noon - 4 * kDay, {"irgc", "seizure", "iran"}),
  };
}

// The stream around a test's events, so that the idf of a word and of a concept means
// something: other news and earlier news of the region counted, the region's other events of
// these days added as stories.
std::vector<std::int64_t> add_background(Stream& stream, UnixSeconds noon = kNoon) {
  for (const auto& s : unmatched_news(noon)) stream.unmatched(s);
  for (const auto& s : earlier_regional_news(noon)) stream.unmatched(s);
  std::vector<std::int64_t> ids;
  for (auto& s : regional_news(noon)) ids.push_back(stream.report(std::move(s)));
  return ids;
}

// One event: Iran's Revolutionary Guards seize the (invented) tanker Talara near Abu Musa.
const std::vector<std::string> kSeizure = {"irgc", "seizure", "abu_musa", "iran"};

StorySignature seizure_first_report(UnixSeconds at) {
  return signature(
      "Revolutionary Guards seize tanker Talara off Abu Musa - Gulf Courier",
      "Iran's Revolutionary Guards boarded the Comoros-flagged tanker Talara near Abu Musa "
      "island early on Tuesday, accusing its crew of smuggling diesel, state television reported.",
      at, kSeizure, "Gulf Courier");
}

StorySignature seizure_follow_up(UnixSeconds at) {
  return signature(
      "Talara crew held in Bandar Abbas after tanker boarded near Abu Musa | Levant Post",
      "The crew of the tanker Talara remain held in Bandar Abbas after Guards boarded the "
      "vessel near the disputed island of Abu Musa, the ship's Dubai-based manager said.",
      at, kSeizure, "levantpost.example");
}

StorySignature seizure_in_french(UnixSeconds at) {
  return signature(
      "Les Gardiens de la révolution saisissent le pétrolier Talara près d'Abou Moussa",
      "Les Gardiens de la révolution iraniens ont arraisonné mardi le pétrolier Talara, battant "
      "pavillon des Comores, près de l'île d'Abou Moussa, selon la télévision d'État.",
      at, kSeizure, "Le Courrier du Golfe");
}

StorySignature seizure_wire_copy(UnixSeconds at) {
  return signature(
      "Iran says it seized tanker Talara carrying smuggled diesel near Abu Musa",
      "Iranian state media said the Guards seized the Talara with two million litres of "
      "smuggled diesel aboard and towed it to Bandar Abbas.",
      at, kSeizure, "Wire");
}

// Another event of the same days: Iranian and American envoys resume talks in Muscat.
const std::vector<std::string> kTalks = {"nuclear_program", "talks", "oman", "usa", "iran"};

StorySignature talks_first_report(UnixSeconds at) {
  return signature(
      "Iranian and American envoys resume nuclear talks in Muscat",
      "Negotiators from Tehran and Washington met through Omani mediators in Muscat, their first "
      "session since the talks stalled over uranium enrichment in the spring.",
      at, kTalks, "Gulf Courier");
}

StorySignature talks_in_arabic(UnixSeconds at) {
  return signature(
      "استئناف المحادثات النووية بين إيران والولايات المتحدة في مسقط",
      "التقى مفاوضون إيرانيون وأمريكيون في مسقط بوساطة عمانية في أول جولة منذ توقف المحادثات "
      "بسبب تخصيب اليورانيوم.",
      at, kTalks, "Levant Post");
}

StorySignature talks_follow_up(UnixSeconds at) {
  return signature(
      "Muscat talks end with pledge to meet again on enrichment",
      "Iranian and American negotiators agreed to meet again in Muscat after talks on uranium "
      "enrichment, Oman's foreign minister said.",
      at, kTalks, "Wire");
}

StorySignature talks_analysis(UnixSeconds at) {
  return signature("Why the Muscat nuclear talks hinge on enrichment",
                   "Tehran insists on enriching uranium at home while Washington's envoys want the "
                   "programme capped, diplomats following the talks in Muscat said.",
                   at, kTalks, "Tehran Monitor");
}

}  // namespace

TEST_CASE("two outlets' rewrites of one event 30 hours apart are one story, 80 hours apart two") {
  Stream near;
  add_background(near);
  std::int64_t first = near.report(seizure_first_report(kNoon));
  std::int64_t later = near.report(seizure_follow_up(kNoon + 30 * kHour));
  near.recluster();
  CHECK(near.together(first, later));

  // Beyond the 72 h reach the same texts are not compared at all.
  Stream far;
  add_background(far);
  first = far.report(seizure_first_report(kNoon));
  later = far.report(seizure_follow_up(kNoon + 80 * kHour));
  CHECK(far.clusterer.story_likeness(first, later) == 0);
  far.recluster();
  CHECK_FALSE(far.together(first, later));
}

TEST_CASE("reports in two languages share concepts and join, two events of one day do not") {
  auto french = seizure_in_french(kNoon + 3 * kHour);
  auto arabic = talks_in_arabic(kNoon + 5 * kHour);
  REQUIRE(french.language == "fr");
  REQUIRE(arabic.language == "ar");

  Stream stream;
  add_background(stream);
  std::int64_t seizure_en = stream.report(seizure_first_report(kNoon));
  std::int64_t talks_en = stream.report(talks_first_report(kNoon + kHour));
  std::int64_t seizure_fr = stream.report(std::move(french));
  std::int64_t talks_ar = stream.report(std::move(arabic));
  stream.recluster();
  CHECK(stream.stories_of({seizure_en, talks_en, seizure_fr, talks_ar}) ==
        Partition{{seizure_en, seizure_fr}, {talks_en, talks_ar}});
}

TEST_CASE("headlines with different numbers are different events, years are not numbers") {
  CHECK(signature("Insurers say 63 vessels diverted from Hormuz in 2025", "", kNoon, {}).numbers ==
        std::vector<std::string>{"63"});
  // Arabic-Indic digits are the same numbers.
  CHECK(signature("تحويل مسار ٦٣ سفينة بعيدا عن مضيق هرمز", "", kNoon, {}).numbers ==
        std::vector<std::string>{"63"});

  const std::string lede =
      "Marine insurers said ships were rerouted around the strait after a drone was sighted "
      "near the shipping lanes, raising war-risk premiums.";
  const std::vector<std::string> concepts = {"hormuz", "vessels", "drone"};
  Stream stream;
  add_background(stream);
  std::int64_t sixty_three = stream.report(signature(
      "Hormuz: 63 vessels diverted after drone sighting", lede, kNoon, concepts, "Gulf Courier"));
  std::int64_t seventy_three =
      stream.report(signature("Hormuz: 73 vessels diverted after drone sighting", lede,
                              kNoon + kHour, concepts, "Levant Post"));
  std::int64_t sixty_three_again =
      stream.report(signature("Hormuz: 63 vessels diverted after drone sighting", lede,
                              kNoon + 2 * kHour, concepts, "Tehran Monitor"));
  // Had years counted, 2018 and 2019 would part these two.
  std::int64_t since_2018 =
      stream.report(signature("Iran's oil exports hit highest level since 2018, trackers say",
                              "Tanker tracking firms said Iranian crude shipments to Asian "
                              "refiners rose sharply last month despite sanctions.",
                              kNoon, {"iran", "oil", "sanctions"}, "Gulf Courier"));
  std::int64_t since_2019 =
      stream.report(signature("Iranian crude exports reach highest since 2019, trackers say",
                              "Shipments of Iranian crude to Asian refiners rose sharply last "
                              "month despite sanctions, according to tanker tracking firms.",
                              kNoon + 3 * kHour, {"iran", "oil", "sanctions"}, "Levant Post"));
  CHECK(stream.clusterer.story_likeness(sixty_three, seventy_three) == 0);
  CHECK(stream.clusterer.story_likeness(seventy_three, sixty_three_again) == 0);
  stream.recluster();
  CHECK(stream.stories_of({sixty_three, seventy_three, sixty_three_again}) ==
        Partition{{sixty_three, sixty_three_again}, {seventy_three}});
  CHECK(stream.together(since_2018, since_2019));
}

TEST_CASE("one article sharing a word with each of two stories does not chain them") {
  Stream stream;
  add_background(stream);
  std::vector<std::int64_t> seizure = {
      stream.report(seizure_first_report(kNoon)),
      stream.report(seizure_wire_copy(kNoon + 2 * kHour)),
      stream.report(seizure_follow_up(kNoon + 6 * kHour)),
      stream.report(seizure_in_french(kNoon + 3 * kHour)),
  };
  std::vector<std::int64_t> talks = {
      stream.report(talks_first_report(kNoon + kHour)),
      stream.report(talks_in_arabic(kNoon + 4 * kHour)),
      stream.report(talks_follow_up(kNoon + 8 * kHour)),
      stream.report(talks_analysis(kNoon + 10 * kHour)),
  };
  std::int64_t bridge = stream.report(
      signature("In focus: Talara and Muscat", "", kNoon + 5 * kHour, {}, "Tehran Monitor"));
  // The bridge is alike some report of each event above the threshold: single link would
  // chain the two events through it.
  auto most_alike = [&](const std::vector<std::int64_t>& reports) {
    double most = 0;
    for (std::int64_t report : reports)
      most = std::max(most, stream.clusterer.story_likeness(bridge, report));
    return most;
  };
  REQUIRE(most_alike(seizure) > StoryClusterer::kDefaultThreshold);
  REQUIRE(most_alike(talks) > StoryClusterer::kDefaultThreshold);

  stream.recluster();
  std::vector<std::int64_t> both = seizure;
  both.insert(both.end(), talks.begin(), talks.end());
  auto stories = stream.stories_of(both);
  CHECK(stories == Partition{{seizure.begin(), seizure.end()}, {talks.begin(), talks.end()}});
  CHECK_FALSE(stream.together(seizure[0], talks[0]));
}

TEST_CASE("the stories do not depend on the order the articles arrive in") {
  // Every article of a day, labelled by its position here; a run gives each a new id in the
  // order it arrives, as the store does.
  std::vector<StorySignature> day = regional_news(kNoon);
  for (auto s : {seizure_first_report(kNoon), seizure_wire_copy(kNoon + 2 * kHour),
                 seizure_follow_up(kNoon + 30 * kHour), seizure_in_french(kNoon + 3 * kHour),
                 talks_first_report(kNoon + kHour), talks_in_arabic(kNoon + 4 * kHour),
                 talks_follow_up(kNoon + 8 * kHour), talks_analysis(kNoon + 10 * kHour),
                 signature("In focus: Talara and Muscat", "", kNoon + 5 * kHour, {})})
    day.push_back(s);

  auto stories_in_order = [&](const std::vector<std::size_t>& order) {
    Stream stream;
    for (const auto& s : unmatched_news(kNoon)) stream.unmatched(s);
    for (const auto& s : earlier_regional_news(kNoon)) stream.unmatched(s);
    std::map<std::int64_t, std::size_t> label;
    for (std::size_t i : order) label[stream.report(day[i])] = i;
    stream.recluster();
    std::vector<std::int64_t> ids;
    for (const auto& [id, i] : label) ids.push_back(id);
    std::set<std::set<std::size_t>> labelled;
    for (const auto& story : stream.stories_of(ids)) {
      std::set<std::size_t> labels;
      for (std::int64_t id : story) labels.insert(label.at(id));
      labelled.insert(labels);
    }
    return labelled;
  };

  std::vector<std::size_t> forward(day.size());
  for (std::size_t i = 0; i < day.size(); ++i) forward[i] = i;
  std::vector<std::size_t> backward(forward.rbegin(), forward.rend());
  std::vector<std::size_t> interleaved;  // odd positions first, then even
  for (std::size_t i = 1; i < day.size(); i += 2) interleaved.push_back(i);
  for (std::size_t i = 0; i < day.size(); i += 2) interleaved.push_back(i);

  auto expected = stories_in_order(forward);
  // Not trivially so: some articles were merged.
  CHECK(expected.size() < day.size());
  CHECK(stories_in_order(backward) == expected);
  CHECK(stories_in_order(interleaved) == expected);
}

TEST_CASE("recluster returns merges into the older story and has applied them") {
  Stream stream;
  add_background(stream);
  std::int64_t first = stream.report(seizure_first_report(kNoon));
  std::int64_t second = stream.report(seizure_wire_copy(kNoon + 2 * kHour));
  std::int64_t third = stream.report(seizure_follow_up(kNoon + 6 * kHour));
  Merges merges = stream.recluster();
  for (const auto& [from, into] : merges) CHECK(into < from);
  CHECK(std::set(merges.begin(), merges.end()) ==
        std::set<std::pair<std::int64_t, std::int64_t>>{{second, first}, {third, first}});
  // Applied in order, they leave the three in the oldest one's story.
  CHECK(stream.stories_of({first, second, third}) == Partition{{first, second, third}});
  CHECK(stream.story_of(first) == first);

  // The clusterer merged them itself: nothing is left to merge, even looking at them again,
  // and the stories merged away are gone.
  CHECK(stream.clusterer.recluster({}).empty());
  CHECK(stream.clusterer.recluster({first, second, third}).empty());
  std::int64_t fourth = stream.report(seizure_in_french(kNoon + 9 * kHour));
  CHECK(stream.clusterer.story_likeness(second, fourth) == 0);
  CHECK(stream.clusterer.story_likeness(third, fourth) == 0);
  CHECK(stream.clusterer.story_likeness(first, fourth) > StoryClusterer::kDefaultThreshold);
  // A later report joins the story under the id it kept.
  CHECK(stream.recluster() == Merges{{fourth, first}});
}

TEST_CASE("forgotten members are gone: a new report of their event starts a story") {
  // Whether a seizure report published a few hours after two others, but arriving after news
  // of days later, joins their story.
  auto late_report_joins = [](bool forget) {
    Stream stream;
    auto background = add_background(stream);
    std::int64_t first = stream.report(seizure_first_report(kNoon));
    std::int64_t second = stream.report(seizure_wire_copy(kNoon + 2 * kHour));
    stream.recluster();
    REQUIRE(stream.together(first, second));
    stream.report(talks_first_report(kNoon + 2 * kDay));
    std::int64_t days_later = stream.report(talks_follow_up(kNoon + 4 * kDay));
    stream.recluster();
    REQUIRE(stream.clusterer.size() == background.size() + 4);
    if (forget) {
      // Older than the newest by more than two days: all but the newest report and the one
      // exactly two days older go.
      stream.clusterer.forget_older_than(2 * kDay);
      CHECK(stream.clusterer.size() == 2);
      CHECK(stream.clusterer.story_likeness(first, days_later) == 0);
    }
    std::int64_t late = stream.report(seizure_follow_up(kNoon + 5 * kHour));
    if (forget) CHECK(stream.clusterer.size() == 3);
    stream.recluster();
    return stream.together(first, late);
  };
  CHECK(late_report_joins(false));
  CHECK_FALSE(late_report_joins(true));
}

TEST_CASE("a signature survives its JSON, one of the previous format is not read") {
  auto s = signature("Tanker seized near Hormuz, 3 crew held - The Gulf Times",
                     "The crew of 3 was taken ashore at Bandar Abbas.", kNoon,
                     {"hormuz", "seizure"}, "gulftimes.example");
  REQUIRE_FALSE(s.words.empty());
  auto back = StorySignature::from_json(s.to_json());
  REQUIRE(back);
  CHECK(back->time == s.time);
  CHECK(back->language == "en");
  CHECK(back->words == s.words);
  CHECK(back->concepts == s.concepts);
  CHECK(back->numbers == std::vector<std::string>{"3"});

  auto arabic = talks_in_arabic(kNoon);
  auto arabic_back = StorySignature::from_json(arabic.to_json());
  REQUIRE(arabic_back);
  CHECK(arabic_back->language == "ar");
  CHECK(arabic_back->words == arabic.words);

  CHECK_FALSE(StorySignature::from_json(
      R"({"time":1,"language":"en","title":[1],"lede":[],"body":[],"title_terms":[],)"
      R"("title_numbers":[],"concepts":[]})"));
  CHECK_FALSE(StorySignature::from_json(R"({"v":2,"time":1})"));
  CHECK_FALSE(StorySignature::from_json("not json"));
}

TEST_CASE("a signature's JSON is byte for byte what nlohmann::json writes") {
  StorySignature s;
  s.time = -5;
  s.language = "fa";
  s.words = {{7, 2}, {4294967295u, 65535}};
  s.concepts = {0, 3};
  s.numbers = {"14", "2"};
  CHECK(s.to_json() == R"({"concepts":[0,3],"language":"fa","numbers":["14","2"],"time":-5,"v":2,)"
                       R"("words":[[7,2],[4294967295,65535]]})");
  CHECK(StorySignature{}.to_json() ==
        R"({"concepts":[],"language":"","numbers":[],"time":0,"v":2,"words":[]})");
  s.language = "a\"b";  // not one story_signature() gives: escaped as JSON escapes it
  CHECK(StorySignature::from_json(s.to_json())->language == "a\"b");
}

TEST_CASE("the outlet's name after a headline is not a term of it") {
  const std::string headline = "Revolutionary Guards seize tanker Talara off Abu Musa";
  const std::string lede = "The tanker was taken to Bandar Abbas, state television reported.";
  auto bare = signature(headline, lede, kNoon, kSeizure);
  CHECK(signature(headline + " - Gulf Courier", lede, kNoon, kSeizure, "Gulf Courier").words ==
        bare.words);
  CHECK(signature(headline + " | Levant Post", lede, kNoon, kSeizure, "levantpost.example").words ==
        bare.words);
  // A dash that does not name the outlet is the headline's.
  CHECK(signature(headline + " - Crew Detained", lede, kNoon, kSeizure, "Gulf Courier").words !=
        bare.words);

  // Two outlets' identical headlines, each with its suffix, are as alike as without them;
  // with the suffixes taken for words (the outlets unnamed), less.
  auto likeness = [&](bool suffixed, bool outlets_named) {
    Stream stream;
    add_background(stream);
    auto report = [&](const std::string& outlet, UnixSeconds at) {
      return stream.report(signature(suffixed ? headline + " - " + outlet : headline, lede, at,
                                     kSeizure, outlets_named ? outlet : ""));
    };
    std::int64_t a = report("Gulf Courier", kNoon);
    std::int64_t b = report("Levant Post", kNoon + kHour);
    return stream.clusterer.story_likeness(a, b);
  };
  double bare_likeness = likeness(false, true);
  CHECK(likeness(true, true) == Approx(bare_likeness));
  CHECK(likeness(true, false) < bare_likeness);
}
