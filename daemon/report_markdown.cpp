// The report as Markdown (CommonMark with GitHub's tables), for mail and chat. Feed text is
// escaped so that it renders as the text it is: no markup, no link, no HTML of its own.
#include <cstdio>

#include "daemon/report_render.h"
#include "feeds/dates.h"
#include "feeds/shown_text.h"
#include "feeds/url.h"

namespace newswatch {
namespace {

// `text` on one line as Markdown shows it literally: controls and bidi overrides as escapes
// (printable()), and backslash-escaped whatever CommonMark or GitHub's extensions could read as
// emphasis, code, a link, an autolink (the ':' of "://", the '.' after "www", '@'), HTML, a
// table cell's end or a heading's closing marks. What only starts a line is left: feed text
// never does here.
std::string literal(std::string_view text) {
  std::string shown = printable(text), escaped;
  escaped.reserve(shown.size());
  for (std::size_t i = 0; i < shown.size(); ++i) {
    char c = shown[i];
    bool markup = std::string_view("\\`*_{}[]<>#|&~@").find(c) != std::string_view::npos;
    bool autolink = (c == ':' && shown.compare(i + 1, 2, "//") == 0) ||
                    (c == '.' && i >= 3 && (shown[i - 1] | 0x20) == 'w' &&
                     (shown[i - 2] | 0x20) == 'w' && (shown[i - 3] | 0x20) == 'w');
    if (markup || autolink) escaped += '\\';
    escaped += c;
  }
  return escaped;
}

// A web link as an autolink, anything else as plain text.
std::string link(const std::optional<std::string>& url) {
  if (!url) return "";
  if (is_web_url(*url) && url->find_first_of(" <>\"'`\\") == std::string::npos &&
      printable(*url) == *url)
    return "<" + *url + ">";
  return literal(*url);
}

std::string hour_minute(std::int64_t time) { return format_iso8601(time).substr(0, 16) + "Z"; }

void figures(std::string& md, const Report& report) {
  const Report::Figures& f = report.figures;
  md += "| stories | new | grew | articles | outlets | languages | feeds | failing feeds |\n";
  md += "|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  char row[256];
  std::snprintf(row, sizeof row, "| %d | %d | %d | %d | %d | %d | %d | %d |\n\n", f.stories,
                f.new_stories, f.grown_stories, f.articles, f.outlets, f.languages, f.feeds,
                f.failing_feeds);
  md += row;
  for (const auto& feed : report.failing_feeds)
    md += "- Failing: " + literal(feed.url) + " (" + std::to_string(feed.errors_in_a_row) +
          " in a row" + (feed.disabled ? ", disabled" : "") + "): " + literal(feed.error) + "\n";
  if (!report.failing_feeds.empty()) md += "\n";
}

void timeline(std::string& md, const Report& report) {
  md += "## Articles per hour\n\n| hour (UTC) | articles |";
  for (const auto& topic : report.topics) md.append(" ").append(literal(topic)).append(" |");
  md += "\n|---|---:|";
  for (std::size_t i = 0; i < report.topics.size(); ++i) md += "---:|";
  md += "\n";
  for (const auto& hour : report.timeline) {
    if (hour.articles == 0) continue;
    md += "| " + hour_minute(hour.start) + " | " + std::to_string(hour.articles) + " |";
    for (int count : hour.by_topic) md.append(" ").append(std::to_string(count)).append(" |");
    md += "\n";
  }
  md += "\n";
}

std::string counted(const std::vector<Report::Count>& counts) {
  std::string list;
  for (const auto& count : counts)
    list += (list.empty() ? "" : ", ") + literal(count.name) + " (" +
            std::to_string(count.articles) + ")";
  return list.empty() ? "none known" : list;
}

void story(std::string& md, const Report::Story& story, int rank) {
  md += "### " + std::to_string(rank) + ". " + literal(story.title) +
        (story.is_new ? " \\[new\\]" : " \\[grew\\]") + "\n\n";
  md += "- First seen " + hour_minute(story.first_seen) + ", last seen " +
        hour_minute(story.last_seen) + "; articles: " + std::to_string(story.articles.size()) +
        " in the period, " + std::to_string(story.articles_before) + " before\n";
  std::string topics;
  for (const auto& topic : story.topics) topics += (topics.empty() ? "" : ", ") + literal(topic);
  md += "- Topics: " + topics + "\n";
  md += "- Outlets: " + counted(story.outlets) + "\n";
  md += "- Languages: " + counted(story.languages) + "\n";
  std::string terms;
  for (const auto& term : story.terms)
    terms += (terms.empty() ? "" : ", ") + literal(term.term) + " (" +
             std::to_string(term.articles) + ")";
  md += "- Terms: " + terms + "\n- Articles:\n";
  for (const auto& article : story.articles) {
    md += "  - " + hour_minute(article.first_seen) + " " + literal(article.outlet) +
          (article.language.empty() ? "" : " \\[" + literal(article.language) + "\\]") + ": " +
          literal(article.title);
    if (article.url) md.append(" ").append(link(article.url));
    md += "\n";
  }
  md += "\n";
}

}  // namespace

std::string report_markdown(const Report& report) {
  std::string md = "# newswatch report: " + hour_minute(report.options.since) + " to " +
                   hour_minute(report.options.until) + "\n\n";
  if (!report.options.topics.empty()) {
    std::string topics;
    for (const auto& topic : report.options.topics)
      topics += (topics.empty() ? "" : ", ") + literal(topic);
    md += "Topics: " + topics + "\n\n";
  }
  figures(md, report);
  timeline(md, report);
  md += "## Stories, most widely reported first\n\n";
  if (report.stories.empty()) md += "No story in this period.\n";
  int rank = 0;
  for (const auto& s : report.stories) story(md, s, ++rank);
  if (report.figures.stories > static_cast<int>(report.stories.size()))
    md.append(std::to_string(report.figures.stories - report.stories.size()))
        .append(" more stories not listed.\n");
  return md;
}

}  // namespace newswatch
