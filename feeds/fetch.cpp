#include "feeds/fetch.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace newswatch {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

bool header_is(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  }
  return true;
}

CURLM* as_multi(void* p) { return static_cast<CURLM*>(p); }

}  // namespace

// Requests waiting to start, by host, handing out the next one whose host has room.
class StartQueue {
 public:
  StartQueue(const std::vector<FetchRequest>& requests, int per_host)
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

  // A request that may start now, in order per host and round-robin across hosts.
  std::optional<std::size_t> next() {
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
  void finished(std::size_t index) { --active_[host_of_[index]]; }
  bool empty() const { return remaining_ == 0; }

 private:
  // "host:port" as libcurl counts connections; the URL itself when it has no host.
  static std::string host_key(const std::string& url) {
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

  int per_host_;
  std::vector<std::size_t> host_of_;              // host id of each request
  std::vector<std::deque<std::size_t>> waiting_;  // request indices, by host id
  std::vector<int> active_;                       // transfers under way, by host id
  std::size_t cursor_ = 0;
  std::size_t remaining_ = 0;
};

struct Fetcher::Transfer {
  CURL* easy = nullptr;
  std::size_t index = 0;       // of the request in fetch_all's list
  std::vector<long> statuses;  // of every final (non-1xx) response, redirects included
  curl_slist* headers = nullptr;
  FetchResult result;
  std::size_t max_body = 0;
  bool body_too_large = false;

  ~Transfer() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(easy);
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self) {
    auto* t = static_cast<Transfer*>(self);
    std::size_t n = size * count;
    if (t->result.body.size() + n > t->max_body) {
      t->body_too_large = true;
      return 0;  // makes libcurl abort the transfer with CURLE_WRITE_ERROR
    }
    t->result.body.append(data, n);
    return n;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self) {
    auto* t = static_cast<Transfer*>(self);
    std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
      // The status of each response on the way, interim 1xx ones aside.
      std::size_t space = line.find(' ');
      long code = space == std::string_view::npos
                      ? 0
                      : std::atol(std::string(line.substr(space + 1, 3)).c_str());
      if (code >= 200) t->statuses.push_back(code);
      // A new response (after a redirect or a 100 Continue): forget the previous headers.
      t->result.etag.clear();
      t->result.last_modified.clear();
      t->result.content_type.clear();
      t->result.retry_after.clear();
      t->result.cache_control.clear();
      t->result.expires.clear();
    } else if (header_is(line, "etag")) {
      t->result.etag = trim(line.substr(5));
    } else if (header_is(line, "last-modified")) {
      t->result.last_modified = trim(line.substr(14));
    } else if (header_is(line, "content-type")) {
      t->result.content_type = trim(line.substr(13));
    } else if (header_is(line, "retry-after")) {
      t->result.retry_after = trim(line.substr(12));
    } else if (header_is(line, "cache-control")) {
      t->result.cache_control = trim(line.substr(14));
    } else if (header_is(line, "expires")) {
      t->result.expires = trim(line.substr(8));
    }
    return size * count;
  }
};

Fetcher::Fetcher(FetchOptions options) : options_(std::move(options)) {
  static std::once_flag curl_initialized;
  std::call_once(curl_initialized, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  multi_ = curl_multi_init();
  // HTTP/2 where a server offers it: one connection carries a host's transfers.
  curl_multi_setopt(as_multi(multi_), CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(as_multi(multi_), CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(options_.concurrency));
}

Fetcher::~Fetcher() { curl_multi_cleanup(as_multi(multi_)); }

std::unique_ptr<Fetcher::Transfer> Fetcher::start(const FetchRequest& request, std::size_t index) {
  auto t = std::make_unique<Transfer>();
  t->index = index;
  t->result.url = request.url;
  t->max_body = options_.max_body_bytes;
  t->easy = curl_easy_init();
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding this libcurl decodes
  curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_seconds);
  curl_easy_setopt(e, CURLOPT_TIMEOUT, options_.timeout_seconds);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);  // abort a server stalled for 30 s
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 30L);
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_body_bytes));
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  if (!request.etag.empty())
    t->headers = curl_slist_append(t->headers, ("If-None-Match: " + request.etag).c_str());
  if (!request.last_modified.empty())
    t->headers =
        curl_slist_append(t->headers, ("If-Modified-Since: " + request.last_modified).c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  curl_multi_add_handle(as_multi(multi_), e);
  return t;
}

bool Fetcher::fetch_all(const std::vector<FetchRequest>& requests,
                        const std::function<void(FetchResult)>& on_done, int interrupt_fd,
                        const std::function<void()>& on_wait, int max_wait_ms) {
  CURLM* multi = as_multi(multi_);
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> live;
  StartQueue queue(requests, options_.per_host);
  const std::size_t limit = static_cast<std::size_t>(std::max(1, options_.concurrency));
  bool interrupted = false;
  while (!queue.empty() || !live.empty()) {
    while (live.size() < limit) {
      auto index = queue.next();
      if (!index) break;
      auto t = start(requests[*index], *index);
      CURL* easy = t->easy;
      live.emplace(easy, std::move(t));
    }
    int running = 0;
    bool finished_any = false;
    curl_multi_perform(multi, &running);
    while (CURLMsg* msg = curl_multi_info_read(multi, &running)) {
      if (msg->msg != CURLMSG_DONE) continue;
      auto node = live.extract(msg->easy_handle);
      Transfer& t = *node.mapped();
      curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &t.result.status);
      char* effective = nullptr;
      curl_easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &effective);
      if (effective) t.result.effective_url = effective;
      curl_easy_getinfo(t.easy, CURLINFO_TOTAL_TIME, &t.result.seconds);
      t.result.moved_permanently =
          t.statuses.size() > 1 &&
          std::all_of(t.statuses.begin(), t.statuses.end() - 1,
                      [](long code) { return code == 301 || code == 308; });
      CURLcode code = msg->data.result;
      if (t.body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
        t.result.error = "response body larger than " + std::to_string(t.max_body) + " bytes";
      } else if (code != CURLE_OK) {
        t.result.error = curl_easy_strerror(code);
      }
      curl_multi_remove_handle(multi, t.easy);
      queue.finished(t.index);
      finished_any = true;
      on_done(std::move(t.result));
    }
    if (queue.empty() && live.empty()) break;
    // Transfers ended and others wait: start them now rather than wait in poll for
    // sockets that may all be idle.
    if (finished_any && !queue.empty()) continue;
    if (on_wait) on_wait();
    curl_waitfd extra{};
    extra.fd = interrupt_fd;
    extra.events = CURL_WAIT_POLLIN;
    curl_multi_poll(multi, interrupt_fd >= 0 ? &extra : nullptr, interrupt_fd >= 0 ? 1 : 0,
                    max_wait_ms, nullptr);
    if (interrupt_fd >= 0 && (extra.revents & CURL_WAIT_POLLIN)) {
      interrupted = true;
      break;
    }
  }
  // Transfers still live were interrupted: abandon them; the next round starts afresh.
  for (auto& [easy, transfer] : live) curl_multi_remove_handle(multi, easy);
  return !interrupted;
}

}  // namespace newswatch
