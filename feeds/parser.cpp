// XML feed formats through pugixml. Elements are known by namespace and local name
// (feeds/xml_names.h), never by prefix: "foo:guid" is no guid, and an extension element never
// displaces the format's own.
//
// Which element gives which field, best first. The format's core element (RSS 2.0: no
// namespace; RSS 1.0 and 0.90: theirs; Atom: Atom's) always wins, wherever it stands; an
// empty element counts as absent, so the next one on the list is used.
//
//            RSS item (and channel)                   Atom entry (and feed)
//   title    title, dc:title, atom:title,             title, dc:title, media:title,
//            media:title, itunes:title                itunes:title
//   guid     guid, atom:id, rdf:about                 id
//   link     link, atom:link (alternate)              link (alternate)
//   published pubDate, dcterms:issued,                published, issued, dcterms:issued
//            atom:published, atom:issued
//   updated  dc:date, dcterms:modified,               updated (the last one), modified,
//            atom:updated, atom:modified              dcterms:modified, dc:date
//            (channel: lastBuildDate first)
//   author   author, dc:creator, dc:author,          author, dc:creator, dc:author,
//            atom:author, itunes:author               itunes:author
//   summary  description (or summary), then           summary, dc:description,
//            dc:description, atom:summary,            media:description, itunes:summary
//            itunes:summary, media:description
//   content  content:encoded, (xhtml:)body, fullitem, content
//            atom:content; else a second description
//   categories  every category, dc:subject, atom:category (term), itunes:category (text),
//            media:category and <tags> (comma-separated), in document order; Atom: category
//            (term, else its text) and dc:subject
#include "feeds/parser.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstring>
#include <pugixml.hpp>
#include <sstream>

#include "feeds/base64.h"
#include "feeds/dates.h"
#include "feeds/encoding.h"
#include "feeds/excerpt.h"
#include "feeds/text.h"
#include "feeds/url.h"
#include "feeds/xml_names.h"
#include "feeds/xml_repair.h"

namespace newswatch {
namespace {

std::string_view local_name(const pugi::xml_node& node) {
  std::string_view name = node.name();
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child_named(const pugi::xml_node& parent, std::string_view name) {
  for (auto child : parent.children()) {
    if (child.type() == pugi::node_element && local_name(child) == name) return child;
  }
  return {};
}

// Calls `visit(child, name)` for each child element of `parent`, with the child's own
// namespace declarations in scope.
template <typename Visit>
void for_each_element(const pugi::xml_node& parent, NamespaceScope& scope, Visit&& visit) {
  for (auto child = parent.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    std::size_t mark = scope.mark();
    scope.declare(child);
    visit(child, scope.name_of(child));
    scope.leave(mark);
  }
}

bool is_text(const pugi::xml_node& node) {
  return node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata;
}

// The text of `node`: its text and CDATA children, all of them ("a <![CDATA[b]]> c" is
// "a b c"; a comment between two pieces of text does not cut it short). A view into the
// document when there is one piece, as there almost always is; else built in `buffer`.
std::string_view text_of(const pugi::xml_node& node, std::string& buffer) {
  auto first = node.first_child();
  if (!first) return {};
  if (!first.next_sibling()) return is_text(first) ? first.value() : std::string_view{};
  buffer.clear();
  for (auto child = first; child; child = child.next_sibling()) {
    if (is_text(child)) buffer += child.value();
  }
  return buffer;
}

// An element with nothing in it but whitespace: absent, as far as a field is concerned.
bool is_blank(const pugi::xml_node& node) {
  for (auto child = node.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element) return false;
    if (!is_text(child)) continue;
    for (const char* c = child.value(); *c; ++c) {
      if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r') return false;
    }
  }
  return true;
}

// The node's markup as written: text and CDATA children concatenated, child elements
// serialized (RSS descriptions sometimes carry unescaped markup).
std::string raw_content(const pugi::xml_node& node) {
  std::string out;
  for (auto child : node.children()) {
    if (is_text(child)) {
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

// The best candidate for a field so far: the lowest rank wins, the first of equal ranks.
struct Pick {
  pugi::xml_node node;
  Ns ns = Ns::kNone;
  int rank = INT_MAX;

  void offer(const pugi::xml_node& candidate, Ns candidate_ns, int candidate_rank) {
    if (candidate_rank < rank && !is_blank(candidate)) {
      node = candidate;
      ns = candidate_ns;
      rank = candidate_rank;
    }
  }
  explicit operator bool() const { return static_cast<bool>(node); }
};

class FeedBuilder {
 public:
  FeedBuilder(const ParseOptions& options, ParsedFeed& feed) : options_(options), feed_(feed) {}

  std::optional<UnixSeconds> date(const pugi::xml_node& node) {
    if (!node) return std::nullopt;
    std::string text(text_of(node, buffer_));
    auto parsed = parse_date(text);
    if (!parsed)
      feed_.warnings.push_back("unparseable date in <" + excerpt(node.name()) + ">: '" +
                               excerpt(text) + "'");
    return parsed;
  }

  // text_of() the node, valid until the next call.
  std::string_view text(const pugi::xml_node& node) { return text_of(node, buffer_); }

  // Text as published (pugixml has decoded the XML), whitespace collapsed: identifiers and
  // links, where decoding HTML references again would turn "&amp;region=" into "®ion=".
  std::string plain(const pugi::xml_node& node) { return plain_text(text_of(node, buffer_)); }

  // Text that may still hold HTML references a feed used without declaring them.
  std::string clean(const pugi::xml_node& node) { return clean_text(text_of(node, buffer_)); }

  // Text that is HTML: RSS text elements, Atom type="html".
  std::string html_text(const pugi::xml_node& node) {
    if (!node) return {};
    auto only = node.first_child();
    if (only && !only.next_sibling() && is_text(only)) return html(only.value(), node);
    return html(raw_content(node), node);
  }

  // An Atom text construct (RFC 4287 section 3.1), honouring its type: text (the default),
  // html, xhtml; Atom 0.3's MIME types; another media type is base64 (Atom 0.3 says so with
  // mode="base64"), kept as text when it does not decode to UTF-8.
  std::string atom_text(const pugi::xml_node& node) {
    if (!node) return {};
    std::string_view type = node.attribute("type").value();
    bool is_html = type == "html" || type == "text/html";
    if (std::string_view(node.attribute("mode").value()) == "base64")
      return base64(node, is_html, /*declared=*/true);
    if (type.empty() || type == "text" || type == "text/plain") return all_text(node);
    if (is_html) return html_text(node);
    if (type == "xhtml" || type == "application/xhtml+xml") return xhtml_text(node);
    if (type.starts_with("text/") || type.ends_with("xml")) return all_text(node);
    return base64(node, false, /*declared=*/false);
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
  std::string html(std::string_view markup, const pugi::xml_node& node) {
    HtmlTextNotes notes;
    std::string text = html_to_text(markup, &notes);
    if (notes.unclosed_comment_hid_text && !comment_warned_) {
      comment_warned_ = true;
      feed_.warnings.push_back("an HTML comment never closed hides the rest of <" +
                               excerpt(node.name()) + ">: '" + excerpt(markup) + "'");
    }
    return text;
  }

  // RFC 4287 section 3.1.1.3: the markup is that of the div's children, and text in it is
  // text ("a &lt;b&gt; c" is "a <b> c"): serialized back to XHTML, references and all.
  std::string xhtml_text(const pugi::xml_node& node) {
    std::ostringstream stream;
    for (auto child : node.children()) child.print(stream, "", pugi::format_raw);
    return html(stream.str(), node);
  }

  // Plain text that should hold no element, but may ("Example <b>Atom</b>"): the text of
  // every descendant, in document order.
  std::string all_text(const pugi::xml_node& node) {
    auto first = node.first_child();
    if (!first || (!first.next_sibling() && is_text(first))) return plain(node);
    buffer_.clear();
    // Depth first without recursion: a document may nest deeper than a stack.
    for (auto n = first; n && n != node;) {
      if (is_text(n)) buffer_ += n.value();
      if (n.type() == pugi::node_element && n.first_child()) {
        n = n.first_child();
        continue;
      }
      while (n != node && !n.next_sibling()) n = n.parent();
      if (n != node) n = n.next_sibling();
    }
    return plain_text(buffer_);
  }

  // Base64 as Atom 0.3's mode="base64" declares, or as RFC 4287 section 3.1.1 has other media
  // types. A type nobody told us was base64 is text that merely has an unknown type when it
  // does not decode to UTF-8 ("application/x-custom").
  std::string base64(const pugi::xml_node& node, bool is_html, bool declared) {
    std::string_view text = text_of(node, buffer_);
    auto decoded = decode_base64(text);
    bool utf8 = decoded.has_value();
    for (std::size_t i = 0; utf8 && !declared && i < decoded->size();) {
      std::size_t length = utf8_sequence_length(*decoded, i);
      utf8 = length > 0;
      i += length;
    }
    if (!utf8) {
      // Appended rather than added up: GCC 12's -Wrestrict misfires on the sum.
      std::string warning = "<";
      warning.append(excerpt(node.name())).append(" type=\"");
      warning.append(excerpt(node.attribute("type").value()));
      warning.append("\"> is not base64 of UTF-8 text; kept as text");
      feed_.warnings.push_back(std::move(warning));
      return plain_text(text);
    }
    return is_html ? html(*decoded, node) : plain_text(*decoded);
  }

  const ParseOptions& options_;
  ParsedFeed& feed_;
  std::string buffer_;  // text_of() of mixed text and CDATA
  bool capped_ = false;
  bool comment_warned_ = false;
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

// An Atom person construct (RFC 4287 section 3.2): "name (email)", either alone, or null.
std::optional<std::string> person(const pugi::xml_node& node, NamespaceScope& scope,
                                  FeedBuilder& builder) {
  std::size_t mark = scope.mark();
  scope.declare(node);
  Ns ns = scope.name_of(node).ns;
  pugi::xml_node name_node, email_node;
  for_each_element(node, scope, [&](const pugi::xml_node& child, QName q) {
    if (q.ns != ns) return;
    if (q.local == "name" && !name_node) name_node = child;
    if (q.local == "email" && !email_node) email_node = child;
  });
  scope.leave(mark);
  std::string name = builder.clean(name_node);
  std::string email = builder.clean(email_node);
  if (name.empty() && email.empty()) return std::nullopt;
  return email.empty() ? name : name.empty() ? email : name + " (" + email + ")";
}

std::optional<std::string> non_empty(std::string text) {
  if (text.empty()) return std::nullopt;
  return text;
}

// A category of any kind, as the item's categories take it.
struct Tag {
  enum Kind : std::uint8_t { kText, kTerm, kItunes, kCommaSeparated };
  pugi::xml_node node;
  Kind kind;
};

void add_categories(const std::vector<Tag>& tags, FeedBuilder& builder, Item& item) {
  for (const auto& tag : tags) {
    std::string one;
    switch (tag.kind) {
      case Tag::kText:
        one = builder.clean(tag.node);
        break;
      case Tag::kTerm:
        one = clean_text(tag.node.attribute("term").value());
        if (one.empty()) one = builder.clean(tag.node);
        break;
      case Tag::kItunes:
        one = clean_text(tag.node.attribute("text").value());
        break;
      case Tag::kCommaSeparated: {
        // A made-up but common element: comma-separated tags.
        std::string text = builder.clean(tag.node);
        std::string_view tags = text;
        for (std::size_t start = 0; start <= tags.size();) {
          std::size_t comma = std::min(tags.find(',', start), tags.size());
          std::string each = clean_text(tags.substr(start, comma - start));
          if (!each.empty()) item.categories.push_back(std::move(each));
          start = comma + 1;
        }
        continue;
      }
    }
    if (!one.empty()) item.categories.push_back(std::move(one));
  }
}

// The elements of an RSS item, found in one pass over its children.
struct RssItemElements {
  Pick title, guid, link, published, updated, author, content, extension_summary, source;
  std::vector<pugi::xml_node> summaries;  // description and summary, in document order
  std::vector<Tag> tags;

  void add(const pugi::xml_node& child, QName q, Ns core) {
    std::string_view n = q.local;
    if (q.ns == core) {
      if (n == "title")
        title.offer(child, q.ns, 0);
      else if (n == "guid")
        guid.offer(child, q.ns, 0);
      else if (n == "link")
        link.offer(child, q.ns, 0);
      else if (n == "pubDate")
        published.offer(child, q.ns, 0);
      else if (n == "author")
        author.offer(child, q.ns, 0);
      else if (n == "source")
        source.offer(child, q.ns, 0);
      else if (n == "description" || n == "summary") {
        if (!is_blank(child)) summaries.push_back(child);
      } else if (n == "body")
        content.offer(child, q.ns, 1);
      else if (n == "fullitem")
        content.offer(child, q.ns, 2);
      else if (n == "category")
        tags.push_back({child, Tag::kText});
      else if (n == "tags")
        tags.push_back({child, Tag::kCommaSeparated});
      return;
    }
    switch (q.ns) {
      case Ns::kDc:
        if (n == "title")
          title.offer(child, q.ns, 1);
        else if (n == "creator")
          author.offer(child, q.ns, 1);
        else if (n == "author")
          author.offer(child, q.ns, 2);
        else if (n == "date")
          updated.offer(child, q.ns, 0);
        else if (n == "subject")
          tags.push_back({child, Tag::kText});
        else if (n == "description")
          extension_summary.offer(child, q.ns, 0);
        break;
      case Ns::kDcTerms:
        if (n == "issued")
          published.offer(child, q.ns, 1);
        else if (n == "modified")
          updated.offer(child, q.ns, 1);
        break;
      case Ns::kContent:
        if (n == "encoded") content.offer(child, q.ns, 0);
        break;
      case Ns::kXhtml:
        if (n == "body") content.offer(child, q.ns, 1);
        break;
      case Ns::kAtom10:
      case Ns::kAtom03:
        if (n == "title")
          title.offer(child, q.ns, 2);
        else if (n == "id")
          guid.offer(child, q.ns, 1);
        else if (n == "link") {
          std::string_view rel = child.attribute("rel").value();
          if ((rel.empty() || rel == "alternate") && *child.attribute("href").value())
            link.offer(child, q.ns, 1);
        } else if (n == "published")
          published.offer(child, q.ns, 2);
        else if (n == "issued")
          published.offer(child, q.ns, 3);
        else if (n == "updated")
          updated.offer(child, q.ns, 2);
        else if (n == "modified")
          updated.offer(child, q.ns, 3);
        else if (n == "author")
          author.offer(child, q.ns, 3);
        else if (n == "summary")
          extension_summary.offer(child, q.ns, 1);
        else if (n == "content")
          content.offer(child, q.ns, 3);
        else if (n == "category")
          tags.push_back({child, Tag::kTerm});
        break;
      case Ns::kMedia:
        if (n == "title")
          title.offer(child, q.ns, 3);
        else if (n == "description")
          extension_summary.offer(child, q.ns, 3);
        else if (n == "category")
          tags.push_back({child, Tag::kText});
        break;
      case Ns::kItunes:
        if (n == "title")
          title.offer(child, q.ns, 4);
        else if (n == "author")
          author.offer(child, q.ns, 4);
        else if (n == "summary")
          extension_summary.offer(child, q.ns, 2);
        else if (n == "category")
          tags.push_back({child, Tag::kItunes});
        break;
      default:
        break;
    }
  }
};

// An RSS text element, or an Atom text construct inside RSS.
std::string rss_text(const Pick& pick, FeedBuilder& builder) {
  return is_atom(pick.ns) ? builder.atom_text(pick.node) : builder.html_text(pick.node);
}

void parse_rss_item(const pugi::xml_node& node, Ns core, NamespaceScope& scope,
                    FeedBuilder& builder, Item& item) {
  RssItemElements e;
  for_each_element(node, scope,
                   [&](const pugi::xml_node& child, QName q) { e.add(child, q, core); });
  item.title = rss_text(e.title, builder);
  if (e.guid) {
    item.guid = non_empty(builder.plain(e.guid.node));
  } else if (auto about = node.attribute("rdf:about")) {
    item.guid = non_empty(plain_text(about.value()));
  }
  if (is_atom(e.link.ns)) {
    item.link = builder.link(e.link.node, plain_text(e.link.node.attribute("href").value()));
  } else if (std::string link = builder.plain(e.link.node); !link.empty()) {
    item.link = builder.link(e.link.node, link);
  }
  // A GUID is an identifier (a GUID that is no URL is normal), and a link only when it says
  // so and is a web address.
  if (!item.link && item.guid && e.guid.ns == core &&
      attribute(e.guid.node, "isPermaLink") != "false" && is_web_url(*item.guid))
    item.link = item.guid;
  item.published = builder.date(e.published.node);
  item.updated = builder.date(e.updated.node);
  if (is_atom(e.author.ns)) {
    item.author = person(e.author.node, scope, builder);
  } else if (e.author) {
    item.author = non_empty(builder.clean(e.author.node));
  }
  if (e.content) item.content = rss_text(e.content, builder);
  // The first description is the summary; a second one is content when the item has no
  // other.
  if (!e.summaries.empty()) {
    item.summary = builder.html_text(e.summaries[0]);
  } else if (e.extension_summary) {
    item.summary = rss_text(e.extension_summary, builder);
  }
  if (e.summaries.size() > 1 && item.content.empty())
    item.content = builder.html_text(e.summaries[1]);
  add_categories(e.tags, builder, item);
  if (e.source) item.source_outlet = non_empty(builder.clean(e.source.node));
}

void parse_atom_entry(const pugi::xml_node& node, NamespaceScope& scope, FeedBuilder& builder,
                      Item& item) {
  Ns core = scope.name_of(node).ns;
  Pick title, id, published, updated, author, summary, content;
  std::vector<Tag> tags;
  for_each_element(node, scope, [&](const pugi::xml_node& child, QName q) {
    std::string_view n = q.local;
    if (q.ns == core) {
      if (n == "title") {
        title.offer(child, q.ns, 0);
      } else if (n == "id") {
        id.offer(child, q.ns, 0);
      } else if (n == "link") {
        std::string rel = attribute(child, "rel");
        std::string href = plain_text(attribute(child, "href"));
        if ((rel.empty() || rel == "alternate") && !item.link && !href.empty())
          item.link = builder.link(child, href);
      } else if (n == "published") {
        published.offer(child, q.ns, 0);
      } else if (n == "issued") {
        published.offer(child, q.ns, 1);
      } else if (n == "updated") {
        // Some feeds repeat <updated>; the last wins, as in feedparser.
        if (!is_blank(child)) updated = Pick{child, q.ns, 0};
      } else if (n == "modified") {
        updated.offer(child, q.ns, 1);
      } else if (n == "author") {
        author.offer(child, q.ns, 0);
      } else if (n == "summary") {
        summary.offer(child, q.ns, 0);
      } else if (n == "content") {
        content.offer(child, q.ns, 0);
      } else if (n == "category") {
        tags.push_back({child, Tag::kTerm});
      }
      return;
    }
    switch (q.ns) {
      case Ns::kDc:
        if (n == "title")
          title.offer(child, q.ns, 1);
        else if (n == "creator")
          author.offer(child, q.ns, 1);
        else if (n == "author")
          author.offer(child, q.ns, 2);
        else if (n == "date")
          updated.offer(child, q.ns, 3);
        else if (n == "subject")
          tags.push_back({child, Tag::kText});
        else if (n == "description")
          summary.offer(child, q.ns, 1);
        break;
      case Ns::kDcTerms:
        if (n == "issued")
          published.offer(child, q.ns, 2);
        else if (n == "modified")
          updated.offer(child, q.ns, 2);
        break;
      case Ns::kMedia:
        if (n == "title")
          title.offer(child, q.ns, 2);
        else if (n == "description")
          summary.offer(child, q.ns, 2);
        break;
      case Ns::kItunes:
        if (n == "title")
          title.offer(child, q.ns, 3);
        else if (n == "author")
          author.offer(child, q.ns, 3);
        else if (n == "summary")
          summary.offer(child, q.ns, 3);
        break;
      default:
        break;
    }
  });
  // Atom's own elements are text constructs; the others are read as RSS reads them.
  auto text = [&](const Pick& pick) {
    return pick.ns == core ? builder.atom_text(pick.node) : builder.html_text(pick.node);
  };
  item.title = text(title);
  if (id) item.guid = non_empty(builder.plain(id.node));
  item.published = builder.date(published.node);
  item.updated = builder.date(updated.node);
  if (author.ns == core) {
    if (author) item.author = person(author.node, scope, builder);
  } else {
    item.author = non_empty(builder.clean(author.node));
  }
  item.summary = text(summary);
  item.content = builder.atom_text(content.node);
  add_categories(tags, builder, item);
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

// An RSS channel or item, an Atom entry: an element of that name in the format's namespace,
// none, or any namespace but one the readers know as an extension's.
bool is_container(QName q, std::string_view name, Ns core) {
  return q.local == name && (q.ns == core || !is_extension(q.ns));
}

void parse_rss_channel(const pugi::xml_node& channel, NamespaceScope& scope, ParsedFeed& feed,
                       FeedBuilder& builder) {
  Ns core = scope.name_of(channel).ns;
  Pick title, link, language, updated;
  for_each_element(channel, scope, [&](const pugi::xml_node& child, QName q) {
    std::string_view n = q.local;
    if (q.ns == core) {
      if (n == "title")
        title.offer(child, q.ns, 0);
      else if (n == "link")
        link.offer(child, q.ns, 0);
      else if (n == "language")
        language.offer(child, q.ns, 0);
      else if (n == "lastBuildDate")
        updated.offer(child, q.ns, 0);
    } else if (q.ns == Ns::kDc) {
      if (n == "title")
        title.offer(child, q.ns, 1);
      else if (n == "language")
        language.offer(child, q.ns, 1);
      else if (n == "date")
        updated.offer(child, q.ns, 1);
    } else if (q.ns == Ns::kDcTerms) {
      if (n == "modified") updated.offer(child, q.ns, 2);
    } else if (is_atom(q.ns)) {
      if (n == "title") {
        title.offer(child, q.ns, 2);
      } else if (n == "updated") {
        updated.offer(child, q.ns, 3);
      } else if (n == "link") {
        std::string_view rel = child.attribute("rel").value();
        if ((rel.empty() || rel == "alternate") && *child.attribute("href").value())
          link.offer(child, q.ns, 1);
      }
    } else if (q.ns == Ns::kMedia || q.ns == Ns::kItunes) {
      if (n == "title") title.offer(child, q.ns, q.ns == Ns::kMedia ? 3 : 4);
    }
  });
  feed.title = rss_text(title, builder);
  if (is_atom(link.ns)) {
    feed.link = builder.link(link.node, plain_text(link.node.attribute("href").value()));
  } else if (std::string href = builder.plain(link.node); !href.empty()) {
    feed.link = builder.link(link.node, href);
  }
  if (language) feed.language = language_tag(builder.text(language.node));
  feed.updated = builder.date(updated.node);
}

void parse_rss(const pugi::xml_node& root, NamespaceScope& scope, ParsedFeed& feed,
               FeedBuilder& builder) {
  pugi::xml_node channel;
  for_each_element(root, scope, [&](const pugi::xml_node& child, QName q) {
    if (!channel && is_container(q, "channel", scope.name_of(root).ns)) channel = child;
  });
  if (!channel) channel = root;
  std::size_t mark = scope.mark();
  if (channel != root) scope.declare(channel);
  feed.hints = hints_of(channel, feed.warnings);
  parse_rss_channel(channel, scope, feed, builder);
  if (!feed.language) {
    if (auto lang = root.attribute("xml:lang")) feed.language = language_tag(lang.value());
  }
  Ns core = scope.name_of(channel).ns;
  scope.leave(mark);
  // RSS 2.0 nests items in the channel; RSS 1.0 and 0.90 make them siblings of it.
  bool full = false;
  auto add_items = [&](const pugi::xml_node& container) {
    std::size_t container_mark = scope.mark();
    if (container != root) scope.declare(container);
    for_each_element(container, scope, [&](const pugi::xml_node& child, QName q) {
      if (full || !is_container(q, "item", core)) return;
      if (!builder.room_for_item()) {
        full = true;
        return;
      }
      // The item's elements are core in the namespace of the item itself (RSS 1.0 items may
      // stand in the RDF root, beside a channel in the RSS 1.0 namespace).
      parse_rss_item(child, q.ns == Ns::kNone ? core : q.ns, scope, builder,
                     feed.items.emplace_back());
      fill_summary(feed.items.back());
    });
    scope.leave(container_mark);
  };
  add_items(channel);
  if (channel != root) add_items(root);
}

void parse_atom(const pugi::xml_node& root, NamespaceScope& scope, ParsedFeed& feed,
                FeedBuilder& builder) {
  feed.hints = hints_of(root, feed.warnings);
  Ns core = scope.name_of(root).ns;
  Pick title, updated;
  for_each_element(root, scope, [&](const pugi::xml_node& child, QName q) {
    std::string_view n = q.local;
    if (q.ns == core) {
      if (n == "title") {
        title.offer(child, q.ns, 0);
      } else if (n == "updated") {
        updated.offer(child, q.ns, 0);
      } else if (n == "modified") {
        updated.offer(child, q.ns, 1);
      } else if (n == "link" && !feed.link) {
        std::string rel = attribute(child, "rel");
        if (rel.empty() || rel == "alternate")
          feed.link = builder.link(child, plain_text(attribute(child, "href")));
      }
    } else if (q.ns == Ns::kDc) {
      if (n == "title")
        title.offer(child, q.ns, 1);
      else if (n == "date")
        updated.offer(child, q.ns, 3);
    } else if (q.ns == Ns::kDcTerms && n == "modified") {
      updated.offer(child, q.ns, 2);
    }
  });
  feed.title = title.ns == core ? builder.atom_text(title.node) : builder.html_text(title.node);
  if (auto lang = root.attribute("xml:lang")) feed.language = language_tag(lang.value());
  feed.updated = builder.date(updated.node);
  bool full = false;
  for_each_element(root, scope, [&](const pugi::xml_node& child, QName q) {
    if (full || !is_container(q, "entry", core)) return;
    if (!builder.room_for_item()) {
      full = true;
      return;
    }
    parse_atom_entry(child, scope, builder, feed.items.emplace_back());
    fill_summary(feed.items.back());
  });
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
