// The whole pipeline against a loopback HTTP server and a SQLite file in a temp dir:
// fetch -> parse -> match -> store, and a second poll that adds nothing.
#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <thread>

#include "daemon/poller.h"
#include "feeds/start_queue.h"
#include "integration/feed_server.h"
#include "integration/manual_clock.h"
#include "storage/feed_leases.h"
#include "test_database.h"
#include "test_support.h"

using namespace newswatch;
using namespace newswatch::test;

namespace {

std::string gzip(const std::string& data) {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, data.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// A poller on a database of `backend` (a SQLite file, or a PostgreSQL database of the test's own
// server) and a loopback feed server.
struct Harness {
  explicit Harness(sql::Backend backend = sql::Backend::sqlite) : db(backend) {}

  TestDatabase db;
  FeedServer server;
  ManualClock clock{1750000000};
  Config config;

  std::unique_ptr<Poller> poller() {
    config.database = db.name();
    auto store = Store::open(config.database);
    REQUIRE(store);
    auto matcher = std::make_shared<const Matcher>(TopicPack::builtin());
    auto poller = Poller::create(config, std::move(*store), matcher, clock, -1);
    REQUIRE(poller);
    return std::move(*poller);
  }

  std::int64_t count(const std::string& sql) { return db.number(sql); }
};

}  // namespace

TEST_CASE("one poll stores exactly the relevant item, once, and a second poll adds nothing") {
  Harness h(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(h.db.backend_name());
  h.server.serve("/feed.xml", {200, hormuz_and_football_feed(), ""});
  h.config.feeds = {{h.server.url("/feed.xml"), "Test Outlet", std::nullopt, true}};
  auto poller = h.poller();

  RoundStats first = poller->poll_round(true);
  CHECK(first.fetched == 1);
  CHECK(first.items == 2);
  CHECK(first.matched == 1);
  CHECK(first.new_articles == 1);
  CHECK(h.count("SELECT count(*) FROM items_v") == 1);
  CHECK(h.count("SELECT count(*) FROM items_v WHERE title LIKE '%Strait of Hormuz%' "
                "AND topics LIKE '%hormuz%' AND published = '2025-06-10T04:00:00Z'") == 1);
  CHECK(h.count("SELECT count(*) FROM sightings_v WHERE guid = 'outlet-hormuz-1'") == 1);
  // The unmatched item is recorded too (a later copy that matches joins its story).
  CHECK(h.count("SELECT count(*) FROM sightings_v") == 2);

  h.clock.advance(3600);
  RoundStats second = poller->poll_round(true);
  CHECK(second.fetched == 1);
  CHECK(second.new_articles == 0);
  CHECK(second.new_sightings == 0);
  CHECK(h.count("SELECT count(*) FROM items_v") == 1);
  CHECK(h.count("SELECT count(*) FROM sightings_v") == 2);
}

TEST_CASE("a second poll sends the stored ETag and a 304 costs no parsing") {
  Harness h(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(h.db.backend_name());
  h.server.serve("/feed.xml", {200, hormuz_and_football_feed(), "\"v1\""});
  h.config.feeds = {{h.server.url("/feed.xml"), "", std::nullopt, true}};
  auto poller = h.poller();
  poller->poll_round(true);
  RoundStats second = poller->poll_round(true);
  CHECK(second.not_modified == 1);
  CHECK(second.items == 0);
  CHECK(h.server.conditional_requests() == 1);
  CHECK(h.count("SELECT count(*) FROM feeds_v WHERE etag = '\"v1\"' AND last_status = 304") == 1);
}

TEST_CASE("the schedule survives a restart: validators come back from the database") {
  Harness h(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(h.db.backend_name());
  h.server.serve("/feed.xml", {200, hormuz_and_football_feed(), "\"v1\""});
  h.config.feeds = {{h.server.url("/feed.xml"), "", std::nullopt, true}};
  h.poller()->poll_round(true);
  RoundStats after_restart = h.poller()->poll_round(true);
  CHECK(after_restart.not_modified == 1);
  CHECK(h.count("SELECT count(*) FROM items_v") == 1);
}

TEST_CASE("failing feeds are recorded and do not stop the others") {
  Harness h(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(h.db.backend_name());
  h.server.serve("/feed.xml", {200, hormuz_and_football_feed(), ""});
  h.server.serve("/broken.xml", {500, "oops", ""});
  h.server.serve("/html.xml", {200, "<html><body>not a feed</body></html>", ""});
  h.config.feeds = {{h.server.url("/feed.xml"), "", std::nullopt, true},
                    {h.server.url("/broken.xml"), "", std::nullopt, true},
                    {h.server.url("/html.xml"), "", std::nullopt, true},
                    {h.server.url("/missing.xml"), "", std::nullopt, true},
                    {"http://127.0.0.1:1/refused.xml", "", std::nullopt, true}};
  auto poller = h.poller();
  RoundStats stats = poller->poll_round(true);
  CHECK(stats.feeds == 5);
  CHECK(stats.failed == 4);
  CHECK(stats.new_articles == 1);
  CHECK(h.count("SELECT count(*) FROM feeds_v WHERE last_error = 'HTTP 500' AND error_count = 1") ==
        1);
  CHECK(h.count("SELECT count(*) FROM feeds_v WHERE last_error LIKE 'unparseable document%'") == 1);
  CHECK(h.count("SELECT count(*) FROM feeds_v WHERE last_status = 404") == 1);
  CHECK(h.count("SELECT count(*) FROM feeds_v WHERE url LIKE '%refused%' "
                "AND last_error IS NOT NULL AND next_poll_at IS NOT NULL") == 1);
}

TEST_CASE("a response over the body cap is refused, not stored") {
  Harness h;
  h.server.serve("/huge.xml", {200, std::string(64 * 1024, ' ') + hormuz_and_football_feed(), ""});
  h.config.feeds = {{h.server.url("/huge.xml"), "", std::nullopt, true}};
  h.config.max_body = 16 * 1024;
  auto poller = h.poller();
  RoundStats stats = poller->poll_round(true);
  CHECK(stats.failed == 1);
  CHECK(h.count("SELECT count(*) FROM items_v") == 0);
  CHECK(h.count("SELECT count(*) FROM feeds_v WHERE last_error LIKE '%larger than%'") == 1);
}

TEST_CASE("a document that is not a feed backs off and is fetched afresh, not 304'd") {
  Harness h;
  h.server.serve("/page.xml", {200, "<html><body>maintenance</body></html>", "\"v1\""});
  h.config.feeds = {{h.server.url("/page.xml"), "", std::nullopt, true}};
  auto poller = h.poller();
  CHECK(poller->poll_round(true).failed == 1);
  CHECK(h.count("SELECT count(*) FROM feeds_v WHERE error_count = 1 AND etag = '' "
                "AND last_error LIKE 'unparseable%'") == 1);
  poller->poll_round(true);
  CHECK(h.server.conditional_requests() == 0);
  CHECK(h.count("SELECT error_count FROM feeds_v") == 2);
}

TEST_CASE("a feed listed twice is polled once") {
  Harness h;
  h.server.serve("/feed.xml", {200, hormuz_and_football_feed(), ""});
  h.config.feeds = {{h.server.url("/feed.xml"), "A", std::nullopt, true},
                    {h.server.url("/feed.xml"), "B", std::nullopt, true}};
  auto poller = h.poller();
  CHECK(poller->poll_round(true).feeds == 1);
  CHECK(h.server.requests() == 1);
}

TEST_CASE("the per-host limit is never exceeded however many feeds a host has") {
  Harness h;
  for (int i = 0; i < 12; ++i) {
    std::string path = "/feed" + std::to_string(i) + ".xml";
    h.server.serve(path, {200, hormuz_and_football_feed(), "", 30});
    h.config.feeds.push_back({h.server.url(path), "", std::nullopt, true});
  }
  h.config.per_host = 2;
  h.config.concurrency = 16;
  auto poller = h.poller();
  CHECK(poller->poll_round(true).fetched == 12);
  CHECK(h.server.requests() == 12);
  CHECK(h.server.max_concurrent() <= 2);
  CHECK(h.server.max_concurrent() >= 1);
}

TEST_CASE("the feed's own hints set the next poll: Cache-Control and ttl") {
  Harness h;
  std::string with_ttl = hormuz_and_football_feed();
  with_ttl.replace(with_ttl.find("<item>"), 0, "<ttl>180</ttl>");
  h.server.serve("/cached.xml", {200, hormuz_and_football_feed(), "", 0, "max-age=7200"});
  h.server.serve("/ttl.xml", {200, with_ttl, "", 0, ""});
  h.config.feeds = {{h.server.url("/cached.xml"), "", std::nullopt, true},
                    {h.server.url("/ttl.xml"), "", std::nullopt, true}};
  h.config.interval = std::chrono::minutes(1);
  auto poller = h.poller();
  poller->poll_round(true);
  // ManualClock starts at 2025-06-15T15:06:40Z.
  CHECK(h.count("SELECT count(*) FROM feeds_v WHERE url LIKE '%cached.xml' "
                "AND next_poll_at = '2025-06-15T17:06:40Z'") == 1);
  CHECK(h.count("SELECT count(*) FROM feeds_v WHERE url LIKE '%ttl.xml' "
                "AND next_poll_at = '2025-06-15T18:06:40Z'") == 1);
}

TEST_CASE("a gzip body is decompressed and parsed") {
  Harness h;
  FeedServer::Resource compressed(200, gzip(hormuz_and_football_feed()));
  compressed.gzipped = true;
  h.server.serve("/feed.xml", compressed);
  h.config.feeds = {{h.server.url("/feed.xml"), "", std::nullopt, true}};
  auto poller = h.poller();
  RoundStats stats = poller->poll_round(true);
  CHECK(stats.items == 2);
  CHECK(stats.new_articles == 1);
}

TEST_CASE("a decompression bomb is capped at max_body after decompressing") {
  Harness h;
  std::string bomb_body = gzip(std::string(8 << 20, ' ') + hormuz_and_football_feed());
  REQUIRE(bomb_body.size() < 64 * 1024);  // small on the wire
  FeedServer::Resource bomb(200, bomb_body);
  bomb.gzipped = true;
  h.server.serve("/bomb.xml", bomb);
  h.config.feeds = {{h.server.url("/bomb.xml"), "", std::nullopt, true}};
  h.config.max_body = 1 << 20;
  auto poller = h.poller();
  CHECK(poller->poll_round(true).failed == 1);
  CHECK(h.count("SELECT count(*) FROM items_v") == 0);
  CHECK(h.count("SELECT count(*) FROM feeds_v WHERE last_error LIKE '%larger than 1048576%'") == 1);
}

TEST_CASE("a redirect to a scheme other than http or https is refused") {
  Harness h;
  FeedServer::Resource to_file(302);
  to_file.location = "file:///etc/passwd";
  h.server.serve("/feed.xml", to_file);
  h.config.feeds = {{h.server.url("/feed.xml"), "", std::nullopt, true}};
  auto poller = h.poller();
  CHECK(poller->poll_round(true).failed == 1);
  CHECK(h.count("SELECT count(*) FROM items_v") == 0);
  CHECK(h.count("SELECT count(*) FROM feeds_v WHERE last_error IS NOT NULL") == 1);
}

TEST_CASE("a truncated body keeps the items stored before") {
  Harness h;
  h.server.serve("/feed.xml", {200, hormuz_and_football_feed()});
  h.config.feeds = {{h.server.url("/feed.xml"), "", std::nullopt, true}};
  auto poller = h.poller();
  poller->poll_round(true);
  std::string truncated = hormuz_and_football_feed();
  truncated.resize(truncated.find("<item>") + 20);
  h.server.serve("/feed.xml", {200, truncated});
  poller->poll_round(true);
  CHECK(h.count("SELECT count(*) FROM items_v") == 1);
}

TEST_CASE("errors back off: a failing feed waits longer after each failure") {
  Harness h(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(h.db.backend_name());
  h.server.serve("/feed.xml", {500, "oops"});
  h.config.feeds = {{h.server.url("/feed.xml"), "", std::nullopt, true}};
  h.config.interval = std::chrono::minutes(10);
  auto poller = h.poller();
  std::vector<int> waits;
  for (int round = 0; round < 4; ++round) {
    UnixSeconds before = h.clock.now();
    poller->poll_round(false);
    UnixSeconds next = h.count("SELECT next_poll_at FROM feeds");
    waits.push_back(static_cast<int>(next - before));
    h.clock.advance(next - before);  // exactly when due again; nothing is polled earlier
  }
  CHECK(waits == std::vector<int>{600, 1200, 2400, 4800});
  CHECK(h.server.requests() == 4);
}

TEST_CASE("429 with Retry-After: no request before the time the server asked for") {
  Harness h;
  FeedServer::Resource busy(429, "slow down");
  busy.headers = {{"Retry-After", "3600"}};
  h.server.serve("/feed.xml", busy);
  h.config.feeds = {{h.server.url("/feed.xml"), "", std::nullopt, true}};
  h.config.interval = std::chrono::minutes(1);
  auto poller = h.poller();
  poller->poll_round(false);
  CHECK(h.server.requests() == 1);
  h.clock.advance(3599);
  poller->poll_round(false);  // due by interval and backoff, not by Retry-After
  poller->poll_round(true);   // not even --once polls it early
  CHECK(h.server.requests() == 1);
  h.clock.advance(1);
  h.server.serve("/feed.xml", {200, hormuz_and_football_feed()});
  CHECK(poller->poll_round(false).new_articles == 1);
  CHECK(h.server.requests() == 2);
}

TEST_CASE("a permanent redirect is followed and its target polled from then on, after restarts") {
  Harness h;
  FeedServer::Resource moved(301);
  moved.location = "/new.xml";
  h.server.serve("/old.xml", moved);
  h.server.serve("/new.xml", {200, hormuz_and_football_feed()});
  FeedServer::Resource temporary(302);
  temporary.location = "/new.xml";
  h.server.serve("/temporary.xml", temporary);
  h.config.feeds = {{h.server.url("/old.xml"), "", std::nullopt, true},
                    {h.server.url("/temporary.xml"), "", std::nullopt, true}};
  h.poller()->poll_round(true);
  CHECK(h.count("SELECT count(*) FROM feeds_v WHERE url LIKE '%old.xml' "
                "AND fetch_url LIKE '%new.xml'") == 1);
  CHECK(h.count("SELECT count(*) FROM feeds_v WHERE url LIKE '%temporary.xml' "
                "AND fetch_url IS NULL") == 1);
  h.poller()->poll_round(true);  // a new poller: as after a restart
  CHECK(h.server.requests_for("/old.xml") == 1);
  CHECK(h.server.requests_for("/temporary.xml") == 2);
  CHECK(h.count("SELECT count(*) FROM items_v") == 1);
}

TEST_CASE("feeds that come to share an address are requested there once, each recorded") {
  Harness h;
  FeedServer::Resource moved(301);
  moved.location = "/new.xml";
  h.server.serve("/old.xml", moved);
  h.server.serve("/new.xml", {200, hormuz_and_football_feed(), "\"v1\""});
  h.config.feeds = {{h.server.url("/old.xml"), "A", std::nullopt, true},
                    {h.server.url("/new.xml"), "B", std::nullopt, true}};
  h.config.honor_feed_hints = false;
  auto poller = h.poller();
  poller->poll_round(true);  // A is redirected to B's address: two requests there
  REQUIRE(h.server.requests_for("/new.xml") == 2);
  h.clock.advance(3600);
  h.server.serve("/new.xml", {200, hormuz_and_football_feed(), "\"v2\""});
  RoundStats both = poller->poll_round(false);  // both due at one address
  CHECK(h.server.requests_for("/new.xml") == 3);
  // The document went to one of them; the other heard "nothing new".
  CHECK(both.fetched == 1);
  CHECK(both.not_modified == 1);
  // Each feed's state says it was polled now and when it is next due.
  CHECK(h.count(
            "SELECT count(*) FROM feeds WHERE last_polled_at = " + std::to_string(h.clock.now()) +
            " AND next_poll_at > " + std::to_string(h.clock.now()) + " AND error_count = 0") == 2);
  poller->poll_round(false);  // nothing is due
  CHECK(h.server.requests_for("/new.xml") == 3);
  CHECK(h.count("SELECT count(*) FROM items_v") == 1);
}

TEST_CASE("a stalled server times out and the others are not held up") {
  Harness h;
  h.server.serve("/stalled.xml", {200, hormuz_and_football_feed(), "", 4000});
  h.server.serve("/feed.xml", {200, hormuz_and_football_feed()});
  h.config.feeds = {{h.server.url("/stalled.xml"), "", std::nullopt, true},
                    {h.server.url("/feed.xml"), "", std::nullopt, true}};
  h.config.timeout = std::chrono::seconds(1);
  auto poller = h.poller();
  RoundStats stats = poller->poll_round(true);
  CHECK(stats.fetched == 1);
  CHECK(stats.failed == 1);
  CHECK(h.count("SELECT count(*) FROM feeds_v WHERE url LIKE '%stalled.xml' "
                "AND last_error LIKE '%imeout%'") == 1);
  CHECK(h.count("SELECT count(*) FROM items_v") == 1);
}

TEST_CASE("410 Gone disables the feed: it is not requested again, after restarts either") {
  Harness h;
  h.server.serve("/gone.xml", {410, "gone"});
  h.config.feeds = {{h.server.url("/gone.xml"), "", std::nullopt, true}};
  h.poller()->poll_round(true);
  CHECK(h.count("SELECT count(*) FROM feeds_v WHERE disabled = 1 AND last_error LIKE '%410%'") ==
        1);
  h.clock.advance(7 * 24 * 3600);
  auto restarted = h.poller();
  CHECK(restarted->poll_round(false).feeds == 0);
  CHECK(restarted->poll_round(true).feeds == 0);
  CHECK(h.server.requests_for("/gone.xml") == 1);
}

TEST_CASE(
    "daemons sharing a PostgreSQL database poll each feed once an interval, per_host across them") {
  TestDatabase db(sql::Backend::postgresql);
  FeedServer server;
  ManualClock clock{1750000000};
  Config config;
  config.database = db.name();
  std::vector<std::string> paths;
  for (int i = 0; i < 12; ++i) {
    paths.push_back("/feed" + std::to_string(i) + ".xml");
    server.serve(paths.back(), {200, hormuz_and_football_feed(), "", 30});
    config.feeds.push_back({server.url(paths.back()), "", std::nullopt, true});
  }
  config.per_host = 2;
  config.concurrency = 16;
  config.interval = std::chrono::minutes(10);
  auto matcher = std::make_shared<const Matcher>(TopicPack::builtin());
  auto daemon = [&] {
    auto store = Store::open(config.database);
    REQUIRE(store);
    auto poller = Poller::create(config, std::move(*store), matcher, clock, -1);
    REQUIRE(poller);
    return std::move(*poller);
  };
  auto a = daemon();
  auto b = daemon();
  // spdlog's registry is made by the first thread that logs: here, before the two threads
  // race to be that one (the daemon sets its logger up before it starts any).
  spdlog::default_logger();

  // Both at once: every feed fetched once, by one daemon or the other, and never more than
  // per_host transfers to the host at a time across the two.
  RoundStats by_b;
  std::thread other([&] { by_b = b->poll_round(false); });
  RoundStats by_a = a->poll_round(false);
  other.join();
  CHECK(by_a.fetched + by_b.fetched == 12);
  for (const auto& path : paths) CHECK(server.requests_for(path) == 1);
  CHECK(server.max_concurrent() <= 2);
  CHECK(db.number("SELECT count(*) FROM items_v") == 1);  // the 12 copies are one article
  CHECK(db.number("SELECT count(*) FROM feeds WHERE lease_owner IS NOT NULL") == 0);
  CHECK(db.number("SELECT count(*) FROM host_leases") == 0);

  // Within the interval nothing is due, whoever asks.
  clock.advance(60);
  a->poll_round(false);
  b->poll_round(false);
  CHECK(server.requests() == 12);

  // A daemon that claimed everything and died: its feeds and host return when its leases
  // run out, one interval on, and not before.
  auto ghost = FeedLeases::open(db.name());
  REQUIRE(ghost);
  clock.advance(2 * 600);  // every feed due again, jitter and all
  std::vector<FeedLeases::Wanted> wanted;
  for (const auto& feed : config.feeds)
    wanted.push_back({feed.url, host_key(feed.url), clock.now() + 600});
  auto claimed = (*ghost)->claim(wanted, clock.now(), false);
  REQUIRE(claimed);
  CHECK(claimed->claimed.size() == 12);
  CHECK(a->poll_round(false).fetched == 0);
  CHECK(b->poll_round(true).fetched == 0);  // --once too leaves another daemon's feeds alone
  CHECK(server.requests() == 12);
  clock.advance(601);
  RoundStats after = a->poll_round(false);
  CHECK(after.fetched == 12);
  CHECK(server.requests() == 24);
}

TEST_CASE("on PostgreSQL a round claims twice its concurrency in hosts, and the next the rest") {
  TestDatabase db(sql::Backend::postgresql);
  FeedServer hosts[3];
  ManualClock clock{1750000000};
  Config config;
  config.database = db.name();
  for (FeedServer& host : hosts) {
    for (const char* path : {"/a.xml", "/b.xml"}) {
      host.serve(path, {200, hormuz_and_football_feed(), ""});
      config.feeds.push_back({host.url(path), "", std::nullopt, true});
    }
  }
  config.concurrency = 1;  // two hosts a round
  auto store = Store::open(config.database);
  REQUIRE(store);
  auto poller = Poller::create(config, std::move(*store),
                               std::make_shared<const Matcher>(TopicPack::builtin()), clock, -1);
  REQUIRE(poller);
  CHECK((*poller)->poll_round(false).fetched == 4);
  int served = 0;
  for (FeedServer& host : hosts) served += host.requests() > 0 ? 1 : 0;
  CHECK(served == 2);
  clock.advance(1);  // the third host's feeds are due still: the next round, a second on
  CHECK((*poller)->poll_round(false).fetched == 2);
  for (FeedServer& host : hosts) CHECK(host.requests() == 2);
  // --once takes every host at once.
  clock.advance(3600);
  CHECK((*poller)->poll_round(true).fetched == 6);
}
