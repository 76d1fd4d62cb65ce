// OPML subscription lists, as every feed reader exports them.
#pragma once

#include <string>
#include <vector>

#include "daemon/config.h"

namespace newswatch {

// Every outline with an xmlUrl, at any depth (folders are outlines without one). Errors name
// file:line:column.
Result<std::vector<FeedConfig>> load_opml(const std::string& path);

// The same for OPML text; `origin` names it in errors.
Result<std::vector<FeedConfig>> parse_opml(const std::string& text, const std::string& origin);

}  // namespace newswatch
