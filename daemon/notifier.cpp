#include "daemon/notifier.h"

#include <systemd/sd-daemon.h>
#include <time.h>

namespace newswatch {

Notifier::Notifier() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) watchdog_ = std::chrono::microseconds(usec);
}

void Notifier::send(const std::string& state) { sd_notify(0, state.c_str()); }

void Notifier::ready(const std::string& status) {
  send("READY=1\nSTATUS=" + status);
  keep_alive();
}

void Notifier::reloading() {
  // MONOTONIC_USEC lets systemd 253's Type=notify-reload match the reload to this message.
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  auto usec = static_cast<long long>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=reloading");
}

void Notifier::stopping() { send("STOPPING=1\nSTATUS=stopping"); }

void Notifier::status(const std::string& status) { send("STATUS=" + status); }

void Notifier::keep_alive() {
  if (!watchdog_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_keep_alive_ < *watchdog_ / 2) return;
  last_keep_alive_ = now;
  send("WATCHDOG=1");
}

std::optional<std::chrono::milliseconds> Notifier::keep_alive_interval() const {
  if (!watchdog_) return std::nullopt;
  // A quarter of the interval: the loop's own work between checks cannot eat the margin.
  return std::chrono::duration_cast<std::chrono::milliseconds>(*watchdog_ / 4);
}

}  // namespace newswatch
