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

void collect(const pugi::xml_node& parent, std::vector<FeedConfig>& feeds) {
  for (auto outline : parent.children("outline")) {
    std::string url = outline.attribute("xmlUrl").value();
    if (!url.empty()) {
      FeedConfig feed;
      feed.url = url;
      feed.title = outline.attribute("title").value();
      if (feed.title.empty()) feed.title = outline.attribute("text").value();
      feeds.push_back(std::move(feed));
    }
    collect(outline, feeds);
  }
}

}  // namespace

Result<std::vector<FeedConfig>> load_opml(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return fail(path + ": cannot open file");
  std::ostringstream buffer;
  buffer << file.rdbuf();
  std::string text = buffer.str();
  pugi::xml_document doc;
  auto status = doc.load_buffer(text.data(), text.size());
  if (!status)
    return fail(path + ":" + line_column(text, status.offset) + ": " + status.description());
  auto body = doc.child("opml").child("body");
  if (!body) return fail(path + ": not an OPML file (no <opml><body>)");
  std::vector<FeedConfig> feeds;
  collect(body, feeds);
  return feeds;
}

}  // namespace newswatch
