// What a feed says of how often it changes (feeds/item.h, FeedHints): RSS's <ttl>,
// <skipHours> and <skipDays>, and the syndication module's sy:updatePeriod and
// sy:updateFrequency, which Atom feeds may carry too.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <vector>

#include "feeds/item.h"

namespace newswatch {

// The hints among the children of `channel` (an RSS channel or an Atom feed). A hint that is
// no whole number in its range is left out, with a warning in `warnings`.
FeedHints hints_of(const pugi::xml_node& channel, std::vector<std::string>& warnings);

}  // namespace newswatch
