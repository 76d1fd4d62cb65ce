#include "daemon/config.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "daemon/web_page.h"
#include "test_support.h"

using namespace newswatch;
using newswatch::test::TempDir;

static std::string load_error(const std::string& text) {
  TempDir dir;
  auto config = Config::load(dir.write("newswatch.toml", text));
  REQUIRE_FALSE(config);
  // Report relative to the file name so expectations don't depend on the temp dir.
  std::string message = config.error().message;
  auto slash = message.rfind('/', message.find(':'));
  return slash == std::string::npos ? message : message.substr(slash + 1);
}

TEST_CASE("a full config is read, with paths relative to the config file") {
  TempDir dir;
  std::filesystem::create_directory(dir.file("packs"));
  dir.write("packs/iran-us.toml", "");
  auto config = Config::load(dir.write("newswatch.toml", R"(
database = "data/news.db"
topics = ["packs/iran-us.toml"]
interval = "10m"
max_interval = "6h"
concurrency = 8
per_host = 3
timeout = "30s"
max_body = "8MiB"
log_level = "debug"
retention_days = 7
keep_unmatched = true
wal_limit = "16MiB"

[[feed]]
url = "https://feeds.bbci.co.uk/news/world/middle_east/rss.xml"
title = "BBC Middle East"
interval = "5m"

[[feed]]
url = "https://www.aljazeera.com/xml/rss/all.xml"
enabled = false
)"));
  REQUIRE(config);
  CHECK(config->database == dir.file("data/news.db"));
  CHECK(config->topics == std::vector<std::string>{dir.file("packs/iran-us.toml")});
  CHECK(config->interval == std::chrono::minutes(10));
  CHECK(config->concurrency == 8);
  CHECK(config->per_host == 3);
  CHECK(config->timeout == std::chrono::seconds(30));
  CHECK(config->max_body == 8u << 20);
  CHECK(config->log_level == "debug");
  CHECK(config->retention_days == 7);
  CHECK(config->keep_unmatched);
  CHECK(config->wal_limit == 16u << 20);
  REQUIRE(config->feeds.size() == 2);
  CHECK(config->feeds[0].title == "BBC Middle East");
  CHECK(config->feeds[0].interval == std::chrono::minutes(5));
  CHECK_FALSE(config->feeds[1].enabled);
}

TEST_CASE("config errors name file:line:column and what was expected") {
  CHECK_THAT(load_error("database = \"x.db\"\ncolour = \"red\"\n"),
             Catch::StartsWith("newswatch.toml:2:") && Catch::Contains("unknown key 'colour'"));
  CHECK_THAT(load_error("interval = \"soon\"\n"),
             Catch::StartsWith("newswatch.toml:1:") && Catch::Contains("duration"));
  CHECK_THAT(load_error("[[feed]]\nurl = \"ftp://x.example/feed\"\n"),
             Catch::StartsWith("newswatch.toml:2:") && Catch::Contains("http"));
  CHECK_THAT(load_error("[[feed]]\ntitle = \"no url\"\n"), Catch::Contains("needs a 'url'"));
  CHECK_THAT(load_error("[[feed]]\nurl = \"https://x.example/\"\nevery = \"5m\"\n"),
             Catch::StartsWith("newswatch.toml:3:") && Catch::Contains("unknown key 'every'"));
  CHECK_THAT(load_error("concurrency = 0\n"), Catch::Contains("positive integer"));
  CHECK_THAT(load_error("metrics = 2\n"), Catch::Contains("1:11: 'metrics' must be a table"));
  CHECK_THAT(load_error("retention_days = 0\n"), Catch::Contains("positive integer"));
  CHECK_THAT(load_error("keep_unmatched = \"yes\"\n"), Catch::StartsWith("newswatch.toml:1:"));
  CHECK_THAT(load_error("wal_limit = \"4KiB\"\n"), Catch::Contains("at least 1MiB"));
  CHECK_THAT(load_error("database = \n"), Catch::StartsWith("newswatch.toml:1:"));
  CHECK_THAT(load_error("log_level = \"loud\"\n"), Catch::Contains("log_level"));
}

TEST_CASE("a missing config file is an error naming it") {
  auto config = Config::load("/nonexistent/newswatch.toml");
  REQUIRE_FALSE(config);
  CHECK_THAT(config.error().message, Catch::Contains("/nonexistent/newswatch.toml"));
}

TEST_CASE("OPML feed lists: every outline with an xmlUrl, folders included") {
  TempDir dir;
  auto feeds = load_feed_list(dir.write("feeds.opml", R"(<?xml version="1.0"?>
<opml version="2.0"><head><title>subs</title></head><body>
  <outline text="Middle East">
    <outline text="BBC" title="BBC Middle East" type="rss" xmlUrl="https://bbc.example/rss"/>
    <outline text="Nested"><outline text="Deep" xmlUrl="https://deep.example/atom"/></outline>
  </outline>
  <outline text="Top" xmlUrl="https://top.example/feed"/>
</body></opml>)"));
  REQUIRE(feeds);
  REQUIRE(feeds->size() == 3);
  CHECK((*feeds)[0].url == "https://bbc.example/rss");
  CHECK((*feeds)[0].title == "BBC Middle East");
  CHECK((*feeds)[1].title == "Deep");
  CHECK((*feeds)[2].url == "https://top.example/feed");
}

TEST_CASE("a broken OPML file is an error with file:line:column") {
  TempDir dir;
  auto feeds = load_feed_list(dir.write("feeds.opml", "<opml>\n<body>\n<outline </body>"));
  REQUIRE_FALSE(feeds);
  CHECK_THAT(feeds.error().message, Catch::Contains("feeds.opml:3:"));
}

TEST_CASE("TOML feed lists hold [[feed]] tables only") {
  TempDir dir;
  auto feeds =
      load_feed_list(dir.write("feeds.toml", "[[feed]]\nurl = \"https://a.example/rss\"\n"));
  REQUIRE(feeds);
  CHECK(feeds->size() == 1);
  auto bad = load_feed_list(dir.write("bad.toml", "database = \"x\"\n"));
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Catch::Contains("bad.toml:1:"));
}

TEST_CASE("a TOML feed list reports every problem in file order, and bytes that are not UTF-8") {
  TempDir dir;
  auto two =
      load_feed_list(dir.write("two.toml",
                               "[[feed]]\nurl = 7\n[[feed]]\nurl = \"https://a.example/rss\"\n"
                               "interval = \"soon\"\n"));
  REQUIRE_FALSE(two);
  CHECK_THAT(two.error().message,
             Catch::StartsWith("two.toml:2:") || Catch::Contains("/two.toml:2:"));
  CHECK_THAT(two.error().message, Catch::Contains("two.toml:5:"));
  CHECK(two.error().message.find("two.toml:2:") < two.error().message.find("two.toml:5:"));
  // toml11 met a Latin-1 byte in a literal string with a std::length_error that ended the
  // daemon (exit 134).
  auto latin1 =
      load_feed_list(dir.write("latin1.toml", "[[feed]]\nurl = 'https://a.example/caf\xE9'\n"));
  REQUIRE_FALSE(latin1);
  CHECK_THAT(latin1.error().message,
             Catch::Contains("latin1.toml:2:") && Catch::Contains("not UTF-8"));
}

TEST_CASE("the shipped config loads and lists real outlets") {
  auto config = Config::load(NEWSWATCH_SOURCE_DIR "/newswatch.toml");
  REQUIRE(config);
  CHECK(config->feeds.size() >= 10);
  CHECK(config->database == NEWSWATCH_SOURCE_DIR "/newswatch.db");
  for (const auto& feed : config->feeds) CHECK(feed.url.starts_with("https://"));
}

TEST_CASE("durations and sizes") {
  CHECK(parse_duration("90s") == std::chrono::seconds(90));
  CHECK(parse_duration("15m") == std::chrono::minutes(15));
  CHECK(parse_duration("6h") == std::chrono::hours(6));
  CHECK(parse_duration("1d") == std::chrono::hours(24));
  CHECK(parse_duration("300") == std::chrono::seconds(300));
  CHECK_FALSE(parse_duration("5 minutes"));
  CHECK_FALSE(parse_duration("99999999999999999d"));
  CHECK_FALSE(parse_size("99999999999999999GiB"));
  CHECK(parse_size("16MiB") == 16u << 20);
  CHECK(parse_size("10MB") == 10'000'000u);
  CHECK_FALSE(parse_size("lots"));
}

TEST_CASE("[web] serves on loopback unless listen says otherwise, and only host:port") {
  TempDir dir;
  auto web = Config::load(dir.write("a.toml", "[web]\n"));
  REQUIRE(web);
  CHECK(web->web_listen == "127.0.0.1:8080");
  CHECK(is_loopback_listen(*web->web_listen));
  auto wide = Config::load(dir.write("b.toml", "[web]\nlisten = \"0.0.0.0:8080\"\n"));
  REQUIRE(wide);
  CHECK_FALSE(is_loopback_listen(*wide->web_listen));
  CHECK(is_loopback_listen("localhost:80"));
  auto none = Config::load(dir.write("c.toml", "database = \"x.db\"\n"));
  REQUIRE(none);
  CHECK_FALSE(none->web_listen);
  CHECK_THAT(load_error("[web]\nlisten = \"8080\"\n"),
             Catch::StartsWith("newswatch.toml:2:") && Catch::Contains("host:port"));
  CHECK_THAT(load_error("[web]\nport = 8080\n"),
             Catch::Contains("unknown key 'port' in [web] (expected listen)"));
}
