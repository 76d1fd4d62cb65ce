// Serving the web page never stalls polling or the watchdog: 200 requests a second for ten
// seconds to "/" while the daemon polls the bench corpus (../shared/bench: gen_corpus.py's 200
// feeds, served by feed_server.py, which adds items every second so that rounds keep writing),
// under a 2 s systemd watchdog played by the test. Every request is answered, the rounds go on
// and WATCHDOG=1 keeps coming on time. Without the bench kit beside the project the test says
// so and checks nothing.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "integration/feed_server.h"
#include "integration/process.h"
#include "test_support.h"

using namespace newswatch::test;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kBenchKit = std::string(NEWSWATCH_SOURCE_DIR) + "/../shared/bench";

// sd_notify datagrams, each with when it came, gathered on a thread until destruction.
class NotifyListener {
 public:
  explicit NotifyListener(const std::string& path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    timeval timeout{0, 100'000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    thread_ = std::thread([this] {
      while (!stop_) {
        char buffer[4096];
        ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) continue;
        std::lock_guard lock(mutex_);
        messages_.push_back({Clock::now(), std::string(buffer, static_cast<std::size_t>(n))});
      }
    });
  }
  ~NotifyListener() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  // When each message holding `text` came.
  std::vector<Clock::time_point> times_of(const std::string& text) {
    std::lock_guard lock(mutex_);
    std::vector<Clock::time_point> times;
    for (const auto& [at, message] : messages_)
      if (message.find(text) != std::string::npos) times.push_back(at);
    return times;
  }

 private:
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::pair<Clock::time_point, std::string>> messages_;
  std::thread thread_;
};

int logged_port(const std::string& log, const std::string& what) {
  int port = 0;
  REQUIRE(await(
      [&] {
        std::smatch m;
        std::string text = read_file(log);
        if (!std::regex_search(text, m, std::regex(what + " at http://[^ ]+ \\(port ([0-9]+)\\)")))
          return false;
        port = std::stoi(m[1]);
        return true;
      },
      60));
  return port;
}

int rounds_in(const std::string& log) {
  int rounds = 0;
  for (std::size_t at = log.find("poll round:"); at != std::string::npos;
       at = log.find("poll round:", at + 1))
    ++rounds;
  return rounds;
}

}  // namespace

TEST_CASE("web page: 200 requests a second for 10 s hold up neither polling nor the watchdog") {
  if (!std::filesystem::exists(kBenchKit + "/gen_corpus.py")) {
    WARN("no bench kit at " + kBenchKit + ": the web page's load test did not run");
    return;
  }
  TempDir dir;
  REQUIRE(exit_status(spawn_logged("python3",
                                   {kBenchKit + "/gen_corpus.py", "--out", dir.file("corpus")},
                                   dir.file("corpus.log"))) == 0);
  pid_t server = spawn_logged(
      "python3",
      {kBenchKit + "/feed_server.py", "--dir", dir.file("corpus"), "--port", "0", "--port-file",
       dir.file("port"), "--mutate-every", "1", "--mutate-fraction", "0.2"},
      dir.file("server.log"));
  REQUIRE(server > 0);
  REQUIRE(await([&] { return !read_file(dir.file("port")).empty(); }, 60));
  int feed_port = std::stoi(read_file(dir.file("port")));
  httplib::Client feeds("127.0.0.1", feed_port);
  auto opml = feeds.Get("/feeds.opml");
  REQUIRE(opml);
  std::string feed_list = dir.write("feeds.opml", opml->body);
  std::string config = dir.write("newswatch.toml",
                                 "database = \"n.db\"\ninterval = \"1s\"\n"
                                 "honor_feed_hints = false\n"
                                 "[web]\nlisten = \"127.0.0.1:0\"\n");
  NotifyListener notify(dir.file("notify.sock"));
  constexpr auto kWatchdog = std::chrono::seconds(2);
  std::string log = dir.file("daemon.log");
  pid_t daemon =
      spawn_newswatch({"run", "--config", config, "--feeds", feed_list}, log, "",
                      {"NOTIFY_SOCKET=" + dir.file("notify.sock"), "WATCHDOG_USEC=2000000"});
  int web = logged_port(log, "web page");
  REQUIRE(await([&] { return rounds_in(read_file(log)) >= 1; }, 120));  // the cold round

  // Four clients, each starting a request every 20 ms: 200 a second for 10 s.
  constexpr int kClients = 4, kPerClient = 500;
  std::atomic<int> answered{0}, failed{0};
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
    });
  }
  for (auto& client : clients) client.join();
  auto ended = Clock::now();
  int rounds_during = rounds_in(read_file(log)) - rounds_before;
  kill(daemon, SIGTERM);
  CHECK(exit_status(daemon) == 0);
  kill(server, SIGTERM);
  exit_status(server);

  INFO("answered " << answered << ", failed " << failed << ", slowest " << slowest_ms
                   << " ms, rounds " << rounds_during << ", load took "
                   << std::chrono::duration_cast<std::chrono::milliseconds>(ended - started).count()
                   << " ms");
  CHECK(answered == kClients * kPerClient);
  // The pace held: a request late behind a page being made is caught up by those after it.
  CHECK(ended - started < std::chrono::seconds(15));
  CHECK(failed == 0);
  // Rounds every second of a 1 s interval, each writing what the server added: at least a
  // few must end while the page is under load.
  CHECK(rounds_during >= 3);
  std::vector<Clock::time_point> pings;
  for (auto at : notify.times_of("WATCHDOG=1"))
    if (at >= started && at <= ended) pings.push_back(at);
  CHECK(pings.size() >= 5);
  Clock::duration longest{};
  for (std::size_t i = 1; i < pings.size(); ++i)
    longest = std::max(longest, pings[i] - pings[i - 1]);
  INFO("longest gap between WATCHDOG=1: "
       << std::chrono::duration_cast<std::chrono::milliseconds>(longest).count() << " ms");
  CHECK(longest < kWatchdog);
}
