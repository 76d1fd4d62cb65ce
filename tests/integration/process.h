// Running the newswatch executable from tests, as users and tools run it.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace newswatch::test {

// Starts `program` (looked up on PATH unless it names a path) with `args`, stdout and stderr to
// `log` (stdin from `input` if given), `environment` entries ("NAME=value") added to this
// process's environment; returns its pid, or -1 when it could not be started. Safe on any
// thread.
inline pid_t spawn_logged(const std::string& program, const std::vector<std::string>& args,
                          const std::string& log, const std::string& input = "",
                          const std::vector<std::string>& environment = {}) {
  std::vector<std::string> argv_strings = {program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  if (!input.empty()) posix_spawn_file_actions_addopen(&actions, 0, input.c_str(), O_RDONLY, 0);
  pid_t pid = 0;
  std::vector<std::string> env_strings = environment;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// Starts newswatch with `args`, as spawn_logged does; returns its pid.
inline pid_t spawn_newswatch(const std::vector<std::string>& args, const std::string& log,
                             const std::string& input = "",
                             const std::vector<std::string>& environment = {}) {
  pid_t pid = spawn_logged(NEWSWATCH_BINARY, args, log, input, environment);
  REQUIRE(pid > 0);
  return pid;
}

inline int exit_status(pid_t pid) {
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

// Waits (up to `seconds`) until `predicate` holds.
template <typename Predicate>
bool await(Predicate predicate, int seconds = 20) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return predicate();
}

// Runs `sqlite3 -readonly DB SQL` as a user reading while the daemon writes (no busy timeout),
// its output to `out`; true when it exits 0 and prints no error. `said` gets what it printed.
inline bool sqlite3_reads(const std::string& db, const std::string& sql, const std::string& out,
                          std::string* said = nullptr) {
  pid_t pid = spawn_logged("sqlite3", {"-readonly", db, sql}, out);
  int status = 1;
  if (pid > 0) waitpid(pid, &status, 0);
  std::ifstream printed(out, std::ios::binary);
  std::string text(std::istreambuf_iterator<char>(printed), {});
  bool ok = pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
            text.find("Error") == std::string::npos;
  if (said) *said = std::move(text);
  return ok;
}

}  // namespace newswatch::test
