#include "feeds/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <vector>

#include "feeds/ascii.h"

namespace newswatch {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

}  // namespace

bool has_scheme(std::string_view url) {
  if (url.empty() || !is_ascii_alpha(url[0])) return false;
  for (std::size_t i = 1; i < url.size(); ++i) {
    char c = url[i];
    if (c == ':') return true;
    if (!is_ascii_alnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return false;
}

std::string resolve_url(std::string_view base, std::string_view reference) {
  std::string ref(reference);
  if (has_scheme(ref) || base.empty() || !has_scheme(base)) return ref;
  // RFC 3986 5.2.2: an empty reference is the base, a fragment-only one the base with that
  // fragment (libcurl 7.88 drops the base's last segment and query for both).
  if (ref.empty() || ref.front() == '#') {
    std::string_view without_fragment = base.substr(0, base.find('#'));
    return std::string(without_fragment) + ref;
  }
  UrlHandle handle(curl_url());
  if (!handle) return ref;
  std::string base_str(base);
  if (curl_url_set(handle.get(), CURLUPART_URL, base_str.c_str(), CURLU_NON_SUPPORT_SCHEME) !=
      CURLUE_OK)
    return ref;
  // Setting a relative URL on a handle that holds an absolute one resolves it (RFC 3986 5.2).
  if (curl_url_set(handle.get(), CURLUPART_URL, ref.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
    return ref;
  char* out = nullptr;
  if (curl_url_get(handle.get(), CURLUPART_URL, &out, 0) != CURLUE_OK) return ref;
  CurlString owned(out);
  return std::string(out);
}

namespace {

// The parts of an absolute URL, as views into it.
struct UrlParts {
  std::string_view scheme, authority, path, query;  // fragment dropped
};

std::optional<UrlParts> split_url(std::string_view url) {
  if (!has_scheme(url)) return std::nullopt;
  UrlParts parts;
  std::size_t colon = url.find(':');
  parts.scheme = url.substr(0, colon);
  std::string_view rest = url.substr(colon + 1);
  rest = rest.substr(0, rest.find('#'));
  if (!rest.starts_with("//")) return std::nullopt;
  rest.remove_prefix(2);
  std::size_t end = rest.find_first_of("/?");
  parts.authority = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  std::size_t question = rest.find('?');
  parts.path = rest.substr(0, question);
  if (question != std::string_view::npos) parts.query = rest.substr(question + 1);
  return parts;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && lower(text.substr(0, prefix.size())) == prefix;
}

// Query parameters that say how a reader arrived, not what they read: campaign tags, click
// ids of ad and social networks, newsletter ids, referrer tags, and AMP switches.
bool is_tracking_parameter(std::string_view name) {
  static constexpr std::string_view kPrefixes[] = {"utm_", "at_", "ns_", "pk_", "mtm_", "hsa_"};
  static constexpr std::string_view kNames[] = {
      "fbclid",   "gclid",   "dclid",     "gbraid",
      "wbraid",   "msclkid", "yclid",     "twclid",
      "ttclid",   "igshid",  "mc_cid",    "mc_eid",
      "_ga",      "_gl",     "_hsenc",    "_hsmi",
      "mkt_tok",  "ref",     "ref_src",   "ref_url",
      "cmpid",    "ocid",    "smid",      "smtyp",
      "s_cid",    "ito",     "wt_mc",     "wt.mc_id",
      "sr_share", "cmp",     "amp",       "__twitter_impression",
      "via",      "rss",     "guccounter"};
  std::string lowered = lower(name);
  for (auto prefix : kPrefixes) {
    if (lowered.starts_with(prefix)) return true;
  }
  for (auto tracking : kNames) {
    if (lowered == tracking) return true;
  }
  return false;
}

// The query without tracking parameters, in a fixed order (`sorted`) or as published.
std::string clean_query(std::string_view query, bool sorted) {
  std::vector<std::string_view> kept;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view parameter = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (parameter.empty()) continue;
    if (is_tracking_parameter(parameter.substr(0, parameter.find('='))) ||
        lower(parameter) == "outputtype=amp")
      continue;
    kept.push_back(parameter);
  }
  if (sorted) std::sort(kept.begin(), kept.end());
  std::string out;
  for (auto parameter : kept) {
    out += out.empty() ? "" : "&";
    out += parameter;
  }
  return out;
}

}  // namespace

bool is_web_url(std::string_view url) {
  auto parts = split_url(url);
  if (!parts) return false;
  std::string scheme = lower(parts->scheme);
  if (scheme != "http" && scheme != "https") return false;
  std::string_view host = parts->authority;
  if (std::size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  return !host.empty() && host.front() != ':';
}

std::string without_tracking(std::string_view url) {
  auto parts = split_url(url);
  if (!parts) return std::string(url.substr(0, url.find('#')));
  std::string query = clean_query(parts->query, false);
  std::string out(parts->scheme);
  out.append("://").append(parts->authority).append(parts->path);
  if (!query.empty()) out.append("?").append(query);
  return out;
}

namespace {

// One pass of canonical_article_url's rewrites. One pass can uncover work for another (an
// AMP cache page whose path, once /amp/ is stripped, is again under the cache's host).
std::string canonical_once(std::string_view url) {
  auto parts = split_url(url);
  if (!parts) return std::string(url.substr(0, url.find('#')));
  std::string scheme = lower(parts->scheme);
  if (scheme != "http" && scheme != "https") return std::string(url.substr(0, url.find('#')));
  std::string authority(parts->authority);
  std::string path(parts->path);
  // Google's AMP cache serves a page under its own host: /c/s/HOST/PATH (s: https), even a
  // cached cache page.
  while (lower(authority).ends_with(".cdn.ampproject.org")) {
    bool unwrapped = false;
    for (std::string_view lead : {"/c/s/", "/v/s/", "/c/", "/v/"}) {
      if (path.starts_with(lead)) {
        std::string rest = path.substr(lead.size());
        std::size_t slash = rest.find('/');
        authority = rest.substr(0, slash);
        path = slash == std::string::npos ? "/" : rest.substr(slash);
        unwrapped = true;
        break;
      }
    }
    if (!unwrapped) break;
  }
  std::string host = lower(authority.substr(authority.rfind('@') + 1));
  while (host.ends_with(":80") || host.ends_with(":443")) host.erase(host.rfind(':'));
  // One site under its desktop, mobile and AMP hosts ("www.m." included): stripped until
  // none is left, so that the canonical form of a canonical form is itself.
  for (bool stripped = true; stripped;) {
    stripped = false;
    for (std::string_view prefix : {"www.", "m.", "mobile.", "amp."}) {
      if (host.starts_with(prefix) && host.find('.', prefix.size()) != std::string::npos) {
        host.erase(0, prefix.size());
        stripped = true;
      }
    }
  }
  // AMP pages under the article's path: /amp/..., .../amp, .../amp.html, and trailing
  // slashes, however they nest.
  for (bool stripped = true; stripped;) {
    stripped = false;
    if (iequals_prefix(path, "/amp/")) {
      path.erase(0, 4);
      stripped = true;
    }
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    for (std::string_view suffix : {"/amp", ".amp", "/amp.html"}) {
      if (path.size() > suffix.size() &&
          lower(path.substr(path.size() - suffix.size())) == suffix) {
        path.erase(path.size() - suffix.size());
        stripped = true;
      }
    }
  }
  if (path.empty()) path.assign(1, '/');
  std::string query = clean_query(parts->query, true);
  std::string out = "https://";
  out.append(host).append(path);
  if (!query.empty()) out.append("?").append(query);
  return out;
}

}  // namespace

std::string canonical_article_url(std::string_view url) {
  std::string canonical = canonical_once(url);
  // Every pass after the first only removes text, so this ends; the bound is a backstop.
  for (int pass = 0; pass < 64; ++pass) {
    std::string again = canonical_once(canonical);
    if (again == canonical) break;
    canonical = std::move(again);
  }
  return canonical;
}

}  // namespace newswatch
