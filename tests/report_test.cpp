// The briefing's model and its three renderings, from rows written here: ranking, the
// timeline's arithmetic, the topic filter, new and grown stories, and feed text kept inert.
#include "daemon/report.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "daemon/report_render.h"

using namespace newswatch;

namespace {

constexpr std::int64_t kSince = 1796601600;  // 2026-12-07T00:00:00Z
constexpr std::int64_t kUntil = kSince + 24 * 3600;

ReportArticle article(std::int64_t id, std::int64_t story, std::string outlet, std::string language,
                      std::int64_t at, std::string title = "headline") {
  ReportArticle a;
  a.id = id;
  a.story_id = story;
  a.title = std::move(title);
  a.url = "https://" + outlet + "/" + std::to_string(id);
  a.outlet = std::move(outlet);
  a.language = std::move(language);
  a.first_seen = at;
  return a;
}

// Story 1: three outlets, one language. Story 2: two outlets, two languages, known before the
// period. Story 3: three outlets, two languages, but older than story 1's latest article? No:
// story 3 is reported widest and so comes first.
ReportRows rows() {
  ReportRows rows;
  rows.stories = {{1, "Tanker seized in Hormuz", kSince + 100, kSince + 7300, 0},
                  {2, "Talks resume in Muscat", kSince - 86400, kSince + 3700, 4},
                  {3, "Strikes near Isfahan", kSince + 50, kSince + 200, 0}};
  rows.articles = {article(10, 1, "a.example", "en", kSince + 100),
                   article(11, 1, "b.example", "en", kSince + 3650),
                   article(12, 1, "c.example", "en", kSince + 7300),
                   article(20, 2, "a.example", "en", kSince + 3600),
                   article(21, 2, "d.example", "fr", kSince + 3700),
                   article(30, 3, "a.example", "en", kSince + 50),
                   article(31, 3, "b.example", "fa", kSince + 150),
                   article(32, 3, "c.example", "en", kSince + 200)};
  // "irgc" is a topic and a term: one name.
  rows.names = {"hormuz",  "irgc",    "nuclear_talks", "strait of hormuz",
                "strike*", "strikes", "talks"};
  auto match = [&](std::int64_t id, const std::string& topic, const std::string& term) {
    auto name = [&](const std::string& text) {
      return static_cast<int>(std::find(rows.names.begin(), rows.names.end(), text) -
                              rows.names.begin());
    };
    rows.matches.push_back({id, name(topic), name(term)});
  };
  for (std::int64_t id : {10, 11, 12}) {
    match(id, "hormuz", "strait of hormuz");
    match(id, "irgc", "irgc");
  }
  for (std::int64_t id : {20, 21}) match(id, "nuclear_talks", "talks");
  for (std::int64_t id : {30, 31, 32}) match(id, "strikes", "strike*");
  std::sort(rows.matches.begin(), rows.matches.end());
  return rows;
}

Report report_of(const ReportRows& rows, std::vector<std::string> topics = {}) {
  ReportOptions options;
  options.since = kSince;
  options.until = kUntil;
  options.topics = std::move(topics);
  FeedHealth feeds;
  feeds.feeds = 5;
  feeds.failing = 1;
  feeds.failing_feeds.push_back({"https://user:secret@feeds.example/x.xml", "HTTP 500", 3, {}});
  return build_report(rows, feeds, options, kUntil);
}

std::vector<std::int64_t> story_ids(const Report& report) {
  std::vector<std::int64_t> ids;
  for (const auto& story : report.stories) ids.push_back(story.id);
  return ids;
}

}  // namespace

TEST_CASE("report: stories ranked by outlets, then languages, then their latest article") {
  Report report = report_of(rows());
  CHECK(story_ids(report) == std::vector<std::int64_t>{3, 1, 2});
  CHECK(report.figures.stories == 3);
  CHECK(report.figures.articles == 8);
  CHECK(report.figures.outlets == 4);
  CHECK(report.figures.languages == 3);
  CHECK(report.figures.new_stories == 2);
  CHECK(report.figures.grown_stories == 1);
  CHECK(report.stories[2].grew);
  CHECK(report.stories[2].articles_before == 4);
  CHECK(report.stories[0].is_new);
  REQUIRE(report.stories[0].languages.size() == 2);
  CHECK(report.stories[0].languages[0].name == "en");
  CHECK(report.stories[0].languages[0].articles == 2);
  // Three outlets and one language against three outlets and two: the languages decide.
  ReportRows tied = rows();
  tied.articles[6].language = "en";
  CHECK(story_ids(report_of(tied)) == std::vector<std::int64_t>{1, 3, 2});
}

TEST_CASE("report: the timeline has every hour and its bars add up to the articles") {
  Report report = report_of(rows());
  REQUIRE(report.timeline.size() == 24);
  CHECK(report.timeline[0].start == kSince);
  int sum = 0;
  for (const auto& hour : report.timeline) {
    int stacked = 0;
    for (int count : hour.by_topic) stacked += count;
    CHECK(stacked == hour.articles);
    sum += hour.articles;
  }
  CHECK(sum == report.figures.articles);
  CHECK(report.timeline[0].articles == 4);  // 10, 30, 31, 32
  CHECK(report.timeline[1].articles == 3);  // 11, 20, 21
  CHECK(report.timeline[2].articles == 1);  // 12
  // hormuz and irgc carry three articles each; 10, 11 and 12 count once, under the first.
  CHECK(report.topics.front() == "hormuz");
}

TEST_CASE("report: --topics keeps the articles, stories and terms of those topics only") {
  Report report = report_of(rows(), {"irgc"});
  CHECK(story_ids(report) == std::vector<std::int64_t>{1});
  CHECK(report.figures.articles == 3);
  CHECK(report.topics == std::vector<std::string>{"irgc"});
  REQUIRE(report.stories[0].terms.size() == 1);
  CHECK(report.stories[0].terms[0].term == "irgc");
  CHECK(report.stories[0].terms[0].articles == 3);
}

TEST_CASE("report: --stories lists the widest few, the figures still count them all") {
  ReportOptions options;
  options.since = kSince;
  options.until = kUntil;
  options.max_stories = 1;
  Report report = build_report(rows(), FeedHealth{}, options, kUntil);
  CHECK(story_ids(report) == std::vector<std::int64_t>{3});
  CHECK(report.figures.stories == 3);
  CHECK(report_markdown(report).find("2 more stories not listed") != std::string::npos);
}

TEST_CASE("report: hostile feed text is inert in HTML, Markdown and JSON") {
  ReportRows hostile = rows();
  const std::string title =
      "<script>alert(1)</script> \"><img src=x onerror=alert(2)> [x](javascript:alert(3)) "
      "\u202Eevil\u202C *bold* www.evil.example";
  hostile.stories[0].title = title;
  hostile.articles[0].title = title;
  hostile.articles[0].outlet = "<b>outlet</b>";
  hostile.articles[0].url = "javascript:alert(4)";
  hostile.articles[1].url = "https://ok.example/\"><script>alert(5)</script>";
  Report report = report_of(hostile);

  std::string html = report_html(report);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<b>outlet") == std::string::npos);
  CHECK(html.find("href=\"javascript") == std::string::npos);
  CHECK(html.find("\u202E") == std::string::npos);
  CHECK(html.find("\\u202e") != std::string::npos);  // shown, not obeyed
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("https://user:secret") == std::string::npos);
  CHECK(html.find("default-src 'none'") != std::string::npos);

  std::string md = report_markdown(report);
  // Markup characters of feed text are escaped: every '<' and ']' is, but those of the
  // autolinks the report writes itself.
  for (std::size_t at = md.find_first_of("<]"); at != std::string::npos;
       at = md.find_first_of("<]", at + 1)) {
    if (md.compare(at, 9, "<https://") == 0) continue;
    INFO(md.substr(at > 20 ? at - 20 : 0, 40));
    CHECK(md[at - 1] == '\\');
  }
  CHECK(md.find("\u202E") == std::string::npos);
  CHECK(md.find("\\<script\\>") != std::string::npos);
  CHECK(md.find("www\\.evil") != std::string::npos);
  CHECK(md.find("<javascript") == std::string::npos);  // no autolink of a non-web URL

  auto json = nlohmann::json::parse(report_json(report));
  CHECK(json["stories"][1]["title"] == title);  // JSON carries the text as it is
}

TEST_CASE("report: an empty period renders, with every hour at zero") {
  Report report = report_of(ReportRows{});
  CHECK(report.stories.empty());
  CHECK(report.timeline.size() == 24);
  CHECK(report_markdown(report).find("No story in this period.") != std::string::npos);
  CHECK(report_html(report).find("No story in this period.") != std::string::npos);
  auto json = nlohmann::json::parse(report_json(report));
  CHECK(json["figures"]["articles"] == 0);
  CHECK(json["failing_feeds"][0]["url"] == "https://***@feeds.example/x.xml");
}
