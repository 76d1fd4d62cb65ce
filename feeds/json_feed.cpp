// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) through nlohmann-json.
#include <nlohmann/json.hpp>

#include "feeds/dates.h"
#include "feeds/parser.h"
#include "feeds/text.h"
#include "feeds/url.h"

namespace newswatch {
namespace {

using nlohmann::json;

std::optional<std::string> string_field(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return std::nullopt;
}

std::optional<UnixSeconds> date_field(const json& object, const char* key, ParsedFeed& feed) {
  auto text = string_field(object, key);
  if (!text) return std::nullopt;
  auto parsed = parse_date(*text);
  if (!parsed)
    feed.warnings.push_back(std::string("unparseable date in ") + key + ": '" + *text + "'");
  return parsed;
}

std::optional<std::string> author_of(const json& object) {
  // 1.1 has "authors" (an array); 1.0 has "author" (an object).
  if (auto it = object.find("authors"); it != object.end() && it->is_array() && !it->empty()) {
    if (auto name = string_field(it->front(), "name")) return clean_text(*name);
  }
  if (auto it = object.find("author"); it != object.end() && it->is_object()) {
    if (auto name = string_field(*it, "name")) return clean_text(*name);
  }
  return std::nullopt;
}

Item json_item(const json& object, const std::string& base,
               const std::optional<std::string>& feed_author, ParsedFeed& feed) {
  Item item;
  if (auto id = string_field(object, "id")) item.guid = plain_text(*id);
  item.title = clean_text(string_field(object, "title").value_or(""));
  if (auto url = string_field(object, "url"); url && !plain_text(*url).empty())
    item.link = resolve_url(base, plain_text(*url));
  item.published = date_field(object, "date_published", feed);
  item.updated = date_field(object, "date_modified", feed);
  item.author = author_of(object);
  if (!item.author) item.author = feed_author;  // a feed-level author covers every item
  item.summary = clean_text(string_field(object, "summary").value_or(""));
  if (auto html = string_field(object, "content_html")) {
    item.content = html_to_text(*html);
  } else if (auto text = string_field(object, "content_text")) {
    item.content = clean_text(*text);
  }
  if (auto tags = object.find("tags"); tags != object.end() && tags->is_array()) {
    for (const auto& tag : *tags) {
      if (tag.is_string()) item.categories.push_back(clean_text(tag.get<std::string>()));
    }
  }
  return item;
}

}  // namespace

Result<ParsedFeed> parse_json_feed(std::string_view bytes, const ParseOptions& options) {
  json document = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) return fail("not a feed: invalid JSON");
  auto version = string_field(document, "version");
  if (!version || version->find("jsonfeed.org/version/") == std::string::npos)
    return fail("not a feed: JSON without a JSON Feed version");
  ParsedFeed feed;
  feed.format = FeedFormat::kJsonFeed;
  feed.title = clean_text(string_field(document, "title").value_or(""));
  feed.link = string_field(document, "home_page_url");
  feed.language = string_field(document, "language");
  auto author = author_of(document);
  std::string base = options.base_url.empty() ? feed.link.value_or("") : options.base_url;
  if (auto items = document.find("items"); items != document.end() && items->is_array()) {
    for (const auto& object : *items) {
      if (object.is_object()) feed.items.push_back(json_item(object, base, author, feed));
    }
  }
  return feed;
}

}  // namespace newswatch
