// When each feed is polled next: its interval (with a fixed per-feed jitter so feeds don't
// all fire together), exponential backoff on errors capped at max_interval, Retry-After
// honoured, 410 Gone disables. Pure bookkeeping: no I/O, time passed in.
#pragma once

#include <optional>
#include <vector>

#include "daemon/config.h"
#include "feeds/fetch.h"
#include "storage/store.h"

namespace newswatch {

struct ScheduledFeed {
  FeedConfig config;
  FeedState state;
  FeedHints hints;                             // from the last document parsed
  std::optional<std::int64_t> http_freshness;  // Cache-Control max-age / Expires, last response
};

class Scheduler {
 public:
  static constexpr std::int64_t kRetryUnstored = 60;  // seconds

  Scheduler(const Config& config, std::vector<ScheduledFeed> feeds);

  // Feeds whose next poll time has come.
  std::vector<std::size_t> due(UnixSeconds now) const;
  // For --once: every enabled feed, except one a server asked (Retry-After) to wait.
  std::vector<std::size_t> due_all(UnixSeconds now) const;
  // The earliest next poll time of an enabled feed; nullopt when none is enabled.
  std::optional<UnixSeconds> next_due() const;

  // Updates the feed's state from a fetch that finished at `now`.
  void record(std::size_t index, const FetchResult& result, UnixSeconds now);
  // The document of a 2xx fetch was parsed and stored: the feed is healthy again, and its
  // hints (ttl, sy:update*, skipHours/Days) shape the next poll time.
  void record_parsed(std::size_t index, const FeedHints& hints);
  // A fetch that record() saw succeed, whose document then could not be parsed or stored:
  // counts as an error (backoff) and drops the validators, so the next poll refetches.
  void record_setback(std::size_t index, const std::string& reason, UnixSeconds now);
  // The document was fine but the database could not store it (full, read-only): the
  // feed's fault it is not, so no error is counted and no backoff grows; the validators go,
  // and the feed is fetched again within a minute.
  void record_unstored(std::size_t index, const std::string& reason, UnixSeconds now);

  // The state another daemon left in the shared database (PostgreSQL, FeedLeases): what this
  // one polls the feed with, its validators and errors included.
  void adopt(std::size_t index, FeedState state);
  // Not before `at`: another daemon polls the feed, or holds its host.
  void wait_until(std::size_t index, UnixSeconds at) { feeds_[index].state.next_poll_at = at; }
  std::chrono::seconds interval(std::size_t index) const { return interval_of(feeds_[index]); }

  const ScheduledFeed& feed(std::size_t index) const { return feeds_[index]; }
  // The feed with this (configured) URL; nullptr when there is none.
  const ScheduledFeed* find(const std::string& url) const {
    for (const auto& f : feeds_) {
      if (f.state.url == url) return &f;
    }
    return nullptr;
  }
  std::size_t size() const { return feeds_.size(); }

 private:
  bool enabled(const ScheduledFeed& feed) const;
  static void clear_errors(FeedState& state);
  void schedule_after_success(ScheduledFeed& feed, UnixSeconds polled_at);
  static bool skipped(const FeedHints& hints, UnixSeconds t);
  std::int64_t backoff(const ScheduledFeed& feed) const;
  std::chrono::seconds interval_of(const ScheduledFeed& feed) const;
  std::vector<ScheduledFeed> feeds_;
  std::chrono::seconds default_interval_;
  std::chrono::seconds max_interval_;
  bool honor_feed_hints_;
};

// Where a feed is fetched from: its fetch_url after a permanent redirect, else its url.
const std::string& fetch_url(const FeedState& state);

// How long a response says it stays fresh (Cache-Control max-age, else Expires), if it says.
std::optional<std::int64_t> http_freshness_seconds(const FetchResult& result, UnixSeconds now);

// Seconds to wait from a Retry-After value (delta-seconds or an HTTP-date) at `now`.
std::optional<std::int64_t> retry_after_seconds(const std::string& value, UnixSeconds now);

}  // namespace newswatch
