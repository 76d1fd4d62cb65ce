// Field values from the elements of a feed document, as the RSS and Atom readers take them:
// dates, text of each kind a field may hold (plain, with HTML references, HTML, an Atom text
// construct), links resolved against xml:base and made web links, an Atom person. Every
// problem met on the way becomes a warning in the parsed feed; nothing is fatal.
#pragma once

#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "feeds/item.h"
#include "feeds/parser.h"
#include "feeds/text.h"
#include "feeds/xml_names.h"
#include "feeds/xml_nodes.h"

namespace newswatch {

// Reads the fields of one document into `feed`, whose warnings it appends to. `options` and
// `feed` must outlive it.
class FeedBuilder {
 public:
  FeedBuilder(const ParseOptions& options, ParsedFeed& feed) : options_(options), feed_(feed) {}

  // The date `node` holds; nullopt, with a warning, when it is no date parse_date() reads.
  std::optional<UnixSeconds> date(const pugi::xml_node& node);

  // text_of() the node, valid until the next call.
  std::string_view text(const pugi::xml_node& node) { return text_of(node, buffer_); }

  // Text as published (pugixml has decoded the XML), whitespace collapsed: identifiers and
  // links, where decoding HTML references again would turn "&amp;region=" into "®ion=".
  std::string plain(const pugi::xml_node& node) { return plain_text(text_of(node, buffer_)); }

  // Text that may still hold HTML references a feed used without declaring them.
  std::string clean(const pugi::xml_node& node) { return clean_text(text_of(node, buffer_)); }

  // Text that is HTML: RSS text elements, Atom type="html".
  std::string html_text(const pugi::xml_node& node);

  // An Atom text construct (RFC 4287 section 3.1), honouring its type: text (the default),
  // html, xhtml; Atom 0.3's MIME types; another media type is base64 (Atom 0.3 says so with
  // mode="base64"), kept as text when it does not decode to UTF-8.
  std::string atom_text(const pugi::xml_node& node);

  // `href`, found at `node`, resolved against the base in effect there; nullopt, with a
  // warning, when that is no http or https URL.
  std::optional<std::string> link(const pugi::xml_node& node, const std::string& href);

  // False, with a warning the first time, once the document has options.max_items items.
  bool room_for_item();

  // What relative links resolve against when no xml:base says otherwise.
  std::string_view document_base() const {
    if (!options_.base_url.empty()) return options_.base_url;
    return feed_.link ? std::string_view(*feed_.link) : std::string_view();
  }

 private:
  std::string html(std::string_view markup, const pugi::xml_node& node);
  std::string xhtml_text(const pugi::xml_node& node);
  std::string all_text(const pugi::xml_node& node);
  std::string base64(const pugi::xml_node& node, bool is_html, bool declared);

  const ParseOptions& options_;
  ParsedFeed& feed_;
  std::string buffer_;  // text_of() of mixed text and CDATA
  bool capped_ = false;
  bool comment_warned_ = false;
};

// "en_US" as written by some publishers is the BCP 47 tag "en-US".
std::string language_tag(std::string_view text);

// An item with content but no summary is summarised by its content (as feedparser does).
void fill_summary(Item& item);

// An Atom person construct (RFC 4287 section 3.2): "name (email)", either alone, or null.
std::optional<std::string> person(const pugi::xml_node& node, NamespaceScope& scope,
                                  FeedBuilder& builder);

// `text`, or nullopt when it is empty.
std::optional<std::string> non_empty(std::string text);

}  // namespace newswatch
