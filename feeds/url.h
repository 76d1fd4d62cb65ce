// URLs in feeds: relative links resolved against their base (libcurl's URL API, RFC 3986),
// and the canonical form that tells which links are one article.
#pragma once

#include <string>
#include <string_view>

namespace newswatch {

// True when `url` starts with a scheme ("https:", "mailto:", ...).
bool has_scheme(std::string_view url);

// True when `url` is an absolute http or https URL with a host: what may be handed on as an
// article's address. A javascript:, vbscript: or data: link runs what it holds when opened,
// a file: link reads the reader's own disk.
bool is_web_url(std::string_view url);

// Resolves `reference` against `base`. An absolute reference is returned as published;
// a relative one is resolved when `base` is an absolute URL, else returned unchanged.
std::string resolve_url(std::string_view base, std::string_view reference);

// The identity of the article a link points to: the same article under tracking-tagged,
// AMP, mobile, http/https, default-port, trailing-slash and fragment variants of its URL
// gives one string. A key, not necessarily a working address (https is assumed, "www." is
// dropped). Links other than http(s) lose only their fragment.
std::string canonical_article_url(std::string_view url);

// The link as published without tracking parameters and fragment: what to show a reader.
std::string without_tracking(std::string_view url);

}  // namespace newswatch
