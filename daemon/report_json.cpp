// The report as JSON; daemon/report.schema.json documents every field, and a test validates
// a report against it.
#include <nlohmann/json.hpp>

#include "daemon/report_render.h"
#include "feeds/dates.h"

namespace newswatch {
namespace {

using json = nlohmann::ordered_json;

json optional_time(const std::optional<std::int64_t>& time) {
  return time ? json(format_iso8601(*time)) : json(nullptr);
}

json counts(const std::vector<Report::Count>& counts) {
  json list = json::array();
  for (const auto& count : counts)
    list.push_back({{"name", count.name}, {"articles", count.articles}});
  return list;
}

json article_json(const Report::Article& article) {
  return {{"id", article.id},
          {"title", article.title},
          {"outlet", article.outlet},
          {"language", article.language.empty() ? json(nullptr) : json(article.language)},
          {"url", article.url ? json(*article.url) : json(nullptr)},
          {"first_seen", format_iso8601(article.first_seen)},
          {"published", optional_time(article.published)},
          {"topics", article.topics}};
}

json story_json(const Report::Story& story, int rank) {
  json articles = json::array(), terms = json::array();
  for (const auto& article : story.articles) articles.push_back(article_json(article));
  for (const auto& term : story.terms)
    terms.push_back({{"term", term.term}, {"topics", term.topics}, {"articles", term.articles}});
  return {{"rank", rank},
          {"id", story.id},
          {"title", story.title},
          {"first_seen", format_iso8601(story.first_seen)},
          {"last_seen", format_iso8601(story.last_seen)},
          {"status", story.is_new ? "new" : "grew"},
          {"articles_before", story.articles_before},
          {"topics", story.topics},
          {"outlets", counts(story.outlets)},
          {"languages", counts(story.languages)},
          {"articles", articles},
          {"terms", terms}};
}

json figures_json(const Report::Figures& figures) {
  return {{"stories", figures.stories},
          {"new_stories", figures.new_stories},
          {"grown_stories", figures.grown_stories},
          {"articles", figures.articles},
          {"outlets", figures.outlets},
          {"languages", figures.languages},
          {"feeds", figures.feeds},
          {"failing_feeds", figures.failing_feeds}};
}

}  // namespace

std::string report_json(const Report& report) {
  json timeline = json::array(), failing = json::array(), stories = json::array();
  for (const auto& hour : report.timeline)
    timeline.push_back({{"hour", format_iso8601(hour.start)},
                        {"articles", hour.articles},
                        {"by_topic", hour.by_topic}});
  for (const auto& feed : report.failing_feeds)
    failing.push_back({{"url", feed.url},
                       {"error", feed.error},
                       {"errors_in_a_row", feed.errors_in_a_row},
                       {"disabled", feed.disabled}});
  int rank = 0;
  for (const auto& story : report.stories) stories.push_back(story_json(story, ++rank));
  json out = {{"schema", "newswatch-report/1"},
              {"generated", format_iso8601(report.generated)},
              {"since", format_iso8601(report.options.since)},
              {"until", format_iso8601(report.options.until)},
              {"topics_asked", report.options.topics},
              {"figures", figures_json(report.figures)},
              {"failing_feeds", failing},
              {"topics", report.topics},
              {"timeline", timeline},
              {"stories", stories}};
  // Invalid UTF-8 from a feed is replaced, not an exception: the report is still written.
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace newswatch
