// url_fuzzer's properties. The input is a base URL, a newline and a link (or a link alone).
// canonical_article_url is a key: applied to its own output it changes nothing, it never keeps
// a fragment, and for http(s) dropping tracking first (without_tracking) does not change it
// (other links keep their query: they lose only the fragment).
// without_tracking drops the fragment and is idempotent too. resolve_url returns an absolute
// reference, or any reference against a base that is not absolute, as published.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

#include "feeds/url.h"
#include "fuzz/checks.h"

namespace newswatch::fuzz {

inline bool is_web_url(std::string_view url) {
  std::string scheme(url.substr(0, url.find(':')));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return has_scheme(url) && (scheme == "http" || scheme == "https");
}

inline std::string check_article_url(std::string_view url) {
  // Appended rather than added: GCC 12 warns (-Wrestrict) about "'" + std::string here.
  auto quoted = [](std::string_view text) {
    std::string out(1, '\'');
    return out.append(printable(text)).append(1, '\'');
  };
  std::string canonical = canonical_article_url(url);
  if (canonical.find('#') != std::string::npos)
    return "canonical_article_url(" + quoted(url) + ") keeps a fragment: " + quoted(canonical);
  std::string again = canonical_article_url(canonical);
  if (again != canonical)
    return "canonical_article_url is not idempotent: " + quoted(url) + " -> " + quoted(canonical) +
           " -> " + quoted(again);
  std::string shown = without_tracking(url);
  if (shown.find('#') != std::string::npos)
    return "without_tracking(" + quoted(url) + ") keeps a fragment: " + quoted(shown);
  if (without_tracking(shown) != shown)
    return "without_tracking is not idempotent: " + quoted(url) + " -> " + quoted(shown) + " -> " +
           quoted(without_tracking(shown));
  if (is_web_url(url) && canonical_article_url(shown) != canonical)
    return "without_tracking changes the article: " + quoted(url) + " is " + quoted(canonical) +
           ", " + quoted(shown) + " is " + quoted(canonical_article_url(shown));
  return {};
}

inline std::string check_url_handling(std::string_view bytes) {
  std::size_t newline = bytes.find('\n');
  std::string_view base = newline == std::string_view::npos ? "" : bytes.substr(0, newline);
  std::string_view link = newline == std::string_view::npos ? bytes : bytes.substr(newline + 1);
  std::string resolved = resolve_url(base, link);
  if ((has_scheme(link) || !has_scheme(base)) && resolved != link)
    return "resolve_url('" + printable(base) + "', '" + printable(link) +
           "') changes a link it must return as published: '" + printable(resolved) + "'";
  for (std::string_view url : {base, link, std::string_view(resolved)}) {
    if (auto broken = check_article_url(url); !broken.empty()) return broken;
  }
  return {};
}

}  // namespace newswatch::fuzz
