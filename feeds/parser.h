// Feed documents to items. The format is detected from the document itself (never the URL or
// the Content-Type): RSS 0.9x/2.0, RSS 1.0 (RDF), RSS 0.90, Atom 1.0 and 0.3, JSON Feed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "feeds/item.h"

namespace newswatch {

struct ParseOptions {
  // The document's own URL: relative links resolve against xml:base, then this, then the
  // feed's link.
  std::string base_url;
  // The charset of the HTTP Content-Type, if any: used when the document names no encoding.
  std::string http_charset;
  // Items beyond this many are ignored, with a warning: no document can exhaust memory
  // through its item count (the fetcher caps the bytes; pugixml parses without recursion).
  std::size_t max_items = 10'000;
};

// Parses a whole feed document. Recoverable damage (malformed XML after some items, bad
// dates) still yields the items found, with warnings; an error means nothing usable was
// found. Pure function: no I/O, safe to call from any thread.
Result<ParsedFeed> parse_feed(std::string_view bytes, const ParseOptions& options);

// JSON Feed 1.0/1.1; called by parse_feed when the document is a JSON object.
Result<ParsedFeed> parse_json_feed(std::string_view bytes, const ParseOptions& options);

// `reference` resolved against `base`, when that is an http or https URL: the only links, of
// an item or of the feed, that a parsed feed carries. Otherwise nullopt, and a warning in
// `feed`. Shared by the XML and JSON parsers.
std::optional<std::string> web_link(std::string_view base, std::string_view reference,
                                    ParsedFeed& feed);

}  // namespace newswatch
