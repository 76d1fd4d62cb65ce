// The executable as users and tools run it: `run --once` exits 0, the daemon stops cleanly on
// SIGTERM, `parse` prints the contract JSON.
#include <SQLiteCpp/SQLiteCpp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <sstream>
#include <thread>

#include "integration/feed_server.h"
#include "integration/process.h"
#include "pg_server.h"
#include "storage/store.h"
#include "test_support.h"

using namespace newswatch;
using namespace newswatch::test;

TEST_CASE("run --once polls a feed list, stores and exits 0") {
  TempDir dir;
  FeedServer server;
  server.serve("/feed.xml", {200, hormuz_and_football_feed(), ""});
  std::string opml =
      dir.write("feeds.opml", "<opml version=\"2.0\"><body><outline text=\"t\" xmlUrl=\"" +
                                  server.url("/feed.xml") +
                                  "\"/><outline text=\"dead\" "
                                  "xmlUrl=\"http://127.0.0.1:1/x\"/></body></opml>");
  pid_t pid = spawn_newswatch({"run", "--once", "--feeds", opml, "--db", dir.file("n.db")},
                              dir.file("log"));
  CHECK(exit_status(pid) == 0);
  SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT count(*) FROM items_v").getInt() == 1);
  std::string log = read_file(dir.file("log"));
  CHECK_THAT(log, Catch::Contains("poll round: 2 feeds"));
  CHECK_THAT(log, Catch::Contains("http://127.0.0.1:1/x"));  // one clear line for the dead feed
}

TEST_CASE("the daemon keeps running after failures and exits 0 on SIGTERM") {
  TempDir dir;
  std::string feeds = dir.write("feeds.toml", "[[feed]]\nurl = \"http://127.0.0.1:1/x\"\n");
  pid_t pid = spawn_newswatch({"run", "--feeds", feeds, "--db", dir.file("n.db")}, dir.file("log"));
  REQUIRE(
      await([&] { return read_file(dir.file("log")).find("poll round") != std::string::npos; }));
  CHECK(waitpid(pid, nullptr, WNOHANG) == 0);  // still running after the failed round
  kill(pid, SIGTERM);
  CHECK(exit_status(pid) == 0);
  CHECK_THAT(read_file(dir.file("log")), Catch::Contains("stopping"));
}

TEST_CASE("SIGHUP reloads the configuration and a bad one keeps the running one") {
  TempDir dir;
  FeedServer server;
  server.serve("/a.xml", {200, hormuz_and_football_feed()});
  server.serve("/b.xml", {200, hormuz_and_football_feed()});
  auto config_with = [&](const std::string& feeds) {
    return "database = \"" + dir.file("n.db") + "\"\ninterval = \"1h\"\n" + feeds;
  };
  std::string feed_a = "[[feed]]\nurl = \"" + server.url("/a.xml") + "\"\n";
  std::string feed_b = "[[feed]]\nurl = \"" + server.url("/b.xml") + "\"\n";
  std::string config = dir.write("newswatch.toml", config_with(feed_a));
  pid_t pid = spawn_newswatch({"run", "--config", config}, dir.file("log"));
  auto log_has = [&](const std::string& text) {
    return await([&] { return read_file(dir.file("log")).find(text) != std::string::npos; });
  };
  REQUIRE(log_has("poll round: 1 feeds"));

  dir.write("newswatch.toml", config_with(feed_a + feed_b));
  kill(pid, SIGHUP);
  CHECK(log_has("configuration reloaded: 2 feeds (was 1)"));
  CHECK(await([&] { return server.requests_for("/b.xml") == 1; }));
  CHECK(server.requests_for("/a.xml") == 1);  // its schedule was kept: not polled again yet

  // What only a restart changes is said, not silently kept.
  dir.write("newswatch.toml", config_with("wal_limit = \"32MiB\"\n" + feed_a + feed_b));
  kill(pid, SIGHUP);
  CHECK(log_has("a new wal_limit takes effect only after a restart"));

  dir.write("newswatch.toml", config_with(feed_a) + "colour = \"red\"\n");
  kill(pid, SIGHUP);
  CHECK(log_has("newswatch.toml:5:10: unknown key 'colour'"));
  CHECK(waitpid(pid, nullptr, WNOHANG) == 0);  // still running, on the last good config

  kill(pid, SIGTERM);
  CHECK(exit_status(pid) == 0);
}

TEST_CASE("a feed failing the same way round after round is warned about once") {
  TempDir dir;
  std::string config = dir.write(
      "newswatch.toml", "database = \"" + dir.file("n.db") +
                            "\"\ninterval = \"1s\"\nmax_interval = \"1s\"\n[[feed]]\nurl = "
                            "\"http://127.0.0.1:1/refused.xml\"\n");
  pid_t pid = spawn_newswatch({"run", "--config", config}, dir.file("log"));
  auto rounds = [&] {
    std::string log = read_file(dir.file("log"));
    int n = 0;
    for (auto at = log.find("poll round"); at != std::string::npos;
         at = log.find("poll round", at + 1))
      ++n;
    return n;
  };
  REQUIRE(await([&] { return rounds() >= 3; }));
  kill(pid, SIGTERM);
  CHECK(exit_status(pid) == 0);
  std::string log = read_file(dir.file("log"));
  int warnings = 0;
  for (auto at = log.find("warning feed http://127.0.0.1:1/refused.xml"); at != std::string::npos;
       at = log.find("warning feed http://127.0.0.1:1/refused.xml", at + 1))
    ++warnings;
  CHECK(warnings == 1);
}

TEST_CASE("SIGTERM during a transfer to a hanging server exits within 5 s") {
  TempDir dir;
  FeedServer server;
  server.serve("/hang.xml", {200, hormuz_and_football_feed(), "", 8000});
  std::string feeds =
      dir.write("feeds.toml", "[[feed]]\nurl = \"" + server.url("/hang.xml") + "\"\n");
  pid_t pid = spawn_newswatch({"run", "--feeds", feeds, "--db", dir.file("n.db")}, dir.file("log"));
  REQUIRE(await([&] { return server.max_concurrent() == 1; }));  // the request is in flight
  auto signalled = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  CHECK(exit_status(pid) == 0);
  CHECK(std::chrono::steady_clock::now() - signalled < std::chrono::seconds(5));
}

TEST_CASE("a config error exits non-zero with file:line:column") {
  TempDir dir;
  std::string config = dir.write("bad.toml", "database = \"x.db\"\nbogus = 1\n");
  pid_t pid = spawn_newswatch({"run", "--once", "--config", config}, dir.file("log"));
  CHECK(exit_status(pid) == 1);
  CHECK_THAT(read_file(dir.file("log")), Catch::Contains("bad.toml:2:9: unknown key 'bogus'"));
}

TEST_CASE("parse prints one JSON object per file") {
  TempDir dir;
  std::string feed = dir.write("f.xml", hormuz_and_football_feed());
  pid_t pid = spawn_newswatch({"parse", feed, feed}, dir.file("out"));
  CHECK(exit_status(pid) == 0);
  std::string out = read_file(dir.file("out"));
  CHECK(std::count(out.begin(), out.end(), '\n') == 2);
  CHECK_THAT(out, Catch::StartsWith("{\"format\":\"rss2\",\"feed\":{\"title\":\"Test Outlet\""));
}

TEST_CASE("parse with several files reports a bad one in its place and prints the others") {
  TempDir dir;
  std::string good = dir.write("f.xml", hormuz_and_football_feed());
  std::string bad = dir.write("bad.xml", "<html><body>not a feed</body></html>");
  pid_t pid = spawn_newswatch({"parse", good, bad, good}, dir.file("out"));
  CHECK(exit_status(pid) == 1);
  // stdout and stderr share the log here, so look at the lines, not their order.
  std::istringstream lines(read_file(dir.file("out")));
  int feeds = 0, errors = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("{\"format\":\"rss2\"")) ++feeds;
    if (line.starts_with("{\"file\":\"" + bad + "\",\"error\":\"not a feed")) ++errors;
  }
  CHECK(feeds == 2);
  CHECK(errors == 1);
}

TEST_CASE("the version and the help answer") {
  TempDir dir;
  CHECK(exit_status(spawn_newswatch({"--version"}, dir.file("v"))) == 0);
  CHECK_THAT(read_file(dir.file("v")), Catch::StartsWith("newswatch "));
  CHECK(exit_status(spawn_newswatch({"run", "--help"}, dir.file("h"))) == 0);
  CHECK_THAT(read_file(dir.file("h")), Catch::Contains("--once"));
}

TEST_CASE("match --jsonl writes each item's topics and where every phrase was found") {
  TempDir dir;
  std::string input =
      dir.write("items.jsonl",
                "{\"id\": \"a\", \"title\": \"Tankers slow in the Strait of Hormuz\", "
                "\"description\": \"<p>Shipping data&#8230;</p>\"}\n"
                "{\"id\": 7, \"title\": \"Rovers win the cup\"}\n");
  pid_t pid = spawn_newswatch({"match", "--jsonl"}, dir.file("out"), input);
  CHECK(exit_status(pid) == 0);
  std::istringstream lines(read_file(dir.file("out")));
  std::string first, second;
  REQUIRE(std::getline(lines, first));
  REQUIRE(std::getline(lines, second));
  CHECK_THAT(first, Catch::StartsWith("{\"id\":\"a\",\"relevant\":true,\"topics\":[\"hormuz\"]"));
  CHECK_THAT(first, Catch::Contains("\"term\":\"strait of hormuz\"") &&
                        Catch::Contains("\"concept\":\"hormuz_strait\"") &&
                        Catch::Contains("\"field\":\"title\"") &&
                        Catch::Contains("\"rule\":\"iran-us.toml (built in):"));
  CHECK_THAT(first,
             Catch::EndsWith(
                 ",\"concepts\":[\"vessels\",\"hormuz_strait\",\"hormuz\",\"shipping_risk\"]}"));
  CHECK(second ==
        "{\"id\":7,\"relevant\":false,\"topics\":[],\"scores\":{},\"matches\":[],\"concepts\":[]}");
}

TEST_CASE("match --explain shows scores rules and concepts") {
  TempDir dir;
  std::string pack = dir.write("pack.toml",
                               "[[concept]]\nid = \"tehran\"\nterms = [\"tehran\", \"téhéran\"]\n"
                               "[[topic]]\nname = \"capital\"\n[[topic.rule]]\n"
                               "any = [\"@tehran\"]\nweight = 2\n");
  pid_t pid = spawn_newswatch({"match", "--topics", pack, "--explain", "News from Téhéran"},
                              dir.file("out"));
  CHECK(exit_status(pid) == 0);
  CHECK(read_file(dir.file("out")) ==
        "capital (score 2)\n"
        "  rule " +
            pack +
            ":6\n"
            "    \"téhéran\" [tehran] in content at byte 10\n"
            "relevant: the scores reach the threshold (1)\n");
  CHECK(exit_status(spawn_newswatch({"match", "--topics", pack, "Paris"}, dir.file("none"))) == 0);
  CHECK(read_file(dir.file("none")) == "no topic matched\n");
}

TEST_CASE("a topic pack with an error is refused with file:line:column") {
  TempDir dir;
  std::string pack =
      dir.write("pack.toml", "[[topic]]\nname = \"t\"\n[[topic.rule]]\nnear = [\"a\"]\n");
  CHECK(exit_status(spawn_newswatch({"match", "--topics", pack, "a"}, dir.file("out"))) == 1);
  CHECK_THAT(read_file(dir.file("out")),
             Catch::Contains(pack + ":4:") && Catch::Contains("exactly two groups"));
}

TEST_CASE("SIGHUP with a bad topic pack keeps matching with the last good one") {
  TempDir dir;
  FeedServer server;
  auto feed_with = [](const std::string& items) {
    return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>" + items +
           "</channel></rss>";
  };
  std::string first =
      "<item><title>Rovers win the cup</title><guid>r1</guid>"
      "<link>https://outlet.example/r1</link></item>";
  std::string second =
      "<item><title>Rovers sign a striker</title><guid>r2</guid>"
      "<link>https://outlet.example/r2</link></item>";
  server.serve("/feed.xml", {200, feed_with(first)});
  std::string good_pack = "[[topic]]\nname = \"rovers\"\n[[topic.rule]]\nany = [\"rovers\"]\n";
  std::string pack = dir.write("pack.toml", good_pack);
  std::string config = dir.write(
      "newswatch.toml", "database = \"" + dir.file("n.db") + "\"\ntopics = [\"" + pack +
                            "\"]\ninterval = \"1s\"\nmax_interval = \"1s\"\n[[feed]]\nurl = \"" +
                            server.url("/feed.xml") + "\"\n");
  pid_t pid = spawn_newswatch({"run", "--config", config}, dir.file("log"));
  auto stored = [&] {
    SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT count(*) FROM items_v WHERE topics = 'rovers'").getInt();
  };
  auto log_has = [&](const std::string& text) {
    return await([&] { return read_file(dir.file("log")).find(text) != std::string::npos; });
  };
  REQUIRE(log_has("poll round: 1 feeds"));
  REQUIRE(await([&] { return stored() == 1; }));

  dir.write("pack.toml", good_pack + "within = 3\n");
  kill(pid, SIGHUP);
  CHECK(log_has(pack + ":5:10: 'within' needs 'near'"));
  server.serve("/feed.xml", {200, feed_with(first + second)});
  CHECK(await([&] { return stored() == 2; }));  // the new item, matched by the last good pack
  CHECK(waitpid(pid, nullptr, WNOHANG) == 0);

  kill(pid, SIGTERM);
  CHECK(exit_status(pid) == 0);
}

// A database with one kept article, "Tanker seized in the Strait of Hormuz", seen by the feed
// https://a.example/rss; returns the open store for more.
static Store store_with_one_article(const std::string& db_path) {
  auto store = Store::open(db_path);
  REQUIRE(store);
  REQUIRE(store->register_feed("https://a.example/rss", "A", 100));
  ParsedBatch batch;
  batch.feed.url = "https://a.example/rss";
  batch.feed.last_status = 200;
  batch.fetched_at = 1750000000;
  MatchedItem item;
  item.item.guid = "g1";
  item.item.link = "https://news.example/1";
  item.item.title = "Tanker seized in the Strait of Hormuz";
  item.matches.relevant = true;
  item.matches.topics = {"hormuz"};
  item.matches.evidence = {{"hormuz", ItemField::kTitle, "strait of hormuz", 17, "", "p:1"}};
  batch.items.push_back(item);
  REQUIRE(store->write(batch));
  return std::move(*store);
}

TEST_CASE("forget deletes an article and leaves its tombstone") {
  TempDir dir;
  std::string db_path = dir.file("n.db");
  store_with_one_article(db_path);
  CHECK(exit_status(spawn_newswatch({"forget", "--db", db_path, "1"}, dir.file("out"))) == 0);
  CHECK_THAT(read_file(dir.file("out")), Catch::Contains("forgot 1 of 1"));
  CHECK(exit_status(spawn_newswatch({"forget", "--db", db_path, "1"}, dir.file("out"))) == 1);
  CHECK(exit_status(spawn_newswatch({"forget", "--db", db_path, "x"}, dir.file("out"))) == 2);
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT count(*) FROM tombstones_v WHERE key = 'https://news.example/1'")
            .getInt() == 1);
}

TEST_CASE("check-config prints every mistake with file:line:column and exits 1") {
  TempDir dir;
  std::string config = dir.write("newswatch.toml",
                                 "database = \"n.db\"\n"
                                 "colour = \"red\"\n"
                                 "topics = [\"packs/missing.toml\"]\n"
                                 "\n"
                                 "[[feed]]\n"
                                 "url = \"ftp://files.example/feed.xml\"\n"
                                 "[[feed]]\n"
                                 "url = \"https://ok.example/rss\"\n");
  CHECK(exit_status(spawn_newswatch({"check-config", "--config", config}, dir.file("out"))) == 1);
  CHECK(read_file(dir.file("out")) ==
        config + ":2:10: unknown key 'colour'\n" + config +
            ":3:11: topic pack not found: " + dir.file("packs/missing.toml") + "\n" + config +
            ":6:7: feed url must start with http:// or https://\n");
  // A syntax error is placed where it is.
  std::string broken = dir.write("broken.toml", "database = \"n.db\"\ninterval = \"15m\n");
  CHECK(exit_status(spawn_newswatch({"check-config", "--config", broken}, dir.file("out"))) == 1);
  CHECK_THAT(read_file(dir.file("out")), Catch::StartsWith(broken + ":2:12: "));
  // A pack that does not parse is reported from inside the pack.
  std::string pack = dir.write("pack.toml", "[[topic]]\nname = \"t\"\n[[topic.rule]]\nany = 3\n");
  std::string with_pack = dir.write("with-pack.toml", "topics = [\"pack.toml\"]\n");
  CHECK(exit_status(spawn_newswatch({"check-config", "--config", with_pack}, dir.file("out"))) ==
        1);
  CHECK_THAT(read_file(dir.file("out")), Catch::StartsWith(pack + ":4:"));
  // Packs that define one topic twice are refused, as the daemon refuses them.
  std::string twice = dir.write("twice.toml",
                                "[[topic]]\nname = \"t\"\ndescription = \"T\"\n"
                                "[[topic.rule]]\nany = [\"talks\"]\n");
  std::string again = dir.write("again.toml",
                                "[[topic]]\nname = \"t\"\ndescription = \"T\"\n"
                                "[[topic.rule]]\nany = [\"strike\"]\n");
  std::string with_both =
      dir.write("with-both.toml", "topics = [\"twice.toml\", \"again.toml\"]\n");
  CHECK(exit_status(spawn_newswatch({"check-config", "--config", with_both}, dir.file("out"))) ==
        1);
  CHECK_THAT(read_file(dir.file("out")), Catch::Contains("topic 't' is defined by both"));
  // A good one says so.
  std::string good = dir.write("good.toml", "[[feed]]\nurl = \"https://ok.example/rss\"\n");
  CHECK(exit_status(spawn_newswatch({"check-config", "--config", good}, dir.file("out"))) == 0);
  CHECK_THAT(read_file(dir.file("out")), Catch::Contains(": ok (1 feeds, 9 topics"));
  // With what each topic means.
  CHECK_THAT(read_file(dir.file("out")),
             Catch::Contains("topics:\n  hormuz         The Strait of Hormuz and Gulf shipping"));
  CHECK_THAT(read_file(dir.file("out")), !Catch::Contains("no description"));
  // A topic nobody described is named, and does not stop the daemon.
  std::string terse =
      dir.write("terse.toml",
                "[[topic]]\nname = \"drills\"\n[[topic.rule]]\nany = [\"naval drill\"]\n"
                "[[topic]]\nname = \"talks\"\ndescription = \"Rounds of talks\"\n"
                "[[topic.rule]]\nany = [\"talks\"]\n");
  std::string with_terse = dir.write("with-terse.toml", "topics = [\"terse.toml\"]\n");
  CHECK(exit_status(spawn_newswatch({"check-config", "--config", with_terse}, dir.file("out"))) ==
        0);
  std::string out = read_file(dir.file("out"));
  CHECK_THAT(out, Catch::Contains("  drills  (undocumented)\n  talks   Rounds of talks\n"));
  CHECK_THAT(out, Catch::Contains(terse + ": topic 'drills' has no description"));
  CHECK_THAT(out, !Catch::Contains("topic 'talks'"));
}

TEST_CASE("stats summarizes feeds, the last day by topic and the newest stories") {
  TempDir dir;
  std::string db_path = dir.file("n.db");
  {
    Store store = store_with_one_article(db_path);
    REQUIRE(store.register_feed("https://b.example/rss", "B", 100));
    ParsedBatch failing;
    failing.feed.url = "https://b.example/rss";
    failing.feed.last_status = 500;
    failing.feed.last_error = "HTTP 500";
    failing.feed.error_count = 3;
    failing.fetched_at = 1750000000;
    REQUIRE(store.write(failing));
  }
  CHECK(exit_status(spawn_newswatch({"stats", "--db", db_path}, dir.file("out"))) == 0);
  std::string out = read_file(dir.file("out"));
  CHECK_THAT(out, Catch::Contains("Feeds: 2 (1 ok, 1 failing, 0 disabled)") &&
                      Catch::Contains("https://b.example/rss\n    HTTP 500 (3 in a row") &&
                      Catch::Matches("(.|\n)*hormuz +1 +1\n(.|\n)*") &&
                      Catch::Contains("Tanker seized in the Strait of Hormuz"));
  CHECK(exit_status(spawn_newswatch({"stats", "--db", dir.file("none.db")}, dir.file("out"))) == 1);
}

TEST_CASE("a second daemon on the same database is refused and names the first") {
  TempDir dir;
  std::string feeds = dir.write("feeds.toml", "[[feed]]\nurl = \"http://127.0.0.1:1/x\"\n");
  pid_t first =
      spawn_newswatch({"run", "--feeds", feeds, "--db", dir.file("n.db")}, dir.file("first.log"));
  REQUIRE(await(
      [&] { return read_file(dir.file("first.log")).find("poll round") != std::string::npos; }));
  CHECK(exit_status(spawn_newswatch({"run", "--once", "--feeds", feeds, "--db", dir.file("n.db")},
                                    dir.file("second.log"))) == 1);
  CHECK_THAT(read_file(dir.file("second.log")),
             Catch::Contains("another newswatch (pid " + std::to_string(first) +
                             ") is running on " + dir.file("n.db")));
  CHECK_THAT(read_file(dir.file("second.log")), !Catch::Contains("poll round"));
  kill(first, SIGTERM);
  CHECK(exit_status(first) == 0);
  // The lock goes with the process, however it ends: the next one starts.
  CHECK(exit_status(spawn_newswatch({"run", "--once", "--feeds", feeds, "--db", dir.file("n.db")},
                                    dir.file("third.log"))) == 0);
}

TEST_CASE("feed text cannot forge a log line, act on a terminal or show a password") {
  TempDir dir;
  FeedServer server;
  // A pubDate with an escape sequence and a newline, an element name with a C1 control and a
  // bidi override, a title that would retitle and clear a terminal.
  server.serve("/feed.xml",
               {200,
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><item>"
                "<title>Iran seizes tanker in Hormuz\x1b]0;owned\x07\x1b[2J</title>"
                "<link>https://outlet.example/1</link><pubDate>Tue\x1b[31m\n"
                "2026-01-01T00:00:00.000 error forged line</pubDate></item></channel></rss>",
                ""});
  server.serve("/bad.xml", {200,
                            "<?xml version=\"1.0\"?><a\xc2\x9b"
                            "b\xe2\x80\xae"
                            "c>text</a\xc2\x9b"
                            "b\xe2\x80\xae"
                            "c>",
                            ""});
  std::string port = server.url("").substr(std::string("http://127.0.0.1:").size());
  std::string feeds = dir.write(
      "feeds.toml", "[[feed]]\nurl = \"http://reader:s3cret@127.0.0.1:" + port +
                        "/feed.xml\"\n[[feed]]\nurl = \"http://reader:s3cret@127.0.0.1:" + port +
                        "/bad.xml\"\n[[feed]]\nurl = \"http://reader:s3cret@127.0.0.1:1/dead\"\n");
  CHECK(exit_status(spawn_newswatch(
            {"run", "--once", "--feeds", feeds, "--db", dir.file("n.db"), "--log-level", "debug"},
            dir.file("log"))) == 0);
  std::string log = read_file(dir.file("log"));
  CHECK_THAT(log, !Catch::Contains("\n2026-01-01T00:00:00.000 error forged line"));
  CHECK_THAT(log, Catch::Contains("\\n2026-01-01T00:00:00.000 error forged line"));
  CHECK_THAT(log, !Catch::Contains("\x1b") && !Catch::Contains("\xc2\x9b") &&
                      !Catch::Contains("\xe2\x80\xae"));
  CHECK_THAT(log, !Catch::Contains("s3cret") && Catch::Contains("http://***@127.0.0.1:1/dead"));
  {
    // feeds_v, as sqlite3 shows it: the unparseable document's error, printable.
    SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
    std::string error =
        db.execAndGet("SELECT last_error FROM feeds_v WHERE url LIKE '%/bad.xml'").getString();
    CHECK_THAT(error, Catch::Contains("unparseable document") &&
                          Catch::Contains("<a\\u009bb\\u202ec>") && !Catch::Contains("\xc2\x9b") &&
                          !Catch::Contains("\xe2\x80\xae"));
  }

  // The parser keeps escape sequences out of what it stores; what a database holds anyway
  // (an older version's, or a row written by hand) is shown printable by stats.
  {
    SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READWRITE);
    db.exec(
        "UPDATE stories SET title = 'Iran seizes tanker in Hormuz' || char(27) || "
        "']0;owned' || char(7) || char(27) || '[2J'");
  }
  CHECK(exit_status(spawn_newswatch({"stats", "--db", dir.file("n.db")}, dir.file("out"))) == 0);
  std::string out = read_file(dir.file("out"));
  CHECK_THAT(out, Catch::Contains("Iran seizes tanker in Hormuz\\x1b]0;owned\\x07\\x1b[2J"));
  CHECK_THAT(out, !Catch::Contains("\x1b") && !Catch::Contains("\xc2\x9b") &&
                      !Catch::Contains("\xe2\x80\xae") && !Catch::Contains("s3cret"));
  CHECK_THAT(out, Catch::Contains("http://***@127.0.0.1:1/dead"));
}

// ASan and TSan builds run the same code several times slower: the hostile document is
// smaller there, the bounds the same.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr std::size_t kHugeField = 2u << 20;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr std::size_t kHugeField = 2u << 20;
#else
constexpr std::size_t kHugeField = 15u << 20;
#endif
#else
constexpr std::size_t kHugeField = 15u << 20;
#endif

TEST_CASE("an item of 15 MiB of topic words neither stalls the other feeds nor a stop") {
  TempDir dir;
  FeedServer server;
  std::string words;
  const std::string phrase = "Iran Hormuz tanker IRGC navy strike sanctions Tehran Washington ";
  while (words.size() + phrase.size() < kHugeField) words += phrase;
  server.serve("/huge.xml",
               {200,
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>H</title><item>"
                "<title>Iran and the Strait of Hormuz</title><link>https://h.example/1</link>"
                "<description>" +
                    words + "</description></item></channel></rss>",
                ""});
  server.serve("/small.xml", {200, hormuz_and_football_feed(), ""});
  std::string config = dir.write(
      "newswatch.toml",
      "database = \"n.db\"\ninterval = \"1s\"\nhonor_feed_hints = false\n"
      "[[feed]]\nurl = \"" +
          server.url("/huge.xml") + "\"\n[[feed]]\nurl = \"" + server.url("/small.xml") + "\"\n");
  pid_t pid = spawn_newswatch({"run", "--config", config}, dir.file("log"));
  // The huge document is served afresh and read again each round; the small feed is polled
  // every round all the same.
  REQUIRE(await([&] { return server.requests_for("/huge.xml") >= 4; }, 60));
  CHECK(server.requests_for("/small.xml") >= server.requests_for("/huge.xml") - 1);
  REQUIRE(await([&] { return server.requests_for("/huge.xml") >= 5; }, 60));
  auto signalled = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  CHECK(exit_status(pid) == 0);
  CHECK(std::chrono::steady_clock::now() - signalled < std::chrono::seconds(5));
  SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT count(*) FROM items_v").getInt() == 2);
  // An article keeps 256 KiB of its text: the full-text index of a row is built in memory.
  CHECK(db.execAndGet("SELECT max(length(CAST(summary AS BLOB))) FROM articles").getInt() ==
        256 * 1024);
}

TEST_CASE("run --once, stats and check-config on PostgreSQL never show the password") {
  TempDir dir;
  FeedServer server;
  server.serve("/feed.xml", {200, hormuz_and_football_feed(), ""});
  PgServer& postgres = shared_pg_server();
  std::string name = fresh_database(postgres);
  name = name.substr(name.find("@/") + 2);
  name = name.substr(0, name.find('?'));
  // The password in the URI itself, the way it must never be shown.
  std::string uri = "postgresql://newswatch:" + std::string(PgServer::kPassword) + "@/" + name +
                    "?host=" + postgres.socket_dir();
  std::string feeds =
      dir.write("feeds.toml", "[[feed]]\nurl = \"" + server.url("/feed.xml") + "\"\n");
  CHECK(exit_status(spawn_newswatch({"run", "--once", "--feeds", feeds, "--db", uri},
                                    dir.file("run.log"))) == 0);
  auto db = PgConnection::open(uri);
  REQUIRE(db);
  auto items = (*db)->prepare("SELECT count(*) FROM items_v");
  REQUIRE(items->step());
  CHECK(items->int64(0) == 1);

  CHECK(exit_status(spawn_newswatch({"stats", "--db", uri}, dir.file("stats.out"))) == 0);
  CHECK_THAT(read_file(dir.file("stats.out")), Catch::Contains("Strait of Hormuz"));

  std::string config = dir.write("newswatch.toml", "database = \"" + uri + "\"\n");
  CHECK(exit_status(spawn_newswatch({"check-config", "--config", config}, dir.file("check.out"))) ==
        0);
  CHECK_THAT(read_file(dir.file("check.out")), Catch::Contains("***@/" + name));
  std::string wrong = uri;
  wrong.replace(wrong.find(PgServer::kPassword), std::string(PgServer::kPassword).size(), "nope");
  config = dir.write("wrong.toml", "database = \"" + wrong + "\"\n");
  CHECK(exit_status(spawn_newswatch({"check-config", "--config", config}, dir.file("wrong.out"))) ==
        1);
  std::string refused = read_file(dir.file("wrong.out"));
  CHECK_THAT(refused, Catch::Contains("password authentication failed for user \"newswatch\""));
  CHECK(std::count(refused.begin(), refused.end(), '\n') == 1);

  for (const char* output : {"run.log", "stats.out", "check.out", "wrong.out"}) {
    INFO(output);
    CHECK_THAT(read_file(dir.file(output)),
               !Catch::Contains(PgServer::kPassword) && !Catch::Contains("nope"));
  }
  CHECK_THAT(read_file(dir.file("run.log")), Catch::Contains("***@/" + name));
}
