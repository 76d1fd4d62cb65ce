#include "daemon/alerts.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

extern char** environ;

namespace newswatch {
namespace {

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ",") + v;
  return out;
}

std::string run_program(const AlertAction& action, const DueAlert& alert) {
  std::vector<std::string> env_strings = {
      "NEWSWATCH_ALERT=" + alert.hook,
      "NEWSWATCH_STORY_ID=" + std::to_string(alert.story_id),
      "NEWSWATCH_TITLE=" + alert.title,
      "NEWSWATCH_TOPICS=" + joined(alert.topics),
      "NEWSWATCH_OUTLETS=" + joined(alert.outlets),
      "NEWSWATCH_URL=" + (alert.urls.empty() ? std::string() : alert.urls.front())};
  for (char** e = environ; *e; ++e) {
    if (std::strncmp(*e, "NEWSWATCH_", 10) != 0) env_strings.emplace_back(*e);
  }
  std::vector<char*> envp, argv;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = action.exec;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int in[2];
  if (pipe2(in, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_adddup2(&files, in[0], 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &files, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&files);
  close(in[0]);
  if (rc != 0) {
    close(in[1]);
    return action.exec.front() + ": " + std::strerror(rc);
  }
  // The story on stdin; a program that does not read it all is no failure.
  signal(SIGPIPE, SIG_IGN);
  const std::string& json = alert.json;
  for (std::size_t written = 0; written < json.size();) {
    ssize_t n = write(in[1], json.data() + written, json.size() - written);
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  close(in[1]);
  auto deadline = std::chrono::steady_clock::now() + action.timeout;
  int status = 0;
  for (;;) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return action.exec.front() + ": no exit within " + std::to_string(action.timeout.count()) +
             " s; killed";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  if (WIFEXITED(status))
    return action.exec.front() + ": exit status " + std::to_string(WEXITSTATUS(status));
  return action.exec.front() + ": killed by signal " + std::to_string(WTERMSIG(status));
}

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

std::string post_webhook(const AlertAction& action, const DueAlert& alert) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return "curl_easy_init failed";
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(
      curl_slist_append(nullptr, "Content-Type: application/json"), curl_slist_free_all);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, action.webhook.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, alert.json.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(alert.json.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(action.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_USERAGENT, "newswatch/" NEWSWATCH_VERSION);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) return action.webhook + ": " + curl_easy_strerror(code);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) return action.webhook + ": HTTP " + std::to_string(status);
  return "";
}

}  // namespace

AlertOutcome run_alert(const AlertAction& action, const DueAlert& alert) {
  AlertOutcome outcome{alert.hook, alert.story_id, alert.attempts, ""};
  outcome.error = action.exec.empty() ? post_webhook(action, alert) : run_program(action, alert);
  return outcome;
}

std::int64_t alert_retry_delay(int failed_attempts, std::int64_t base) {
  std::int64_t delay = std::max<std::int64_t>(base, 1);
  for (int i = 1; i < failed_attempts && delay < 3600; ++i) delay *= 2;
  return std::min<std::int64_t>(delay, 3600);
}

AlertDispatcher::AlertDispatcher(Lookup action_of, std::function<void(AlertOutcome)> done)
    : action_of_(std::move(action_of)), done_(std::move(done)), thread_([this] {
        while (auto alert = queue_.pop()) {
          if (stopping_) continue;  // left pending: sent after a restart
          auto action = action_of_(alert->hook);
          if (!action) continue;  // the hook was removed by a reload: it stays pending
          done_(run_alert(*action, *alert));
        }
      }) {}

AlertDispatcher::~AlertDispatcher() {
  stopping_ = true;
  queue_.close();
  thread_.join();
}

void AlertDispatcher::send(DueAlert alert) { queue_.push(std::move(alert)); }

}  // namespace newswatch
