// Feed documents to items: the bytes to UTF-8 (feeds/encoding.h); a JSON object to the JSON
// Feed reader (feeds/json_feed.cpp); anything else is XML, repaired (feeds/xml_repair.h),
// loaded by pugixml and read by the reader of its format (feeds/rss_reader.h,
// feeds/atom_reader.h) through one FeedBuilder.
#include "feeds/parser.h"

#include <cstring>
#include <pugixml.hpp>

#include "feeds/atom_reader.h"
#include "feeds/encoding.h"
#include "feeds/excerpt.h"
#include "feeds/feed_builder.h"
#include "feeds/rss_reader.h"
#include "feeds/url.h"
#include "feeds/xml_names.h"
#include "feeds/xml_nodes.h"
#include "feeds/xml_repair.h"

namespace newswatch {
namespace {

std::optional<FeedFormat> detect_xml_format(const pugi::xml_node& root) {
  std::string_view name = local_name(root);
  if (name == "rss" || name == "channel") return FeedFormat::kRss2;
  if (name == "RDF") {
    for (auto attr : root.attributes()) {
      if (std::strstr(attr.value(), "my.netscape.com/rdf/simple/0.9")) return FeedFormat::kRss090;
    }
    return FeedFormat::kRss1;
  }
  if (name == "feed") {
    std::string ns = attribute(root, "xmlns");
    if (ns == "http://www.w3.org/2005/Atom") return FeedFormat::kAtom10;
    if (ns.starts_with("http://purl.org/atom/ns#") || !attribute(root, "version").empty())
      return FeedFormat::kAtom03;
    return FeedFormat::kAtom10;
  }
  return std::nullopt;
}

bool looks_like_json(std::string_view bytes) {
  for (char c : bytes) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{';
  }
  return false;
}

}  // namespace

std::optional<std::string> web_link(std::string_view base, std::string_view reference,
                                    ParsedFeed& feed) {
  std::string url = resolve_url(base, reference);
  if (is_web_url(url)) return url;
  std::string warning = "link dropped, not an http or https URL: '" + excerpt(url) + "'";
  if (!has_scheme(url)) warning += " (relative, with no web address to resolve it against)";
  feed.warnings.push_back(std::move(warning));
  return std::nullopt;
}

const char* format_name(FeedFormat format) {
  switch (format) {
    case FeedFormat::kRss2:
      return "rss2";
    case FeedFormat::kRss1:
      return "rss1";
    case FeedFormat::kRss090:
      return "rss090";
    case FeedFormat::kAtom10:
      return "atom10";
    case FeedFormat::kAtom03:
      return "atom03";
    case FeedFormat::kJsonFeed:
      return "jsonfeed";
  }
  return "unknown";
}

Result<ParsedFeed> parse_feed(std::string_view bytes, const ParseOptions& options) {
  std::vector<std::string> repairs;
  std::string converted;
  std::string_view utf8 = to_utf8(bytes, options.http_charset, converted, repairs);
  if (looks_like_json(utf8)) {
    auto feed = parse_json_feed(utf8, options);
    if (feed) feed->warnings.insert(feed->warnings.begin(), repairs.begin(), repairs.end());
    return feed;
  }
  std::optional<std::string> repaired = repair_xml(utf8, repairs);
  std::string_view document = repaired ? std::string_view(*repaired) : utf8;
  pugi::xml_document doc;
  auto status =
      doc.load_buffer(document.data(), document.size(), pugi::parse_default, pugi::encoding_utf8);
  auto root = doc.document_element();
  if (!root) {
    return fail(std::string("not a feed: ") + (status ? "no root element" : status.description()) +
                " at byte " + std::to_string(status.offset));
  }
  auto format = detect_xml_format(root);
  if (!format) return fail("not a feed: unknown root element <" + excerpt(root.name()) + ">");
  ParsedFeed feed;
  feed.format = *format;
  feed.warnings = std::move(repairs);
  if (!status) {
    // pugixml keeps the tree it built up to the error: items before it are still good.
    feed.warnings.push_back(std::string("malformed XML: ") + status.description() + " at byte " +
                            std::to_string(status.offset));
  }
  FeedBuilder builder(options, feed);
  NamespaceScope scope;
  scope.declare(root);
  if (feed.format == FeedFormat::kAtom10 || feed.format == FeedFormat::kAtom03) {
    parse_atom(root, scope, feed, builder);
  } else {
    parse_rss(root, scope, feed, builder);
  }
  scope.report(feed.warnings);
  return feed;
}

}  // namespace newswatch
