#include "feeds/url.h"

#include <curl/curl.h>

#include <cctype>
#include <memory>

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
  if (url.empty() || !std::isalpha(static_cast<unsigned char>(url[0]))) return false;
  for (std::size_t i = 1; i < url.size(); ++i) {
    char c = url[i];
    if (c == ':') return true;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return false;
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

}  // namespace newswatch
