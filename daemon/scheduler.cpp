#include "daemon/scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <functional>

#include "feeds/dates.h"

namespace newswatch {
namespace {

bool asked_to_wait(const FeedState& state, UnixSeconds now) {
  return (state.last_status == 429 || state.last_status == 503) && state.next_poll_at &&
         *state.next_poll_at > now;
}

}  // namespace

std::optional<std::int64_t> retry_after_seconds(const std::string& value, UnixSeconds now) {
  constexpr std::int64_t kMaxRetryAfterSeconds = 7 * 24 * 3600;
  if (value.empty()) return std::nullopt;
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  std::optional<std::int64_t> wait;
  if (ec == std::errc() && end == value.data() + value.size() && seconds >= 0) {
    wait = seconds;
  } else if (auto date = parse_date(value)) {
    wait = std::max<std::int64_t>(0, *date - now);
  }
  // Honoured exactly up to a week: beyond that a server is wrong, not asking politely.
  if (wait) wait = std::min<std::int64_t>(*wait, kMaxRetryAfterSeconds);
  return wait;
}

Scheduler::Scheduler(const Config& config, std::vector<ScheduledFeed> feeds)
    : feeds_(std::move(feeds)),
      default_interval_(config.interval),
      max_interval_(config.max_interval),
      honor_feed_hints_(config.honor_feed_hints) {}

bool Scheduler::enabled(const ScheduledFeed& feed) const {
  return feed.config.enabled && !feed.state.disabled;
}

std::chrono::seconds Scheduler::interval_of(const ScheduledFeed& feed) const {
  return feed.config.interval.value_or(default_interval_);
}

std::vector<std::size_t> Scheduler::due(UnixSeconds now) const {
  std::vector<std::size_t> result;
  for (std::size_t i = 0; i < feeds_.size(); ++i) {
    const auto& f = feeds_[i];
    if (enabled(f) && (!f.state.next_poll_at || *f.state.next_poll_at <= now)) result.push_back(i);
  }
  return result;
}

std::vector<std::size_t> Scheduler::due_all(UnixSeconds now) const {
  std::vector<std::size_t> result;
  for (std::size_t i = 0; i < feeds_.size(); ++i) {
    if (enabled(feeds_[i]) && !asked_to_wait(feeds_[i].state, now)) result.push_back(i);
  }
  return result;
}

void Scheduler::adopt(std::size_t index, FeedState state) {
  state.url = feeds_[index].state.url;
  feeds_[index].state = std::move(state);
}

std::optional<UnixSeconds> Scheduler::next_due() const {
  std::optional<UnixSeconds> earliest;
  for (const auto& f : feeds_) {
    if (!enabled(f)) continue;
    UnixSeconds t = f.state.next_poll_at.value_or(0);
    if (!earliest || t < *earliest) earliest = t;
  }
  return earliest;
}

void Scheduler::record(std::size_t index, const FetchResult& result, UnixSeconds now) {
  ScheduledFeed& feed = feeds_[index];
  FeedState& s = feed.state;
  s.last_polled_at = now;
  s.last_status = result.status;
  if (result.moved_permanently && !result.effective_url.empty() &&
      result.effective_url != fetch_url(feed.state)) {
    spdlog::info("feed {} moved permanently to {}; polling it there from now on", s.url,
                 result.effective_url);
    s.fetch_url = result.effective_url == s.url ? "" : result.effective_url;
  }
  if (result.ok() || result.not_modified()) {
    // A 304 is a success; a 200 is one only once its document is parsed and stored, which
    // the pipeline reports with record_parsed() or record_setback().
    if (result.not_modified()) clear_errors(s);
    if (!result.etag.empty() || result.ok()) s.etag = result.etag;
    if (!result.last_modified.empty() || result.ok()) s.last_modified = result.last_modified;
    feed.http_freshness = http_freshness_seconds(result, now);
    schedule_after_success(feed, now);
    return;
  }
  ++s.error_count;
  s.last_error = result.error.empty() ? "HTTP " + std::to_string(result.status) : result.error;
  if (result.status == 410) {
    s.disabled = true;
    s.last_error = "HTTP 410 Gone: the publisher removed this feed; polling stopped";
    return;
  }
  std::int64_t wait = backoff(feed);
  if (result.status == 429 || result.status == 503) {
    if (auto asked = retry_after_seconds(result.retry_after, now)) wait = *asked;
  }
  s.next_poll_at = now + wait;
}

void Scheduler::record_parsed(std::size_t index, const FeedHints& hints) {
  ScheduledFeed& feed = feeds_[index];
  clear_errors(feed.state);
  feed.hints = hints;
  schedule_after_success(feed, feed.state.last_polled_at.value_or(0));
}

void Scheduler::clear_errors(FeedState& state) {
  state.error_count = 0;
  state.last_error.clear();
}

void Scheduler::schedule_after_success(ScheduledFeed& feed, UnixSeconds polled_at) {
  const std::int64_t interval = interval_of(feed).count();
  // A fixed per-feed offset of up to a tenth of the interval spreads feeds over time.
  std::int64_t wait =
      interval +
      static_cast<std::int64_t>(std::hash<std::string>{}(feed.state.url) %
                                static_cast<std::size_t>(std::max<std::int64_t>(1, interval / 10)));
  UnixSeconds next = polled_at + wait;
  if (honor_feed_hints_) {
    // The publisher's hints are lower bounds on the interval, each capped at max_interval.
    for (auto hint :
         {feed.hints.ttl_seconds, feed.hints.update_period_seconds, feed.http_freshness}) {
      if (hint) next = std::max(next, polled_at + std::min(*hint, max_interval_.count()));
    }
    // Hours and days the publisher asks readers to skip, within max_interval.
    const UnixSeconds latest = std::max(next, polled_at + max_interval_.count());
    while (next < latest && skipped(feed.hints, next)) next = (next / 3600 + 1) * 3600;
    next = std::min(next, latest);
  }
  feed.state.next_poll_at = next;
}

bool Scheduler::skipped(const FeedHints& hints, UnixSeconds t) {
  int hour = static_cast<int>((t % 86400 + 86400) % 86400 / 3600);
  int weekday = static_cast<int>(((t / 86400) % 7 + 7 + 4) % 7);  // 1970-01-01 was a Thursday
  auto has = [](const std::vector<int>& list, int v) {
    return std::find(list.begin(), list.end(), v) != list.end();
  };
  return has(hints.skip_hours, hour) || has(hints.skip_days, weekday);
}

const std::string& fetch_url(const FeedState& state) {
  return state.fetch_url.empty() ? state.url : state.fetch_url;
}

std::optional<std::int64_t> http_freshness_seconds(const FetchResult& result, UnixSeconds now) {
  // Cache-Control: max-age wins over Expires (RFC 9111 5.3).
  std::string_view cache = result.cache_control;
  if (auto at = cache.find("max-age="); at != std::string_view::npos) {
    std::int64_t seconds = 0;
    auto begin = cache.data() + at + 8;
    auto [end, ec] = std::from_chars(begin, cache.data() + cache.size(), seconds);
    if (ec == std::errc() && end != begin && seconds >= 0) return seconds;
  }
  if (auto expires = parse_date(result.expires)) {
    if (*expires > now) return *expires - now;
  }
  return std::nullopt;
}

void Scheduler::record_setback(std::size_t index, const std::string& reason, UnixSeconds now) {
  ScheduledFeed& feed = feeds_[index];
  ++feed.state.error_count;
  feed.state.last_error = reason;
  feed.state.etag.clear();
  feed.state.last_modified.clear();
  feed.state.next_poll_at = now + backoff(feed);
}

void Scheduler::record_unstored(std::size_t index, const std::string& reason, UnixSeconds now) {
  ScheduledFeed& feed = feeds_[index];
  feed.state.last_error = reason;
  feed.state.etag.clear();
  feed.state.last_modified.clear();
  feed.state.next_poll_at = now + std::min<std::int64_t>(interval_of(feed).count(), kRetryUnstored);
}

std::int64_t Scheduler::backoff(const ScheduledFeed& feed) const {
  std::int64_t wait = interval_of(feed).count();
  for (int i = 1; i < feed.state.error_count && wait < max_interval_.count(); ++i) wait *= 2;
  return std::min<std::int64_t>(wait, max_interval_.count());
}

}  // namespace newswatch
