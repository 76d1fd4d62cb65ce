// The daemon as systemd sees it: the test plays the service manager, receiving sd_notify
// datagrams on its own NOTIFY_SOCKET, with a watchdog armed through WATCHDOG_USEC.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "integration/feed_server.h"
#include "integration/notify_socket.h"
#include "integration/process.h"
#include "test_support.h"

using namespace newswatch::test;

namespace {

std::size_t index_of(const std::vector<NotifySocket::Message>& messages, const std::string& text,
                     std::size_t from = 0) {
  for (std::size_t i = from; i < messages.size(); ++i) {
    if (messages[i].text.find(text) != std::string::npos) return i;
  }
  return messages.size();
}

}  // namespace

TEST_CASE("systemd: READY, STATUS, watchdog keep-alives, RELOADING then READY, STOPPING") {
  TempDir dir;
  FeedServer server;
  server.serve("/feed.xml", FeedServer::Resource(200, hormuz_and_football_feed()));
  std::string config = dir.write("newswatch.toml",
                                 "database = \"n.db\"\ninterval = \"1h\"\n"
                                 "[[feed]]\nurl = \"" +
                                     server.url("/feed.xml") + "\"\n");
  NotifySocket notify(dir.file("notify.sock"));
  constexpr int kWatchdogMs = 1000;
  pid_t pid = spawn_newswatch({"run", "--config", config}, dir.file("log"), "",
                              {"NOTIFY_SOCKET=" + dir.file("notify.sock"),
                               "WATCHDOG_USEC=" + std::to_string(kWatchdogMs * 1000)});
  // Generous waits: under ASan on a loaded 2-core machine, loading the config and compiling
  // the built-in pack alone takes seconds, and a reload does it again.
  constexpr int kPatienceS = 60;
  REQUIRE(notify.await("READY=1", kPatienceS));
  // The first round's status, then the idle loop's keep-alives: at least 4 in 3 s, never
  // more than the watchdog interval apart.
  REQUIRE(notify.await("last round", kPatienceS));
  auto listening_since = Clock::now();
  while (Clock::now() - listening_since < std::chrono::seconds(3)) notify.await("never", 1);
  std::vector<Clock::time_point> pings;
  for (const auto& m : notify.messages) {
    if (m.text == "WATCHDOG=1" && m.at >= listening_since) pings.push_back(m.at);
  }
  CHECK(pings.size() >= 4);
  for (std::size_t i = 1; i < pings.size(); ++i) {
    CHECK(pings[i] - pings[i - 1] < std::chrono::milliseconds(kWatchdogMs));
  }
  // Reload: RELOADING=1, then READY=1 again.
  std::size_t before_reload = notify.messages.size();
  REQUIRE(kill(pid, SIGHUP) == 0);
  REQUIRE(notify.await("RELOADING=1", kPatienceS));
  std::size_t reloading = index_of(notify.messages, "RELOADING=1", before_reload);
  REQUIRE(notify.await("READY=1", kPatienceS));
  CHECK(index_of(notify.messages, "READY=1", reloading + 1) < notify.messages.size());
  // Stop: STOPPING=1, then a clean exit.
  REQUIRE(kill(pid, SIGTERM) == 0);
  CHECK(notify.await("STOPPING=1", kPatienceS));
  CHECK(exit_status(pid) == 0);
  std::string status = notify.messages[index_of(notify.messages, "last round")].text;
  CHECK_THAT(status, Catch::Contains("STATUS=1 feeds (0 failing)") && Catch::Contains("1 fetched"));
}

TEST_CASE("under journald, log lines carry their syslog priority and no timestamp") {
  TempDir dir;
  std::string log = dir.file("log");
  // JOURNAL_STREAM names the device and inode of the stream the daemon's stderr is.
  FILE* file = std::fopen(log.c_str(), "w");
  REQUIRE(file);
  std::fclose(file);
  struct stat info {};
  REQUIRE(stat(log.c_str(), &info) == 0);
  std::string stream = std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino);
  std::string config = dir.write("newswatch.toml", "database = \"n.db\"\ncolour = 1\n");
  // spawn_newswatch truncates the log, which keeps its inode.
  CHECK(exit_status(spawn_newswatch({"run", "--once", "--config", config}, log, "",
                                    {"JOURNAL_STREAM=" + stream})) == 1);
  CHECK_THAT(read_file(log), Catch::StartsWith("<3>" + config + ":2:10: unknown key 'colour'\n"));
  // Elsewhere, the console format with its timestamp.
  CHECK(exit_status(spawn_newswatch({"run", "--once", "--config", config}, log)) == 1);
  CHECK_THAT(read_file(log), Catch::Matches("^20[0-9][0-9]-.*error .*unknown key 'colour'\n"));
}

namespace {

// Runs `argv` as another user (uid, gid, supplementary groups) with `mask` as its umask,
// stdout and stderr to `log`. Only async-signal-safe calls between fork and exec: the
// test's feed server runs threads.
pid_t run_as(uid_t uid, gid_t gid, std::vector<gid_t> groups, mode_t mask,
             std::vector<std::string> argv, const std::string& log) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) _exit(126);
    if (setgroups(groups.size(), groups.data()) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
      _exit(125);
    umask(mask);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

std::string find_program(const std::string& name) {
  for (const char* dir : {"/usr/bin/", "/bin/", "/usr/local/bin/"}) {
    std::string path = std::string(dir) + name;
    if (access(path.c_str(), X_OK) == 0) return path;
  }
  return name;
}

}  // namespace

TEST_CASE(
    "a member of the service's group reads the database with sqlite3 -readonly, "
    "while the daemon runs and after it stops") {
  if (geteuid() != 0) {
    WARN("skipped: switching users needs root");
    return;
  }
  // The service's user and group, an admin in that group, and someone outside it: ids no
  // account uses, so the test needs no user database.
  constexpr uid_t kService = 64101, kAdmin = 64102, kOutsider = 64103;
  constexpr gid_t kServiceGroup = 64101, kAdminGroup = 64102, kOutsiderGroup = 64103;
  TempDir dir;
  REQUIRE(chmod(dir.file("").c_str(), 0755) == 0);
  std::string state = dir.file("state");  // StateDirectory=, StateDirectoryMode=0750
  REQUIRE(mkdir(state.c_str(), 0750) == 0);
  REQUIRE(chown(state.c_str(), kService, kServiceGroup) == 0);
  std::string binary = dir.file("newswatch");
  std::filesystem::copy_file(NEWSWATCH_BINARY, binary);
  REQUIRE(chmod(binary.c_str(), 0755) == 0);
  std::string db = state + "/n.db";
  FeedServer server;
  server.serve("/feed.xml", FeedServer::Resource(200, hormuz_and_football_feed()));
  std::string config = dir.write("newswatch.toml", "database = \"" + db +
                                                       "\"\ninterval = \"1h\"\n[[feed]]\nurl = \"" +
                                                       server.url("/feed.xml") + "\"\n");
  REQUIRE(chmod(config.c_str(), 0644) == 0);
  for (const char* log : {"daemon.log", "admin.log", "outsider.log"}) {
    dir.write(log, "");
    REQUIRE(chmod(dir.file(log).c_str(), 0666) == 0);
  }
  // The daemon as systemd starts it: its own user and group, UMask=0027.
  pid_t daemon = run_as(kService, kServiceGroup, {}, 0027, {binary, "run", "--config", config},
                        dir.file("daemon.log"));
  REQUIRE(await([&] {
    try {
      SQLite::Database reader(db, SQLite::OPEN_READONLY);
      return reader.execAndGet("SELECT count(*) FROM items_v").getInt() > 0;
    } catch (const SQLite::Exception&) {
      return false;
    }
  }));
  std::string sqlite3 = find_program("sqlite3");
  auto read_as = [&](uid_t uid, gid_t gid, std::vector<gid_t> groups, const std::string& log) {
    return exit_status(run_as(uid, gid, std::move(groups), 0022,
                              {sqlite3, "-readonly", db, "SELECT count(*) FROM items_v"},
                              dir.file(log)));
  };
  CHECK(read_as(kAdmin, kAdminGroup, {kAdminGroup, kServiceGroup}, "admin.log") == 0);
  CHECK(read_file(dir.file("admin.log")) == "1\n");
  CHECK(read_as(kOutsider, kOutsiderGroup, {kOutsiderGroup}, "outsider.log") != 0);
  REQUIRE(kill(daemon, SIGTERM) == 0);
  CHECK(exit_status(daemon) == 0);
  // Stopped: the write-ahead log and its index are still there, and readable by the group.
  for (const std::string& file : {db, db + "-wal", db + "-shm"}) {
    struct stat info {};
    INFO(file);
    REQUIRE(stat(file.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0640);
    CHECK(info.st_gid == kServiceGroup);
  }
  CHECK(read_as(kAdmin, kAdminGroup, {kAdminGroup, kServiceGroup}, "admin.log") == 0);
  CHECK(read_file(dir.file("admin.log")) == "1\n");
}
