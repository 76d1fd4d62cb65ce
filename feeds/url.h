// URLs in feeds: relative links resolved against their base (libcurl's URL API, RFC 3986).
#pragma once

#include <string>
#include <string_view>

namespace newswatch {

// True when `url` starts with a scheme ("https:", "mailto:", ...).
bool has_scheme(std::string_view url);

// Resolves `reference` against `base`. An absolute reference is returned as published;
// a relative one is resolved when `base` is an absolute URL, else returned unchanged.
std::string resolve_url(std::string_view base, std::string_view reference);

}  // namespace newswatch
