// The analyst's briefing (`newswatch report`): what a period's articles say at a glance — its
// figures, a timeline of articles per hour by topic, and the stories ranked by how widely they
// are reported, each with its outlets, languages, articles and the terms that matched. Built
// from what StoreReader reads; rendered as JSON (report.schema.json), Markdown or one
// self-contained HTML page (report_render.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "storage/store_reader.h"

namespace newswatch {

struct ReportOptions {
  std::int64_t since = 0, until = 0;  // the period, [since, until), Unix seconds of first seen
  std::vector<std::string> topics;    // only articles of these topics; empty: all
  int max_stories = 100;              // the stories listed; the figures count them all
};

struct Report {
  struct Figures {
    int stories = 0, articles = 0, outlets = 0, languages = 0;
    int new_stories = 0, grown_stories = 0;
    int feeds = 0, failing_feeds = 0;
  };
  struct FailingFeed {
    std::string url, error;
    int errors_in_a_row = 0;
    bool disabled = false;  // not counted in Figures::failing_feeds
  };
  // One hour of the timeline; by_topic follows Report::topics. An article of several topics
  // counts once, under the first of them in Report::topics, so an hour's counts add up to
  // its articles.
  struct Hour {
    std::int64_t start = 0;
    std::vector<int> by_topic;
    int articles = 0;
  };
  struct Article {
    std::int64_t id = 0;
    std::string title, outlet, language;
    std::optional<std::string> url;
    std::int64_t first_seen = 0;
    std::optional<std::int64_t> published;
    std::vector<std::string> topics;
  };
  struct Term {
    std::string term;
    std::vector<std::string> topics;  // whose rules it matched for
    int articles = 0;                 // of the story's in the period
  };
  struct Count {
    std::string name;
    int articles = 0;
  };
  struct Story {
    std::int64_t id = 0;
    std::string title;
    std::int64_t first_seen = 0, last_seen = 0;  // over all its articles, the period's or not
    bool is_new = false;                         // first seen within the period
    bool grew = false;  // known before the period, and articles came within it
    int articles_before = 0;
    std::vector<std::string> topics;
    std::vector<Count> outlets, languages;  // most articles first
    std::vector<Article> articles;          // the period's, oldest first
    std::vector<Term> terms;                // most articles first
  };

  ReportOptions options;
  std::int64_t generated = 0;
  Figures figures;
  std::vector<FailingFeed> failing_feeds;
  std::vector<std::string> topics;  // of the period's articles, most articles first
  std::vector<Hour> timeline;       // every hour of the period, oldest first
  std::vector<Story> stories;       // ranked: outlets, then languages, then last article
};

// The options of `since` (a duration back from `until`, "90m", "24h", "7d", or a time such as
// "2026-12-07T06:00:00Z"), `until` (a time; empty: now, this second included) and `topics`
// (comma-separated; empty: all). An error says which and why, naming the option as --since.
Result<ReportOptions> report_options(const std::string& since, const std::string& until,
                                     const std::string& topics, std::int64_t now);

// Builds the report of `rows` (read for options.since..until) and `feeds` at time `now`.
Report build_report(const ReportRows& rows, const FeedHealth& feeds, const ReportOptions& options,
                    std::int64_t now);

}  // namespace newswatch
