// A PostgreSQL 15 server of the test's own, from Debian's postgresql-15: initdb (once per user,
// then copied: template_cluster) into a temporary directory, reached by a Unix socket there (no
// TCP), password authentication (scram-sha-256) for the role `newswatch`, whose password is in a
// libpq passfile. PostgreSQL refuses to run as root, so a test run as root runs initdb and the
// server as `nobody`. The server is stopped and its directory removed when the object goes; a test
// process that dies takes the server with it (PR_SET_PDEATHSIG), so no server is left running
// either way.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/pg_connection.h"

namespace newswatch::test {

class PgServer {
 public:
  static constexpr const char* kBin = "/usr/lib/postgresql/15/bin/";
  static constexpr const char* kRole = "newswatch";
  static constexpr const char* kPassword = "test-secret-7f3a";

  // Starts the server; throws std::runtime_error, with the server's log, when it cannot.
  PgServer() {
    std::string pattern = (std::filesystem::temp_directory_path() / "newswatch-pg-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    std::filesystem::create_directory(dir_ / "sock");
    write_file(dir_ / "pwfile", std::string(kPassword) + "\n");
    if (geteuid() == 0) {
      std::filesystem::permissions(dir_, std::filesystem::perms::owner_all |
                                             std::filesystem::perms::group_exec |
                                             std::filesystem::perms::others_exec);
      for (const auto& path : {dir_, dir_ / "sock", dir_ / "pwfile"})
        if (chown(path.c_str(), kNobody, kNogroup) != 0) throw std::runtime_error("chown failed");
    }
    // A copy of one cluster initdb made for every test process of this user: initdb takes
    // seconds, a copy a fraction of one, and the storage tests start dozens of servers.
    std::filesystem::path made = template_cluster();
    int status = made.empty() ? initdb(dir_ / "data", dir_ / "pwfile")
                              : run_as_server_user(
                                    {"/bin/cp", "-a", made.string(), (dir_ / "data").string()},
                                    /*wait=*/true);
    if (status != 0)
      fail((made.empty() ? "initdb" : "copying " + made.string()) + " exited " +
           std::to_string(status));
    pid_ = run_as_server_user(
        {std::string(kBin) + "postgres", "-D", (dir_ / "data").string(), "-k",
         (dir_ / "sock").string(), "-c", "listen_addresses=", "-c", "fsync=off", "-c",
         "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=60"},
        /*wait=*/false);
    write_file(dir_ / "passfile", "*:*:*:" + std::string(kRole) + ":" + kPassword + "\n");
    std::filesystem::permissions(dir_ / "passfile", std::filesystem::perms::owner_read |
                                                        std::filesystem::perms::owner_write);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (PQping(conninfo().c_str()) != PQPING_OK) {
      int exited = 0;
      if (waitpid(pid_, &exited, WNOHANG) == pid_) {
        pid_ = -1;
        fail("postgres exited at start");
      }
      if (std::chrono::steady_clock::now() > deadline) fail("postgres not ready in 60 s");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  ~PgServer() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // libpq's key=value connection string for `database`, the password from the passfile.
  std::string conninfo(const std::string& database = "postgres") const {
    return "host=" + (dir_ / "sock").string() + " dbname=" + database + " user=" + kRole +
           " passfile=" + (dir_ / "passfile").string() + " connect_timeout=10";
  }
  // The same as a postgresql:// URI, as a user writes it in newswatch.toml.
  std::string uri(const std::string& database = "postgres") const {
    std::string socket;
    for (char c : (dir_ / "sock").string())
      socket += c == '/' ? std::string("%2F") : std::string(1, c);
    return "postgresql://" + std::string(kRole) + "@/" + database + "?host=" + socket +
           "&passfile=" + (dir_ / "passfile").string();
  }
  std::string socket_dir() const { return (dir_ / "sock").string(); }
  std::string passfile() const { return (dir_ / "passfile").string(); }
  pid_t pid() const { return pid_; }

  // Fast shutdown (SIGINT: sessions ended, the server waits for nothing), then reaps it.
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGINT);
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
  }

 private:
  static constexpr uid_t kNobody = 65534;
  static constexpr gid_t kNogroup = 65534;

  static uid_t server_uid() { return geteuid() == 0 ? kNobody : geteuid(); }

  int initdb(const std::filesystem::path& data, const std::filesystem::path& pwfile) {
    return run_as_server_user(
        {std::string(kBin) + "initdb", "-D", data.string(), "-U", kRole,
         "--pwfile=" + pwfile.string(), "--auth-local=scram-sha-256", "--auth-host=reject", "-E",
         "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"},
        /*wait=*/true);
  }

  // The data directory of the cluster every server of this user starts as a copy of, made by
  // the first under a lock; empty when it cannot be (another user owns the place), and the
  // server then runs initdb itself.
  std::filesystem::path template_cluster() {
    namespace fs = std::filesystem;
    fs::path root =
        fs::temp_directory_path() / ("newswatch-pg-template-" + std::to_string(server_uid()));
    int lock = open((root.string() + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0) return {};
    struct Unlock {
      int fd;
      ~Unlock() { close(fd); }
    } unlock{lock};
    if (flock(lock, LOCK_EX) != 0) return {};
    struct stat owner {};
    if (lstat(root.c_str(), &owner) == 0 &&
        (!S_ISDIR(owner.st_mode) || owner.st_uid != server_uid()))
      return {};
    if (fs::exists(root / "data" / "PG_VERSION")) return root / "data";
    std::error_code ignored;
    fs::remove_all(root, ignored);
    if (mkdir(root.c_str(), 0700) != 0) return {};
    write_file(root / "pwfile", std::string(kPassword) + "\n");
    if (geteuid() == 0) {
      for (const auto& path : {root, root / "pwfile"})
        if (chown(path.c_str(), kNobody, kNogroup) != 0) return {};
    }
    if (initdb(root / "new", root / "pwfile") != 0) return {};
    fs::rename(root / "new", root / "data");
    return root / "data";
  }

  static void write_file(const std::filesystem::path& path, const std::string& text) {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
      throw std::runtime_error("cannot write " + path.string());
    close(fd);
  }

  // Runs `argv` with its output to the directory's log, as nobody when this process is root;
  // with `wait`, returns its exit status, else its pid.
  int run_as_server_user(const std::vector<std::string>& argv, bool wait) {
    // Made before fork: the child of a process with threads may only make system calls.
    std::string log = (dir_ / "log").string();
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      if (geteuid() == 0 &&
          (setgroups(0, nullptr) != 0 || setgid(kNogroup) != 0 || setuid(kNobody) != 0))
        _exit(126);
      // After setuid, which clears it: the test died, so the server stops at once.
      prctl(PR_SET_PDEATHSIG, SIGQUIT);
      if (getppid() != parent) _exit(127);
      execv(args[0], args.data());
      _exit(127);
    }
    if (!wait) return pid;
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  [[noreturn]] void fail(const std::string& what) {
    stop();
    std::string log;
    if (FILE* file = fopen((dir_ / "log").c_str(), "r")) {
      char buffer[4096];
      std::size_t read = 0;
      while ((read = fread(buffer, 1, sizeof buffer, file)) > 0) log.append(buffer, read);
      fclose(file);
    }
    throw std::runtime_error(what + "; its log:\n" + log);
  }

  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

// One server for the whole test process, started on first use (initdb takes seconds); each
// test takes a database of its own from it.
inline PgServer& shared_pg_server() {
  static PgServer server;
  return server;
}

// A new, empty database on `server`; its postgresql:// URI.
inline std::string fresh_database(PgServer& server) {
  static int made = 0;
  std::string name = "test_" + std::to_string(getpid()) + "_" + std::to_string(++made);
  auto admin = PgConnection::open(server.conninfo());
  if (!admin) throw std::runtime_error(admin.error().message);
  (*admin)->execute("CREATE DATABASE " + name);
  return server.uri(name);
}

}  // namespace newswatch::test
