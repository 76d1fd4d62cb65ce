#include "daemon/report.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <set>
#include <unordered_map>

#include "feeds/dates.h"
#include "feeds/shown_text.h"

namespace newswatch {
namespace {

constexpr std::int64_t kHour = 3600;

// Names by how many articles carry them, most first, then by name.
std::vector<Report::Count> ranked(const std::map<std::string, int>& counts) {
  std::vector<Report::Count> ranked;
  for (const auto& [name, articles] : counts) ranked.push_back({name, articles});
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.articles > b.articles; });
  return ranked;
}

// Each article's topics and terms, the options' topics only when some are named; the terms are
// the rows' own, not copies (a month of news has hundreds of thousands).
struct ArticleMatches {
  std::vector<std::string> topics;
  std::vector<const ReportMatch*> terms;
};

std::unordered_map<std::int64_t, ArticleMatches> matches_by_article(const ReportRows& rows,
                                                                    const ReportOptions& options) {
  std::set<std::string> wanted(options.topics.begin(), options.topics.end());
  std::unordered_map<std::int64_t, ArticleMatches> by_article;
  for (const ReportMatch& match : rows.matches) {
    if (!wanted.empty() && !wanted.contains(match.topic)) continue;
    ArticleMatches& article = by_article[match.article_id];
    if (article.topics.empty() || article.topics.back() != match.topic)
      article.topics.push_back(match.topic);  // rows come sorted by article, topic, term
    article.terms.push_back(&match);
  }
  return by_article;
}

Report::Story story_of(const ReportStory& row, std::int64_t since) {
  Report::Story story;
  story.id = row.id;
  story.title = row.title;
  story.first_seen = row.first_seen;
  story.last_seen = row.last_seen;
  story.articles_before = row.articles_before;
  story.is_new = row.articles_before == 0 && row.first_seen >= since;
  story.grew = !story.is_new;
  return story;
}

// The story's outlets, languages, topics and terms, from its articles.
void tally(Report::Story& story, const std::unordered_map<std::int64_t, ArticleMatches>& matches) {
  std::map<std::string, int> outlets, languages, topics;
  struct TermTally {
    int articles = 0;
    std::int64_t last_article = -1;
    std::set<std::string_view> topics;
  };
  std::map<std::string_view, TermTally> terms;
  for (const Report::Article& article : story.articles) {
    ++outlets[article.outlet];
    if (!article.language.empty()) ++languages[article.language];
    for (const auto& topic : article.topics) ++topics[topic];
    for (const ReportMatch* match : matches.at(article.id).terms) {
      TermTally& term = terms[match->term];
      term.articles += term.last_article != article.id;  // a term of two topics counts once
      term.last_article = article.id;
      term.topics.insert(match->topic);
    }
  }
  story.outlets = ranked(outlets);
  story.languages = ranked(languages);
  for (const auto& topic : ranked(topics)) story.topics.push_back(topic.name);
  for (const auto& [term, tally] : terms)
    story.terms.push_back(
        {std::string(term), {tally.topics.begin(), tally.topics.end()}, tally.articles});
  std::stable_sort(story.terms.begin(), story.terms.end(),
                   [](const auto& a, const auto& b) { return a.articles > b.articles; });
}

// Wider first: more outlets, then more languages, then the latest article, then the newer id.
bool reported_wider(const Report::Story& a, const Report::Story& b) {
  if (a.outlets.size() != b.outlets.size()) return a.outlets.size() > b.outlets.size();
  if (a.languages.size() != b.languages.size()) return a.languages.size() > b.languages.size();
  std::int64_t a_last = a.articles.back().first_seen, b_last = b.articles.back().first_seen;
  if (a_last != b_last) return a_last > b_last;
  return a.id > b.id;
}

void fill_timeline(Report& report) {
  std::int64_t first = report.options.since / kHour * kHour;
  for (std::int64_t start = first; start < report.options.until; start += kHour)
    report.timeline.push_back({start, std::vector<int>(report.topics.size(), 0), 0});
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < report.topics.size(); ++i) index[report.topics[i]] = i;
  for (const Report::Story& story : report.stories) {
    for (const Report::Article& article : story.articles) {
      std::size_t first_topic = report.topics.size();
      for (const auto& topic : article.topics) first_topic = std::min(first_topic, index[topic]);
      Report::Hour& hour = report.timeline[(article.first_seen - first) / kHour];
      ++hour.by_topic[first_topic];
      ++hour.articles;
    }
  }
}

void count_figures(Report& report, const FeedHealth& feeds) {
  std::set<std::string> outlets, languages;
  for (const Report::Story& story : report.stories) {
    report.figures.articles += static_cast<int>(story.articles.size());
    report.figures.new_stories += story.is_new;
    report.figures.grown_stories += story.grew;
    for (const auto& outlet : story.outlets) outlets.insert(outlet.name);
    for (const auto& language : story.languages) languages.insert(language.name);
  }
  report.figures.stories = static_cast<int>(report.stories.size());
  report.figures.outlets = static_cast<int>(outlets.size());
  report.figures.languages = static_cast<int>(languages.size());
  report.figures.feeds = feeds.feeds;
  report.figures.failing_feeds = feeds.failing;
  for (const auto& feed : feeds.failing_feeds)
    report.failing_feeds.push_back({without_credentials(feed.url.value_or("")),
                                    without_credentials(feed.last_error.value_or("")),
                                    feed.error_count, feed.disabled});
}

// "90m", "24h", "7d" as seconds; nullopt for anything else.
std::optional<std::int64_t> duration(std::string_view text) {
  if (text.size() < 2 || text.size() > 9 || text.find_first_not_of("0123456789") != text.size() - 1)
    return std::nullopt;
  std::int64_t count = std::stoll(std::string(text.substr(0, text.size() - 1)));
  if (count <= 0) return std::nullopt;
  switch (text.back()) {
    case 'm':
      return count * 60;
    case 'h':
      return count * 3600;
    case 'd':
      return count * 86400;
  }
  return std::nullopt;
}

}  // namespace

Result<ReportOptions> report_options(const std::string& since, const std::string& until,
                                     const std::string& topics, std::int64_t now) {
  ReportOptions options;
  options.until = now + 1;  // the period excludes its end; "now" includes this second
  if (!until.empty()) {
    auto time = parse_date(until);
    if (!time)
      return fail("--until wants a time such as 2026-12-07T06:00:00Z, not '" + until + "'");
    options.until = *time;
  }
  if (auto back = duration(since)) {
    options.since = options.until - *back;
  } else if (auto time = parse_date(since)) {
    options.since = *time;
  } else {
    return fail("--since wants a duration (90m, 24h, 7d) or a time, not '" + since + "'");
  }
  if (options.since >= options.until) return fail("--since is not before --until");
  for (std::size_t start = 0; start < topics.size();) {
    std::size_t comma = std::min(topics.find(',', start), topics.size());
    if (comma > start) options.topics.push_back(topics.substr(start, comma - start));
    start = comma + 1;
  }
  return options;
}

Report build_report(const ReportRows& rows, const FeedHealth& feeds, const ReportOptions& options,
                    std::int64_t now) {
  Report report;
  report.options = options;
  report.generated = now;
  auto matches = matches_by_article(rows, options);
  std::map<std::int64_t, Report::Story> stories;
  for (const ReportStory& row : rows.stories) stories.emplace(row.id, story_of(row, options.since));
  std::map<std::string, int> topics;
  for (const ReportArticle& row : rows.articles) {
    auto matched = matches.find(row.id);
    if (matched == matches.end()) continue;  // none of the topics asked for
    auto story = stories.find(row.story_id);
    if (story == stories.end()) continue;  // merged away between the reads: not in the snapshot
    story->second.articles.push_back({row.id, row.title, row.outlet, row.language, row.url,
                                      row.first_seen, row.published, matched->second.topics});
    for (const auto& topic : matched->second.topics) ++topics[topic];
  }
  for (const auto& topic : ranked(topics)) report.topics.push_back(topic.name);
  for (auto& [id, story] : stories) {
    if (story.articles.empty()) continue;
    tally(story, matches);
    report.stories.push_back(std::move(story));
  }
  std::stable_sort(report.stories.begin(), report.stories.end(), reported_wider);
  fill_timeline(report);
  count_figures(report, feeds);
  if (report.stories.size() > static_cast<std::size_t>(std::max(0, options.max_stories)))
    report.stories.resize(static_cast<std::size_t>(std::max(0, options.max_stories)));
  return report;
}

std::string iso_time(std::int64_t unix_seconds) {
  std::time_t time = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace newswatch
