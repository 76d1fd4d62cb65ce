// The order in which a round's fetches start: each host's requests in the order given, hosts
// taken in turn, and no more transfers at once to one host (name and port, as libcurl counts
// connections) than it allows. Publishers ban pollers that open many connections, and one
// slow host must not hold back the others.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

#include "feeds/fetch.h"

namespace newswatch {

// "host:port" as libcurl counts connections; the URL itself when it has no host.
std::string host_key(const std::string& url);

// Requests waiting to start, by host, handing out the next one whose host has room.
class StartQueue {
 public:
  // Queues every request of `requests`, allowing `per_host` (at least 1) under way per host.
  StartQueue(const std::vector<FetchRequest>& requests, int per_host);

  // A request that may start now, in order per host and round-robin across hosts.
  std::optional<std::size_t> next();
  // The request `index` (which next() handed out) is done: its host has room again.
  void finished(std::size_t index) { --active_[host_of_[index]]; }
  // Whether every request has been handed out.
  bool empty() const { return remaining_ == 0; }

 private:
  int per_host_;
  std::vector<std::size_t> host_of_;              // host id of each request
  std::vector<std::deque<std::size_t>> waiting_;  // request indices, by host id
  std::vector<int> active_;                       // transfers under way, by host id
  std::size_t cursor_ = 0;
  std::size_t remaining_ = 0;
};

}  // namespace newswatch
