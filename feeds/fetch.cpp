#include "feeds/fetch.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
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

struct Fetcher::Transfer {
  CURL* easy = nullptr;
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
      // A new response (after a redirect or a 100 Continue): forget the previous headers.
      t->result.etag.clear();
      t->result.last_modified.clear();
      t->result.content_type.clear();
      t->result.retry_after.clear();
    } else if (header_is(line, "etag")) {
      t->result.etag = trim(line.substr(5));
    } else if (header_is(line, "last-modified")) {
      t->result.last_modified = trim(line.substr(14));
    } else if (header_is(line, "content-type")) {
      t->result.content_type = trim(line.substr(13));
    } else if (header_is(line, "retry-after")) {
      t->result.retry_after = trim(line.substr(12));
    }
    return size * count;
  }
};

Fetcher::Fetcher(FetchOptions options) : options_(std::move(options)) {
  static std::once_flag curl_initialized;
  std::call_once(curl_initialized, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  multi_ = curl_multi_init();
  curl_multi_setopt(as_multi(multi_), CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(options_.concurrency));
}

Fetcher::~Fetcher() { curl_multi_cleanup(as_multi(multi_)); }

std::unique_ptr<Fetcher::Transfer> Fetcher::start(const FetchRequest& request) {
  auto t = std::make_unique<Transfer>();
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
                        const std::function<void(FetchResult)>& on_done, int interrupt_fd) {
  CURLM* multi = as_multi(multi_);
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> live;
  std::size_t next = 0;
  const std::size_t limit = static_cast<std::size_t>(std::max(1, options_.concurrency));
  bool interrupted = false;
  while (next < requests.size() || !live.empty()) {
    while (live.size() < limit && next < requests.size()) {
      auto t = start(requests[next++]);
      CURL* easy = t->easy;
      live.emplace(easy, std::move(t));
    }
    int running = 0;
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
      CURLcode code = msg->data.result;
      if (t.body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
        t.result.error = "response body larger than " + std::to_string(t.max_body) + " bytes";
      } else if (code != CURLE_OK) {
        t.result.error = curl_easy_strerror(code);
      }
      curl_multi_remove_handle(multi, t.easy);
      on_done(std::move(t.result));
    }
    if (next >= requests.size() && live.empty()) break;
    // Room for more transfers: start them now rather than wait in poll for sockets that
    // may all be idle.
    if (live.size() < limit && next < requests.size()) continue;
    curl_waitfd extra{};
    extra.fd = interrupt_fd;
    extra.events = CURL_WAIT_POLLIN;
    curl_multi_poll(multi, interrupt_fd >= 0 ? &extra : nullptr, interrupt_fd >= 0 ? 1 : 0, 1000,
                    nullptr);
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
