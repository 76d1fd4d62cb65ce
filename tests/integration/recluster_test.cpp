// `newswatch recluster` on a database written by the release before the clustering changed,
// and beside a running daemon.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "integration/feed_server.h"
#include "integration/process.h"
#include "test_support.h"

using namespace newswatch::test;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The database the fixture describes, written to `path`.
void restore_fixture(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec(
      read_text(std::string(NEWSWATCH_SOURCE_DIR) + "/tests/integration/db_before_issue15.sql"));
}

int count(SQLite::Database& db, const std::string& sql) { return db.execAndGet(sql).getInt(); }

const char* kSeized =
    "IRGC navy seizes tanker Corvina Star near Larak Island in the Strait of Hormuz";
const char* kSeizedLater =
    "Iran's Revolutionary Guards seize Panama-flagged tanker Corvina Star off Larak Island";

}  // namespace

TEST_CASE(
    "recluster on a database of the previous release joins a story it had split and keeps every "
    "article") {
  TempDir dir;
  std::string db_path = dir.file("n.db");
  restore_fixture(db_path);
  int articles = 0, sightings = 0, matches = 0;
  {
    SQLite::Database db(db_path);
    REQUIRE(db.execAndGet("PRAGMA user_version").getInt() == 6);
    articles = count(db, "SELECT count(*) FROM articles");
    sightings = count(db, "SELECT count(*) FROM sightings");
    matches = count(db, "SELECT count(*) FROM matches");
    REQUIRE(articles == 20);
    // Then, the two reports of the seizure, 20 hours apart, were two stories.
    SQLite::Statement seizure(
        db, "SELECT count(DISTINCT story_id) FROM articles WHERE title IN (?, ?)");
    seizure.bind(1, kSeized);
    seizure.bind(2, kSeizedLater);
    REQUIRE(seizure.executeStep());
    CHECK(seizure.getColumn(0).getInt() == 2);
  }
  std::string log = dir.file("log");
  REQUIRE(exit_status(spawn_newswatch({"recluster", "--db", db_path}, log)) == 0);
  CHECK_THAT(read_text(log), Catch::Contains("reclustered 4 articles: 4 stories before, 3 after"));
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  CHECK(count(db, "SELECT count(*) FROM articles") == articles);
  CHECK(count(db, "SELECT count(*) FROM sightings") == sightings);
  CHECK(count(db, "SELECT count(*) FROM matches") == matches);
  SQLite::Statement seizure(
      db, "SELECT count(DISTINCT story_id), min(story_id) FROM articles WHERE title IN (?, ?)");
  seizure.bind(1, kSeized);
  seizure.bind(2, kSeizedLater);
  REQUIRE(seizure.executeStep());
  CHECK(seizure.getColumn(0).getInt() == 1);
  CHECK(seizure.getColumn(1).getInt() == 1);  // the older story's id
  CHECK(count(db, "SELECT count(*) FROM stories") == 3);
  CHECK(count(db,
              "SELECT count(*) FROM stories s WHERE NOT EXISTS "
              "(SELECT 1 FROM articles a WHERE a.story_id = s.id)") == 0);
  // Every signature is of the current version now, unmatched articles' too (their terms
  // weigh the others').
  CHECK(count(db,
              "SELECT count(*) FROM articles WHERE signature IS NULL OR "
              "json_extract(signature, '$.v') IS NOT 2") == 0);
}

TEST_CASE("recluster is refused while the daemon runs on the database, and says what to do") {
  TempDir dir;
  FeedServer feeds;
  feeds.serve("/a.xml", FeedServer::Resource(
                            200, "<rss version=\"2.0\"><channel><title>a</title></channel></rss>"));
  std::string config =
      dir.write("newswatch.toml", "database = \"n.db\"\ninterval = \"1h\"\n[[feed]]\nurl = \"" +
                                      feeds.url("/a.xml") + "\"\n");
  std::string daemon_log = dir.file("daemon.log");
  pid_t daemon = spawn_newswatch({"run", "--config", config}, daemon_log);
  REQUIRE(await([&] { return read_text(daemon_log).find("poll round") != std::string::npos; }));
  std::string log = dir.file("log");
  CHECK(exit_status(spawn_newswatch({"recluster", "--config", config}, log)) == 1);
  std::string said = read_text(log);
  CHECK_THAT(said, Catch::Contains("Stop the daemon first"));
  CHECK_THAT(said, Catch::Contains(std::to_string(daemon)));  // names the process
  REQUIRE(kill(daemon, SIGTERM) == 0);
  CHECK(exit_status(daemon) == 0);
  // Stopped, it runs.
  CHECK(exit_status(spawn_newswatch({"recluster", "--config", config, "--since", "3"}, log)) == 0);
  CHECK_THAT(read_text(log), Catch::Contains("reclustered 0 articles"));
}
