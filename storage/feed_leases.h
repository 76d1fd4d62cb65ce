// Which daemon polls what, when several share one PostgreSQL database (issue 22). Before a
// round, a daemon claims what it wants to fetch, in one transaction on a connection of its own
// (the poll loop's; the writer has the store's):
//   hosts  each host of the round (host:port, as libcurl counts connections) it does not
//          already hold, unless another daemon's lease on it is still running: one daemon at
//          a time fetches from a host, within its own per_host limit, so that the limit holds
//          across daemons; released when the round ends (release_hosts);
//   feeds  of those hosts, each due one (next_poll_at) that no other daemon holds, with a
//          lease until one interval from now, FOR UPDATE SKIP LOCKED: a feed is polled by one
//          daemon, and a dead daemon's feeds return within one interval. Saving the feed's
//          state (the store's writer) clears its lease.
// A claimed feed's state is the database's, so that a daemon polls with the validators and
// backoff another left; for a feed not claimed, the claim says when to ask again.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "storage/parsed_batch.h"

namespace newswatch {

namespace sql {
class Connection;
}

class FeedLeases {
 public:
  // Connects to the PostgreSQL database `database` (a postgresql:// URI).
  static Result<std::unique_ptr<FeedLeases>> open(const std::string& database);
  // Hands back the feeds it claimed and did not poll, and its hosts.
  ~FeedLeases();
  FeedLeases(const FeedLeases&) = delete;
  FeedLeases& operator=(const FeedLeases&) = delete;

  struct Wanted {
    std::string url;        // the feed, as configured
    std::string host;       // host_key() of where it is fetched from
    UnixSeconds until = 0;  // the lease to take: now + its interval
  };
  struct Claim {
    std::vector<FeedState> claimed;  // the database's state of each feed claimed
    // The feeds not claimed, with their state, and when to ask for each again: its next poll,
    // or when another daemon's lease on it runs out, or a minute on when another daemon holds
    // its host, whichever is latest.
    std::vector<std::pair<FeedState, UnixSeconds>> later;
  };
  // Claims what of `wanted` is this daemon's to poll at `now`: due feeds, or every feed when
  // `ignore_schedule` (--once); never one another daemon holds. With `max_hosts` (> 0), the
  // feeds of that many hosts at most, so that the daemons share out a long round; the
  // others are asked for again a second later.
  Result<Claim> claim(const std::vector<Wanted>& wanted, UnixSeconds now, bool ignore_schedule,
                      int max_hosts = 0);
  // The round has ended: its hosts are free for the other daemons.
  Result<void> release_hosts();

  const std::string& holder() const { return holder_; }

 private:
  FeedLeases(std::unique_ptr<sql::Connection> db, std::string holder);

  std::unique_ptr<sql::Connection> db_;
  std::string holder_;
};

}  // namespace newswatch
