// Alerts and metrics as a watcher and an admin meet them: the daemon run as a process against
// loopback feeds, a loopback webhook receiver, an exec hook, and its /metrics endpoint.
#include <SQLiteCpp/SQLiteCpp.h>
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "integration/daemon_log.h"
#include "integration/feed_server.h"
#include "integration/process.h"
#include "test_support.h"

using namespace newswatch::test;

namespace {

std::string rfc822(std::time_t t) {
  char buffer[64];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buffer;
}

struct Story {
  std::string title, lede, link;
  std::time_t published;
};

// An outlet's feed: its stories, then 50 old items of its own.
std::string feed_of(const std::string& outlet, const std::vector<Story>& stories, int old_items) {
  std::string xml =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>" + outlet + "</title>";
  for (const Story& s : stories) {
    xml += "<item><title>" + s.title + "</title><link>" + s.link + "</link><guid>" + s.link +
           "</guid><pubDate>" + rfc822(s.published) + "</pubDate><description>" + s.lede +
           "</description></item>";
  }
  for (int i = 0; i < old_items; ++i) {
    std::string id = outlet + "-" + std::to_string(i);
    xml += "<item><title>Iran's Revolutionary Guards seize tanker " + id +
           " in the Strait of Hormuz</title><link>https://" + outlet + "/old/" + id +
           "</link><pubDate>Tue, 10 Jun 2025 04:00:00 GMT</pubDate><description>Tanker " + id +
           " was boarded near Bandar Abbas, officials said.</description></item>";
  }
  return xml + "</channel></rss>";
}

// A webhook receiver on loopback that records what it is sent and fails the first `failures`.
class Receiver {
 public:
  explicit Receiver(int failures) : failures_(failures) {
    server_.Post("/hook", [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard lock(mutex_);
      ++requests_;
      if (failures_ > 0) {
        --failures_;
        response.status = 500;
        return;
      }
      bodies_.push_back(request.body);
      response.status = 204;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  int requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> bodies_;
  int failures_;
  int requests_ = 0;
  int port_ = 0;
};

int metrics_port(const std::string& log) { return logged_port(log, "metrics"); }

const Story kSeizure = {
    "Iran seizes a tanker in the Strait of Hormuz",
    "Iran's Revolutionary Guards seized a Marshall Islands-flagged tanker in the Strait of "
    "Hormuz on Tuesday, the US Navy's Fifth Fleet said, calling the boarding unlawful.",
    "", 0};

}  // namespace

TEST_CASE("a webhook alert fires once per story, after its second outlet, across restarts") {
  TempDir dir;
  FeedServer feeds;
  Receiver receiver(2);  // fails twice, then takes it
  feeds.serve("/a.xml", FeedServer::Resource(200, feed_of("a.example", {}, 50)));
  feeds.serve("/b.xml", FeedServer::Resource(200, feed_of("b.example", {}, 50)));
  std::string config = dir.write(
      "newswatch.toml",
      "database = \"n.db\"\ninterval = \"1s\"\nhonor_feed_hints = false\n"
      "[[feed]]\nurl = \"" +
          feeds.url("/a.xml") + "\"\n[[feed]]\nurl = \"" + feeds.url("/b.xml") +
          "\"\n[[alert]]\nname = \"hormuz-desk\"\ntopics = [\"hormuz\"]\nmin_outlets = 2\n"
          "webhook = \"" +
          receiver.url() + "\"\ntimeout = \"5s\"\n");
  std::string log = dir.file("log");
  pid_t daemon = spawn_newswatch({"run", "--config", config}, log);
  await_rounds(log, 2);
  // 100 old items, 2 feeds' first polls: nothing fires.
  CHECK(receiver.requests() == 0);

  // The story breaks at one outlet (a tracking-tagged link): one outlet is not enough.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  Story at_a = kSeizure;
  at_a.link = "https://a.example/world/tanker-seized?utm_source=rss";
  at_a.published = std::time(nullptr);
  feeds.serve("/a.xml", FeedServer::Resource(200, feed_of("a.example", {at_a}, 50)));
  await_rounds(log, 3);
  CHECK(receiver.requests() == 0);

  // The second outlet carries it: the alert fires, fails twice, is sent on a later round.
  Story at_b = kSeizure;
  at_b.title = "Iran seizes a tanker in the Strait of Hormuz - B News";
  at_b.link = "https://b.example/news/tanker?fbclid=IwAR0";
  at_b.published = std::time(nullptr);
  feeds.serve("/b.xml", FeedServer::Resource(200, feed_of("b.example", {at_b}, 50)));
  REQUIRE(await([&] { return receiver.bodies().size() == 1; }, 30));
  CHECK(receiver.requests() == 3);
  auto story = nlohmann::json::parse(receiver.bodies()[0]);
  CHECK(story["alert"] == "hormuz-desk");
  CHECK_THAT(story["title"].get<std::string>(), Catch::Contains("Strait of Hormuz"));
  CHECK(story["outlets"] == nlohmann::json::array({"a.example", "b.example"}));
  CHECK(story["topics"].get<std::vector<std::string>>().front() == "hormuz");
  CHECK(story["urls"].size() == 2);
  await_rounds(log, 3);
  CHECK(receiver.requests() == 3);  // once, ever

  // A restart and more rounds do not fire it again.
  REQUIRE(kill(daemon, SIGTERM) == 0);
  REQUIRE(exit_status(daemon) == 0);
  daemon = spawn_newswatch({"run", "--config", config}, log);
  await_rounds(log, 3);
  CHECK(receiver.requests() == 3);
  REQUIRE(kill(daemon, SIGTERM) == 0);
  CHECK(exit_status(daemon) == 0);
  SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT count(*) FROM alerts_v WHERE state = 'sent' AND attempts = 2")
            .getInt() == 1);
  CHECK(db.execAndGet("SELECT count(*) FROM alerts").getInt() == 1);
}

TEST_CASE("an exec alert gets the story as JSON on stdin and its fields in the environment") {
  TempDir dir;
  FeedServer feeds;
  feeds.serve("/a.xml", FeedServer::Resource(200, feed_of("a.example", {}, 3)));
  std::string record = dir.file("story.json");
  std::string script =
      dir.write("record.sh", "#!/bin/sh\ncat > " + record +
                                 "\necho \"$NEWSWATCH_ALERT|"
                                 "$NEWSWATCH_TOPICS|$NEWSWATCH_OUTLETS|$NEWSWATCH_URL\" > " +
                                 record + ".env\n");
  REQUIRE(chmod(script.c_str(), 0755) == 0);
  std::string config = dir.write(
      "newswatch.toml",
      "database = \"n.db\"\ninterval = \"1s\"\nhonor_feed_hints = false\n"
      "[[feed]]\nurl = \"" +
          feeds.url("/a.xml") + "\"\n[[alert]]\nname = \"desk\"\nexec = [\"" + script + "\"]\n");
  std::string log = dir.file("log");
  pid_t daemon = spawn_newswatch({"run", "--config", config}, log);
  await_rounds(log, 1);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  Story story = kSeizure;
  story.link = "https://a.example/world/tanker-seized";
  story.published = std::time(nullptr);
  feeds.serve("/a.xml", FeedServer::Resource(200, feed_of("a.example", {story}, 3)));
  REQUIRE(await([&] { return !read_file(record + ".env").empty(); }, 30));
  REQUIRE(kill(daemon, SIGTERM) == 0);
  CHECK(exit_status(daemon) == 0);
  auto json = nlohmann::json::parse(read_file(record));
  CHECK(json["title"] == kSeizure.title);
  CHECK(json["topics"].size() >= 1);
  CHECK(json["outlets"] == nlohmann::json::array({"a.example"}));
  CHECK(json["urls"] == nlohmann::json::array({"https://a.example/world/tanker-seized"}));
  CHECK(json["articles"][0]["published"].is_string());
  CHECK_THAT(read_file(record + ".env"),
             Catch::StartsWith("desk|") &&
                 Catch::Contains("|a.example|https://a.example/world/tanker-seized"));
}

TEST_CASE("GET /metrics is valid Prometheus text, and /healthz says ok") {
  TempDir dir;
  FeedServer feeds;
  feeds.serve("/a.xml", FeedServer::Resource(200, feed_of("a.example", {}, 5), "\"v1\""));
  std::string config =
      dir.write("newswatch.toml",
                "database = \"n.db\"\ninterval = \"1s\"\nhonor_feed_hints = false\n"
                "[metrics]\nlisten = \"127.0.0.1:0\"\n[[feed]]\nurl = \"" +
                    feeds.url("/a.xml") + "\"\n");
  std::string log = dir.file("log");
  pid_t daemon = spawn_newswatch({"run", "--config", config}, log);
  int port = metrics_port(log);
  await_rounds(log, 2);  // one fetch, then a 304
  httplib::Client client("127.0.0.1", port);
  auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK_THAT(metrics->get_header_value("Content-Type"),
             Catch::StartsWith("text/plain; version=0.0.4"));
  // Every line is a comment (# HELP / # TYPE) or `name{labels} value`, every sample's family
  // is declared before it, and the figures are those of the rounds that ran.
  std::istringstream lines(metrics->body);
  std::string line;
  std::set<std::string> families;
  std::map<std::string, double> samples;
  std::regex help("# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) .+");
  std::regex sample(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^"
      "\"]*\")*\\})? (-?[0-9.e+-]+|\\+Inf|NaN)");
  while (std::getline(lines, line)) {
    INFO(line);
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      families.insert(m[2]);
      continue;
    }
    REQUIRE(std::regex_match(line, m, sample));
    std::string name = m[1];
    std::string family = std::regex_replace(name, std::regex("_(bucket|sum|count)$"), "");
    CHECK((families.count(name) || families.count(family)));
    samples[name + std::string(m[2])] = std::stod(m[4]);
  }
  CHECK(samples["newswatch_polls_total{status=\"200\"}"] == 1);
  CHECK(samples["newswatch_polls_total{status=\"304\"}"] >= 1);
  CHECK(samples["newswatch_items_parsed_total"] == 5);
  CHECK(samples["newswatch_matches_total{topic=\"hormuz\"}"] == 5);
  CHECK(samples["newswatch_articles"] == 5);
  CHECK(samples["newswatch_feeds{state=\"ok\"}"] == 1);
  CHECK(samples["newswatch_poll_round_seconds_count"] >= 2);
  CHECK(samples["newswatch_database_bytes"] > 0);
  // promtool, Prometheus's own checker, lints the same text when it is at hand.
  if (std::string promtool = NEWSWATCH_PROMTOOL; !promtool.empty()) {
    std::string exposition = dir.write("metrics.txt", metrics->body);
    std::string verdict = dir.file("promtool.out");
    int status = std::system(
        (promtool + " check metrics < " + exposition + " > " + verdict + " 2>&1").c_str());
    INFO("promtool: " << read_file(verdict));
    CHECK(status == 0);
    CHECK(read_file(verdict).empty());
  } else {
    WARN("promtool not found: the text was checked by this test's parser only");
  }
  auto health = client.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->body == "ok\n");
  CHECK(client.Get("/elsewhere")->status == 404);
  REQUIRE(kill(daemon, SIGTERM) == 0);
  CHECK(exit_status(daemon) == 0);
}

TEST_CASE("check-config reports a bad alert: unknown topic, missing program, non-http webhook") {
  TempDir dir;
  std::string config = dir.write("newswatch.toml",
                                 "[[alert]]\n"
                                 "name = \"desk\"\n"
                                 "topics = [\"hormuz\", \"weather\"]\n"
                                 "exec = [\"/no/such/program\"]\n"
                                 "[[alert]]\n"
                                 "name = \"chat\"\n"
                                 "webhook = \"ftp://chat.example/hook\"\n");
  CHECK(exit_status(spawn_newswatch({"check-config", "--config", config}, dir.file("out"))) == 1);
  CHECK(read_file(dir.file("out")) ==
        config +
            ":3:21: alert 'desk' follows unknown topic 'weather' (the topic packs have "
            "hormuz, nuclear_talks, irgc, us_military, mediation, sanctions, strikes, "
            "protests_iran, us_iran)\n" +
            config + ":4:9: alert program not found or not executable: /no/such/program\n" +
            config + ":7:11: webhook url must start with http:// or https://\n");
}

namespace {

// A feed's configuration for the alert tests: the feeds, then `extra` TOML.
std::string alert_config(const TempDir& dir, const std::vector<std::string>& feeds,
                         const std::string& extra) {
  std::string toml = "database = \"n.db\"\ninterval = \"1s\"\nhonor_feed_hints = false\n";
  for (const auto& feed : feeds) toml += "[[feed]]\nurl = \"" + feed + "\"\n";
  return dir.write("newswatch.toml", toml + extra);
}

int run_once(const std::string& config, const std::string& log) {
  return exit_status(spawn_newswatch({"run", "--once", "--config", config}, log));
}

// The processes whose parent is `parent` and whose name is `name`.
std::vector<pid_t> children_named(pid_t parent, const std::string& name) {
  std::vector<pid_t> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string pid = entry.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = read_file("/proc/" + pid + "/stat");
    std::size_t open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent && state != 'Z' && stat.substr(open + 1, close - open - 1) == name)
      found.push_back(std::stoi(pid));
  }
  return found;
}

std::string status_field(pid_t pid, const std::string& field) {
  std::istringstream status(read_file("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(field + ":")) {
      std::string value = line.substr(field.size() + 1);
      return value.substr(value.find_first_not_of(" \t"));
    }
  }
  return "";
}

std::set<std::string> open_fds(pid_t pid) {
  std::set<std::string> fds;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    fds.insert(entry.path().filename());
  return fds;
}

}  // namespace

TEST_CASE("a story surfaced late with an old pubDate alerts once, after its second outlet") {
  TempDir dir;
  FeedServer feeds;
  Receiver receiver(0);
  feeds.serve("/a.xml", FeedServer::Resource(200, feed_of("a.example", {}, 5)));
  feeds.serve("/b.xml", FeedServer::Resource(200, feed_of("b.example", {}, 5)));
  std::string config = alert_config(
      dir, {feeds.url("/a.xml"), feeds.url("/b.xml")},
      "[[alert]]\nname = \"desk\"\nmin_outlets = 2\nwebhook = \"" + receiver.url() + "\"\n");
  // Each --once is a start and a stop; it sends what it raised before it exits.
  REQUIRE(run_once(config, dir.file("1.log")) == 0);
  CHECK(receiver.requests() == 0);  // what the feeds held at their first poll

  // The story surfaces at the first outlet dated ten minutes ago, before the first poll.
  Story at_a = kSeizure;
  at_a.link = "https://a.example/world/tanker-seized";
  at_a.published = std::time(nullptr) - 600;
  feeds.serve("/a.xml", FeedServer::Resource(200, feed_of("a.example", {at_a}, 5)));
  REQUIRE(run_once(config, dir.file("2.log")) == 0);
  CHECK(receiver.requests() == 0);  // one outlet is not enough

  Story at_b = kSeizure;
  at_b.title = "Iran seizes a tanker in the Strait of Hormuz - B News";
  at_b.link = "https://b.example/news/tanker";
  at_b.published = std::time(nullptr) - 300;
  feeds.serve("/b.xml", FeedServer::Resource(200, feed_of("b.example", {at_b}, 5)));
  REQUIRE(run_once(config, dir.file("3.log")) == 0);
  CHECK(receiver.requests() == 1);
  REQUIRE(run_once(config, dir.file("4.log")) == 0);
  CHECK(receiver.requests() == 1);

  // The daemon, restarted on the same database, polls on and does not fire it again.
  std::string log = dir.file("daemon.log");
  pid_t daemon = spawn_newswatch({"run", "--config", config}, log);
  await_rounds(log, 2);
  REQUIRE(kill(daemon, SIGTERM) == 0);
  CHECK(exit_status(daemon) == 0);
  CHECK(receiver.requests() == 1);
  CHECK(receiver.bodies().size() == 1);
}

TEST_CASE("run --once sends every alert it raised before it exits") {
  TempDir dir;
  FeedServer feeds;
  Receiver receiver(0);
  feeds.serve("/a.xml", FeedServer::Resource(200, feed_of("a.example", {}, 2)));
  std::string hooks;
  for (int i = 0; i < 10; ++i) {
    hooks += "[[alert]]\nname = \"hook-" + std::to_string(i) + "\"\nwebhook = \"" + receiver.url() +
             "\"\n";
  }
  std::string config = alert_config(dir, {feeds.url("/a.xml")}, hooks);
  REQUIRE(run_once(config, dir.file("1.log")) == 0);
  Story story = kSeizure;
  story.link = "https://a.example/world/tanker-seized";
  story.published = std::time(nullptr);
  feeds.serve("/a.xml", FeedServer::Resource(200, feed_of("a.example", {story}, 2)));
  REQUIRE(run_once(config, dir.file("2.log")) == 0);
  CHECK(receiver.requests() == 10);
  SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT count(*) FROM alerts WHERE state = 'sent'").getInt() == 10);
}

TEST_CASE("a hook that never reads its stdin is killed at its timeout, and cannot hold up a stop") {
  TempDir dir;
  FeedServer feeds;
  feeds.serve("/a.xml", FeedServer::Resource(200, feed_of("a.example", {}, 2)));
  std::string record = dir.file("story.json");
  std::string script = dir.write(
      "record.sh", "#!/bin/sh\ncat > " + record + ".part\nprintf %s \"$NEWSWATCH_TITLE\" > " +
                       record + ".title\nmv " + record + ".part " + record + "\n");
  REQUIRE(chmod(script.c_str(), 0755) == 0);
  // "a-slow" runs first (alerts are run in order of story, then hook name).
  std::string config =
      alert_config(dir, {feeds.url("/a.xml")},
                   "[[alert]]\nname = \"a-slow\"\nexec = [\"/bin/sleep\", \"600\"]\n"
                   "timeout = \"3s\"\n[[alert]]\nname = \"b-record\"\nexec = [\"" +
                       script + "\"]\n");
  std::string log = dir.file("daemon.log");
  pid_t daemon = spawn_newswatch({"run", "--config", config}, log);
  await_rounds(log, 1);

  // A story whose JSON is over 200 KB: its title is 200,000 bytes, past the kernel's limit
  // for one environment string (128 KiB).
  Story story = kSeizure;
  story.title += " " + std::string(200000, 'x');
  story.link = "https://a.example/world/tanker-seized";
  story.published = std::time(nullptr);
  feeds.serve("/a.xml", FeedServer::Resource(200, feed_of("a.example", {story}, 2)));
  std::vector<pid_t> sleeping;
  REQUIRE(await([&] { return !(sleeping = children_named(daemon, "sleep")).empty(); }, 30));
  auto seen = std::chrono::steady_clock::now();
  pid_t hook = sleeping.front();
  // It starts as any program does: nothing blocked or ignored, only stdin, stdout, stderr.
  CHECK(status_field(hook, "SigBlk") == "0000000000000000");
  // Signals 1-31: glibc's posix_spawn leaves its own two internal real-time signals (32, 33)
  // ignored in every program it starts.
  CHECK((std::stoull(status_field(hook, "SigIgn"), nullptr, 16) & 0x7fffffffull) == 0);
  // Awaited, not read once: the program may be opening its own files as it starts (sleep
  // reads its locale); one inherited from the daemon would stay open all its life.
  std::set<std::string> fds;
  await([&] { return (fds = open_fds(hook)) == std::set<std::string>{"0", "1", "2"}; }, 2);
  CHECK(fds == std::set<std::string>{"0", "1", "2"});
  REQUIRE(await([&] { return kill(hook, 0) != 0; }, 10));
  CHECK(std::chrono::steady_clock::now() - seen < std::chrono::seconds(4));
  // The writer records the outcome a moment after the hook is gone.
  CHECK(await(
      [&] {
        std::string text = read_file(log);
        return text.find("alert 'a-slow' for story") != std::string::npos &&
               text.find("no exit within 3 s; killed") != std::string::npos;
      },
      10));

  // The next alert is sent: the story whole on stdin, its title cut in the environment.
  REQUIRE(await([&] { return std::filesystem::exists(record); }, 10));
  auto json = nlohmann::json::parse(read_file(record));
  CHECK(json["title"].get<std::string>().size() == story.title.size());
  std::string title = read_file(record + ".title");
  CHECK(title.size() <= 4096);
  CHECK_THAT(title, Catch::StartsWith("Iran seizes a tanker in the Strait of Hormuz xxx"));

  // The failed alert is tried again; SIGTERM while it sleeps stops the daemon at once.
  REQUIRE(await([&] { return !(sleeping = children_named(daemon, "sleep")).empty(); }, 30));
  auto stopping = std::chrono::steady_clock::now();
  REQUIRE(kill(daemon, SIGTERM) == 0);
  CHECK(exit_status(daemon) == 0);
  CHECK(std::chrono::steady_clock::now() - stopping < std::chrono::seconds(5));
  CHECK(kill(sleeping.front(), 0) != 0);
  SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT state FROM alerts WHERE hook = 'a-slow'").getString() == "pending");
  CHECK(db.execAndGet("SELECT state FROM alerts WHERE hook = 'b-record'").getString() == "sent");
}

TEST_CASE("clients that send slowly or not at all cannot keep /healthz from answering") {
  TempDir dir;
  FeedServer feeds;
  feeds.serve("/a.xml", FeedServer::Resource(200, feed_of("a.example", {}, 2)));
  std::string config =
      alert_config(dir, {feeds.url("/a.xml")}, "[metrics]\nlisten = \"127.0.0.1:0\"\n");
  std::string log = dir.file("log");
  pid_t daemon = spawn_newswatch({"run", "--config", config}, log);
  int port = metrics_port(log);
  await_rounds(log, 1);
  // 200 connections that send the start of a request and then nothing.
  std::vector<int> slow;
  for (int i = 0; i < 200; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(send(fd, "GET /heal", 9, MSG_NOSIGNAL) == 9);
    slow.push_back(fd);
  }
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  auto started = std::chrono::steady_clock::now();
  auto health = client.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
  for (int fd : slow) close(fd);
  REQUIRE(kill(daemon, SIGTERM) == 0);
  CHECK(exit_status(daemon) == 0);
}

TEST_CASE("a failing webhook is named by its origin: its path, often a secret, is not shown") {
  TempDir dir;
  FeedServer feeds;
  feeds.serve("/a.xml", FeedServer::Resource(200, feed_of("a.example", {}, 2)));
  std::string config = alert_config(
      dir, {feeds.url("/a.xml")},
      "[[alert]]\nname = \"chat\"\nwebhook = \"http://127.0.0.1:1/hooks/T0SECRET/B0SECRET\"\n");
  REQUIRE(run_once(config, dir.file("1.log")) == 0);
  Story story = kSeizure;
  story.link = "https://a.example/world/tanker-seized";
  story.published = std::time(nullptr);
  feeds.serve("/a.xml", FeedServer::Resource(200, feed_of("a.example", {story}, 2)));
  REQUIRE(run_once(config, dir.file("2.log")) == 0);
  std::string log = read_file(dir.file("2.log"));
  CHECK_THAT(log, Catch::Contains("alert 'chat' for story") &&
                      Catch::Contains("http://127.0.0.1:1/…: Couldn't connect") &&
                      !Catch::Contains("SECRET"));
  SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
  std::string error = db.execAndGet("SELECT last_error FROM alerts_v").getString();
  CHECK_THAT(error, Catch::StartsWith("http://127.0.0.1:1/…: ") && !Catch::Contains("SECRET"));
}

TEST_CASE(
    "an alert with min_outlets = 2 fires for a story whose two outlets publish 30 hours apart "
    "with rewritten headlines") {
  // One event: the Guards seize a tanker. Outlet A reports it at T; outlet B, 30 hours later
  // (a weekly, a late edition), in words of its own that keep the facts and the names (the
  // tanker, Larak Island, the Guards, Hormuz).
  // Each outlet also carries another Iran–US story of its own and news of no topic.
  const std::time_t t = std::time(nullptr) - 30 * 3600;
  const Story tanker_a = {
      "IRGC navy seizes tanker Corvina Star near Larak Island in the Strait of Hormuz",
      "Fast boats of the IRGC navy surrounded the Panama-flagged tanker Corvina Star near Larak "
      "Island in the Strait of Hormuz before dawn and steered it toward Iranian waters, a "
      "maritime security firm said. Washington called the seizure unlawful and demanded the "
      "crew's release.",
      "https://a.example/world/corvina-star-seized", t};
  const Story talks_a = {
      "Oman to host a new round of Iran-US nuclear talks in Muscat",
      "Omani mediators said envoys of Iran and the United States will meet again in Muscat next "
      "week for indirect talks on uranium enrichment, despite rising tension in the Gulf.",
      "https://a.example/world/muscat-talks", t - 2 * 3600};
  const Story harvest_a = {
      "Heavy rain delays the olive harvest in southern Spain",
      "Growers in Jaen said a week of storms had flooded groves and pushed picking back by a "
      "fortnight.",
      "https://a.example/europe/olive-harvest", t - 3600};
  const Story tanker_b = {
      "Iran's Revolutionary Guards seize Panama-flagged tanker Corvina Star off Larak Island",
      "Fast boats of Iran's Revolutionary Guards seized the Panama-flagged oil tanker Corvina "
      "Star off Larak Island in the Strait of Hormuz and took it toward Iranian waters, "
      "according to a maritime security firm. The United States called the seizure illegal and "
      "demanded that the crew be freed.",
      "https://b.example/news/corvina-star-held", t + 30 * 3600};
  const Story sanctions_b = {
      "US Treasury sanctions shipping firms over Iranian oil sales to China",
      "The Treasury Department imposed sanctions on six companies it says helped Iran sell "
      "crude to refiners in China through a fleet of aging tankers, the latest step in "
      "Washington's pressure campaign.",
      "https://b.example/news/treasury-sanctions", t + 29 * 3600};
  const Story tram_b = {
      "City council approves a new tram line for the harbour district",
      "The line, due to open in three years, will link the ferry terminal to the central "
      "station.",
      "https://b.example/local/tram-line", t + 27 * 3600};

  // What else the two outlets carry: the stream the weight of a word is learnt from. (Two
  // feeds of six items would make every word of the story look as common as "the".)
  const char* other_news[][2] = {
      {"Central bank holds rates as inflation eases", "Policymakers kept the main rate unchanged."},
      {"Storm knocks out power to thousands on the coast", "Crews worked overnight on lines."},
      {"Striker signs four-year deal with league champions", "The fee was not disclosed."},
      {"Parliament passes budget after marathon session", "The vote was 212 to 190."},
      {"Wildfire forces evacuation of hillside villages", "Firefighters used aircraft."},
      {"Carmaker recalls 80,000 vehicles over brake fault", "Owners will be contacted by mail."},
      {"Museum returns looted bronzes to Nigeria", "The handover took place in Benin City."},
      {"Heatwave warning issued for southern regions", "Temperatures could reach 41C."},
      {"Tech firm unveils foldable phone with longer battery", "It goes on sale next month."},
      {"Teachers strike over pay enters second week", "Schools remain closed in three cities."},
      {"Rail operator cancels night trains for repairs", "Buses will replace some services."},
      {"Scientists map coral bleaching along the reef", "Surveys covered 1,000 km of coast."}};
  auto stream_of = [&](const std::string& outlet, std::vector<Story> stories) {
    for (std::size_t i = 0; i < std::size(other_news); ++i) {
      stories.push_back({other_news[i][0], other_news[i][1],
                         "https://" + outlet + "/other/" + std::to_string(i),
                         t - static_cast<std::time_t>(i + 2) * 24 * 3600});
    }
    return feed_of(outlet, stories, 3);
  };

  TempDir dir;
  FeedServer feeds;
  Receiver receiver(0);
  feeds.serve("/a.xml", FeedServer::Resource(200, stream_of("a.example", {})));
  feeds.serve("/b.xml", FeedServer::Resource(200, stream_of("b.example", {})));
  // Any topic; news up to three days old may fire, so that outlet A's report is still news
  // when outlet B's arrives.
  std::string config =
      dir.write("newswatch.toml",
                "database = \"n.db\"\ninterval = \"1s\"\nhonor_feed_hints = false\n"
                "alert_max_age = \"72h\"\n[[feed]]\nurl = \"" +
                    feeds.url("/a.xml") + "\"\n[[feed]]\nurl = \"" + feeds.url("/b.xml") +
                    "\"\n[[alert]]\nname = \"desk\"\nmin_outlets = 2\nwebhook = \"" +
                    receiver.url() + "\"\n");
  std::string log = dir.file("log");
  pid_t daemon = spawn_newswatch({"run", "--config", config}, log);
  await_rounds(log, 2);  // both feeds' first polls: what they held then is not news

  // Outlet A breaks the story: one outlet is not enough.
  feeds.serve("/a.xml",
              FeedServer::Resource(200, stream_of("a.example", {tanker_a, talks_a, harvest_a})));
  await_rounds(log, 3);
  CHECK(receiver.requests() == 0);

  // Outlet B reports it 30 hours on: one alert, for the tanker's story and both its reports.
  feeds.serve("/b.xml",
              FeedServer::Resource(200, stream_of("b.example", {tanker_b, sanctions_b, tram_b})));
  CHECK(await([&] { return receiver.requests() >= 1; }, 60));
  await_rounds(log, 3);  // later rounds do not fire it again, nor fire anything else
  REQUIRE(kill(daemon, SIGTERM) == 0);
  CHECK(exit_status(daemon) == 0);
  CHECK(receiver.requests() == 1);
  {
    SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
    SQLite::Statement stories(
        db, "SELECT count(DISTINCT story_id) FROM articles WHERE title IN (?, ?)");
    stories.bind(1, tanker_a.title);
    stories.bind(2, tanker_b.title);
    REQUIRE(stories.executeStep());
    CHECK(stories.getColumn(0).getInt() == 1);  // the two reports are one story
    CHECK(db.execAndGet("SELECT count(*) FROM alerts").getInt() == 1);
    SQLite::Statement talks(db,
                            "SELECT count(*) FROM alerts a JOIN articles x "
                            "ON x.story_id = a.story_id WHERE x.title = ?");
    talks.bind(1, talks_a.title);
    REQUIRE(talks.executeStep());
    CHECK(talks.getColumn(0).getInt() == 0);  // the Muscat talks story did not fire
  }
  auto bodies = receiver.bodies();
  REQUIRE(bodies.size() == 1);
  auto story = nlohmann::json::parse(bodies[0]);
  INFO(bodies[0]);
  CHECK(story["alert"] == "desk");
  CHECK(story["outlets"] == nlohmann::json::array({"a.example", "b.example"}));
  std::set<std::string> urls(story["urls"].begin(), story["urls"].end());
  CHECK(urls == std::set<std::string>{tanker_a.link, tanker_b.link});
  CHECK_THAT(story["title"].get<std::string>(), Catch::Contains("Corvina Star"));
}
