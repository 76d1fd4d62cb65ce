#include "daemon/opml.h"

#include <fstream>
#include <pugixml.hpp>
#include <sstream>

namespace newswatch {
namespace {

std::string line_column(const std::string& text, std::ptrdiff_t offset) {
  int line = 1, column = 1;
  for (std::ptrdiff_t i = 0; i < offset && i < static_cast<std::ptrdiff_t>(text.size()); ++i) {
    if (text[static_cast<std::size_t>(i)] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

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
  std::ifstream file(path, std::ios::binary);
  if (!file) return fail(path + ": cannot open file");
  std::ostringstream buffer;
  buffer << file.rdbuf();
  return parse_opml(buffer.str(), path);
}

Result<std::vector<FeedConfig>> parse_opml(const std::string& text, const std::string& origin) {
  pugi::xml_document doc;
  auto status = doc.load_buffer(text.data(), text.size());
  if (!status)
    return fail(origin + ":" + line_column(text, status.offset) + ": " + status.description());
  auto body = doc.child("opml").child("body");
  if (!body) return fail(origin + ": not an OPML file (no <opml><body>)");
  std::vector<FeedConfig> feeds;
  collect(body, feeds);
  return feeds;
}

}  // namespace newswatch
