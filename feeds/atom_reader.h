// The Atom reader of parse_feed() (feeds/parser.h).
#pragma once

#include <pugixml.hpp>

#include "feeds/feed_builder.h"
#include "feeds/item.h"
#include "feeds/xml_names.h"

namespace newswatch {

// Reads into `feed` the Atom 1.0 or 0.3 document: the feed's fields and hints, then its entries.
// `root` is the document element, declared in `scope`.
void parse_atom(const pugi::xml_node& root, NamespaceScope& scope, ParsedFeed& feed,
                FeedBuilder& builder);

}  // namespace newswatch
