#include "daemon/alerts.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "base/unique_fd.h"
#include "daemon/hook_contract.h"
#include "feeds/shown_text.h"

extern char** environ;

namespace newswatch {
namespace {

using Clock = std::chrono::steady_clock;

// How long a program stopped by a cancel has to finish after SIGTERM, before SIGKILL.
constexpr std::chrono::milliseconds kStopGrace{1000};

bool readable(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

// A hook program while it runs: spawned clean, fed its stdin without ever blocking, and
// always reaped.
class HookProcess {
 public:
  // Starts `argv` with `envp`; on failure returns the reason.
  std::string spawn(std::vector<char*>& argv, std::vector<char*>& envp) {
    int in[2];
    if (pipe2(in, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
    UniqueFd read_end(in[0]);
    stdin_ = std::make_unique<UniqueFd>(in[1]);
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_adddup2(&files, in[0], 0);
    // Only stdin, stdout and stderr: no database, socket or pipe of the daemon's.
    posix_spawn_file_actions_addclosefrom_np(&files, 3);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // The daemon blocks the signals it reads from a signalfd and ignores SIGPIPE; a hook
    // starts as any program does. Its own process group lets a timeout end its children too.
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(
        &attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    int rc = posix_spawn(&pid_, argv[0], &files, &attributes, argv.data(), envp.data());
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&files);
    if (rc != 0) {
      pid_ = -1;
      return std::strerror(rc);
    }
    exit_fd_ = std::make_unique<UniqueFd>(
        static_cast<int>(syscall(SYS_pidfd_open, pid_, 0)));  // -1 before Linux 5.3
    return "";
  }

  ~HookProcess() {
    if (pid_ > 0 && !exited_) stop(std::chrono::milliseconds(0));
  }

  // Writes `input` to the program's stdin as it reads it, and closes it after, until the
  // program exits (true), `deadline` passes or `cancel_fd` becomes readable (false). A
  // program that stops reading is no failure: what it left unread is dropped.
  bool feed_until_exit(std::string_view input, Clock::time_point deadline, int cancel_fd) {
    std::size_t written = 0;
    if (input.empty()) stdin_->reset();
    for (;;) {
      if (reaped()) return true;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      pollfd fds[3];
      nfds_t n = 0;
      int stdin_slot = -1, cancel_slot = -1;
      if (stdin_->get() >= 0) {
        stdin_slot = static_cast<int>(n);
        fds[n++] = {stdin_->get(), POLLOUT, 0};
      }
      if (exit_fd_->get() >= 0) fds[n++] = {exit_fd_->get(), POLLIN, 0};
      if (cancel_fd >= 0) {
        cancel_slot = static_cast<int>(n);
        fds[n++] = {cancel_fd, POLLIN, 0};
      }
      // Without a pidfd, the exit is looked for every 20 ms.
      auto wait = exit_fd_->get() >= 0 ? left.count() : std::min<long>(left.count(), 20);
      if (poll(fds, n, static_cast<int>(wait)) < 0 && errno != EINTR) return false;
      if (cancel_slot >= 0 && (fds[cancel_slot].revents & POLLIN)) return false;
      if (stdin_slot >= 0 && fds[stdin_slot].revents) {
        ssize_t sent = write(stdin_->get(), input.data() + written, input.size() - written);
        if (sent > 0) written += static_cast<std::size_t>(sent);
        if ((sent < 0 && errno != EAGAIN && errno != EINTR) || written == input.size())
          stdin_->reset();  // all written, or the program closed its end (EPIPE)
      }
    }
  }

  // Ends the program and everything in its process group: SIGTERM, then SIGKILL after
  // `grace`.
  void stop(std::chrono::milliseconds grace) {
    if (grace.count() > 0 && !reaped()) {
      kill(-pid_, SIGTERM);
      auto deadline = Clock::now() + grace;
      while (!reaped() && Clock::now() < deadline) {
        pollfd fd{exit_fd_->get(), POLLIN, 0};
        poll(&fd, exit_fd_->get() >= 0 ? 1 : 0, 20);
      }
    }
    if (!exited_) kill(-pid_, SIGKILL);
    if (!exited_ && waitpid(pid_, &status_, 0) == pid_) exited_ = true;
    kill(-pid_, SIGKILL);  // what the program left behind in its group
  }

  int status() const { return status_; }

 private:
  bool reaped() {
    if (!exited_ && waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
    return exited_;
  }

  pid_t pid_ = -1;
  bool exited_ = false;
  int status_ = 0;
  std::unique_ptr<UniqueFd> stdin_, exit_fd_;
};

std::string run_program(const AlertAction& action, const DueAlert& alert, const std::string& json,
                        int cancel_fd, bool& interrupted) {
  std::vector<std::string> env_strings = hook_environment(alert, environ);
  std::vector<char*> envp, argv;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = action.exec;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // A write to a program that closed its stdin must fail with EPIPE, not end the daemon.
  static std::once_flag pipe_signal_ignored;
  std::call_once(pipe_signal_ignored, [] { signal(SIGPIPE, SIG_IGN); });
  const std::string& program = action.exec.front();
  auto deadline = Clock::now() + action.timeout;
  HookProcess process;
  if (std::string error = process.spawn(argv, envp); !error.empty()) return program + ": " + error;
  if (!process.feed_until_exit(json, deadline, cancel_fd)) {
    if (readable(cancel_fd)) {
      process.stop(kStopGrace);
      interrupted = true;
      return program + ": stopped, newswatch is stopping";
    }
    process.stop(std::chrono::milliseconds(0));
    return program + ": no exit within " + std::to_string(action.timeout.count()) + " s; killed";
  }
  int status = process.status();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  if (WIFEXITED(status)) return program + ": exit status " + std::to_string(WEXITSTATUS(status));
  return program + ": killed by signal " + std::to_string(WTERMSIG(status));
}

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

// Aborts a webhook's transfer once the dispatcher is stopping.
int cancelled(void* cancel_fd, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return readable(*static_cast<int*>(cancel_fd)) ? 1 : 0;
}

// Errors name the webhook by its origin: its path is often a secret token.
std::string post_webhook(const AlertAction& action, const std::string& json, int cancel_fd,
                         bool& interrupted) {
  std::string shown = url_origin(action.webhook);
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return "curl_easy_init failed";
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(
      curl_slist_append(nullptr, "Content-Type: application/json"), curl_slist_free_all);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, action.webhook.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, json.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(json.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(action.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_USERAGENT, "newswatch/" NEWSWATCH_VERSION);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, cancelled);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &cancel_fd);
  CURLcode code = curl_easy_perform(c);
  if (code == CURLE_ABORTED_BY_CALLBACK) {
    interrupted = true;
    return shown + ": stopped, newswatch is stopping";
  }
  if (code != CURLE_OK) return shown + ": " + curl_easy_strerror(code);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) return shown + ": HTTP " + std::to_string(status);
  return "";
}

}  // namespace

AlertOutcome run_alert(const AlertAction& action, const DueAlert& alert, int cancel_fd) {
  AlertOutcome outcome{alert.hook, alert.story_id, alert.attempts, "", false};
  std::string json = hook_json(alert);
  outcome.error = action.exec.empty()
                      ? post_webhook(action, json, cancel_fd, outcome.interrupted)
                      : run_program(action, alert, json, cancel_fd, outcome.interrupted);
  return outcome;
}

std::int64_t alert_retry_delay(int failed_attempts, std::int64_t base) {
  std::int64_t delay = std::max<std::int64_t>(base, 1);
  for (int i = 1; i < failed_attempts && delay < 3600; ++i) delay *= 2;
  return std::min<std::int64_t>(delay, 3600);
}

AlertDispatcher::AlertDispatcher(Lookup action_of, std::function<void(AlertOutcome)> done)
    : action_of_(std::move(action_of)),
      done_(std::move(done)),
      cancel_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  thread_ = std::thread([this] {
    while (auto alert = queue_.pop()) {
      // Left pending when stopping, or when a reload removed the hook: sent after a restart.
      auto action = stopping_ ? std::nullopt : action_of_(alert->hook);
      if (action) {
        AlertOutcome outcome = run_alert(*action, *alert, cancel_fd_.get());
        if (!outcome.interrupted) done_(std::move(outcome));
      }
      std::lock_guard lock(mutex_);
      --unfinished_;
      idle_.notify_all();
    }
  });
}

AlertDispatcher::~AlertDispatcher() {
  stopping_ = true;
  std::uint64_t one = 1;
  if (cancel_fd_.get() >= 0) {
    // An eventfd write fails only when its counter would overflow, which one write cannot
    // do. (A (void) cast does not silence warn_unused_result under _FORTIFY_SOURCE.)
    [[maybe_unused]] ssize_t written = write(cancel_fd_.get(), &one, sizeof one);
  }
  queue_.close();
  thread_.join();
}

void AlertDispatcher::send(DueAlert alert) {
  {
    std::lock_guard lock(mutex_);
    ++unfinished_;
  }
  queue_.push(std::move(alert));
}

bool AlertDispatcher::wait_idle(int stop_fd) {
  std::unique_lock lock(mutex_);
  while (!idle_.wait_for(lock, std::chrono::milliseconds(100), [&] { return unfinished_ == 0; })) {
    if (readable(stop_fd)) return false;
  }
  return true;
}

}  // namespace newswatch
