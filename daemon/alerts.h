// Alert actions: telling someone that a story broke. Each [[alert]] hook runs a program (no
// shell; the story as JSON on its stdin, its key fields in NEWSWATCH_* environment
// variables) or POSTs the same JSON to a webhook, within a timeout that nothing a hook does
// can stretch. Which stories fire, once, is the store's business (Store::due_alerts); what a
// hook receives is the hook contract's (hook_contract.h); this runs the actions, off the
// writer thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/unique_fd.h"
#include "daemon/bounded_queue.h"
#include "storage/store.h"

namespace newswatch {

struct AlertAction {
  std::vector<std::string> exec;  // program and arguments; empty for a webhook
  std::string webhook;            // http(s) URL; empty for a program
  std::chrono::seconds timeout{10};
};

struct AlertOutcome {
  std::string hook;
  std::int64_t story_id = 0;
  int attempts = 0;          // failed before this one
  std::string error;         // empty: sent
  bool interrupted = false;  // stopped by `cancel_fd`: neither sent nor failed
};

// Runs one alert's action and says how it went: a program that exits 0, or a webhook that
// answers 2xx, has sent it. Returns by the action's timeout whatever the action does (a
// program that never reads its stdin, or never exits, is killed with its process group),
// and soon after `cancel_fd` (if >= 0) becomes readable. A program starts with no signal
// blocked or ignored, in a process group of its own, with only stdin, stdout and stderr
// open.
AlertOutcome run_alert(const AlertAction& action, const DueAlert& alert, int cancel_fd = -1);

// When to try a failed alert again, in seconds: `base` after the first failure, doubling,
// at most an hour.
std::int64_t alert_retry_delay(int failed_attempts, std::int64_t base);

// A thread that runs alert actions one at a time and hands each outcome to `done`.
class AlertDispatcher {
 public:
  // The action of a hook, as configured now; nullopt once a reload removed the hook.
  using Lookup = std::function<std::optional<AlertAction>(const std::string& hook)>;
  AlertDispatcher(Lookup action_of, std::function<void(AlertOutcome)> done);
  // Stops the action under way and drops the rest: they stay pending, sent after a restart.
  ~AlertDispatcher();
  AlertDispatcher(const AlertDispatcher&) = delete;
  AlertDispatcher& operator=(const AlertDispatcher&) = delete;

  void send(DueAlert alert);

  // Waits until every alert sent so far has been run (each within its timeout); false when
  // `stop_fd` (if >= 0) became readable first.
  bool wait_idle(int stop_fd);

 private:
  Lookup action_of_;
  std::function<void(AlertOutcome)> done_;
  std::atomic<bool> stopping_{false};
  UniqueFd cancel_fd_;  // an eventfd, readable once stopping
  std::mutex mutex_;
  std::condition_variable idle_;
  int unfinished_ = 0;                      // sent, not yet run
  BoundedQueue<DueAlert> queue_{1u << 20};  // alerts are few; never blocks the writer
  std::thread thread_;
};

}  // namespace newswatch
