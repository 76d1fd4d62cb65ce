// `newswatch rematch`: a database polled with an older topic pack, matched again with the
// newer one — first as a dry run that writes nothing, then for real beside a running daemon
// and a sqlite3 reader.
#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "integration/feed_server.h"
#include "integration/process.h"
#include "test_support.h"

using namespace newswatch::test;

namespace {

// The pack the database was polled with, and its next version (the same file, edited): the
// sanctions topic drops "embargo" and gains a rule for "penalties", a nuclear topic is added.
// The rules of before keep their lines, and so their origins.
constexpr const char* kPackHead = R"(name = "desk"
threshold = 1.0

[[topic]]
name = "hormuz"
  [[topic.rule]]
  any = ["strait of hormuz"]

[[topic]]
name = "sanctions"
  [[topic.rule]]
)";
const std::string kOldPack = std::string(kPackHead) + R"(  any = ["sanctions", "embargo"]
)";
const std::string kNewPack = std::string(kPackHead) + R"(  any = ["sanctions"]
  [[topic.rule]]
  any = ["penalties"]

[[topic]]
name = "nuclear"
  [[topic.rule]]
  any = ["enrichment", "centrifuge*"]
)";

const char* kUnchanged = "Tanker seized in the Strait of Hormuz";
const char* kLost = "Oil embargo tightened on Tehran";
const char* kGained = "Uranium enrichment reaches a new level";
const char* kOtherTopics = "New sanctions follow centrifuge expansion";
const char* kOtherEvidence = "Sanctions bring penalties for shippers";
constexpr int kFillers = 600;  // a third of them about centrifuges: gained too

std::string item_xml(const std::string& id, const std::string& title) {
  return "<item><title>" + title + "</title><link>https://outlet.example/" + id +
         "</link><guid>urn:" + id + "</guid><description>" + title + ", the report says." +
         "</description></item>";
}

// The outlet's feed; `with_lost` adds kLost, as news.
std::string outlet_feed(bool with_lost) {
  std::string xml = "<rss version=\"2.0\"><channel><title>Outlet</title>";
  const char* titles[] = {kUnchanged, kGained, kOtherTopics, kOtherEvidence,
                          "Sunny weekend ahead for Paris"};
  for (int i = 0; i < 5; ++i) xml += item_xml(std::string("t") + std::to_string(i), titles[i]);
  if (with_lost) xml += item_xml("lost", kLost);
  for (int i = 0; i < kFillers; ++i) {
    std::string n = std::to_string(i);
    xml +=
        item_xml(std::string("f") + n, i % 3 ? std::string("Market report ") + n
                                             : std::string("Centrifuge hall ") + n + " inspected");
  }
  return xml + "</channel></rss>";
}

// A second outlet's feed with `count` reports of the Strait, which the daemon keeps polling.
std::string wire_feed(int count) {
  std::string xml = "<rss version=\"2.0\"><channel><title>Wire</title>";
  for (int i = 0; i < count; ++i) {
    std::string n = std::to_string(i);
    xml += item_xml(std::string("w") + n,
                    std::string("Strait of Hormuz patrol ") + n + " logged by the navy");
  }
  return xml + "</channel></rss>";
}

// Every row of every table, in order: what "nothing changed" compares.
std::string dump(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  std::string out;
  for (const char* table : {"feeds", "stories", "articles", "article_keys", "sightings", "matches",
                            "alerts", "tombstones"}) {
    SQLite::Statement rows(db, std::string("SELECT * FROM ") + table + " ORDER BY 1, 2");
    out += std::string("== ") + table + "\n";
    while (rows.executeStep()) {
      for (int c = 0; c < rows.getColumnCount(); ++c)
        out += (rows.getColumn(c).isNull() ? "NULL" : rows.getColumn(c).getString()) + "|";
      out += "\n";
    }
  }
  return out;
}

std::int64_t article_id(SQLite::Database& db, const std::string& title) {
  SQLite::Statement query(db, "SELECT id FROM articles WHERE title = ?");
  query.bind(1, title);
  REQUIRE(query.executeStep());
  return query.getColumn(0).getInt64();
}

std::string topics_of(SQLite::Database& db, const std::string& title) {
  SQLite::Statement query(db, "SELECT coalesce(topics, '') FROM items_v WHERE title = ?");
  query.bind(1, title);
  return query.executeStep() ? query.getColumn(0).getString() : "(not an item)";
}

// A line of rematch's report.
std::string change_line(const char* kind, std::int64_t id, const std::string& topics,
                        const std::string& title) {
  char line[512];
  std::snprintf(line, sizeof line, "%-7s %6lld  %s  %s\n", kind, static_cast<long long>(id),
                topics.c_str(), title.c_str());
  return line;
}

int count(SQLite::Database& db, const std::string& sql) { return db.execAndGet(sql).getInt(); }

}  // namespace

TEST_CASE(
    "rematch with a newer pack: a dry run lists the changes and writes nothing, then they are "
    "written while the daemon runs and sqlite3 reads") {
  TempDir dir;
  FeedServer server;
  server.serve("/outlet.xml", FeedServer::Resource(200, outlet_feed(false)));
  server.serve("/wire.xml", FeedServer::Resource(200, wire_feed(0)));
  std::string pack = dir.write("desk.toml", kOldPack);
  std::string config = dir.write(
      "newswatch.toml",
      "database = \"n.db\"\ntopics = [\"desk.toml\"]\ninterval = \"1s\"\n"
      "honor_feed_hints = false\n[[alert]]\nname = \"desk\"\nexec = [\"/bin/true\"]\n"
      "[[feed]]\nurl = \"" +
          server.url("/outlet.xml") + "\"\n[[feed]]\nurl = \"" + server.url("/wire.xml") + "\"\n");
  std::string db_path = dir.file("n.db");
  std::string log = dir.file("log");
  // Polled with the older pack: once, then again with kLost as news, which an alert announces.
  REQUIRE(exit_status(spawn_newswatch({"run", "--once", "--config", config}, log)) == 0);
  server.serve("/outlet.xml", FeedServer::Resource(200, outlet_feed(true)));
  REQUIRE(exit_status(spawn_newswatch({"run", "--once", "--config", config}, log)) == 0);
  std::int64_t lost = 0, gained = 0, other_topics = 0, lost_story = 0;
  {
    SQLite::Database db(db_path, SQLite::OPEN_READONLY);
    lost = article_id(db, kLost);
    gained = article_id(db, kGained);
    other_topics = article_id(db, kOtherTopics);
    REQUIRE(topics_of(db, kLost) == "sanctions");
    REQUIRE(topics_of(db, kGained) == "(not an item)");
    lost_story = db.execAndGet("SELECT story_id FROM articles WHERE id = " + std::to_string(lost))
                     .getInt64();
    REQUIRE(count(db, "SELECT count(*) FROM alerts_v WHERE state = 'sent' AND story_id = " +
                          std::to_string(lost_story)) == 1);
    REQUIRE(count(db, "SELECT count(*) FROM articles WHERE story_id = " +
                          std::to_string(lost_story)) == 1);
  }
  dir.write("desk.toml", kNewPack);
  // 1. A dry run lists what would change and writes nothing.
  std::string before = dump(db_path), bytes_before = read_file(db_path);
  std::string out = dir.file("dry.out");
  REQUIRE(exit_status(spawn_newswatch({"rematch", "--config", config, "--dry-run"}, out)) == 0);
  std::string said = read_file(out);
  CHECK_THAT(said, Catch::Contains(change_line("gained", gained, "+nuclear", kGained)));
  CHECK_THAT(said, Catch::Contains(change_line("lost", lost, "-sanctions", kLost)));
  CHECK_THAT(said, Catch::Contains(change_line("topics", other_topics, "+nuclear", kOtherTopics)));
  CHECK_THAT(said, !Catch::Contains(kUnchanged));
  CHECK_THAT(said, !Catch::Contains(kOtherEvidence));  // counted, not listed
  CHECK_THAT(said, Catch::Contains("rematched 606 articles: 201 gained, 1 lost, 1 with other "
                                   "topics, 1 with other evidence only; dry run, nothing written"));
  CHECK(dump(db_path) == before);
  CHECK(read_file(db_path) == bytes_before);

  // 2. Written while the daemon (with the newer pack) polls a feed that keeps growing and a
  // sqlite3 user reads items_v in a loop.
  std::string daemon_log = dir.file("daemon.log");
  pid_t daemon = spawn_newswatch({"run", "--config", config}, daemon_log);
  auto rounds = [&] {
    std::string text = read_file(daemon_log);
    int n = 0;
    for (auto at = text.find("poll round"); at != std::string::npos;
         at = text.find("poll round", at + 1))
      ++n;
    return n;
  };
  REQUIRE(await([&] { return rounds() >= 1; }, 60));
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, failed_reads{0};
  std::string first_failure;  // the reader's, read after join()
  std::thread reader([&] {
    while (!done) {
      std::string read;
      bool ok = sqlite3_reads(db_path, "SELECT count(*), max(title) FROM items_v",
                              dir.file("reader.out"), &read);
      ++reads;
      if (!ok && failed_reads++ == 0) first_failure = read;
    }
  });
  std::thread wire([&] {
    for (int n = 1; !done; ++n) {
      server.serve("/wire.xml", FeedServer::Resource(200, wire_feed(n)));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  // The pack is switched back and forth, each time matched again and written, until the
  // daemon has stored two rounds meanwhile; then once more to the newer pack.
  auto rematch = [&](const std::string& pack_text, const std::string& summary) {
    dir.write("desk.toml", pack_text);
    int status = exit_status(spawn_newswatch({"rematch", "--config", config}, out));
    std::string report = read_file(out);
    INFO(report);
    CHECK(status == 0);
    CHECK_THAT(report, Catch::Contains(summary + "; written"));
    return report;
  };
  const std::string forward = "201 gained, 1 lost, 1 with other topics, 1 with other evidence only";
  const std::string back = "1 gained, 201 lost, 1 with other topics, 1 with other evidence only";
  int rounds_before = rounds(), trips = 0;
  do {
    rematch(kNewPack, forward);
    rematch(kOldPack, back);
  } while (++trips < 50 && rounds() < rounds_before + 2);
  said = rematch(kNewPack, forward);
  CHECK(rounds() >= rounds_before + 2);
  CHECK_THAT(said, Catch::Contains(change_line("lost", lost, "-sanctions", kLost)));
  // The daemon goes on storing after it: two more rounds, with reports it had not seen.
  int rounds_after = rounds();
  CHECK(await([&] { return rounds() >= rounds_after + 2; }, 60));
  done = true;
  reader.join();
  wire.join();
  REQUIRE(kill(daemon, SIGTERM) == 0);
  CHECK(exit_status(daemon) == 0);
  WARN(trips << " round trips of the pack beside the daemon; " << reads << " sqlite3 reads");
  CHECK_THAT(read_file(daemon_log), !Catch::Contains("error"));
  CHECK(reads > 0);
  INFO("first failed read said: " << first_failure);
  CHECK(failed_reads == 0);

  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  CHECK(topics_of(db, kGained) == "nuclear");
  CHECK(topics_of(db, kOtherTopics) == "nuclear,sanctions");
  CHECK(topics_of(db, kUnchanged) == "hormuz");
  CHECK(topics_of(db, kLost) == "(not an item)");
  CHECK(count(db, "SELECT count(*) FROM items_v WHERE title LIKE 'Centrifuge hall %'") == 200);
  CHECK(count(db, "SELECT count(*) FROM items_v WHERE title LIKE 'Strait of Hormuz patrol %'") > 0);
  CHECK(count(db,
              "SELECT count(*) FROM matches m JOIN articles a ON a.id = m.article_id "
              "WHERE a.title = 'Sanctions bring penalties for shippers' "
              "AND m.term = 'penalties' AND m.rule LIKE '%desk.toml:13'") == 1);
  CHECK(count(db, "SELECT count(*) FROM matches WHERE article_id = " + std::to_string(lost)) == 0);
  // The lost article's story had nothing else, but an alert announced it: it stays, so that
  // alerts_v still names what was announced. (Each time the article was gained again it was
  // news in a new story, which the hook announced too, and those stories went with it.)
  CHECK(count(db,
              "SELECT count(*) FROM alerts_v WHERE title = 'Oil embargo tightened on Tehran' "
              "AND state = 'sent' AND story_id = " +
                  std::to_string(lost_story)) == 1);
  CHECK(count(db, "SELECT count(*) FROM stories WHERE id = " + std::to_string(lost_story)) == 1);
  CHECK(count(db,
              "SELECT count(*) FROM alerts a WHERE NOT EXISTS "
              "(SELECT 1 FROM stories s WHERE s.id = a.story_id)") == 0);
  // Every other story has articles; every relevant article a story; views agree.
  CHECK(count(db,
              "SELECT count(*) FROM stories_v WHERE articles = 0 AND story_id NOT IN "
              "(SELECT story_id FROM alerts)") == 0);
  CHECK(count(db,
              "SELECT count(*) FROM articles a WHERE story_id IS NOT NULL AND NOT EXISTS "
              "(SELECT 1 FROM stories s WHERE s.id = a.story_id)") == 0);
  CHECK(count(db, "SELECT count(*) FROM items_v WHERE topics IS NULL") == 0);
  CHECK(count(db, "SELECT count(*) FROM sightings_v WHERE article_id = " + std::to_string(lost) +
                      " AND story_id IS NULL") == 1);
  // Full-text search finds what is kept, and no longer what is not.
  CHECK(count(db, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'embargo'") == 0);
  CHECK(count(db, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'enrichment'") ==
        gained);
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("rematch refuses bad arguments and a missing database, and says why") {
  TempDir dir;
  std::string log = dir.file("log");
  CHECK(exit_status(spawn_newswatch({"rematch", "--frobnicate"}, log)) == 2);
  CHECK_THAT(read_file(log), Catch::Contains("bad argument '--frobnicate'") &&
                                 Catch::Contains("usage: newswatch rematch"));
  for (const char* days : {"0", "-3", "two", "3d", ""}) {
    CHECK(exit_status(spawn_newswatch({"rematch", "--since", days}, log)) == 2);
    CHECK_THAT(read_file(log), Catch::Contains("--since wants a number of days"));
  }
  CHECK(exit_status(spawn_newswatch({"rematch", "--since"}, log)) == 2);
  // More days than there have been: every article.
  std::string db = dir.file("empty.db");
  REQUIRE(exit_status(spawn_newswatch({"run", "--once", "--db", db}, log)) == 0);
  CHECK(exit_status(spawn_newswatch({"rematch", "--db", db, "--since", "9000000000000"}, log)) ==
        0);
  CHECK_THAT(read_file(log), Catch::Contains("rematched 0 articles"));
  std::string missing = dir.file("nowhere.db");
  CHECK(exit_status(spawn_newswatch({"rematch", "--db", missing, "--dry-run"}, log)) == 1);
  CHECK_THAT(read_file(log), Catch::Contains(missing + ": no such database"));
  CHECK_FALSE(std::filesystem::exists(missing));  // not created either
  std::string bad_pack = dir.write("newswatch.toml", "topics = [\"none.toml\"]\n");
  CHECK(exit_status(spawn_newswatch({"rematch", "--config", bad_pack}, log)) == 1);
  CHECK_THAT(read_file(log), Catch::Contains("none.toml"));
  CHECK(exit_status(spawn_newswatch({"rematch", "--help"}, log)) == 0);
  CHECK_THAT(read_file(log), Catch::Contains("--dry-run"));
}
