// The event loop (DESIGN.md's EventLoop): the loop thread fetches due feeds (libcurl multi),
// keeps the schedule, reloads on SIGHUP, stops on SIGTERM/SIGINT and feeds the watchdog; it
// hands each fetched document to the Pipeline (daemon/pipeline.h), which parses, matches and
// stores it.
//
//   Poller (loop thread) ──submit()──► Pipeline: parser workers ──► writer (Store) ──► alerts
//
// The loop thread never parses and never touches SQLite, so a slow parse or a long write
// cannot stall fetching. Queues are bounded: a full queue pauses new transfers.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "daemon/clock.h"
#include "daemon/config.h"
#include "daemon/metrics.h"
#include "daemon/notifier.h"
#include "daemon/pipeline.h"
#include "daemon/scheduler.h"
#include "daemon/web_page.h"
#include "feeds/fetch.h"
#include "storage/feed_leases.h"
#include "storage/store.h"
#include "topics/matcher.h"

namespace newswatch {

class Poller {
 public:
  // Registers the configured feeds in `store` and loads their saved state. `stop_fd`, when
  // readable, ends run() (a signalfd in the daemon; -1 for none). `notifier`, if given, is
  // told of reloads, stops and each round, and fed from the loop.
  static Result<std::unique_ptr<Poller>> create(const Config& config, Store store,
                                                std::shared_ptr<const Matcher> matcher,
                                                const Clock& clock, int stop_fd,
                                                Notifier* notifier = nullptr);

  // One line on the feeds and the last round, for systemd's STATUS=.
  std::string status_line(const RoundStats& last) const;
  // The port the metrics endpoint listens on; 0 when [metrics] is off.
  int metrics_port() const { return metrics_server_ ? metrics_server_->port() : 0; }
  int web_port() const { return web_page_ ? web_page_->port() : 0; }
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Polls one round: every enabled feed when `all` (--once), else the feeds that are due.
  // Returns when everything fetched has been written.
  RoundStats poll_round(bool all);

  // Waits until the alerts handed to their actions so far have run, each within its timeout
  // (what --once does before it exits); false when a stop signal came first.
  bool wait_for_alerts();

  // A configuration to reload, with the topic packs it names.
  struct Reload {
    Config config;
    std::shared_ptr<const Matcher> matcher;
  };

  // Polls on schedule until SIGTERM or SIGINT arrives on `stop_fd` (a signalfd). On SIGHUP,
  // calls `reload_config` and applies what it returns; nullopt keeps the running one (it
  // has logged why).
  void run_until_stopped(const std::function<std::optional<Reload>()>& reload_config);

  // Applies a new configuration between rounds: feeds added or removed, intervals and
  // limits changed, the topic packs swapped; the state of feeds kept is kept.
  Result<void> reload(const Config& config, std::shared_ptr<const Matcher> matcher);

 private:
  Poller(const Config& config, Store store, std::shared_ptr<const Matcher> matcher,
         const Clock& clock, int stop_fd, Scheduler scheduler);
  void keep_alive();
  std::optional<std::chrono::milliseconds> keep_alive_interval() const;
  // How long a wait for the pipeline sleeps between feeding the watchdog.
  std::chrono::milliseconds wait_slice() const;

  struct FetchCounts {
    int submitted = 0, fetched = 0, not_modified = 0, failed = 0;
  };

  // The steps of poll_round(), on the loop thread.
  // Of the feeds at `due`, those this daemon may poll now: all of them, unless daemons share
  // a PostgreSQL database (leases_), where it polls those it claims and waits for the others.
  std::vector<std::size_t> claim(const std::vector<std::size_t>& due, UnixSeconds now, bool all);
  // Fetches the feeds at `due` (indexes into the schedule), each result recorded in the
  // schedule and submitted to the pipeline.
  FetchCounts fetch_due(const std::vector<std::size_t>& due);
  void log_fetch(const FetchResult& result, const FeedState& state,
                 const std::string& previous_error, UnixSeconds at);
  // Applies what became of the round's documents to the schedule, and hands the state of
  // each feed that changed to the pipeline to store; returns how many did.
  int record_outcomes(const std::vector<std::size_t>& due,
                      const std::vector<Pipeline::Outcome>& outcomes);
  // The round's log line, metrics and STATUS=.
  void finish_round(const RoundStats& stats, std::chrono::steady_clock::duration took);
  void warn_restart_only(const Config& config) const;
  Metrics::Snapshot metrics_snapshot();

  // Who touches what (ARCHITECTURE.md, "Threads and who owns what"). Set at construction and
  // never changed:
  const Clock& clock_;
  int stop_fd_;
  Notifier* notifier_ = nullptr;
  std::string database_;
  StoreOptions store_options_;
  std::optional<std::string> metrics_listen_;
  std::optional<std::string> web_listen_;

  // Shared, each safe as it says:
  // Bytes of documents between their first byte and their storing (memory_budget); its own
  // lock: the loop charges bodies, the writer gives them back.
  MemoryBudget budget_;
  Metrics metrics_;  // its own lock; the pipeline's threads count into it too
  std::mutex feeds_by_state_mutex_;
  std::map<std::string, int> feeds_by_state_;  // refreshed each round, read by /metrics

  // The loop thread's alone:
  int kept_since_start_ = 0;  // new articles over every round
  Scheduler scheduler_;
  std::unique_ptr<Fetcher> fetcher_;    // replaced on reload, between rounds
  std::unique_ptr<FeedLeases> leases_;  // PostgreSQL's claims, on a connection of its own
  // The hosts a round claims at most (not --once): twice as many as its transfers at once,
  // so that daemons sharing a database share out the feeds that fall due together.
  int hosts_per_round_ = 0;

  // The pipeline's threads and the metrics server's last: they start once the state above is
  // built, and stop first (the metrics server before them, in ~Poller).
  Pipeline pipeline_;
  std::unique_ptr<MetricsServer> metrics_server_;
  std::unique_ptr<WebPage> web_page_;
};

}  // namespace newswatch
