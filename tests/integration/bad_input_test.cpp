// tests/bad_input/: every malformed input newswatch handles, each with the error a user must
// see (tests/bad_input/README.md).
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "daemon/config.h"
#include "daemon/opml.h"
#include "feeds/parser.h"
#include "integration/feed_server.h"
#include "integration/process.h"
#include "test_support.h"
#include "topics/topic_pack.h"

using namespace newswatch;
using namespace newswatch::test;

namespace {

const std::string kRoot = NEWSWATCH_SOURCE_DIR "/tests/bad_input/";

struct Entry {
  std::string kind, file, expected;
};

std::vector<Entry> catalogue() {
  std::ifstream in(kRoot + "catalogue.tsv");
  std::vector<Entry> entries;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Entry e;
    std::getline(fields, e.kind, '\t');
    std::getline(fields, e.file, '\t');
    std::getline(fields, e.expected);
    entries.push_back(e);
  }
  return entries;
}

std::string error_of(const Entry& e) {
  std::string path = kRoot + e.file;
  if (e.kind == "config") {
    auto loaded = Config::load(path);
    return loaded ? "" : loaded.error().message;
  }
  if (e.kind == "opml") {
    auto loaded = load_opml(path);
    return loaded ? "" : loaded.error().message;
  }
  if (e.kind == "pack") {
    auto loaded = TopicPack::load(path);
    return loaded ? "" : loaded.error().message;
  }
  auto feed = parse_feed(read_file(path), ParseOptions{});
  if (!feed) return "error: " + feed.error().message;
  std::string warnings;
  for (const auto& w : feed->warnings) warnings += "warning: " + w + "\n";
  return warnings;
}

}  // namespace

TEST_CASE("every file of the bad input catalogue is listed in it") {
  std::set<std::string> listed;
  for (const auto& e : catalogue()) listed.insert(e.file);
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kRoot)) {
    if (!entry.is_regular_file() ||
        entry.path().parent_path() == std::filesystem::path(kRoot).parent_path())
      continue;
    std::string relative = std::filesystem::relative(entry.path(), kRoot).string();
    INFO(relative);
    CHECK(listed.count(relative) == 1);
    ++files;
  }
  CHECK(files == static_cast<int>(listed.size()));
}

TEST_CASE("bad configurations, OPML files, topic packs and feed documents get their errors") {
  int checked = 0;
  for (const auto& e : catalogue()) {
    if (e.kind == "http") continue;
    INFO(e.file);
    CHECK_THAT(error_of(e), Catch::Contains(e.expected));
    ++checked;
  }
  CHECK(checked >= 30);
}

TEST_CASE("bad HTTP responses get their errors in feeds_v, and the other feeds are stored") {
  TempDir dir;
  FeedServer server;
  std::string config = "database = \"n.db\"\nmax_body = \"1MiB\"\ntimeout = \"10s\"\n";
  std::vector<std::pair<std::string, std::string>> expected;  // url, error
  int n = 0;
  for (const auto& e : catalogue()) {
    if (e.kind != "http") continue;
    auto spec = nlohmann::json::parse(read_file(kRoot + e.file));
    std::string path = "/case/" + std::to_string(n++) + ".xml";
    FeedServer::Resource resource(spec.at("status").get<int>(),
                                  spec.contains("body_bytes")
                                      ? std::string(spec["body_bytes"].get<std::size_t>(), 'x')
                                      : spec.value("body", std::string()));
    std::map<std::string, std::string> headers;
    if (spec.contains("headers"))
      headers = spec["headers"].get<std::map<std::string, std::string>>();
    for (const auto& [name, v] : headers) {
      if (name == "Location") {
        resource.location = v == "SELF" ? server.url(path) : v;
      } else {
        resource.headers.emplace_back(name, v);
      }
    }
    server.serve(path, resource);
    config += "[[feed]]\nurl = \"" + server.url(path) + "\"\n";
    expected.emplace_back(server.url(path), e.expected);
  }
  server.serve("/good.xml", FeedServer::Resource(200, hormuz_and_football_feed()));
  config += "[[feed]]\nurl = \"" + server.url("/good.xml") + "\"\n";
  std::string path = dir.write("newswatch.toml", config);
  CHECK(exit_status(spawn_newswatch({"run", "--once", "--config", path}, dir.file("log"))) == 0);
  SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
  SQLite::Statement error(db, "SELECT coalesce(last_error, '') FROM feeds_v WHERE url = ?");
  for (const auto& [url, message] : expected) {
    error.bind(1, url);
    REQUIRE(error.executeStep());
    INFO(url);
    CHECK_THAT(error.getColumn(0).getString(), Catch::Contains(message));
    error.reset();
  }
  CHECK(db.execAndGet("SELECT count(*) FROM items_v").getInt() == 1);
}
