#include "daemon/opml.h"

#include <pugixml.hpp>

#include "base/read_file.h"
#include "base/text_position.h"

namespace newswatch {
namespace {

// Every outline with an xmlUrl, in document order, folders at any depth: without recursion,
// which a file nesting folders thousands deep would turn into a stack overflow.
void collect(const pugi::xml_node& body, std::vector<FeedConfig>& feeds) {
  std::vector<pugi::xml_node> pending;
  for (auto outline = body.last_child(); outline; outline = outline.previous_sibling())
    if (std::string_view(outline.name()) == "outline") pending.push_back(outline);
  while (!pending.empty()) {
    pugi::xml_node outline = pending.back();
    pending.pop_back();
    std::string url = outline.attribute("xmlUrl").value();
    if (!url.empty()) {
      FeedConfig feed;
      feed.url = url;
      feed.title = outline.attribute("title").value();
      if (feed.title.empty()) feed.title = outline.attribute("text").value();
      feeds.push_back(std::move(feed));
    }
    for (auto child = outline.last_child(); child; child = child.previous_sibling())
      if (std::string_view(child.name()) == "outline") pending.push_back(child);
  }
}

}  // namespace

Result<std::vector<FeedConfig>> load_opml(const std::string& path) {
  auto text = read_file(path);
  if (!text) return fail(path + ": cannot open file");
  return parse_opml(*text, path);
}

Result<std::vector<FeedConfig>> parse_opml(const std::string& text, const std::string& origin) {
  pugi::xml_document doc;
  auto status = doc.load_buffer(text.data(), text.size());
  if (!status) {
    // pugixml counts in bytes, and so do its columns here.
    std::size_t offset = status.offset > 0 ? static_cast<std::size_t>(status.offset) : 0;
    auto at = line_column_at(text, offset, ColumnUnit::bytes);
    return fail(error_at({origin, at.line, at.column}, status.description()));
  }
  auto body = doc.child("opml").child("body");
  if (!body) return fail(origin + ": not an OPML file (no <opml><body>)");
  std::vector<FeedConfig> feeds;
  collect(body, feeds);
  return feeds;
}

}  // namespace newswatch
