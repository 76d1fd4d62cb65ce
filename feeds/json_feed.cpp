// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) through simdjson: parsing JSON
// feeds with a DOM of std::maps cost more than all the XML feeds of the bench corpus.
#include <simdjson.h>

#include "feeds/dates.h"
#include "feeds/parser.h"
#include "feeds/text.h"
#include "feeds/url.h"

namespace newswatch {
namespace {

using simdjson::dom::element;

// A string member, or a number's text ("id": 42 is the id "42").
std::optional<std::string> string_field(element object, const char* key) {
  element value;
  if (!object.is_object() || object[key].get(value) != simdjson::SUCCESS) return std::nullopt;
  if (value.is_string()) return std::string(value.get_string().value_unsafe());
  if (value.is_number()) return simdjson::minify(value);
  return std::nullopt;
}

std::optional<UnixSeconds> date_field(element object, const char* key, ParsedFeed& feed) {
  auto text = string_field(object, key);
  if (!text) return std::nullopt;
  auto parsed = parse_date(*text);
  if (!parsed)
    feed.warnings.push_back(std::string("unparseable date in ") + key + ": '" + *text + "'");
  return parsed;
}

std::optional<std::string> author_of(element object) {
  // 1.1 has "authors" (an array); 1.0 has "author" (an object).
  simdjson::dom::array authors;
  if (object["authors"].get(authors) == simdjson::SUCCESS && authors.size() > 0) {
    if (auto name = string_field(authors.at(0).value_unsafe(), "name")) return clean_text(*name);
  }
  element author;
  if (object["author"].get(author) == simdjson::SUCCESS) {
    if (auto name = string_field(author, "name")) return clean_text(*name);
  }
  return std::nullopt;
}

Item json_item(element object, const std::string& base,
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
  simdjson::dom::array tags;
  if (object["tags"].get(tags) == simdjson::SUCCESS) {
    for (element tag : tags) {
      if (tag.is_string()) item.categories.push_back(clean_text(tag.get_string().value_unsafe()));
    }
  }
  return item;
}

}  // namespace

Result<ParsedFeed> parse_json_feed(std::string_view bytes, const ParseOptions& options) {
  thread_local simdjson::dom::parser parser;  // reuses its buffers across documents
  element document;
  if (parser.parse(bytes.data(), bytes.size()).get(document) != simdjson::SUCCESS ||
      !document.is_object())
    return fail("not a feed: invalid JSON");
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
  simdjson::dom::array items;
  if (document["items"].get(items) == simdjson::SUCCESS) {
    for (element object : items) {
      if (!object.is_object()) continue;
      if (feed.items.size() >= options.max_items) {
        feed.warnings.push_back("more than " + std::to_string(options.max_items) +
                                " items; the rest are ignored");
        break;
      }
      feed.items.push_back(json_item(object, base, author, feed));
    }
  }
  return feed;
}

}  // namespace newswatch
