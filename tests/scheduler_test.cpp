#include "daemon/scheduler.h"

#include <catch2/catch.hpp>

using namespace newswatch;

static Scheduler scheduler_with(int feeds, std::chrono::seconds interval = std::chrono::minutes(15),
                                bool honor_hints = true) {
  Config config;
  config.honor_feed_hints = honor_hints;
  config.interval = interval;
  config.max_interval = std::chrono::hours(6);
  std::vector<ScheduledFeed> list;
  for (int i = 0; i < feeds; ++i) {
    ScheduledFeed f;
    f.config.url = "https://f" + std::to_string(i) + ".example/rss";
    f.state.url = f.config.url;
    list.push_back(f);
  }
  return Scheduler(config, std::move(list));
}

static FetchResult response(long status, std::string etag = "", std::string retry_after = "") {
  FetchResult r;
  r.status = status;
  r.etag = std::move(etag);
  r.retry_after = std::move(retry_after);
  return r;
}

static FetchResult transport_error() {
  FetchResult r;
  r.error = "Couldn't resolve host name";
  return r;
}

constexpr UnixSeconds kNow = 1750000000;

TEST_CASE("feeds never polled are due at once, and after a poll one interval later") {
  Scheduler s = scheduler_with(2);
  CHECK(s.due(kNow).size() == 2);
  s.record(0, response(200, "\"e1\""), kNow);
  CHECK(s.due(kNow) == std::vector<std::size_t>{1});
  auto next = *s.feed(0).state.next_poll_at;
  CHECK(next >= kNow + 900);
  CHECK(next < kNow + 900 + 90);  // jitter is at most a tenth of the interval
  CHECK(s.due(next) == std::vector<std::size_t>{0, 1});
  CHECK(s.feed(0).state.etag == "\"e1\"");
}

TEST_CASE("a 304 keeps the stored ETag") {
  Scheduler s = scheduler_with(1);
  s.record(0, response(200, "\"e1\""), kNow);
  s.record(0, response(304), kNow + 900);
  CHECK(s.feed(0).state.etag == "\"e1\"");
  CHECK(s.feed(0).state.error_count == 0);
}

TEST_CASE("errors back off exponentially up to max_interval, and retrying never stops") {
  Scheduler s = scheduler_with(1);
  std::vector<std::int64_t> waits;
  UnixSeconds now = kNow;
  for (int i = 0; i < 8; ++i) {
    s.record(0, transport_error(), now);
    waits.push_back(*s.feed(0).state.next_poll_at - now);
    now = *s.feed(0).state.next_poll_at;
  }
  CHECK(waits == std::vector<std::int64_t>{900, 1800, 3600, 7200, 14400, 21600, 21600, 21600});
  CHECK(s.feed(0).state.error_count == 8);
  CHECK(s.feed(0).state.last_error == "Couldn't resolve host name");
  CHECK_FALSE(s.feed(0).state.disabled);
  s.record(0, response(200), now);
  CHECK(s.feed(0).state.error_count == 8);  // not healthy until the document is stored
  s.record_parsed(0, {});
  CHECK(s.feed(0).state.error_count == 0);
  CHECK(s.feed(0).state.last_error.empty());
}

TEST_CASE("Retry-After on 429 and 503 is respected exactly, as seconds or an HTTP-date") {
  Scheduler s = scheduler_with(1);
  s.record(0, response(429, "", "120"), kNow);
  CHECK(*s.feed(0).state.next_poll_at == kNow + 120);
  s.record(0, response(503, "", "Sun, 15 Jun 2025 15:16:40 GMT"), kNow);  // kNow + 600
  CHECK(*s.feed(0).state.next_poll_at == kNow + 600);
}

TEST_CASE("a run with --once polls every enabled feed, except one a server asked to wait") {
  Scheduler s = scheduler_with(3);
  s.record(0, response(200), kNow);
  s.record(1, response(429, "", "3600"), kNow);
  CHECK(s.due_all(kNow + 10) == std::vector<std::size_t>{0, 2});
  CHECK(s.due_all(kNow + 3600) == std::vector<std::size_t>{0, 1, 2});
}

TEST_CASE("410 Gone disables the feed and says why") {
  Scheduler s = scheduler_with(1);
  s.record(0, response(410), kNow);
  CHECK(s.feed(0).state.disabled);
  CHECK_THAT(s.feed(0).state.last_error, Catch::Contains("410"));
  CHECK(s.due(kNow + 100000).empty());
  CHECK(s.due_all(kNow).empty());
  CHECK_FALSE(s.next_due());
}

TEST_CASE("an absurd Retry-After is capped at a week, never overflowing the schedule") {
  Scheduler s = scheduler_with(1);
  s.record(0, response(429, "", "9223372036854775807"), kNow);
  CHECK(*s.feed(0).state.next_poll_at == kNow + 7 * 24 * 3600);
}

TEST_CASE("a document that could not be parsed or stored counts as an error and is refetched") {
  Scheduler s = scheduler_with(1);
  s.record(0, response(200, "\"e1\""), kNow);
  s.record_setback(0, "unparseable document", kNow);
  CHECK(s.feed(0).state.error_count == 1);
  CHECK(s.feed(0).state.etag.empty());
  CHECK(s.feed(0).state.last_error == "unparseable document");
  CHECK(*s.feed(0).state.next_poll_at == kNow + 900);
  s.record_setback(0, "again", kNow);
  CHECK(*s.feed(0).state.next_poll_at == kNow + 1800);
}

TEST_CASE("retry_after_seconds reads both forms and rejects garbage") {
  CHECK(retry_after_seconds("30", kNow) == 30);
  CHECK(retry_after_seconds("Sun, 15 Jun 2025 15:06:40 GMT", kNow) == 0);
  CHECK(retry_after_seconds("Sun, 15 Jun 2025 15:06:30 GMT", kNow) == 0);  // in the past
  CHECK_FALSE(retry_after_seconds("soon", kNow));
  CHECK_FALSE(retry_after_seconds("", kNow));
}

// kNow is 2025-06-15T15:06:40Z, a Sunday.
static std::int64_t wait_after_parse(Scheduler& s, const FeedHints& hints,
                                     FetchResult result = response(200)) {
  s.record(0, result, kNow);
  s.record_parsed(0, hints);
  return *s.feed(0).state.next_poll_at - kNow;
}

TEST_CASE("feed hints are lower bounds on the interval, capped at max_interval") {
  Scheduler s = scheduler_with(1, std::chrono::seconds(60));  // jitter: < 6 s
  FeedHints ttl;
  ttl.ttl_seconds = 3600;
  CHECK(wait_after_parse(s, ttl) == 3600);
  FeedHints day;
  day.ttl_seconds = 86400;
  CHECK(wait_after_parse(s, day) == 6 * 3600);  // max_interval
  FeedHints sy;
  sy.update_period_seconds = 1800;
  CHECK(wait_after_parse(s, sy) == 1800);
  CHECK(wait_after_parse(s, {}) < 66);  // no hints: the interval
  // A run with --once ignores hints: the feed is due at once.
  CHECK(s.due_all(kNow + 1) == std::vector<std::size_t>{0});
}

TEST_CASE("Cache-Control max-age and Expires hint the next poll too") {
  Scheduler s = scheduler_with(1, std::chrono::seconds(60));
  FetchResult max_age = response(200);
  max_age.cache_control = "public, max-age=7200";
  max_age.expires = "Sun, 15 Jun 2025 16:06:40 GMT";  // max-age wins over Expires
  CHECK(wait_after_parse(s, {}, std::move(max_age)) == 7200);
  FetchResult expires = response(200);
  expires.expires = "Sun, 15 Jun 2025 16:06:40 GMT";  // kNow + 1 h
  CHECK(wait_after_parse(s, {}, std::move(expires)) == 3600);
  FetchResult not_modified = response(304);
  not_modified.cache_control = "max-age=1200";
  s.record(0, not_modified, kNow);
  CHECK(*s.feed(0).state.next_poll_at - kNow == 1200);
}

TEST_CASE("skipHours and skipDays move the next poll past them within max_interval") {
  Scheduler s = scheduler_with(1, std::chrono::seconds(60));
  FeedHints hours;
  hours.skip_hours = {15, 16};                                        // kNow is 15:06 UTC
  CHECK(kNow + wait_after_parse(s, hours) == kNow - 400 + 2 * 3600);  // 17:00
  FeedHints sunday;
  sunday.skip_days = {0};
  CHECK(wait_after_parse(s, sunday) == 6 * 3600);  // capped at max_interval
}

TEST_CASE("honor_feed_hints = false ignores every hint") {
  Scheduler s = scheduler_with(1, std::chrono::seconds(60), false);
  FeedHints hints;
  hints.ttl_seconds = 3600;
  hints.skip_hours = {15};
  FetchResult cached = response(200);
  cached.cache_control = "max-age=7200";
  CHECK(wait_after_parse(s, hints, std::move(cached)) < 66);
}
