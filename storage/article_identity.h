// Article identity: what tells that two items are one article, and where and when it was
// published. An article is known by the canonical URLs of its link and permalink GUID, and,
// for an item with neither, by a hash of its folded headline and lede; within one feed an
// item is known by its GUID, else its link. Pure functions of the item: any thread.
#pragma once

#include <string>
#include <vector>

#include "feeds/item.h"
#include "topics/matcher.h"

namespace newswatch {

// The canonical URLs an item's article is known by, strongest first: its link's, then its
// GUID's when the GUID is a web URL (a permalink) and another.
std::vector<std::string> article_url_keys(const Item& item);

// "text:" and 16 hex digits: a hash of the item's headline and lede, folded, that knows an
// article without URL keys. `folded`, when given, is the item as the matcher folded it
// (Matcher::fold): the headline is read from it instead of folded again; the key is the same.
std::string article_text_key(const Item& item, const FoldedItem* folded = nullptr);

// What makes an item "the same item" within one feed: its GUID, else its link, else
// `text_key`.
const std::string& item_key(const Item& item, const std::string& text_key);

// Who published an item: the outlet an aggregator names, else the host of its first URL key
// when that is https, else the feed (its title, or its URL when it has none).
std::string article_outlet(const Item& item, const std::vector<std::string>& url_keys,
                           const std::string& feed_title, const std::string& feed_url);

// When an article happened: as published (or updated), unless the date is missing or more
// than a day after `fetched_at`; then `fetched_at`.
UnixSeconds article_time(const Item& item, UnixSeconds fetched_at);

}  // namespace newswatch
