#include "feeds/start_queue.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <unordered_map>

namespace newswatch {

std::string host_key(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), &curl_url_cleanup);
  char* host = nullptr;
  char* port = nullptr;
  if (!handle || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(handle.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK)
    return url;
  std::string key = host;
  curl_free(host);
  if (curl_url_get(handle.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
    key += std::string(":") + port;
    curl_free(port);
  }
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

StartQueue::StartQueue(const std::vector<FetchRequest>& requests, int per_host)
    : per_host_(std::max(1, per_host)), host_of_(requests.size()) {
  std::unordered_map<std::string, std::size_t> ids;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    auto [it, added] = ids.emplace(host_key(requests[i].url), ids.size());
    if (added) {
      waiting_.emplace_back();
      active_.push_back(0);
    }
    host_of_[i] = it->second;
    waiting_[it->second].push_back(i);
  }
  remaining_ = requests.size();
}

std::optional<std::size_t> StartQueue::next() {
  for (std::size_t n = 0; n < waiting_.size(); ++n, cursor_ = (cursor_ + 1) % waiting_.size()) {
    auto& queue = waiting_[cursor_];
    if (queue.empty() || active_[cursor_] >= per_host_) continue;
    std::size_t index = queue.front();
    queue.pop_front();
    ++active_[cursor_];
    --remaining_;
    cursor_ = (cursor_ + 1) % waiting_.size();
    return index;
  }
  return std::nullopt;
}

}  // namespace newswatch
