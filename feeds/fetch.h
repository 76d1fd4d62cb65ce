// HTTP fetching with libcurl's multi interface: many feeds at once on one thread, politely
// (conditional GET, compression, timeouts, a body cap, http/https only), and warily: a feed's
// redirect may not lead into the network the daemon runs in, and what a server says is not
// sent on to another unless it is a well-formed header value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "feeds/address_policy.h"
#include "feeds/memory_budget.h"

namespace newswatch {

struct FetchRequest {
  std::string url;
  // Validators from the previous response; sent as If-None-Match / If-Modified-Since, unless
  // they hold a control character (one stored by an older version could).
  std::string etag;
  std::string last_modified;
};

struct FetchResult {
  std::string url;            // as requested
  std::string effective_url;  // after redirects
  long status = 0;            // HTTP status of the final response; 0 when none arrived
  std::string error;          // why no usable response arrived; empty otherwise
  // Headers of the final response, each without the spaces and tabs around it; empty when
  // absent or holding a control character (ETag and Last-Modified: any; the others: any but
  // a tab), which no well-formed value does and which could forge a line where it is sent.
  std::string etag;
  std::string last_modified;
  std::string content_type;
  std::string retry_after;    // the raw Retry-After header, seconds or an HTTP-date
  std::string cache_control;  // the raw Cache-Control header (max-age is a feed hint)
  std::string expires;        // the raw Expires header, an HTTP-date
  std::string body;
  // Every redirect on the way was permanent (301/308): effective_url is the feed's new home.
  bool moved_permanently = false;
  // The body's share of the memory budget (FetchOptions::budget), held until the document
  // is done with.
  MemoryBudget::Lease memory;
  double seconds = 0;  // the whole transfer, queueing for a connection included

  // A 2xx response with a body to parse.
  bool ok() const { return error.empty() && status >= 200 && status < 300; }
  bool not_modified() const { return error.empty() && status == 304; }
};

struct FetchOptions {
  std::string user_agent = "newswatch";
  long connect_timeout_seconds = 20;
  long timeout_seconds = 60;
  std::size_t max_body_bytes = 16u << 20;
  int concurrency = 16;
  // Transfers at once to one host (name and port): publishers ban pollers that open many.
  int per_host = 2;
  // Which addresses are internal (see is_internal_address; IPv4-mapped IPv6 addresses are
  // passed in their IPv4 form). A redirect may reach an internal address only when the
  // request's own URL did; tests, whose servers all live on 127/8, choose their own.
  std::function<bool(std::string_view address)> is_internal_address =
      &newswatch::is_internal_address;
  // Where bodies take their share of memory as they arrive; a transfer that finds no room
  // pauses until there is (see MemoryBudget). Not owned; none: no limit but max_body.
  MemoryBudget* budget = nullptr;
};

class Fetcher {
 public:
  explicit Fetcher(FetchOptions options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Fetches every request, at most `concurrency` at once and `per_host` to one host, calling
  // `on_done` on this thread as each one finishes, and `on_wait` (if set) at least every
  // `max_wait_ms` while transfers run. `may_start` (if set) is asked at every turn; while it
  // says no, no transfer is started, those in flight go on, and the turns come every few
  // milliseconds: the caller holds results it cannot hand on yet. Stops early, abandoning
  // transfers, when `interrupt_fd` (if >= 0) becomes readable; returns false then. Connections are
  // kept for the next call.
  bool fetch_all(const std::vector<FetchRequest>& requests,
                 const std::function<void(FetchResult)>& on_done, int interrupt_fd = -1,
                 const std::function<void()>& on_wait = {}, int max_wait_ms = 1000,
                 const std::function<bool()>& may_start = {});

 private:
  struct Transfer;
  std::unique_ptr<Transfer> start(const FetchRequest& request, std::size_t index);
  // Lets paused transfers try again for room in the budget.
  void resume_paused(const std::unordered_map<void*, std::unique_ptr<Transfer>>& live);
  std::uint64_t next_serial_ = 0;
  std::uint64_t oldest_serial_ = 0;
  FetchOptions options_;
  void* multi_;  // CURLM*, kept opaque so users of this header need not include curl.
};

}  // namespace newswatch
