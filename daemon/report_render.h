// A Report (daemon/report.h) as text: JSON for pipelines (its schema is
// daemon/report.schema.json), Markdown for mail and chat, and one self-contained HTML page
// (no external asset, no script, a strict Content-Security-Policy) for a browser or a mail.
// Feed text is the publisher's, not ours: each renderer shows it as inert text.
#pragma once

#include <string>
#include <vector>

#include "daemon/report.h"

namespace newswatch {

std::string report_json(const Report& report);
std::string report_markdown(const Report& report);
// How report_html lays a page out. A file stands alone: its style inline, its policy in a
// meta element. The live page (daemon/web_page.h) links /style.css, gets its policy as a
// header, links each story to /stories/ID and has a search form (holding `query`).
struct HtmlLayout {
  bool live = false;
  std::string query;
};
std::string report_html(const Report& report, const HtmlLayout& layout = {});
// The page's stylesheet (what the live page serves at /style.css).
std::string report_css();
// The live page's search results: each article with a link to its story.
std::string search_html(const std::string& query, const std::vector<ReportArticle>& hits);

}  // namespace newswatch
