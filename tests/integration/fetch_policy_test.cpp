// What a hostile publisher can make the fetcher do (issue 14), against real loopback servers:
// redirects into internal addresses, header values carrying control characters, and headers
// too large for libcurl. Every server here lives on 127/8 (Linux routes all of it to lo), so
// most tests declare which of those addresses count as internal.
#include <SQLiteCpp/SQLiteCpp.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "daemon/poller.h"
#include "daemon/scheduler.h"
#include "feeds/fetch.h"
#include "integration/feed_server.h"
#include "integration/manual_clock.h"
#include "test_support.h"

using namespace newswatch;
using namespace newswatch::test;

namespace {

// An HTTP/1.1 server on a loopback address of the test's choosing (IPv4 or IPv6) that sends
// exactly the bytes a test gives it: cpp-httplib 0.11 will not send a header value holding a
// CR. It keeps connections alive and records every request head and connection.
class RawServer {
 public:
  explicit RawServer(const std::string& address = "127.0.0.1", int port = 0) : address_(address) {
    bool v6 = address.find(':') != std::string::npos;
    listener_ = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (v6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
      a->sin6_family = AF_INET6;
      a->sin6_port = htons(static_cast<std::uint16_t>(port));
      inet_pton(AF_INET6, address.c_str(), &a->sin6_addr);
      length = sizeof *a;
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&storage);
      a->sin_family = AF_INET;
      a->sin_port = htons(static_cast<std::uint16_t>(port));
      inet_pton(AF_INET, address.c_str(), &a->sin_addr);
      length = sizeof *a;
    }
    bound_ = bind(listener_, reinterpret_cast<sockaddr*>(&storage), length) == 0 &&
             listen(listener_, 64) == 0;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&storage), &length);
    port_ = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                     : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
    if (bound_) accepter_ = std::thread([this] { accept_connections(); });
  }
  ~RawServer() {
    shutdown(listener_, SHUT_RDWR);  // wakes accept()
    if (accepter_.joinable()) accepter_.join();
    {
      std::lock_guard lock(mutex_);
      for (int fd : open_) shutdown(fd, SHUT_RDWR);  // wakes recv() and send()
    }
    for (auto& t : conversations_) t.join();
    close(listener_);
  }
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  bool bound() const { return bound_; }
  int port() const { return port_; }

  // A response with `status`, the header lines `headers` (each ending in \r\n) and `body`.
  static std::string response(int status, const std::string& headers, const std::string& body) {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\n" + headers +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  // Answers a GET of `path` with `bytes`, whatever they hold.
  void serve(const std::string& path, std::string bytes) {
    std::lock_guard lock(mutex_);
    responses_[path] = std::move(bytes);
  }
  std::string url(const std::string& path) const {
    bool v6 = address_.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + address_ + "]" : address_) + ":" + std::to_string(port_) + path;
  }
  // The head (request line and headers) of every request received, in order.
  std::vector<std::string> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int connections() {
    std::lock_guard lock(mutex_);
    return connections_;
  }

 private:
  void accept_connections() {
    for (;;) {
      int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;  // shut down
      }
      std::lock_guard lock(mutex_);
      ++connections_;
      open_.insert(fd);
      conversations_.emplace_back([this, fd] { converse(fd); });
    }
  }

  void converse(int fd) {
    std::string received;
    char chunk[65536];
    for (;;) {
      std::size_t end;
      while ((end = received.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return hang_up(fd);
        received.append(chunk, static_cast<std::size_t>(n));
      }
      std::string head = received.substr(0, end + 4);
      received.erase(0, end + 4);
      std::size_t path_start = head.find(' ') + 1;
      std::string path = head.substr(path_start, head.find(' ', path_start) - path_start);
      std::string reply = response(404, "", "");
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(head);
        if (auto it = responses_.find(path); it != responses_.end()) reply = it->second;
      }
      for (std::size_t sent = 0; sent < reply.size();) {
        ssize_t n = send(fd, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return hang_up(fd);
        sent += static_cast<std::size_t>(n);
      }
    }
  }

  void hang_up(int fd) {
    std::lock_guard lock(mutex_);
    open_.erase(fd);
    close(fd);
  }

  std::string address_;
  int listener_ = -1;
  int port_ = 0;
  bool bound_ = false;
  std::thread accepter_;
  std::mutex mutex_;
  std::map<std::string, std::string> responses_;
  std::vector<std::string> requests_;
  int connections_ = 0;
  std::set<int> open_;
  std::vector<std::thread> conversations_;  // joined once accepter_ is
};

FetchResult fetch(Fetcher& fetcher, const std::string& url, const std::string& etag = "",
                  const std::string& last_modified = "") {
  std::optional<FetchResult> result;
  fetcher.fetch_all({{url, etag, last_modified}}, [&](FetchResult r) { result = std::move(r); });
  REQUIRE(result);
  return std::move(*result);
}

// Options under which only `public_addresses` are public: every other address, all of
// 127/8 but them included, is internal.
FetchOptions public_only(std::set<std::string> public_addresses) {
  FetchOptions options;
  options.is_internal_address = [public_addresses](std::string_view address) {
    return public_addresses.count(std::string(address)) == 0;
  };
  return options;
}

std::string redirect(int status, const std::string& location) {
  return RawServer::response(status, "Location: " + location + "\r\n", "");
}

const std::string kFeed = hormuz_and_football_feed();

}  // namespace

// --- Redirects into internal addresses -------------------------------------------------------

TEST_CASE("a redirect from a public feed to an internal address is refused and says where") {
  RawServer publisher("127.0.0.1"), internal("127.0.0.2");
  REQUIRE(internal.bound());
  internal.serve("/latest/meta-data/", RawServer::response(200, "", "secret"));
  publisher.serve("/feed.xml", redirect(302, internal.url("/latest/meta-data/")));
  Fetcher fetcher(public_only({"127.0.0.1"}));

  FetchResult result = fetch(fetcher, publisher.url("/feed.xml"));
  CHECK_FALSE(result.ok());
  CHECK(result.error == "redirected to an internal address 127.0.0.2 (" +
                            internal.url("/latest/meta-data/") +
                            "); refused: the feed is not internal");
  CHECK(result.body.empty());
  CHECK(internal.requests().empty());
  // Refused before connecting: a probe's connection, accepted after any the fetch made, is
  // the server's first.
  Fetcher probe{FetchOptions{}};
  fetch(probe, internal.url("/probe"));
  CHECK(internal.connections() == 1);

  SECTION("credentials in the redirect target are not shown") {
    std::string target = internal.url("/x");
    target.insert(std::string("http://").size(), "user:hunter2@");
    publisher.serve("/with-password.xml", redirect(302, target));
    FetchResult with_password = fetch(fetcher, publisher.url("/with-password.xml"));
    CHECK_THAT(with_password.error, Catch::StartsWith("redirected to an internal address"));
    CHECK_THAT(with_password.error, !Catch::Contains("hunter2"));
  }
}

TEST_CASE("a permanent redirect to an internal address is not saved as the feed's new address") {
  RawServer publisher("127.0.0.1"), internal("127.0.0.2");
  REQUIRE(internal.bound());
  internal.serve("/feed.xml", RawServer::response(200, "", kFeed));
  publisher.serve("/old.xml", redirect(301, internal.url("/feed.xml")));
  Fetcher fetcher(public_only({"127.0.0.1"}));
  FetchResult result = fetch(fetcher, publisher.url("/old.xml"));
  CHECK_FALSE(result.moved_permanently);
  CHECK_THAT(result.error, Catch::StartsWith("redirected to an internal address 127.0.0.2"));

  // What the daemon makes of it: a failure, and the feed stays where it was configured.
  Config config;
  ScheduledFeed feed;
  feed.config.url = feed.state.url = publisher.url("/old.xml");
  Scheduler scheduler(config, {feed});
  scheduler.record(0, result, 1750000000);
  CHECK(scheduler.feed(0).state.fetch_url.empty());
  CHECK(fetch_url(scheduler.feed(0).state) == publisher.url("/old.xml"));
  CHECK(scheduler.feed(0).state.error_count == 1);
  CHECK(scheduler.feed(0).state.last_error == result.error);
  CHECK(internal.requests().empty());
}

TEST_CASE("a redirect to an internal address over a connection kept alive is refused too") {
  // The connected address is checked before each request, so a connection already open to
  // an internal host (for a feed configured there) is no way in.
  RawServer publisher("127.0.0.1"), internal("127.0.0.2");
  REQUIRE(internal.bound());
  internal.serve("/intranet.xml", RawServer::response(200, "", kFeed));
  internal.serve("/admin", RawServer::response(200, "", "secret"));
  publisher.serve("/feed.xml", redirect(302, internal.url("/admin")));
  Fetcher fetcher(public_only({"127.0.0.1"}));

  CHECK(fetch(fetcher, internal.url("/intranet.xml")).ok());  // configured there: allowed
  FetchResult result = fetch(fetcher, publisher.url("/feed.xml"));
  CHECK(result.error == "redirected to an internal address 127.0.0.2 (" + internal.url("/admin") +
                            "); refused: the feed is not internal");
  CHECK(internal.connections() == 1);
  REQUIRE(internal.requests().size() == 1);
  CHECK_THAT(internal.requests()[0], Catch::StartsWith("GET /intranet.xml "));
}

TEST_CASE("an internal feed may redirect to other internal addresses") {
  RawServer intranet("127.0.0.2"), other("127.0.0.3");
  REQUIRE(intranet.bound());
  REQUIRE(other.bound());
  intranet.serve("/feed.xml", redirect(301, other.url("/feed.xml")));
  other.serve("/feed.xml", RawServer::response(200, "", kFeed));
  Fetcher fetcher(public_only({"127.0.0.1"}));
  FetchResult result = fetch(fetcher, intranet.url("/feed.xml"));
  CHECK(result.error.empty());
  CHECK(result.ok());
  CHECK(result.moved_permanently);
  CHECK(result.effective_url == other.url("/feed.xml"));
  CHECK(result.body == kFeed);
}

TEST_CASE("a public feed may redirect to another public address") {
  RawServer publisher("127.0.0.1"), moved("127.0.0.1");
  publisher.serve("/feed.xml", redirect(302, moved.url("/feed.xml")));
  moved.serve("/feed.xml", RawServer::response(200, "", kFeed));
  Fetcher fetcher(public_only({"127.0.0.1"}));
  FetchResult result = fetch(fetcher, publisher.url("/feed.xml"));
  CHECK(result.error.empty());
  CHECK(result.body == kFeed);
}

TEST_CASE("under the real policy a loopback feed may redirect to another loopback port") {
  FeedServer first, second;
  FeedServer::Resource moved(301);
  moved.location = second.url("/feed.xml");
  first.serve("/feed.xml", moved);
  second.serve("/feed.xml", {200, kFeed});
  Fetcher fetcher{FetchOptions{}};
  FetchResult result = fetch(fetcher, first.url("/feed.xml"));
  CHECK(result.error.empty());
  CHECK(result.ok());
  CHECK(result.moved_permanently);
  CHECK(result.body == kFeed);
}

TEST_CASE("an IPv4-mapped IPv6 redirect target is judged by its IPv4 address") {
  RawServer publisher("127.0.0.1"), internal("127.0.0.2");
  REQUIRE(internal.bound());
  internal.serve("/secret", RawServer::response(200, "", "secret"));
  std::string mapped = "http://[::ffff:127.0.0.2]:" + std::to_string(internal.port()) + "/secret";
  publisher.serve("/feed.xml", redirect(302, mapped));
  FetchOptions options;
  options.is_internal_address = [](std::string_view address) { return address == "127.0.0.2"; };
  Fetcher fetcher(options);
  FetchResult result = fetch(fetcher, publisher.url("/feed.xml"));
  CHECK(result.error == "redirected to an internal address 127.0.0.2 (" + mapped +
                            "); refused: the feed is not internal");
  CHECK(internal.requests().empty());
}

TEST_CASE("a redirect to a name with an internal and a public address reaches the public one") {
  // libcurl resolves "localhost" to 127.0.0.1 and ::1 itself. Here ::1 is public and
  // 127.0.0.1 internal, and each has a server on the same port: the connection attempt to
  // 127.0.0.1 is refused and happy eyeballs goes on to ::1.
  RawServer publisher("127.0.0.2");
  REQUIRE(publisher.bound());
  std::optional<RawServer> v6, v4;
  for (int attempt = 0; attempt < 20 && !(v4 && v4->bound()); ++attempt) {
    v6.emplace("::1");
    if (!v6->bound()) {
      WARN("no IPv6 loopback: not tested");
      return;
    }
    v4.emplace("127.0.0.1", v6->port());
  }
  REQUIRE(v4->bound());
  v6->serve("/feed.xml", RawServer::response(200, "", kFeed));
  v4->serve("/feed.xml", RawServer::response(200, "", "internal"));
  publisher.serve("/feed.xml",
                  redirect(302, "http://localhost:" + std::to_string(v6->port()) + "/feed.xml"));
  Fetcher fetcher(public_only({"127.0.0.2", "::1"}));
  FetchResult result = fetch(fetcher, publisher.url("/feed.xml"));
  CHECK(result.error.empty());
  CHECK(result.body == kFeed);
  CHECK(v4->requests().empty());
}

TEST_CASE("the default address policy: what is internal") {
  for (const char* internal : {"127.0.0.1",
                               "127.255.255.254",
                               "0.0.0.0",
                               "0.1.2.3",
                               "10.0.0.1",
                               "172.16.0.1",
                               "172.31.255.255",
                               "192.168.1.1",
                               "169.254.169.254",
                               "100.64.0.1",
                               "100.100.100.200",
                               "100.127.255.255",
                               "192.0.0.170",
                               "198.18.0.1",
                               "224.0.0.1",
                               "240.0.0.1",
                               "255.255.255.255",
                               "::",
                               "::1",
                               "fe80::1",
                               "febf::1",
                               "fc00::1",
                               "fd12:3456::1",
                               "ff02::1",
                               "::ffff:127.0.0.1",
                               "::ffff:169.254.169.254",
                               "::ffff:10.0.0.1",
                               "::ffff:0.0.0.0",
                               "::127.0.0.1",
                               "64:ff9b::10.0.0.1",
                               "64:ff9b::a9fe:a9fe",
                               "2002:a9fe:a9fe::1",
                               "2002:7f00:1::",
                               "2001:db8::1",
                               "fec0::1",
                               "not an address",
                               "",
                               "1.2.3.4.5"}) {
    INFO(internal);
    CHECK(is_internal_address(internal));
  }
  for (const char* public_address :
       {"1.1.1.1", "8.8.8.8", "93.184.216.34", "172.15.255.255", "172.32.0.1", "100.63.255.255",
        "100.128.0.1", "169.253.255.255", "192.169.0.1", "11.0.0.1", "2606:4700::1111",
        "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1"}) {
    INFO(public_address);
    CHECK_FALSE(is_internal_address(public_address));
  }
}

// --- Header values holding control characters ---------------------------------------------

TEST_CASE("an ETag or Last-Modified holding a control character is not kept") {
  RawServer server;
  server.serve("/cr.xml",
               RawServer::response(200,
                                   "ETag: \"v1\rX-Injected: yes\"\r\n"
                                   "Last-Modified: Tue, 10 Jun 2025\x01 04:00:00 GMT\r\n",
                                   kFeed));
  server.serve("/tab.xml", RawServer::response(200,
                                               "ETag: \"v\t1\"\r\n"
                                               "Last-Modified: Tue, 10 Jun 2025 04:00:00\x7f\r\n",
                                               kFeed));
  server.serve("/clean.xml", RawServer::response(200,
                                                 "ETag:  W/\"v1\" \r\n"
                                                 "Last-Modified: Tue, 10 Jun 2025 04:00:00 GMT\r\n",
                                                 kFeed));
  Fetcher fetcher{FetchOptions{}};
  for (const char* path : {"/cr.xml", "/tab.xml"}) {
    INFO(path);
    FetchResult result = fetch(fetcher, server.url(path));
    CHECK(result.ok());
    CHECK(result.body == kFeed);
    CHECK(result.etag.empty());
    CHECK(result.last_modified.empty());
  }
  FetchResult clean = fetch(fetcher, server.url("/clean.xml"));
  CHECK(clean.etag == "W/\"v1\"");
  CHECK(clean.last_modified == "Tue, 10 Jun 2025 04:00:00 GMT");
}

TEST_CASE("a stored validator holding a control character is never sent") {
  RawServer server;
  server.serve("/feed.xml", RawServer::response(200, "", kFeed));
  Fetcher fetcher{FetchOptions{}};
  for (const std::string& bad :
       std::vector<std::string>{"\r", "\n", "\t", std::string(1, '\0'), "\x1b", "\x7f"}) {
    FetchResult result = fetch(fetcher, server.url("/feed.xml"), "\"v1\"" + bad + "X-Injected: 1",
                               "Tue, 10 Jun 2025" + bad + "X-Injected: 2");
    CHECK(result.ok());
  }
  CHECK(fetch(fetcher, server.url("/feed.xml"), "\"v2\"", "Tue, 10 Jun 2025 04:00:00 GMT").ok());
  auto requests = server.requests();
  REQUIRE(requests.size() == 7);
  for (std::size_t i = 0; i < 6; ++i) {
    INFO(requests[i]);
    CHECK_THAT(requests[i], !Catch::Contains("X-Injected"));
    CHECK_THAT(requests[i], !Catch::Contains("If-None-Match", Catch::CaseSensitive::No));
    CHECK_THAT(requests[i], !Catch::Contains("If-Modified-Since", Catch::CaseSensitive::No));
  }
  CHECK_THAT(requests[6], Catch::Contains("If-None-Match: \"v2\"\r\n"));
  CHECK_THAT(requests[6], Catch::Contains("If-Modified-Since: Tue, 10 Jun 2025 04:00:00 GMT\r\n"));
}

TEST_CASE("the other headers read from a response are absent when they hold a control character") {
  RawServer server;
  server.serve("/bad.xml", RawServer::response(503,
                                               "Content-Type: text/xml; charset=\rutf-8\r\n"
                                               "Retry-After: 120\x0b\r\n"
                                               "Cache-Control: max-age=\x01"
                                               "600\r\n"
                                               "Expires: Tue, 10 Jun 2025\x1b[2J 04:00:00 GMT\r\n",
                                               ""));
  server.serve("/good.xml", RawServer::response(503,
                                                "Content-Type: text/xml;\tcharset=utf-8\r\n"
                                                "Retry-After: 120\r\n"
                                                "Cache-Control: max-age=600,\tpublic\r\n"
                                                "Expires: Tue, 10 Jun 2025 04:00:00 GMT\r\n",
                                                ""));
  Fetcher fetcher{FetchOptions{}};
  FetchResult bad = fetch(fetcher, server.url("/bad.xml"));
  CHECK(bad.status == 503);
  CHECK(bad.content_type.empty());
  CHECK(bad.retry_after.empty());
  CHECK(bad.cache_control.empty());
  CHECK(bad.expires.empty());
  // A tab is white space within these values, not a control.
  FetchResult good = fetch(fetcher, server.url("/good.xml"));
  CHECK(good.content_type == "text/xml;\tcharset=utf-8");
  CHECK(good.retry_after == "120");
  CHECK(good.cache_control == "max-age=600,\tpublic");
  CHECK(good.expires == "Tue, 10 Jun 2025 04:00:00 GMT");
}

TEST_CASE("the daemon neither stores nor sends back an ETag holding a bare CR") {
  TempDir dir;
  RawServer server;
  server.serve("/feed.xml", RawServer::response(200, "ETag: \"v1\rX-Injected: yes\"\r\n", kFeed));
  ManualClock clock{1750000000};
  Config config;
  config.database = dir.file("news.db");
  config.feeds = {{server.url("/feed.xml"), "", std::nullopt, true}};
  auto open_poller = [&] {
    auto store = Store::open(config.database);
    REQUIRE(store);
    auto poller = Poller::create(config, std::move(*store),
                                 std::make_shared<const Matcher>(TopicPack::builtin()), clock, -1);
    REQUIRE(poller);
    return std::move(*poller);
  };
  CHECK(open_poller()->poll_round(true).fetched == 1);
  CHECK(open_poller()->poll_round(true).fetched == 1);  // after a restart: from the database
  SQLite::Database db(config.database, SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT coalesce(etag, '') FROM feeds_v").getString().empty());
  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK_THAT(requests[1], !Catch::Contains("X-Injected"));
  CHECK_THAT(requests[1], !Catch::Contains("If-None-Match", Catch::CaseSensitive::No));
}

// --- Errors a person can act on ---------------------------------------------------------------

TEST_CASE(
    "a response header line over libcurl's limit is reported as too large and not as out of "
    "memory") {
  RawServer server;
  server.serve("/line.xml",
               "HTTP/1.1 200 OK\r\nX-Padding: " + std::string(10 << 20, 'a') + "\r\n\r\n");
  server.serve("/status.xml", "HTTP/1.1 200 " + std::string(10 << 20, 'O') + "\r\n\r\n");
  server.serve("/redirect.xml", redirect(302, "/line.xml"));
  Fetcher fetcher{FetchOptions{}};
  for (const char* path : {"/line.xml", "/status.xml", "/redirect.xml"}) {
    INFO(path);
    FetchResult result = fetch(fetcher, server.url(path));
    CHECK(result.error == "response header too large (a line over 102400 bytes)");
  }
}

TEST_CASE("response headers too large in all are reported as too large") {
  RawServer server;
  std::string headers;
  for (int i = 0; i < 200; ++i)
    headers += "X-Padding-" + std::to_string(i) + ": " + std::string(50000, 'a') + "\r\n";
  server.serve("/feed.xml", RawServer::response(200, headers, kFeed));
  Fetcher fetcher{FetchOptions{}};
  FetchResult result = fetch(fetcher, server.url("/feed.xml"));
  CHECK(result.error == "response header too large (over 262144 bytes)");
}

TEST_CASE("a refused connection names the address and port the same way each time") {
  // A socket bound but not listening: connections to its port are refused.
  int bound = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  socklen_t length = sizeof address;
  REQUIRE(bind(bound, reinterpret_cast<sockaddr*>(&address), length) == 0);
  getsockname(bound, reinterpret_cast<sockaddr*>(&address), &length);
  std::string port = std::to_string(ntohs(address.sin_port));
  Fetcher fetcher{FetchOptions{}};
  FetchResult first = fetch(fetcher, "http://127.0.0.1:" + port + "/feed.xml");
  FetchResult second = fetch(fetcher, "http://127.0.0.1:" + port + "/feed.xml");
  close(bound);
  CHECK(first.error == "Couldn't connect to server: Failed to connect to 127.0.0.1 port " + port);
  CHECK(second.error == first.error);  // a repeated failure is recognised as the same one
}

// --- The memory budget ------------------------------------------------------------------------

TEST_CASE("large documents wait for room in the memory budget and all arrive whole") {
  FeedServer server;
  constexpr std::size_t kMiB = 1u << 20;
  std::vector<std::string> bodies;
  std::vector<FetchRequest> requests;
  for (int i = 0; i < 6; ++i) {
    bodies.push_back(std::string(3 * kMiB, static_cast<char>('a' + i)));
    server.serve("/big" + std::to_string(i), FeedServer::Resource(200, bodies.back()));
    requests.push_back({server.url("/big" + std::to_string(i)), "", ""});
  }
  MemoryBudget budget(4 * kMiB);
  FetchOptions options;
  options.budget = &budget;
  options.max_body_bytes = 4 * kMiB;
  options.per_host = 6;
  Fetcher fetcher(options);
  // What the pipeline does: each document is parsed and stored by another thread, which
  // gives its share back.
  std::vector<std::thread> consumers;
  std::vector<std::string> received(6);
  std::size_t most_held_by_a_document = 0;
  fetcher.fetch_all(requests, [&](FetchResult result) {
    REQUIRE(result.error.empty());
    most_held_by_a_document = std::max(most_held_by_a_document, result.memory.bytes());
    int i = std::stoi(result.url.substr(result.url.rfind("big") + 3));
    consumers.emplace_back([&received, i, r = std::move(result)]() mutable {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // parsing and storing
      received[static_cast<std::size_t>(i)] = std::move(r.body);
    });
  });
  for (auto& t : consumers) t.join();
  for (std::size_t i = 0; i < bodies.size(); ++i) CHECK(received[i] == bodies[i]);
  CHECK(most_held_by_a_document == 3 * kMiB);  // settled at the body's size
  // Never more than the budget and one document past it, where 18 MiB were asked for.
  CHECK(budget.peak() <= 4 * kMiB + 4 * kMiB);
  CHECK(budget.held() == 0);
}

// The daemon's loop holds results the parsers have no room for: it starts nothing new, but
// goes on reading what is in flight (ARCHITECTURE.md, decision 4).
TEST_CASE("while the caller holds results, no transfer starts and those in flight finish") {
  FeedServer server;
  std::vector<FetchRequest> requests;
  for (std::string path : {"/a", "/b", "/c", "/d"}) {
    server.serve(path, FeedServer::Resource(200, "<rss/>", "", path == "/b" ? 500 : 0));
    requests.push_back({server.url(path), "", ""});
  }
  FetchOptions options;
  options.concurrency = 2;
  Fetcher fetcher(options);
  int done = 0;
  int started_while_held = -1;
  std::vector<std::string> order;
  // Held from the first result until the second: the one in flight then.
  bool ok = fetcher.fetch_all(
      requests,
      [&](FetchResult result) {
        order.push_back(result.url.substr(result.url.rfind('/')));
        if (++done == 2) started_while_held = server.requests_for("/c") + server.requests_for("/d");
      },
      -1, {}, 1000, [&] { return done != 1; });
  REQUIRE(ok);
  CHECK(order.size() == 4);
  CHECK(started_while_held == 0);
  CHECK(server.requests() == 4);
}
