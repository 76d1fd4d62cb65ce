// What a running daemon's log says, as tests wait for it: the port a server of its listens on,
// and how many poll rounds it has finished.
#pragma once

#include <catch2/catch.hpp>
#include <regex>
#include <string>

#include "integration/process.h"
#include "test_support.h"

namespace newswatch::test {

// The port of the server the daemon logging to `log` announces as "WHAT at http://... (port
// N)" ("metrics", "web page"), once it has; up to `seconds`.
inline int logged_port(const std::string& log, const std::string& what, int seconds = 20) {
  int port = 0;
  REQUIRE(await(
      [&] {
        std::smatch m;
        std::string text = read_file(log);
        if (!std::regex_search(text, m, std::regex(what + " at http://[^ ]+ \\(port ([0-9]+)\\)")))
          return false;
        port = std::stoi(m[1]);
        return true;
      },
      seconds));
  return port;
}

inline int rounds_in(const std::string& log_text) {
  int rounds = 0;
  for (std::size_t at = log_text.find("poll round:"); at != std::string::npos;
       at = log_text.find("poll round:", at + 1))
    ++rounds;
  return rounds;
}

// Waits until the daemon logging to `log` has finished `more` rounds beyond now.
inline void await_rounds(const std::string& log, int more, int seconds = 30) {
  int target = rounds_in(read_file(log)) + more;
  REQUIRE(await([&] { return rounds_in(read_file(log)) >= target; }, seconds));
}

}  // namespace newswatch::test
