// XML feed formats through pugixml. pugixml ignores namespaces, so elements are matched on
// their local name ("content:encoded" → "encoded" under the content prefix), which is how
// real feeds with odd prefixes still parse.
#include "feeds/parser.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <pugixml.hpp>
#include <sstream>

#include "feeds/dates.h"
#include "feeds/encoding.h"
#include "feeds/excerpt.h"
#include "feeds/text.h"
#include "feeds/url.h"
#include "feeds/xml_repair.h"

namespace newswatch {
namespace {

std::string_view local_name(const pugi::xml_node& node) {
  std::string_view name = node.name();
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string_view prefix_of(const pugi::xml_node& node) {
  std::string_view name = node.name();
  auto colon = name.find(':');
  return colon == std::string_view::npos ? std::string_view{} : name.substr(0, colon);
}

pugi::xml_node child_named(const pugi::xml_node& parent, std::string_view name,
                           std::string_view prefix = {}) {
  for (auto child : parent.children()) {
    if (child.type() == pugi::node_element && local_name(child) == name &&
        (prefix.empty() || prefix_of(child) == prefix))
      return child;
  }
  return {};
}

// The node's text as written: text and CDATA children concatenated, child elements
// serialized (RSS descriptions sometimes carry unescaped markup).
std::string raw_content(const pugi::xml_node& node) {
  std::string out;
  for (auto child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      out += child.value();
    } else if (child.type() == pugi::node_element) {
      std::ostringstream stream;
      child.print(stream, "", pugi::format_raw);
      out += stream.str();
    }
  }
  return out;
}

std::string attribute(const pugi::xml_node& node, const char* name) {
  return node.attribute(name).value();
}

// The base URL in effect at `node`: the document base refined by every xml:base on the way
// down from the root.
std::string base_at(const pugi::xml_node& node, const std::string& document_base) {
  std::vector<pugi::xml_node> chain;
  for (auto n = node; n && n.type() == pugi::node_element; n = n.parent()) chain.push_back(n);
  std::string base = document_base;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (auto xml_base = it->attribute("xml:base"))
      base = resolve_url(base, plain_text(xml_base.value()));  // no control reaches a link
  }
  return base;
}

class FeedBuilder {
 public:
  FeedBuilder(const ParseOptions& options, ParsedFeed& feed) : options_(options), feed_(feed) {}

  std::optional<UnixSeconds> date(const pugi::xml_node& node) {
    if (!node) return std::nullopt;
    std::string text = node.child_value();
    auto parsed = parse_date(text);
    if (!parsed)
      feed_.warnings.push_back("unparseable date in <" + excerpt(node.name()) + ">: '" +
                               excerpt(text) + "'");
    return parsed;
  }

  // A text construct that may hold markup (RSS text, Atom type="html"/"xhtml").
  static std::string html_text(const pugi::xml_node& node) {
    if (!node) return {};
    auto only = node.first_child();
    if (only && !only.next_sibling() &&
        (only.type() == pugi::node_pcdata || only.type() == pugi::node_cdata))
      return html_to_text(only.value());  // the common case, without a copy
    return html_to_text(raw_content(node));
  }

  // An Atom text construct, honouring its type: text, html, xhtml, or another media type
  // whose content is base64 (Atom 0.3 says so with mode="base64").
  std::string atom_text(const pugi::xml_node& node) {
    if (!node) return {};
    std::string type = attribute(node, "type");
    bool is_html = type.empty() || type == "html" || type == "xhtml" || type == "text/html" ||
                   type == "application/xhtml+xml";
    bool base64 =
        attribute(node, "mode") == "base64" ||
        (!is_html && type != "text" && !type.starts_with("text/") && !type.ends_with("xml"));
    if (base64) {
      auto decoded = decode_base64(node.child_value());
      if (!decoded) {
        feed_.warnings.push_back("invalid base64 in <" + excerpt(node.name()) + ">");
        return {};
      }
      return type == "text/html" ? html_to_text(*decoded) : plain_text(*decoded);
    }
    if (!is_html) return plain_text(node.child_value());
    return html_text(node);
  }

  std::optional<std::string> link(const pugi::xml_node& node, const std::string& href) {
    return web_link(base_at(node, document_base()), href, feed_);
  }

  // False, with a warning the first time, once the document has options.max_items items.
  bool room_for_item() {
    if (feed_.items.size() < options_.max_items) return true;
    if (!capped_)
      feed_.warnings.push_back("more than " + std::to_string(options_.max_items) +
                               " items; the rest are ignored");
    capped_ = true;
    return false;
  }

  std::string document_base() const {
    return options_.base_url.empty() ? feed_.link.value_or("") : options_.base_url;
  }

 private:
  const ParseOptions& options_;
  ParsedFeed& feed_;
  bool capped_ = false;
};

// "en_US" as written by some publishers is the BCP 47 tag "en-US".
std::string language_tag(std::string_view text) {
  std::string tag = clean_text(text);
  std::replace(tag.begin(), tag.end(), '_', '-');
  return tag;
}

// An item with content but no summary is summarised by its content (as feedparser does).
void fill_summary(Item& item) {
  if (item.summary.empty()) item.summary = item.content;
}

// The elements of an RSS item, found in one pass over its children (looking each name up
// separately cost a string comparison per child per field).
struct RssItemElements {
  pugi::xml_node title, guid, link, pub_date, dc_date, modified, author, creator, source;
  std::vector<pugi::xml_node> summaries;  // description and summary, in document order
  std::vector<pugi::xml_node> contents;   // content:encoded, fullitem, xhtml:body
  std::vector<pugi::xml_node> tags;       // category, dc:subject, made-up <tags>

  explicit RssItemElements(const pugi::xml_node& item) {
    for (auto child : item.children()) {
      if (child.type() != pugi::node_element) continue;
      std::string_view name = local_name(child);
      auto first = [&](pugi::xml_node& slot) {
        if (!slot) slot = child;
      };
      if (name == "title")
        first(title);
      else if (name == "guid")
        first(guid);
      else if (name == "link")
        first(link);
      else if (name == "pubDate")
        first(pub_date);
      else if (name == "date" && prefix_of(child) == "dc")
        first(dc_date);
      else if (name == "modified")
        first(modified);
      else if (name == "author")
        first(author);
      else if (name == "creator")
        first(creator);
      else if (name == "source")
        first(source);
      else if (name == "description" || name == "summary")
        summaries.push_back(child);
      else if (name == "encoded" || name == "fullitem" || name == "body")
        contents.push_back(child);
      else if (name == "category" || name == "subject" || name == "tags")
        tags.push_back(child);
    }
  }
};

void parse_rss_item(const pugi::xml_node& node, FeedBuilder& builder, Item& item) {
  RssItemElements e(node);
  item.title = FeedBuilder::html_text(e.title);
  // Identifiers and links are text as published: pugixml has decoded the XML; decoding
  // HTML references again would turn "&amp;region=" into "®ion=".
  if (e.guid) {
    item.guid = plain_text(e.guid.child_value());
  } else if (auto about = node.attribute("rdf:about")) {
    item.guid = plain_text(about.value());
  }
  if (std::string link = plain_text(e.link.child_value()); !link.empty())
    item.link = builder.link(e.link, link);
  // A GUID is an identifier (a GUID that is no URL is normal), and a link only when it says
  // so and is a web address.
  if (!item.link && e.guid && attribute(e.guid, "isPermaLink") != "false" && is_web_url(*item.guid))
    item.link = item.guid;
  item.published = builder.date(e.pub_date);
  item.updated = builder.date(e.dc_date ? e.dc_date : e.modified);
  if (e.author) {
    item.author = clean_text(e.author.child_value());
  } else if (e.creator) {
    item.author = clean_text(e.creator.child_value());
  }
  if (!e.contents.empty()) item.content = FeedBuilder::html_text(e.contents[0]);
  // The first of description/summary is the summary; a second one is content when the item
  // has no other.
  if (!e.summaries.empty()) item.summary = FeedBuilder::html_text(e.summaries[0]);
  if (e.summaries.size() > 1 && item.content.empty())
    item.content = FeedBuilder::html_text(e.summaries[1]);
  for (const auto& tag : e.tags) {
    if (local_name(tag) != "tags") {
      item.categories.push_back(clean_text(tag.child_value()));
      continue;
    }
    // A made-up but common element: comma-separated tags.
    std::string_view tags = tag.child_value();
    for (std::size_t start = 0; start <= tags.size();) {
      std::size_t comma = std::min(tags.find(',', start), tags.size());
      std::string one = clean_text(tags.substr(start, comma - start));
      if (!one.empty()) item.categories.push_back(std::move(one));
      start = comma + 1;
    }
  }
  if (e.source) item.source_outlet = clean_text(e.source.child_value());
}

void parse_atom_entry(const pugi::xml_node& node, FeedBuilder& builder, Item& item) {
  pugi::xml_node title, id, published, issued, updated, modified, author, summary, content;
  for (auto child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = local_name(child);
    auto first = [&](pugi::xml_node& slot) {
      if (!slot) slot = child;
    };
    if (name == "title") {
      first(title);
    } else if (name == "id") {
      first(id);
    } else if (name == "link") {
      std::string rel = attribute(child, "rel");
      std::string href = plain_text(attribute(child, "href"));
      if ((rel.empty() || rel == "alternate") && !item.link && !href.empty())
        item.link = builder.link(child, href);
    } else if (name == "published") {
      first(published);
    } else if (name == "issued") {
      first(issued);
    } else if (name == "updated") {
      updated = child;  // some feeds repeat <updated>; the last wins, as in feedparser
    } else if (name == "modified") {
      first(modified);
    } else if (name == "author") {
      first(author);
    } else if (name == "summary") {
      first(summary);
    } else if (name == "content") {
      first(content);
    } else if (name == "category") {
      std::string term = attribute(child, "term");
      item.categories.push_back(clean_text(term.empty() ? child.child_value() : term));
    }
  }
  item.title = builder.atom_text(title);
  if (id) item.guid = plain_text(id.child_value());
  item.published = builder.date(published ? published : issued);
  item.updated = builder.date(updated ? updated : modified);
  if (author) {
    std::string name = clean_text(child_named(author, "name").child_value());
    std::string email = clean_text(child_named(author, "email").child_value());
    item.author = email.empty() ? name : name.empty() ? email : name + " (" + email + ")";
  }
  item.summary = builder.atom_text(summary);
  item.content = builder.atom_text(content);
}

// The whole number from 0 to `max` that a hint's element holds. Anything else is no hint, and
// says so in a warning; an empty element is merely no hint.
std::optional<std::int64_t> hint_number(const pugi::xml_node& node, std::int64_t max,
                                        std::vector<std::string>& warnings) {
  if (!node) return std::nullopt;
  std::string text = plain_text(node.child_value());
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size() && value >= 0 && value <= max)
    return value;
  // Appended rather than added up: GCC 12's -Wrestrict misfires on the sum.
  std::string warning = "<";
  warning.append(excerpt(node.name())).append("> ignored, not a whole number from 0 to ");
  warning.append(std::to_string(max)).append(": '").append(excerpt(text)).append("'");
  warnings.push_back(std::move(warning));
  return std::nullopt;
}

// <ttl>, sy:updatePeriod/sy:updateFrequency, <skipHours>, <skipDays> of a channel (or of an
// Atom feed, which may carry the syndication module too).
FeedHints hints_of(const pugi::xml_node& channel, std::vector<std::string>& warnings) {
  FeedHints hints;
  if (auto ttl = hint_number(child_named(channel, "ttl"), 999'999, warnings); ttl && *ttl > 0)
    hints.ttl_seconds = *ttl * 60;
  if (auto period = child_named(channel, "updatePeriod")) {
    static constexpr std::pair<std::string_view, std::int64_t> kPeriods[] = {
        {"hourly", 3600},
        {"daily", 86400},
        {"weekly", 7 * 86400},
        {"monthly", 30 * 86400},
        {"yearly", 365 * 86400}};
    std::string name = plain_text(period.child_value());
    for (const auto& [label, seconds] : kPeriods) {
      if (name == label) {
        auto frequency =
            hint_number(child_named(channel, "updateFrequency"), seconds, warnings).value_or(1);
        hints.update_period_seconds = seconds / std::max<std::int64_t>(frequency, 1);
      }
    }
  }
  for (auto hour : child_named(channel, "skipHours").children()) {
    if (hour.type() != pugi::node_element) continue;
    if (auto value = hint_number(hour, 24, warnings))
      hints.skip_hours.push_back(static_cast<int>(*value % 24));
  }
  static constexpr std::string_view kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                               "Thursday", "Friday", "Saturday"};
  for (auto day : child_named(channel, "skipDays").children()) {
    std::string name = plain_text(day.child_value());
    for (int d = 0; d < 7; ++d) {
      if (name == kDays[d]) hints.skip_days.push_back(d);
    }
  }
  return hints;
}

void parse_rss(const pugi::xml_node& root, ParsedFeed& feed, FeedBuilder& builder) {
  auto channel = child_named(root, "channel");
  if (!channel) channel = root;
  feed.hints = hints_of(channel, feed.warnings);
  feed.title = FeedBuilder::html_text(child_named(channel, "title"));
  if (auto link = child_named(channel, "link"); link && *link.child_value())
    feed.link = builder.link(link, plain_text(link.child_value()));
  if (auto language = child_named(channel, "language")) {
    feed.language = language_tag(language.child_value());
  } else if (auto dc_language = child_named(channel, "language", "dc")) {
    feed.language = language_tag(dc_language.child_value());
  } else if (auto lang = root.attribute("xml:lang")) {
    feed.language = language_tag(lang.value());
  }
  if (auto updated = child_named(channel, "lastBuildDate")) {
    feed.updated = builder.date(updated);
  } else if (auto dc_date = child_named(channel, "date", "dc")) {
    feed.updated = builder.date(dc_date);
  }
  // RSS 2.0 nests items in the channel; RSS 1.0 and 0.90 make them siblings of it.
  auto add_items = [&](const pugi::xml_node& container) {
    for (auto child : container.children()) {
      if (child.type() != pugi::node_element || local_name(child) != "item") continue;
      if (!builder.room_for_item()) return;
      parse_rss_item(child, builder, feed.items.emplace_back());
      fill_summary(feed.items.back());
    }
  };
  add_items(channel);
  if (channel != root) add_items(root);
}

void parse_atom(const pugi::xml_node& root, ParsedFeed& feed, FeedBuilder& builder) {
  feed.hints = hints_of(root, feed.warnings);
  feed.title = builder.atom_text(child_named(root, "title"));
  for (auto child : root.children()) {
    if (local_name(child) != "link") continue;
    std::string rel = attribute(child, "rel");
    if (rel.empty() || rel == "alternate") {
      feed.link = builder.link(child, plain_text(attribute(child, "href")));
      if (feed.link) break;
    }
  }
  if (auto lang = root.attribute("xml:lang")) feed.language = language_tag(lang.value());
  auto updated = child_named(root, "updated");
  feed.updated = builder.date(updated ? updated : child_named(root, "modified"));
  for (auto child : root.children()) {
    if (child.type() != pugi::node_element || local_name(child) != "entry") continue;
    if (!builder.room_for_item()) return;
    parse_atom_entry(child, builder, feed.items.emplace_back());
    fill_summary(feed.items.back());
  }
}

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
  if (feed.format == FeedFormat::kAtom10 || feed.format == FeedFormat::kAtom03) {
    parse_atom(root, feed, builder);
  } else {
    parse_rss(root, feed, builder);
  }
  return feed;
}

}  // namespace newswatch
