// The service manager's end of sd_notify, for tests that play systemd: a unix datagram socket
// bound where NOTIFY_SOCKET will point, and the messages it received, each with when.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

namespace newswatch::test {

using Clock = std::chrono::steady_clock;

class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    timeval timeout{0, 100'000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~NotifySocket() { close(fd_); }

  struct Message {
    Clock::time_point at;
    std::string text;
  };

  // Collects messages until one contains `wanted` (returns true) or `seconds` pass.
  bool await(const std::string& wanted, int seconds) {
    auto deadline = Clock::now() + std::chrono::seconds(seconds);
    while (Clock::now() < deadline) {
      char buffer[4096];
      ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      messages.push_back({Clock::now(), std::string(buffer, static_cast<std::size_t>(n))});
      if (messages.back().text.find(wanted) != std::string::npos) return true;
    }
    return false;
  }

  std::vector<Message> messages;

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace newswatch::test
