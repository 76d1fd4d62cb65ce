// The RSS reader of parse_feed() (feeds/parser.h).
#pragma once

#include <pugixml.hpp>

#include "feeds/feed_builder.h"
#include "feeds/item.h"
#include "feeds/xml_names.h"

namespace newswatch {

// Reads into `feed` the RSS 0.9x/2.0, RSS 1.0 (RDF) or RSS 0.90 document: the channel's fields and
// hints, then its items, in or beside the channel. `root` is the document element, declared in
// `scope`.
void parse_rss(const pugi::xml_node& root, NamespaceScope& scope, ParsedFeed& feed,
               FeedBuilder& builder);

}  // namespace newswatch
