// What systemd is told about the daemon (sd_notify): ready, reloading, stopping, a status
// line, and the watchdog's keep-alive. Without NOTIFY_SOCKET (not run by systemd) every call
// is a no-op.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace newswatch {

class Notifier {
 public:
  Notifier();

  void ready(const std::string& status);
  void reloading();
  void stopping();
  void status(const std::string& status);

  // Sends WATCHDOG=1 when half the watchdog interval has passed since the last one; cheap to
  // call often. Call it from the event loop only, so that a stalled loop goes unpinged.
  void keep_alive();
  // How long the event loop may wait without calling keep_alive(); nullopt: no watchdog.
  std::optional<std::chrono::milliseconds> keep_alive_interval() const;

 private:
  void send(const std::string& state);
  std::optional<std::chrono::microseconds> watchdog_;
  std::chrono::steady_clock::time_point last_keep_alive_{};
};

}  // namespace newswatch
