// What is stored stays stored: the daemon killed mid-ingest loses nothing it committed and
// leaves a sound database, and readers using the sqlite3 CLI meanwhile neither fail nor make
// the daemon fail, with the write-ahead log kept under its limit.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <random>
#include <thread>

#include "integration/feed_server.h"
#include "integration/process.h"
#include "test_support.h"

using namespace newswatch::test;

namespace {

constexpr int kItemsPerFeed = 50;

// A feed of kItemsPerFeed items; every other one about the Strait of Hormuz.
std::string feed_xml(int feed) {
  std::string xml = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Outlet " +
                    std::to_string(feed) + "</title>";
  for (int i = 0; i < kItemsPerFeed; ++i) {
    std::string id = std::to_string(feed) + "-" + std::to_string(i);
    std::string title = i % 2 ? "Iran's Revolutionary Guards seize tanker " + id +
                                    " in the Strait of Hormuz as US Navy watches"
                              : "City council " + id + " approves new budget";
    xml += "<item><title>" + title + "</title><link>https://outlet" + std::to_string(feed) +
           ".example/news/" + id + "</link><guid>urn:item:" + id +
           "</guid><pubDate>Tue, 10 Jun 2025 04:00:00 GMT</pubDate><description>" +
           std::string(600, 'x') + " report " + id + "</description></item>";
  }
  return xml + "</channel></rss>";
}

// Serves `feeds` feeds and writes the config that polls them into `dir`; returns its path.
std::string serve_feeds(FeedServer& server, const TempDir& dir, int feeds,
                        const std::string& extra_config = "") {
  std::string config = "database = \"n.db\"\nlog_level = \"warn\"\n" + extra_config;
  for (int f = 0; f < feeds; ++f) {
    std::string path = "/feed/" + std::to_string(f) + ".xml";
    server.serve(path, FeedServer::Resource(200, feed_xml(f)));
    config += "[[feed]]\nurl = \"" + server.url(path) + "\"\n";
  }
  return dir.write("newswatch.toml", config);
}

std::string integrity(const std::string& db_path) {
  SQLite::Database db(db_path, SQLite::OPEN_READWRITE);  // recovers the WAL as a reader would
  return db.execAndGet("PRAGMA integrity_check").getString();
}

}  // namespace

TEST_CASE("SIGKILL mid-ingest, 20 times: the database stays sound and keeps every commit") {
  TempDir dir;
  FeedServer server;
  constexpr int kFeeds = 60;
  std::string config = serve_feeds(server, dir, kFeeds);
  std::mt19937 random(20261127);  // the same kill times on every run of the test
  int killed_mid_ingest = 0;
  for (int round = 0; round < 20; ++round) {
    pid_t pid = spawn_newswatch({"run", "--once", "--config", config}, dir.file("log"));
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + random() % 400));
    bool running = kill(pid, SIGKILL) == 0;
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    killed_mid_ingest += running && WIFSIGNALED(status) ? 1 : 0;
    INFO("round " << round);
    REQUIRE(integrity(dir.file("n.db")) == "ok");
    // A feed's state and its items commit together: a feed is whole or absent.
    SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
    SQLite::Statement feeds(db,
                            "SELECT f.url, f.last_status, "
                            "(SELECT count(DISTINCT item_key) FROM sightings s WHERE s.feed_id = f.id) "
                            "FROM feeds f");
    while (feeds.executeStep()) {
      INFO(feeds.getColumn(0).getString());
      int items = feeds.getColumn(2).getInt();
      CHECK((items == 0 || items == kItemsPerFeed));
      if (feeds.getColumn(1).getInt() == 200) CHECK(items == kItemsPerFeed);
    }
  }
  CHECK(killed_mid_ingest >= 15);  // most kills landed while it was still working
  // The next run goes on and completes the job.
  CHECK(exit_status(spawn_newswatch({"run", "--once", "--config", config}, dir.file("log"))) == 0);
  CHECK(integrity(dir.file("n.db")) == "ok");
  SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT count(DISTINCT s.feed_id || ' ' || s.item_key) FROM sightings s")
            .getInt() == kFeeds * kItemsPerFeed);
  CHECK(db.execAndGet("SELECT count(*) FROM items_v").getInt() == kFeeds * kItemsPerFeed / 2);
}

TEST_CASE("sqlite3 reading in a loop while the daemon ingests: no errors, WAL under its limit") {
  TempDir dir;
  FeedServer server;
  constexpr std::uintmax_t kLimit = 1u << 20;
  std::string config = serve_feeds(server, dir, 80, "wal_limit = \"1MiB\"\n");
  // The database exists before the reader starts.
  REQUIRE(exit_status(spawn_newswatch({"run", "--once", "--config", config, "--feeds", "/dev/null"},
                                      dir.file("log"))) == 0);
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, failed_reads{0};
  std::atomic<std::uintmax_t> largest_wal{0};
  std::thread reader([&] {
    std::string db = dir.file("n.db");
    std::string out = dir.file("reader.out");
    while (!done) {
      char* argv[] = {const_cast<char*>("sqlite3"), const_cast<char*>("-readonly"), db.data(),
                      const_cast<char*>("SELECT count(*), max(title) FROM items_v"), nullptr};
      posix_spawn_file_actions_t actions;
      posix_spawn_file_actions_init(&actions);
      posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      posix_spawn_file_actions_adddup2(&actions, 1, 2);
      pid_t pid = 0;
      int rc = posix_spawnp(&pid, "sqlite3", &actions, nullptr, argv, environ);
      posix_spawn_file_actions_destroy(&actions);
      int status = 1;
      if (rc == 0) waitpid(pid, &status, 0);
      ++reads;
      bool ok = rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
                read_file(out).find("Error") == std::string::npos;
      failed_reads += ok ? 0 : 1;
    }
  });
  std::thread watcher([&] {
    std::string wal = dir.file("n.db-wal");
    while (!done) {
      struct stat info {};
      if (stat(wal.c_str(), &info) == 0)
        largest_wal = std::max<std::uintmax_t>(largest_wal, static_cast<std::uintmax_t>(info.st_size));
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  });
  int status = exit_status(spawn_newswatch({"run", "--once", "--config", config}, dir.file("log")));
  done = true;
  reader.join();
  watcher.join();
  CHECK(status == 0);
  CHECK_THAT(read_file(dir.file("log")), !Catch::Contains("error"));
  CHECK(reads > 5);
  CHECK(failed_reads == 0);
  CHECK(largest_wal > 0);
  CHECK(largest_wal <= kLimit);
  SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT count(*) FROM sightings").getInt() == 80 * kItemsPerFeed);
}
