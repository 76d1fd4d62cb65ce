#include "daemon/report.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

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

// A kept article of the period: its row, and its topics and matches of those asked for.
struct Kept {
  const ReportArticle* row;
  std::vector<int> topics;                  // ids in ReportRows::names
  std::vector<const ReportMatch*> matches;  // of those topics
};

// A story of the period: what its rank and the period's figures need, from all its articles.
// Only the stories listed are made Report::Story, with their articles, terms and counts.
struct StoryRank {
  const ReportStory* row = nullptr;
  std::vector<const Kept*> articles;  // oldest first
  std::size_t outlets = 0, languages = 0;
  std::int64_t last_article = 0;
};

// How many different values of `field` the articles have, "" not counted.
std::size_t distinct(const std::vector<const Kept*>& articles, std::string ReportArticle::*field) {
  std::vector<std::string_view> values;
  for (const Kept* article : articles)
    if (const std::string& value = article->row->*field; !value.empty()) values.push_back(value);
  std::sort(values.begin(), values.end());
  return static_cast<std::size_t>(std::unique(values.begin(), values.end()) - values.begin());
}

// Wider first: more outlets, then more languages, then the latest article, then the newer id.
bool reported_wider(const StoryRank& a, const StoryRank& b) {
  if (a.outlets != b.outlets) return a.outlets > b.outlets;
  if (a.languages != b.languages) return a.languages > b.languages;
  if (a.last_article != b.last_article) return a.last_article > b.last_article;
  return a.row->id > b.row->id;
}

// The period's articles of the topics asked for, each with its topics and matches.
std::vector<Kept> kept_articles(const ReportRows& rows, const ReportOptions& options) {
  std::vector<bool> wanted(rows.names.size(), options.topics.empty());
  for (std::size_t id = 0; id < rows.names.size(); ++id)
    for (const auto& topic : options.topics) wanted[id] = wanted[id] || rows.names[id] == topic;
  std::vector<Kept> kept;
  for (const ReportArticle& row : rows.articles) {
    auto [first, last] = std::equal_range(
        rows.matches.begin(), rows.matches.end(), ReportMatch{row.id, 0, 0},
        [](const ReportMatch& a, const ReportMatch& b) { return a.article_id < b.article_id; });
    Kept article{&row, {}, {}};
    for (auto match = first; match != last; ++match) {
      if (!wanted[static_cast<std::size_t>(match->topic)]) continue;
      if (article.topics.empty() || article.topics.back() != match->topic)
        article.topics.push_back(match->topic);
      article.matches.push_back(&*match);
    }
    if (article.topics.empty()) continue;  // none of the topics asked for
    kept.push_back(std::move(article));
  }
  return kept;
}

bool is_new(const ReportStory& story, std::int64_t since) {
  return story.articles_before == 0 && story.first_seen >= since;
}

// The stories of the kept articles, those merged away between the reads left out (not in the
// snapshot), and each article's topics counted into `topic_articles`.
std::vector<StoryRank> stories_of(const std::vector<Kept>& kept, const ReportRows& rows,
                                  std::vector<int>& topic_articles) {
  std::unordered_map<std::int64_t, StoryRank> by_id;
  for (const ReportStory& row : rows.stories) by_id[row.id].row = &row;
  for (const Kept& article : kept) {
    auto story = by_id.find(article.row->story_id);
    if (story == by_id.end()) continue;
    story->second.articles.push_back(&article);
    for (int topic : article.topics) ++topic_articles[static_cast<std::size_t>(topic)];
  }
  std::vector<StoryRank> stories;
  for (const ReportStory& row : rows.stories) {
    StoryRank& story = by_id[row.id];
    if (story.articles.empty()) continue;
    std::sort(story.articles.begin(), story.articles.end(), [](const Kept* a, const Kept* b) {
      return std::tie(a->row->first_seen, a->row->id) < std::tie(b->row->first_seen, b->row->id);
    });
    story.outlets = distinct(story.articles, &ReportArticle::outlet);
    story.languages = distinct(story.articles, &ReportArticle::language);
    story.last_article = story.articles.back()->row->first_seen;
    stories.push_back(std::move(story));
  }
  return stories;
}

// A listed story whole: its articles, and its outlets, languages, topics and terms counted.
Report::Story story_of(const StoryRank& rank, const ReportRows& rows, std::int64_t since) {
  const ReportStory& row = *rank.row;
  Report::Story story;
  story.id = row.id;
  story.title = row.title;
  story.first_seen = row.first_seen;
  story.last_seen = row.last_seen;
  story.articles_before = row.articles_before;
  story.is_new = is_new(row, since);
  story.grew = !story.is_new;
  std::map<std::string, int> outlets, languages, topics;
  struct TermTally {
    int articles = 0;
    const Kept* last_article = nullptr;
    std::set<std::string> topics;
  };
  std::map<std::string, TermTally> terms;
  for (const Kept* kept : rank.articles) {
    const ReportArticle& a = *kept->row;
    Report::Article& article = story.articles.emplace_back(
        Report::Article{a.id, a.title, a.outlet, a.language, a.url, a.first_seen, a.published, {}});
    for (int topic : kept->topics) {
      const std::string& name = rows.names[static_cast<std::size_t>(topic)];
      article.topics.push_back(name);
      ++topics[name];
    }
    ++outlets[a.outlet];
    if (!a.language.empty()) ++languages[a.language];
    for (const ReportMatch* match : kept->matches) {
      TermTally& term = terms[rows.names[static_cast<std::size_t>(match->term)]];
      term.articles += term.last_article != kept;  // a term of two topics counts once
      term.last_article = kept;
      term.topics.insert(rows.names[static_cast<std::size_t>(match->topic)]);
    }
  }
  story.outlets = ranked(outlets);
  story.languages = ranked(languages);
  for (const auto& topic : ranked(topics)) story.topics.push_back(topic.name);
  for (const auto& [term, tally] : terms)
    story.terms.push_back({term, {tally.topics.begin(), tally.topics.end()}, tally.articles});
  std::stable_sort(story.terms.begin(), story.terms.end(),
                   [](const auto& a, const auto& b) { return a.articles > b.articles; });
  return story;
}

// Each article once, under the first of its topics in report.topics.
void fill_timeline(Report& report, const std::vector<StoryRank>& stories, const ReportRows& rows) {
  std::int64_t first = report.options.since / kHour * kHour;
  for (std::int64_t start = first; start < report.options.until; start += kHour)
    report.timeline.push_back({start, std::vector<int>(report.topics.size(), 0), 0});
  std::vector<std::size_t> place(rows.names.size(), report.topics.size());
  for (std::size_t id = 0; id < rows.names.size(); ++id)
    place[id] = static_cast<std::size_t>(
        std::find(report.topics.begin(), report.topics.end(), rows.names[id]) -
        report.topics.begin());
  for (const StoryRank& story : stories) {
    for (const Kept* article : story.articles) {
      std::size_t first_topic = report.topics.size();
      for (int topic : article->topics)
        first_topic = std::min(first_topic, place[static_cast<std::size_t>(topic)]);
      Report::Hour& hour = report.timeline[(article->row->first_seen - first) / kHour];
      ++hour.by_topic[first_topic];
      ++hour.articles;
    }
  }
}

void count_figures(Report& report, const std::vector<StoryRank>& stories, const FeedHealth& feeds) {
  std::unordered_set<std::string_view> outlets, languages;
  for (const StoryRank& story : stories) {
    report.figures.articles += static_cast<int>(story.articles.size());
    bool fresh = is_new(*story.row, report.options.since);
    report.figures.new_stories += fresh;
    report.figures.grown_stories += !fresh;
    for (const Kept* article : story.articles) {
      outlets.insert(article->row->outlet);
      if (!article->row->language.empty()) languages.insert(article->row->language);
    }
  }
  report.figures.stories = static_cast<int>(stories.size());
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
  std::vector<Kept> kept = kept_articles(rows, options);
  std::vector<int> topic_articles(rows.names.size(), 0);
  std::vector<StoryRank> stories = stories_of(kept, rows, topic_articles);
  std::map<std::string, int> topics;
  for (std::size_t id = 0; id < rows.names.size(); ++id)
    if (topic_articles[id] > 0) topics[rows.names[id]] = topic_articles[id];
  for (const auto& topic : ranked(topics)) report.topics.push_back(topic.name);
  std::sort(stories.begin(), stories.end(), reported_wider);
  fill_timeline(report, stories, rows);
  count_figures(report, stories, feeds);
  std::size_t listed =
      std::min(stories.size(), static_cast<std::size_t>(std::max(0, options.max_stories)));
  for (std::size_t i = 0; i < listed; ++i)
    report.stories.push_back(story_of(stories[i], rows, options.since));
  return report;
}

}  // namespace newswatch
