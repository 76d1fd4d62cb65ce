// Keys are stored and compared across versions: what makes them must not change without a
// migration that rewrites article_keys (as version 4 did for canonical URLs).
#include "storage/article_identity.h"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string_view>

#include "base/fnv1a.h"
#include "feeds/url.h"
#include "language/fold.h"

namespace newswatch {
namespace {

// How much of the lede the text key reads: enough to tell two items under one headline apart.
constexpr std::size_t kTextKeyBytes = 400;

bool is_web_url(const std::string& text) {
  return text.starts_with("http://") || text.starts_with("https://") ||
         text.starts_with("HTTP://") || text.starts_with("HTTPS://");
}

}  // namespace

std::vector<std::string> article_url_keys(const Item& item) {
  std::vector<std::string> keys;
  if (item.link && !item.link->empty()) keys.push_back(canonical_article_url(*item.link));
  if (item.guid && is_web_url(*item.guid)) {
    std::string guid = canonical_article_url(*item.guid);
    if (keys.empty() || keys[0] != guid) keys.push_back(std::move(guid));
  }
  return keys;
}

std::string article_text_key(const Item& item, const FoldedItem* folded) {
  const std::string& body = item.summary.empty() ? item.content : item.summary;
  const std::string* title = folded ? folded->whole(ItemField::kTitle, item.title) : nullptr;
  std::string text = title ? *title : fold(item.title);
  text += '\n';
  text += fold(std::string_view(body).substr(0, kTextKeyBytes));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a_64(text)));
  return std::string("text:") + hex;
}

const std::string& item_key(const Item& item, const std::string& text_key) {
  if (item.guid && !item.guid->empty()) return *item.guid;
  if (item.link && !item.link->empty()) return *item.link;
  return text_key;
}

std::string article_outlet(const Item& item, const std::vector<std::string>& url_keys,
                           const std::string& feed_title, const std::string& feed_url) {
  if (item.source_outlet && !item.source_outlet->empty()) return *item.source_outlet;
  if (!url_keys.empty() && url_keys[0].starts_with("https://")) {
    std::string_view rest = std::string_view(url_keys[0]).substr(8);
    return std::string(rest.substr(0, rest.find_first_of("/?")));
  }
  return feed_title.empty() ? feed_url : feed_title;
}

UnixSeconds article_time(const Item& item, UnixSeconds fetched_at) {
  constexpr UnixSeconds kClockSkew = 24 * 3600;
  std::optional<UnixSeconds> published = item.published ? item.published : item.updated;
  return published && *published <= fetched_at + kClockSkew ? *published : fetched_at;
}

}  // namespace newswatch
