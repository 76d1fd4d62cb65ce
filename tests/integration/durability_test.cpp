// What is stored stays stored: the daemon killed mid-ingest loses nothing it committed and
// leaves a sound database, and readers using the sqlite3 CLI meanwhile neither fail nor make
// the daemon fail, with the write-ahead log kept under its limit.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <optional>
#include <random>
#include <thread>

#include "integration/feed_server.h"
#include "integration/process.h"
#include "rounds.h"
#include "test_support.h"

using namespace newswatch::test;

namespace {

constexpr int kItemsPerFeed = 50;

// Version `version` of a feed: kItemsPerFeed items, a window that moves by 10 items per
// version; every other one about the Strait of Hormuz.
std::string feed_xml(int feed, int version = 0) {
  std::string xml = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Outlet " +
                    std::to_string(feed) + "</title>";
  for (int i = 10 * version; i < 10 * version + kItemsPerFeed; ++i) {
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

std::string feed_path(int feed) { return "/feed/" + std::to_string(feed) + ".xml"; }

// Serves version `version` of `feeds` feeds, each with the ETag "v<version>".
void serve_version(FeedServer& server, int feeds, int version) {
  for (int f = 0; f < feeds; ++f) {
    server.serve(feed_path(f), FeedServer::Resource(200, feed_xml(f, version),
                                                    "\"v" + std::to_string(version) + "\""));
  }
}

// Writes the config that polls `feeds` feeds of `server` into `dir`; returns its path.
std::string config_for(FeedServer& server, const TempDir& dir, int feeds,
                       const std::string& extra_config = "") {
  std::string config = "database = \"n.db\"\nlog_level = \"warn\"\n" + extra_config;
  for (int f = 0; f < feeds; ++f)
    config += "[[feed]]\nurl = \"" + server.url(feed_path(f)) + "\"\n";
  return dir.write("newswatch.toml", config);
}

int sightings(const std::string& db_path) {
  try {
    SQLite::Database db(db_path, SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT count(*) FROM sightings").getInt();
  } catch (const SQLite::Exception&) {
    return -1;  // not there yet, or mid-migration
  }
}

// Items missing of the version of each feed whose ETag the database holds; with `current`, a
// feed not at that version counts as missing all its items.
int missing_items(const std::string& db_path, FeedServer& server, int feeds,
                  std::optional<int> current = std::nullopt) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  SQLite::Statement etag_of(db, "SELECT coalesce(etag, '') FROM feeds WHERE url = ?");
  SQLite::Statement stored(db,
                           "SELECT count(*) FROM sightings s JOIN feeds f ON f.id = s.feed_id "
                           "WHERE f.url = ? AND s.item_key = ?");
  int missing = 0;
  for (int f = 0; f < feeds; ++f) {
    etag_of.bind(1, server.url(feed_path(f)));
    std::string etag = etag_of.executeStep() ? etag_of.getColumn(0).getString() : "";
    etag_of.reset();
    int version = etag.size() > 2 ? std::stoi(etag.substr(2)) : -1;
    if (current && version != *current) {
      missing += kItemsPerFeed;
      continue;
    }
    for (int i = 10 * version; version >= 0 && i < 10 * version + kItemsPerFeed; ++i) {
      stored.bind(1, server.url(feed_path(f)));
      stored.bind(2, "urn:item:" + std::to_string(f) + "-" + std::to_string(i));
      stored.executeStep();
      missing += stored.getColumn(0).getInt() == 1 ? 0 : 1;
      stored.reset();
    }
  }
  return missing;
}

std::string integrity(const std::string& db_path) {
  SQLite::Database db(db_path, SQLite::OPEN_READWRITE);  // recovers the WAL as a reader would
  return db.execAndGet("PRAGMA integrity_check").getString();
}

}  // namespace

TEST_CASE("SIGKILL mid-ingest, 20 times: the database stays sound and keeps every commit") {
  const int kRounds = rounds(20);  // 5 under a sanitizer
  TempDir dir;
  FeedServer server;
  constexpr int kFeeds = 60;
  std::string config = config_for(server, dir, kFeeds);
  // The database exists, at the current schema, before the first kill.
  REQUIRE(exit_status(spawn_newswatch({"run", "--once", "--config", config, "--feeds", "/dev/null"},
                                      dir.file("log"))) == 0);
  std::mt19937 random(20261127);  // the same kill times on every run of the test
  int killed_mid_ingest = 0;
  for (int round = 1; round <= kRounds; ++round) {
    INFO("round " << round);
    serve_version(server, kFeeds, round);  // every feed has 10 new items
    int before = sightings(dir.file("n.db"));
    pid_t pid = spawn_newswatch({"run", "--once", "--config", config}, dir.file("log"));
    // Killed once it has committed something of this round, a moment later.
    bool ingesting = await([&] { return sightings(dir.file("n.db")) > before; });
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 150));
    bool running = kill(pid, SIGKILL) == 0;
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    killed_mid_ingest += ingesting && running && WIFSIGNALED(status) ? 1 : 0;
    REQUIRE(integrity(dir.file("n.db")) == "ok");
    // A feed's state and its items commit together: every item of the version whose ETag
    // the database holds is there.
    CHECK(missing_items(dir.file("n.db"), server, kFeeds) == 0);
  }
  WARN("killed mid-ingest: " << killed_mid_ingest << " of " << kRounds);
  CHECK(killed_mid_ingest * 4 >= kRounds * 3);
  // The next run goes on and completes the job.
  CHECK(exit_status(spawn_newswatch({"run", "--once", "--config", config}, dir.file("log"))) == 0);
  CHECK(integrity(dir.file("n.db")) == "ok");
  CHECK(missing_items(dir.file("n.db"), server, kFeeds, kRounds) == 0);
}

TEST_CASE("sqlite3 reading in a loop while the daemon ingests: no errors, WAL under its limit") {
  TempDir dir;
  FeedServer server;
  constexpr std::uintmax_t kLimit = 1u << 20;
  const int kFeeds = kSanitized ? 40 : 80;
  serve_version(server, kFeeds, 0);
  std::string config = config_for(server, dir, kFeeds, "wal_limit = \"1MiB\"\n");
  // The database exists before the reader starts.
  REQUIRE(exit_status(spawn_newswatch({"run", "--once", "--config", config, "--feeds", "/dev/null"},
                                      dir.file("log"))) == 0);
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, failed_reads{0};
  std::atomic<std::uintmax_t> largest_wal{0};
  std::string first_failure;  // written by the reader thread only, read after join()
  pid_t daemon = spawn_newswatch({"run", "--once", "--config", config, "--log-level", "info"},
                                 dir.file("log"));
  // The reader starts once the daemon has the database open. The first connection to open a
  // WAL database resets its shared memory under an exclusive lock, and a sqlite3 reader
  // without a busy timeout starting in that instant is told "database is locked" (the
  // README says so); once the daemon holds it, nothing it does refuses a reader.
  REQUIRE(
      await([&] { return read_file(dir.file("log")).find(", database ") != std::string::npos; }));
  std::thread reader([&] {
    std::string db = dir.file("n.db");
    std::string out = dir.file("reader.out");
    while (!done) {
      std::string said;
      bool ok = sqlite3_reads(db, "SELECT count(*), max(title) FROM items_v", out, &said);
      ++reads;
      if (!ok && failed_reads++ == 0) first_failure = said;
    }
  });
  std::thread watcher([&] {
    std::string wal = dir.file("n.db-wal");
    while (!done) {
      struct stat info {};
      if (stat(wal.c_str(), &info) == 0)
        largest_wal =
            std::max<std::uintmax_t>(largest_wal, static_cast<std::uintmax_t>(info.st_size));
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  });
  int status = exit_status(daemon);
  done = true;
  reader.join();
  watcher.join();
  CHECK(status == 0);
  CHECK_THAT(read_file(dir.file("log")), !Catch::Contains("error"));
  CHECK(reads > 5);
  INFO("first failed read said: " << first_failure);
  CHECK(failed_reads == 0);
  WARN(reads << " reads, largest WAL " << largest_wal << " bytes of a " << kLimit << " limit");
  CHECK(largest_wal > 0);
  CHECK(largest_wal <= kLimit);
  SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT count(*) FROM sightings").getInt() == kFeeds * kItemsPerFeed);
}

namespace {

// A small file system of the test's own: the mount namespace is unshared first, so the
// mount is invisible outside this process and its children, and goes away with them.
bool mount_small_filesystem(const std::string& where, const std::string& size) {
  if (geteuid() != 0 || unshare(CLONE_NEWNS) != 0) return false;
  if (mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return false;
  return mount("tmpfs", where.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
}

// Fills the file system `dir` is on; returns the file that holds the space.
std::string fill_up(const std::string& dir) {
  std::string filler = dir + "/filler";
  FILE* file = std::fopen(filler.c_str(), "w");
  std::string block(4096, 'x');
  while (file && std::fwrite(block.data(), 1, block.size(), file) == block.size()) {
  }
  if (file) std::fclose(file);
  return filler;
}

int articles(const std::string& db_path) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT count(*) FROM items_v").getInt();
}

}  // namespace

TEST_CASE(
    "a full disk: the daemon says so, keeps every commit, resumes, and a read-only one is "
    "refused") {
  TempDir dir;
  std::string fs = dir.file("fs");
  std::filesystem::create_directory(fs);
  if (!mount_small_filesystem(fs, "8m")) {
    WARN("skipped: mounting a tmpfs needs root and a mount namespace");
    return;
  }
  FeedServer server;  // after the unshare: its thread is in the same namespace
  constexpr int kFeeds = 4;
  serve_version(server, kFeeds, 0);
  std::string config = config_for(
      server, dir, kFeeds, "interval = \"1s\"\nhonor_feed_hints = false\nwal_limit = \"1MiB\"\n");
  // The database on the small file system; the log at info, where "resumes" is said.
  std::string db = fs + "/n.db";
  std::string toml = read_file(config);
  toml.replace(toml.find("\"n.db\""), 6, "\"" + db + "\"");
  toml.replace(toml.find("\"warn\""), 6, "\"info\"");
  dir.write("newswatch.toml", toml);
  std::string log = dir.file("daemon.log");
  pid_t daemon = spawn_newswatch({"run", "--config", config}, log);
  REQUIRE(await([&] { return sightings(db) == kFeeds * kItemsPerFeed; }));
  int kept = articles(db);
  REQUIRE(kept == kFeeds * kItemsPerFeed / 2);

  // The disk fills up; new items arrive.
  std::string filler = fill_up(fs);
  serve_version(server, kFeeds, 5);
  REQUIRE(await([&] { return read_file(log).find("cannot be written") != std::string::npos; }));
  CHECK_THAT(read_file(log), Catch::Contains("the database " + db +
                                             " cannot be written (database or disk is full)"));
  CHECK(kill(daemon, 0) == 0);  // still running
  CHECK(articles(db) == kept);  // everything committed is there
  CHECK(integrity(db) == "ok");

  // Room again: the new items are stored within a minute, without a restart.
  std::filesystem::remove(filler);
  REQUIRE(await([&] { return articles(db) == kept + kFeeds * 25; }, 90));
  CHECK_THAT(read_file(log), Catch::Contains("can be written again: storing resumes"));

  REQUIRE(kill(daemon, SIGTERM) == 0);
  CHECK(exit_status(daemon) == 0);
  CHECK(integrity(db) == "ok");

  // --once when the disk fills up under an open database (a reader keeps it open): it stores
  // nothing and says so with its exit status, not 0.
  {
    SQLite::Database reader(db, SQLite::OPEN_READONLY);
    CHECK(reader.execAndGet("SELECT count(*) FROM items_v").getInt() == kept + kFeeds * 25);
    filler = fill_up(fs);
    serve_version(server, kFeeds, 10);
    CHECK(exit_status(
              spawn_newswatch({"run", "--once", "--config", config}, dir.file("full.log"))) == 1);
    CHECK_THAT(read_file(dir.file("full.log")),
               Catch::Contains("database or disk is full") &&
                   Catch::Contains(std::to_string(kFeeds) + " of the " + std::to_string(kFeeds) +
                                   " feeds fetched could not be stored"));
    CHECK(reader.execAndGet("SELECT count(*) FROM items_v").getInt() == kept + kFeeds * 25);
    std::filesystem::remove(filler);
  }

  // A database on a read-only file system: a clear error at start, and exit status 1 (for
  // systemd to try again later); writable again, the daemon goes on.
  REQUIRE(mount(nullptr, fs.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) == 0);
  CHECK(exit_status(spawn_newswatch({"run", "--once", "--config", config}, dir.file("ro.log"))) ==
        1);
  CHECK_THAT(read_file(dir.file("ro.log")),
             Catch::Contains(db) && Catch::Contains("readonly database"));
  REQUIRE(mount(nullptr, fs.c_str(), nullptr, MS_REMOUNT, nullptr) == 0);
  CHECK(exit_status(spawn_newswatch({"run", "--once", "--config", config}, dir.file("rw.log"))) ==
        0);
  CHECK(articles(db) == kept + kFeeds * 50);
  CHECK(integrity(db) == "ok");
  // The log line a user sees:
  std::string text = read_file(log);
  auto at = text.find("cannot be written (database or disk is full)");
  WARN(text.substr(text.rfind('\n', at) + 1, text.find('\n', at) - text.rfind('\n', at) - 1));
}
