// The report as one self-contained HTML page: no script, no external asset, a
// Content-Security-Policy that forbids both, and every piece of feed text escaped after
// printable() has made its controls and bidi overrides visible. The timeline is inline SVG,
// its topics told apart by lightness as well as hue (it prints in grey), with the hourly
// figures as a table beside it for screen readers.
#include <algorithm>
#include <cstdio>

#include "daemon/report_render.h"
#include "feeds/dates.h"
#include "feeds/shown_text.h"
#include "feeds/url.h"

namespace newswatch {
namespace {

// Dark to light, so that grey-scale keeps them apart; topics past the tenth share the last.
constexpr const char* kTopicColours[] = {"#08306b", "#b2182b", "#1a9850", "#6a3d9a", "#e08214",
                                         "#2c7fb8", "#d6604d", "#7fbc41", "#c2a5cf", "#fdb863"};
constexpr std::size_t kColours = sizeof kTopicColours / sizeof kTopicColours[0];

constexpr const char* kStyle = R"css(
body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#111;background:#fff;overflow-wrap:anywhere}
h1{font-size:1.5rem}h2{font-size:1.25rem;margin-top:2rem}h3{font-size:1.1rem;margin:0 0 .4rem}
table{border-collapse:collapse}th,td{padding:.2rem .6rem;border-bottom:1px solid #ccc;text-align:right}
th:first-child,td:first-child{text-align:left}
.figures{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;padding:0;list-style:none}
.figures b{display:block;font-size:1.6rem}
.story{border-top:2px solid #444;padding:.8rem 0}
.badge{font-size:.8rem;border:1px solid #111;border-radius:.3rem;padding:0 .3rem;margin-left:.4rem}
.meta{margin:.2rem 0;color:#333}
.articles{padding-left:1.2rem}.articles li{margin:.2rem 0}
svg{width:100%;height:auto}svg text{font-size:11px;fill:#111}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1rem}
.swatch{display:inline-block;width:.9rem;height:.9rem;margin-right:.3rem;vertical-align:middle;border:1px solid #111}
a{color:#0645ad}a:focus,input:focus,button:focus{outline:3px solid #111;outline-offset:2px}
header nav{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center}
input,button{font:inherit}
@media print{a{color:#111}.story{break-inside:avoid}}
)css";

// Feed text as HTML text or attribute value: visible escapes for controls, then the five.
std::string text(std::string_view raw) { return html_escape(printable(raw)); }

std::string number(std::int64_t n) { return std::to_string(n); }
std::string minute(std::int64_t time) { return format_iso8601(time).substr(0, 16) + "Z"; }

void colour_classes(std::string& css) {
  for (std::size_t i = 0; i < kColours; ++i)
    css += ".t" + number(i) + "{fill:" + kTopicColours[i] + ";background:" + kTopicColours[i] + "}";
}

std::string topic_class(std::size_t topic) {
  std::string name = "t";  // (not "t" + number(): GCC 12 warns of a memcpy overlap there)
  return name += number(static_cast<std::int64_t>(std::min(topic, kColours - 1)));
}

void figures(std::string& html, const Report& report) {
  const Report::Figures& f = report.figures;
  html += "<ul class=\"figures\">";
  auto figure = [&](int value, const char* label) {
    html += "<li><b>" + number(value) + "</b>" + label + "</li>";
  };
  figure(f.stories, "stories");
  figure(f.new_stories, "new");
  figure(f.grown_stories, "grew");
  figure(f.articles, "articles");
  figure(f.outlets, "outlets");
  figure(f.languages, "languages");
  figure(f.failing_feeds, ("of " + number(f.feeds) + " feeds failing").c_str());
  html += "</ul>";
  if (report.failing_feeds.empty()) return;
  html += "<details><summary>Failing feeds</summary><ul>";
  for (const auto& feed : report.failing_feeds)
    html += "<li>" + text(feed.url) + ": " + text(feed.error) + " (" +
            number(feed.errors_in_a_row) + " in a row" + (feed.disabled ? ", disabled" : "") +
            ")</li>";
  html += "</ul></details>";
}

// Stacked bars, one per hour, in a 1000×220 box: 190 for the bars, the rest for the axis.
void timeline_svg(std::string& html, const Report& report) {
  int most = 1;
  for (const auto& hour : report.timeline) most = std::max(most, hour.articles);
  double width = 1000.0 / std::max<std::size_t>(1, report.timeline.size());
  html +=
      "<svg viewBox=\"0 0 1000 220\" role=\"img\" aria-labelledby=\"timeline-title\">"
      "<title id=\"timeline-title\">Articles per hour by topic, " +
      number(report.figures.articles) + " in all, at most " + number(most) + " in an hour</title>";
  char rect[200];
  for (std::size_t h = 0; h < report.timeline.size(); ++h) {
    const Report::Hour& hour = report.timeline[h];
    double y = 190;
    html += "<g><title>" + minute(hour.start) + ": " + number(hour.articles) + " articles</title>";
    for (std::size_t t = 0; t < hour.by_topic.size(); ++t) {
      if (hour.by_topic[t] == 0) continue;
      double height = 180.0 * hour.by_topic[t] / most;
      y -= height;
      std::snprintf(rect, sizeof rect,
                    "<rect class=\"bar %s\" data-articles=\"%d\" x=\"%.2f\" y=\"%.2f\" "
                    "width=\"%.2f\" height=\"%.2f\"/>",
                    topic_class(t).c_str(), hour.by_topic[t], h * width, y,
                    std::max(0.5, width - 0.5), height);
      html += rect;
    }
    html += "</g>";
  }
  html += "<line x1=\"0\" y1=\"190\" x2=\"1000\" y2=\"190\" stroke=\"#111\"/>";
  html += "<text x=\"0\" y=\"210\">" + minute(report.options.since) +
          "</text><text x=\"1000\" y=\"210\" text-anchor=\"end\">" + minute(report.options.until) +
          "</text><text x=\"2\" y=\"12\">" + number(most) + "</text></svg>";
}

void timeline(std::string& html, const Report& report) {
  html +=
      "<section aria-labelledby=\"h-timeline\"><h2 id=\"h-timeline\">Articles per hour "
      "(UTC)</h2>";
  timeline_svg(html, report);
  html += "<ul class=\"legend\">";
  for (std::size_t t = 0; t < report.topics.size(); ++t)
    html += "<li><span class=\"swatch " + topic_class(t) + "\"></span>" + text(report.topics[t]) +
            "</li>";
  html +=
      "</ul><details><summary>The hours as a table</summary><table><thead><tr><th "
      "scope=\"col\">hour</th><th scope=\"col\">articles</th>";
  for (const auto& topic : report.topics) html += "<th scope=\"col\">" + text(topic) + "</th>";
  html += "</tr></thead><tbody>";
  for (const auto& hour : report.timeline) {
    if (hour.articles == 0) continue;
    html += "<tr><td>" + minute(hour.start) + "</td><td>" + number(hour.articles) + "</td>";
    for (int count : hour.by_topic) html += "<td>" + number(count) + "</td>";
    html += "</tr>";
  }
  html += "</tbody></table></details></section>";
}

std::string counted(const std::vector<Report::Count>& counts) {
  std::string list;
  for (const auto& count : counts)
    list += (list.empty() ? "" : ", ") + text(count.name) + " (" + number(count.articles) + ")";
  return list.empty() ? "none known" : list;
}

void article(std::string& html, const Report::Article& article) {
  html += "<li><time datetime=\"" + format_iso8601(article.first_seen) + "\">" +
          minute(article.first_seen) + "</time> " + text(article.outlet);
  if (!article.language.empty())
    html += " <span lang=\"en\">[" + text(article.language) + "]</span>";
  html += ": ";
  std::string title = "<span dir=\"auto\"";
  if (!article.language.empty()) title += " lang=\"" + text(article.language) + "\"";
  title += ">" + text(article.title) + "</span>";
  if (article.url && is_web_url(*article.url))
    html += "<a href=\"" + text(*article.url) + "\" rel=\"noopener noreferrer\">" + title + "</a>";
  else
    html += title + (article.url ? " (" + text(*article.url) + ")" : "");
  html += "</li>";
}

void story(std::string& html, const Report::Story& story, int rank, bool live) {
  std::string title = "<span dir=\"auto\">" + text(story.title) + "</span>";
  if (live) title = "<a href=\"/stories/" + number(story.id) + "\">" + title + "</a>";
  html += "<article class=\"story\" id=\"story-" + number(story.id) + "\" data-story=\"" +
          number(story.id) + "\" aria-labelledby=\"s" + number(story.id) + "\"><h3 id=\"s" +
          number(story.id) + "\">" + number(rank) + ". " + title + "<span class=\"badge\">" +
          (story.is_new ? "new" : "grew") + "</span></h3>";
  html += "<p class=\"meta\">First seen " + minute(story.first_seen) + ", last seen " +
          minute(story.last_seen) + "; articles: " + number(story.articles.size()) +
          " in the period, " + number(story.articles_before) + " before.</p>";
  std::string topics;
  for (const auto& topic : story.topics) topics += (topics.empty() ? "" : ", ") + text(topic);
  html += "<p class=\"meta\">Topics: " + topics +
          "</p><p class=\"meta\">Outlets: " + counted(story.outlets) +
          "</p><p class=\"meta\">Languages: " + counted(story.languages) + "</p>";
  std::string terms;
  for (const auto& term : story.terms)
    terms +=
        (terms.empty() ? "" : ", ") + text(term.term) + " (" + std::to_string(term.articles) + ")";
  html += "<p class=\"meta\">Terms: " + terms + "</p><ul class=\"articles\">";
  for (const auto& a : story.articles) article(html, a);
  html += "</ul></article>";
}

// The page's head and the start of its body: a file carries its style and its policy; the live
// page links /style.css (its policy comes as a header) and has a search form on every page.
std::string page_start(const std::string& title, const HtmlLayout& layout) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"referrer\" content=\"no-referrer\"><title>" +
      title + "</title>";
  if (layout.live) {
    html +=
        "<link rel=\"stylesheet\" href=\"/style.css\"></head><body><header><nav "
        "aria-label=\"newswatch\"><a href=\"/\">Report</a> <form action=\"/search\" "
        "method=\"get\" role=\"search\"><label for=\"q\">Search articles</label> <input "
        "id=\"q\" name=\"q\" type=\"search\" value=\"" +
        text(layout.query) + "\"> <button type=\"submit\">Search</button></form></nav></header>";
  } else {
    html +=
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">"
        "<style>" +
        report_css() + "</style></head><body>";
  }
  return html + "<main>";
}

}  // namespace

std::string report_css() {
  std::string css = kStyle;
  colour_classes(css);
  return css;
}

std::string report_html(const Report& report, const HtmlLayout& layout) {
  std::string period = minute(report.options.since) + " to " + minute(report.options.until);
  std::string html = page_start("newswatch report, " + period, layout);
  html += "<h1>newswatch report</h1><p>" + period + " (UTC), generated " + minute(report.generated);
  if (!report.options.topics.empty()) {
    std::string topics;
    for (const auto& topic : report.options.topics)
      topics += (topics.empty() ? "" : ", ") + text(topic);
    html += "; topics " + topics;
  }
  html += ".</p>";
  figures(html, report);
  timeline(html, report);
  html +=
      "<section aria-labelledby=\"h-stories\"><h2 id=\"h-stories\">Stories, most widely "
      "reported first</h2>";
  if (report.stories.empty()) html += "<p>No story in this period.</p>";
  int rank = 0;
  for (const auto& s : report.stories) story(html, s, ++rank, layout.live);
  if (report.figures.stories > static_cast<int>(report.stories.size()))
    html += "<p>" + number(report.figures.stories - static_cast<int>(report.stories.size())) +
            " more stories not listed.</p>";
  html += "</section></main></body></html>\n";
  return html;
}

std::string search_html(const std::string& query, const std::vector<ReportArticle>& hits) {
  HtmlLayout layout;
  layout.live = true;
  layout.query = query;
  std::string html = page_start("newswatch search: " + text(query), layout);
  html += "<h1>Articles matching <q>" + text(query) + "</q></h1>";
  if (hits.empty()) html += "<p>No article matches.</p>";
  html += "<ul class=\"articles\">";
  for (const ReportArticle& hit : hits) {
    article(
        html,
        {hit.id, hit.title, hit.outlet, hit.language, hit.url, hit.first_seen, hit.published, {}});
    html.resize(html.size() - 5);  // "</li>": the story's link goes inside
    html += " <a href=\"/stories/" + number(hit.story_id) + "\">story " + number(hit.story_id) +
            "</a></li>";
  }
  return html + "</ul></main></body></html>\n";
}

}  // namespace newswatch
