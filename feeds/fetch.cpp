// The fetcher: one libcurl multi handle, an easy handle per transfer, a queue that keeps each
// host's share. What a server sends is distrusted on the way: the address every request
// actually goes to is checked against the address policy (a redirect may lead into internal
// space only from a feed that is there itself), header values holding controls are dropped,
// and libcurl's failures are told in words that name what failed.
#include "feeds/fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "feeds/shown_text.h"
#include "feeds/start_queue.h"

namespace newswatch {
namespace {

// The response headers of one response, in all: beyond this the server is not a feed.
// (libcurl itself refuses a single line over CURL_MAX_HTTP_HEADER, 100 KiB.)
constexpr std::size_t kMaxHeaderBytes = 256 * 1024;
// A body takes its share of the memory budget in steps of this much.
constexpr std::size_t kBudgetStep = 256 * 1024;

// The value of `line` if it is a header named `name` (in lower case): after the colon,
// without the line ending and the spaces and tabs around it. A CR inside stays, to be seen.
std::optional<std::string_view> header_value(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return std::nullopt;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return std::nullopt;
  }
  line.remove_prefix(name.size() + 1);
  if (line.ends_with('\n')) line.remove_suffix(1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!line.empty() && blank(line.front())) line.remove_prefix(1);
  while (!line.empty() && blank(line.back())) line.remove_suffix(1);
  return line;
}

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

// A validator (an entity tag, an HTTP-date) has no room for any control, a tab included; one
// that holds a CR would end the header line it is sent back in, wherever that goes next.
bool is_clean_validator(std::string_view value) {
  return std::none_of(value.begin(), value.end(), is_control);
}

// `value`, or "" when it holds a control other than a tab (which may separate its parts).
std::string clean_value(std::string_view value) {
  bool clean =
      std::none_of(value.begin(), value.end(), [](char c) { return c != '\t' && is_control(c); });
  return clean ? std::string(value) : std::string();
}

// The address libcurl is about to connect to, in policy_form().
std::string policy_form(const curl_sockaddr& address) {
  char text[INET6_ADDRSTRLEN] = "";
  if (address.family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, &address.addr, std::min<std::size_t>(address.addrlen, sizeof v4));
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
  } else if (address.family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, &address.addr, std::min<std::size_t>(address.addrlen, sizeof v6));
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
  }
  return newswatch::policy_form(text);
}

// " after 12 ms" out of libcurl's message: the same failure reads the same each time.
std::string without_timing(std::string_view detail) {
  std::string out(detail);
  for (std::size_t at = out.find(" after "); at != std::string::npos;
       at = out.find(" after ", at + 1)) {
    std::size_t digits = at + 7, end = digits;
    while (end < out.size() && std::isdigit(static_cast<unsigned char>(out[end]))) ++end;
    if (end > digits && out.compare(end, 3, " ms") == 0) out.erase(at, end + 3 - at);
  }
  return out;
}

// libcurl's summary of `code`, followed by the detail it wrote into the error buffer where
// that names what failed (a host and port, a protocol, a TLS problem) and reads the same
// each time the same failure recurs, so the log can tell a new failure from a repeated one.
std::string describe_failure(CURLcode code, std::string_view detail) {
  std::string summary = curl_easy_strerror(code);
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      break;
    default:
      return summary;
  }
  std::string shown = printable(without_credentials(without_timing(detail)));
  // 7.88 ends some details with the summary itself.
  if (shown.ends_with(": " + summary)) shown.resize(shown.size() - summary.size() - 2);
  if (shown.empty() || shown == summary) return summary;
  return summary + ": " + shown;
}

CURLM* as_multi(void* p) { return static_cast<CURLM*>(p); }

// While it lives, room given back to `budget` by a parser or the writer wakes `multi` from its
// wait, so that paused transfers try again.
class WakeOnRelease {
 public:
  WakeOnRelease(MemoryBudget* budget, CURLM* multi) : budget_(budget) {
    if (budget_) budget_->on_release([multi] { curl_multi_wakeup(multi); });
  }
  ~WakeOnRelease() {
    if (budget_) budget_->on_release(nullptr);
  }
  WakeOnRelease(const WakeOnRelease&) = delete;
  WakeOnRelease& operator=(const WakeOnRelease&) = delete;

 private:
  MemoryBudget* budget_;
};

// Waits until a socket of the transfers on `multi` is ready, `interrupt_fd` (if >= 0) is
// readable, curl_multi_wakeup() is called or `max_wait_ms` pass; true when `interrupt_fd` was
// the reason.
bool wait_for_transfers(CURLM* multi, int interrupt_fd, int max_wait_ms) {
  curl_waitfd extra{};
  extra.fd = interrupt_fd;
  extra.events = CURL_WAIT_POLLIN;
  curl_multi_poll(multi, interrupt_fd >= 0 ? &extra : nullptr, interrupt_fd >= 0 ? 1 : 0,
                  max_wait_ms, nullptr);
  return interrupt_fd >= 0 && (extra.revents & CURL_WAIT_POLLIN);
}

}  // namespace

struct Fetcher::Transfer {
  CURL* easy = nullptr;
  std::size_t index = 0;       // of the request in fetch_all's list
  std::vector<long> statuses;  // of every final (non-1xx) response, redirects included
  curl_slist* headers = nullptr;
  FetchResult result;
  std::size_t max_body = 0;
  bool body_too_large = false;
  const std::function<bool(std::string_view)>* is_internal = nullptr;
  // Whether the request's own URL was reached at an internal address: set when its request
  // is sent, before any redirect can be followed.
  std::optional<bool> feed_is_internal;
  std::string refused_address;   // internal, where a redirect led and no connection was made
  bool reading_headers = true;   // of a response, from the request until the blank line
  std::size_t header_bytes = 0;  // of the response being read
  bool headers_too_large = false;
  char error_detail[CURL_ERROR_SIZE] = "";  // libcurl's own account of a failure
  std::uint64_t serial = 0;                 // in the order transfers started
  const std::uint64_t* oldest = nullptr;    // the serial of the oldest transfer under way
  bool paused = false;                      // waiting for room in the memory budget

  ~Transfer() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(easy);
  }

  // Whether this transfer may talk to `address` now. Before the first response every
  // connection serves the request's own URL, which may be anywhere; after it, a redirect
  // target, which may be internal only if the feed is.
  bool may_reach(const std::string& address) {
    if (statuses.empty() || feed_is_internal.value_or(false) || !(*is_internal)(address))
      return true;
    refused_address = address;
    return false;
  }

  // Called for each address libcurl tries to connect to (happy eyeballs tries several): an
  // address refused here is skipped, and the next one tried, before a packet is sent to it.
  static curl_socket_t on_open_socket(void* self, curlsocktype, curl_sockaddr* address) {
    auto* t = static_cast<Transfer*>(self);
    if (!t->may_reach(policy_form(*address))) return CURL_SOCKET_BAD;
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  }

  // Called before each request is sent, with the address the connection reached, also when
  // it was reused from the pool and on_open_socket never saw it: the check that holds.
  static int on_request(void* self, char* address, char*, int, int) {
    auto* t = static_cast<Transfer*>(self);
    t->reading_headers = true;
    t->header_bytes = 0;
    std::string connected = policy_form(address);
    if (t->statuses.empty()) {
      t->feed_is_internal = (*t->is_internal)(connected);
    } else if (!t->may_reach(connected)) {
      return CURL_PREREQFUNC_ABORT;
    }
    t->refused_address.clear();  // another of the host's addresses was fine
    return CURL_PREREQFUNC_OK;
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self) {
    auto* t = static_cast<Transfer*>(self);
    std::size_t n = size * count;
    if (t->result.body.size() + n > t->max_body) {
      t->body_too_large = true;
      return 0;  // makes libcurl abort the transfer with CURLE_WRITE_ERROR
    }
    std::size_t needed = t->result.body.size() + n;
    if (needed > t->result.memory.bytes()) {
      std::size_t more =
          (needed - t->result.memory.bytes() + kBudgetStep - 1) / kBudgetStep * kBudgetStep;
      if (!t->result.memory.grow(more, t->serial == *t->oldest)) {
        t->paused = true;
        return CURL_WRITEFUNC_PAUSE;  // libcurl keeps `data` and hands it over again later
      }
    }
    t->paused = false;
    t->result.body.append(data, n);
    return n;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self) {
    auto* t = static_cast<Transfer*>(self);
    std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
      t->reading_headers = true;
      t->header_bytes = 0;
    }
    t->header_bytes += line.size();
    if (t->header_bytes > kMaxHeaderBytes) {
      t->headers_too_large = true;
      return 0;  // makes libcurl abort the transfer with CURLE_WRITE_ERROR
    }
    if (line == "\r\n" || line == "\n") {
      t->reading_headers = false;
    } else if (line.starts_with("HTTP/")) {
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
    } else if (auto etag = header_value(line, "etag")) {
      t->result.etag = is_clean_validator(*etag) ? *etag : "";
    } else if (auto last_modified = header_value(line, "last-modified")) {
      t->result.last_modified = is_clean_validator(*last_modified) ? *last_modified : "";
    } else if (auto content_type = header_value(line, "content-type")) {
      t->result.content_type = clean_value(*content_type);
    } else if (auto retry_after = header_value(line, "retry-after")) {
      t->result.retry_after = clean_value(*retry_after);
    } else if (auto cache_control = header_value(line, "cache-control")) {
      t->result.cache_control = clean_value(*cache_control);
    } else if (auto expires = header_value(line, "expires")) {
      t->result.expires = clean_value(*expires);
    }
    return size * count;
  }

  // Why the transfer that ended with `code` brought no usable response; "" when it did.
  // Fills in the result once the transfer is done: the final status and URL, the time it
  // took, why it failed if it did, and whether it moved for good.
  void conclude(CURLcode code) {
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &result.status);
    char* effective = nullptr;
    curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &effective);
    if (effective) result.effective_url = effective;
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME, &result.seconds);
    result.error = failure(code);
    // A refused redirect moves nothing, however permanent it claimed to be.
    result.moved_permanently = statuses.size() > 1 && refused_address.empty() &&
                               std::all_of(statuses.begin(), statuses.end() - 1, [](long status) {
                                 return status == 301 || status == 308;
                               });
  }

  std::string failure(CURLcode code) const {
    if (code == CURLE_OK && !body_too_large) return "";
    if (!refused_address.empty()) {
      return "redirected to an internal address " + refused_address + " (" +
             printable(without_credentials(result.effective_url)) +
             "); refused: the feed is not internal";
    }
    if (body_too_large || code == CURLE_FILESIZE_EXCEEDED)
      return "response body larger than " + std::to_string(max_body) + " bytes";
    if (headers_too_large)
      return "response header too large (over " + std::to_string(kMaxHeaderBytes) + " bytes)";
    // libcurl 7.88 says "Out of memory" of a header line over its limit, and Debian's adds a
    // limit on all of them ("Too large response headers"), which ours comes under first.
    if (code == CURLE_OUT_OF_MEMORY && reading_headers)
      return "response header too large (a line over " + std::to_string(CURL_MAX_HTTP_HEADER) +
             " bytes)";
    if (code == CURLE_RECV_ERROR && std::string_view(error_detail).starts_with("Too large"))
      return "response header too large (over libcurl's limit)";
    return describe_failure(code, error_detail);
  }
};

Fetcher::Fetcher(FetchOptions options) : options_(std::move(options)) {
  if (!options_.is_internal_address) options_.is_internal_address = &is_internal_address;
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
  t->serial = next_serial_++;
  t->oldest = &oldest_serial_;
  if (options_.budget) t->result.memory = MemoryBudget::Lease(*options_.budget);
  t->result.url = request.url;
  t->max_body = options_.max_body_bytes;
  t->is_internal = &options_.is_internal_address;
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
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Transfer::on_open_socket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t.get());
  curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, &Transfer::on_request);
  curl_easy_setopt(e, CURLOPT_PREREQDATA, t.get());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error_detail);
  // A validator goes back only as a well-formed header value, whatever the database holds.
  for (auto [name, value] : {std::pair{"If-None-Match: ", &request.etag},
                             std::pair{"If-Modified-Since: ", &request.last_modified}}) {
    if (!value->empty() && is_clean_validator(*value))
      t->headers = curl_slist_append(t->headers, (name + *value).c_str());
  }
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  curl_multi_add_handle(as_multi(multi_), e);
  return t;
}

void Fetcher::resume_paused(const std::unordered_map<void*, std::unique_ptr<Transfer>>& live) {
  std::vector<Transfer*> paused;
  for (const auto& [easy, t] : live) {
    if (t->paused) paused.push_back(t.get());
  }
  // The oldest first: it is the one that may go past the budget when nothing else would
  // give room back.
  std::sort(paused.begin(), paused.end(),
            [](const Transfer* a, const Transfer* b) { return a->serial < b->serial; });
  for (Transfer* t : paused) {
    t->paused = false;  // on_body, called from here with the data held, pauses it again
    curl_easy_pause(t->easy, CURLPAUSE_CONT);
  }
}

bool Fetcher::fetch_all(const std::vector<FetchRequest>& requests,
                        const std::function<void(FetchResult)>& on_done, int interrupt_fd,
                        const std::function<void()>& on_wait, int max_wait_ms,
                        const std::function<bool()>& may_start) {
  // How soon a held caller is asked again: it waits for room another thread makes.
  constexpr int kHeldWaitMs = 5;
  CURLM* multi = as_multi(multi_);
  std::unordered_map<void*, std::unique_ptr<Transfer>> live;
  StartQueue queue(requests, options_.per_host);
  WakeOnRelease waking(options_.budget, multi);
  const std::size_t limit = static_cast<std::size_t>(std::max(1, options_.concurrency));
  bool interrupted = false;
  while (!queue.empty() || !live.empty()) {
    bool held = may_start && !may_start();
    while (!held && live.size() < limit) {
      auto index = queue.next();
      if (!index) break;
      auto t = start(requests[*index], *index);
      CURL* easy = t->easy;
      live.emplace(easy, std::move(t));
    }
    oldest_serial_ = next_serial_;
    for (const auto& [easy, t] : live) oldest_serial_ = std::min(oldest_serial_, t->serial);
    resume_paused(live);
    int running = 0;
    bool finished_any = false;
    curl_multi_perform(multi, &running);
    while (CURLMsg* msg = curl_multi_info_read(multi, &running)) {
      if (msg->msg != CURLMSG_DONE) continue;
      auto node = live.extract(msg->easy_handle);
      Transfer& t = *node.mapped();
      t.conclude(msg->data.result);
      curl_multi_remove_handle(multi, t.easy);
      queue.finished(t.index);
      finished_any = true;
      if (t.result.error.empty()) {
        t.result.memory.settle(t.result.body.size());
      } else {
        t.result.memory.reset();
      }
      on_done(std::move(t.result));
    }
    if (queue.empty() && live.empty()) break;
    // At every turn, not only before a wait: while transfers keep finishing there may be
    // none for as long as the round lasts, and the watchdog is fed here.
    if (on_wait) on_wait();
    held = may_start && !may_start();  // results just handed over may have been held
    // Transfers ended and others wait: start them now rather than wait in poll for
    // sockets that may all be idle.
    if (finished_any && !queue.empty() && !held) continue;
    if (wait_for_transfers(multi, interrupt_fd,
                           held ? std::min(kHeldWaitMs, max_wait_ms) : max_wait_ms)) {
      interrupted = true;
      break;
    }
  }
  // Transfers still live were interrupted: abandon them; the next round starts afresh.
  for (auto& [easy, transfer] : live) curl_multi_remove_handle(multi, easy);
  return !interrupted;
}

}  // namespace newswatch
