#include "daemon/scheduler.h"

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
      max_interval_(config.max_interval) {}

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
  const std::int64_t interval = interval_of(feed).count();
  if (result.ok() || result.not_modified()) {
    // A 304 is a success; a 200 is one only once its document is parsed and stored, which
    // the pipeline reports with record_parsed() or record_setback().
    if (result.not_modified()) record_parsed(index);
    if (!result.etag.empty() || result.ok()) s.etag = result.etag;
    if (!result.last_modified.empty() || result.ok()) s.last_modified = result.last_modified;
    // A fixed per-feed offset of up to a tenth of the interval spreads feeds over time.
    auto jitter = static_cast<std::int64_t>(
        std::hash<std::string>{}(s.url) %
        static_cast<std::size_t>(std::max<std::int64_t>(1, interval / 10)));
    s.next_poll_at = now + interval + jitter;
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

void Scheduler::record_parsed(std::size_t index) {
  feeds_[index].state.error_count = 0;
  feeds_[index].state.last_error.clear();
}

void Scheduler::record_setback(std::size_t index, const std::string& reason, UnixSeconds now) {
  ScheduledFeed& feed = feeds_[index];
  ++feed.state.error_count;
  feed.state.last_error = reason;
  feed.state.etag.clear();
  feed.state.last_modified.clear();
  feed.state.next_poll_at = now + backoff(feed);
}

std::int64_t Scheduler::backoff(const ScheduledFeed& feed) const {
  std::int64_t wait = interval_of(feed).count();
  for (int i = 1; i < feed.state.error_count && wait < max_interval_.count(); ++i) wait *= 2;
  return std::min<std::int64_t>(wait, max_interval_.count());
}

}  // namespace newswatch
