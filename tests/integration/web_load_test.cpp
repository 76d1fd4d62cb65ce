// Serving the web page never stalls polling or the watchdog: 200 requests a second for ten
// seconds to "/" while the daemon polls the bench corpus (../shared/bench: gen_corpus.py's 200
// feeds, served by feed_server.py, which adds items every second so that rounds keep writing),
// under a 2 s systemd watchdog played by the test. Every request is answered, the rounds go on
// and WATCHDOG=1 keeps coming on time. Without the bench kit beside the project (a CI clone
// elsewhere) it polls 200 feeds of 50 items of its own instead, one item in ten about the
// story, from the test's server, unchanged between rounds.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "integration/daemon_log.h"
#include "integration/feed_server.h"
#include "integration/notify_socket.h"
#include "integration/process.h"
#include "test_support.h"

using namespace newswatch::test;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NEWSWATCH_SANITIZED
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define NEWSWATCH_SANITIZED
#endif
#endif

namespace {

const std::string kBenchKit = std::string(NEWSWATCH_SOURCE_DIR) + "/../shared/bench";

// Under ASan or TSan a round of the bench corpus takes minutes: those builds, which look for
// races and memory errors rather than time, poll fewer feeds of the test's own.
#if defined(NEWSWATCH_SANITIZED)
constexpr int kOwnFeeds = 40;
#else
constexpr int kOwnFeeds = 200;
#endif

// kOwnFeeds RSS feeds of 50 items on `server`; their OPML list.
std::string serve_own_corpus(FeedServer& server) {
  std::string opml = "<?xml version=\"1.0\"?><opml version=\"2.0\"><head/><body>";
  for (int f = 0; f < kOwnFeeds; ++f) {
    std::string host = "outlet" + std::to_string(f) + ".example",
                xml = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>" + host +
                      "</title>";
    for (int i = 0; i < 50; ++i) {
      std::string title = (i % 10 == 0) ? "Iran's Revolutionary Guards seize tanker " +
                                              std::to_string(f % 20) + " in the Strait of Hormuz"
                                        : "Local council " + std::to_string(f) +
                                              " approves budget " + std::to_string(i);
      xml += "<item><title>" + title + "</title><link>https://" + host + "/" + std::to_string(i) +
             "</link><description>" + title + ", officials said.</description></item>";
    }
    std::string path = "/feeds/" + std::to_string(f) + ".xml";
    server.serve(path, FeedServer::Resource(200, xml + "</channel></rss>"));
    opml += "<outline type=\"rss\" xmlUrl=\"" + server.url(path) + "\"/>";
  }
  return opml + "</body></opml>";
}

}  // namespace

TEST_CASE("web page: 200 requests a second for 10 s hold up neither polling nor the watchdog") {
  TempDir dir;
  FeedServer own_server;
  pid_t server = -1;
  std::string feed_list;
  bool bench_kit = std::filesystem::exists(kBenchKit + "/gen_corpus.py");
#if defined(NEWSWATCH_SANITIZED)
  bench_kit = false;
#endif
  if (bench_kit) {
    REQUIRE(exit_status(spawn_logged("python3",
                                     {kBenchKit + "/gen_corpus.py", "--out", dir.file("corpus")},
                                     dir.file("corpus.log"))) == 0);
    server = spawn_logged(
        "python3",
        {kBenchKit + "/feed_server.py", "--dir", dir.file("corpus"), "--port", "0", "--port-file",
         dir.file("port"), "--mutate-every", "1", "--mutate-fraction", "0.2"},
        dir.file("server.log"));
    REQUIRE(server > 0);
    REQUIRE(await([&] { return !read_file(dir.file("port")).empty(); }, 60));
    httplib::Client feeds("127.0.0.1", std::stoi(read_file(dir.file("port"))));
    auto opml = feeds.Get("/feeds.opml");
    REQUIRE(opml);
    feed_list = dir.write("feeds.opml", opml->body);
  } else {
    WARN("polling " << kOwnFeeds << " feeds of the test's own, not the bench kit's");
    feed_list = dir.write("feeds.opml", serve_own_corpus(own_server));
  }
  std::string config = dir.write("newswatch.toml",
                                 "database = \"n.db\"\ninterval = \"1s\"\n"
                                 "honor_feed_hints = false\n"
                                 "[web]\nlisten = \"127.0.0.1:0\"\n");
  NotifySocket notify(dir.file("notify.sock"));
  constexpr auto kWatchdog = std::chrono::seconds(2);
  std::string log = dir.file("daemon.log");
  pid_t daemon =
      spawn_newswatch({"run", "--config", config, "--feeds", feed_list}, log, "",
                      {"NOTIFY_SOCKET=" + dir.file("notify.sock"), "WATCHDOG_USEC=2000000"});
  int web = logged_port(log, "web page", 60);
  REQUIRE(await([&] { return rounds_in(read_file(log)) >= 1; }, 300));  // the cold round

  // Four clients, each starting a request every 20 ms: 200 a second for 10 s.
  constexpr int kClients = 4, kPerClient = 500;
  std::atomic<int> answered{0}, failed{0}, finished{0};
  std::atomic<long> slowest_ms{0};
  auto started = Clock::now();
  int rounds_before = rounds_in(read_file(log));
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", web);
      client.set_read_timeout(10, 0);
      auto next = started + std::chrono::milliseconds(5 * c);
      for (int i = 0; i < kPerClient; ++i) {
        if (Clock::now() - started > std::chrono::seconds(90)) break;  // never hang a CI run
        std::this_thread::sleep_until(next);  // pacing the load, not awaiting a condition
        next += std::chrono::milliseconds(20);
        auto sent = Clock::now();
        auto page = client.Get("/");
        long ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sent).count();
        long seen = slowest_ms.load();
        while (ms > seen && !slowest_ms.compare_exchange_weak(seen, ms)) {
        }
        (page && page->status == 200 && page->body.find("</html>") != std::string::npos ? answered
                                                                                        : failed)++;
      }
      ++finished;
    });
  }
  // Meanwhile this thread is the service manager, reading sd_notify as it comes.
  // (Bounded: a client that hangs fails the pace check below instead of the test hanging.)
  while (finished < kClients && Clock::now() - started < std::chrono::minutes(2))
    notify.await("STOPPING=1", 1);
  for (auto& client : clients) client.join();
  auto ended = Clock::now();
  int rounds_during = rounds_in(read_file(log)) - rounds_before;
  kill(daemon, SIGTERM);
  CHECK(exit_status(daemon) == 0);
  if (server > 0) {
    kill(server, SIGTERM);
    exit_status(server);
  }

  INFO("answered " << answered << ", failed " << failed << ", slowest " << slowest_ms
                   << " ms, rounds " << rounds_during << ", load took "
                   << std::chrono::duration_cast<std::chrono::milliseconds>(ended - started).count()
                   << " ms");
  CHECK(failed == 0);
#if !defined(NEWSWATCH_SANITIZED)
  CHECK(answered == kClients * kPerClient);
#endif
  // The pace held: a request late behind a page being made is caught up by those after it.
  // (Not under ASan or TSan, which make every page several times slower to make.)
#if !defined(NEWSWATCH_SANITIZED)
  CHECK(ended - started < std::chrono::seconds(15));
#endif
  // Rounds every second of a 1 s interval, each writing what the server added: at least a
  // few must end while the page is under load.
  CHECK(rounds_during >= 3);
  std::vector<Clock::time_point> pings;
  for (const auto& message : notify.messages)
    if (message.text == "WATCHDOG=1" && message.at >= started && message.at <= ended)
      pings.push_back(message.at);
  CHECK(pings.size() >= 5);
  Clock::duration longest{};
  for (std::size_t i = 1; i < pings.size(); ++i)
    longest = std::max(longest, pings[i] - pings[i - 1]);
  INFO("longest gap between WATCHDOG=1: "
       << std::chrono::duration_cast<std::chrono::milliseconds>(longest).count() << " ms");
  CHECK(longest < kWatchdog);
}
