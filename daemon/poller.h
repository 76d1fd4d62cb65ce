// The polling pipeline: the loop thread fetches due feeds (libcurl multi) and keeps the
// schedule; parser workers parse and match; one writer thread owns the database; an alert
// thread runs the [[alert]] actions the writer finds due after each round.
//
//   loop thread ──FetchJob──► parser workers ──ParsedBatch──► writer (Store) ──► alerts
//                                                                 ▲─────outcome────┘
//
// The loop thread never parses and never touches SQLite, so a slow parse or a long write
// cannot stall fetching. Queues are bounded: a full queue pauses new transfers.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <variant>
#include <vector>

#include "daemon/alerts.h"
#include "daemon/bounded_queue.h"
#include "daemon/clock.h"
#include "daemon/config.h"
#include "daemon/metrics.h"
#include "daemon/notifier.h"
#include "daemon/scheduler.h"
#include "feeds/fetch.h"
#include "storage/store.h"
#include "topics/matcher.h"

namespace newswatch {

struct RoundStats {
  int feeds = 0;
  int fetched = 0;       // 2xx responses
  int not_modified = 0;  // 304
  int failed = 0;        // transport errors, HTTP errors, unparseable documents
  int items = 0;         // items parsed
  int matched = 0;       // items the topic pack kept
  int new_articles = 0;
  int new_sightings = 0;
  int merged_stories = 0;       // stories found to be one event once the round was stored
  int forgotten_unmatched = 0;  // unmatched items past retention_days
  int alerts_due = 0;           // alerts handed to their actions after the round
  int unstored = 0;             // documents parsed but not stored: the database failed
};

// What a parser worker makes of a parsed item before it is stored: its text cut to what an
// article keeps, and the topics it matches.
MatchedItem matched_item(Item item, const Matcher& matcher);
// matched_item(), with what the writer stores beside the text worked out too (prepare_item),
// off the writer thread; the text is folded once for both.
MatchedItem prepared_item(Item item, const Matcher& matcher, const FeedState& feed,
                          UnixSeconds fetched_at);

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
  struct FetchJob {
    FeedState state;
    FetchResult result;
    UnixSeconds fetched_at;
  };
  Poller(const Config& config, Store store, std::shared_ptr<const Matcher> matcher,
         const Clock& clock, int stop_fd, Scheduler scheduler);
  void parse_worker();
  // Records that a fetched document could not be parsed or stored (any thread).
  void set_back(FeedState& state, const std::string& reason);
  // Says, once per feed at warn, that a document had more than max_items items (any thread).
  void warn_capped(const std::string& url, int items);
  void report_outcome(const std::string& url, std::optional<std::string> failure, FeedHints hints,
                      bool unstored = false);
  // A batch the database could not take (full, read-only, locked): logged once per kind of
  // failure (the database's words), its feed fetched again soon.
  void not_stored(const ParsedBatch& batch, const std::string& kind);
  void writer();
  void wait_written(int expected);
  void keep_alive();
  std::optional<std::chrono::milliseconds> keep_alive_interval() const;

  // What the writer does: store a batch; at the end of a round, cluster its stories and find
  // the alerts due; record what an alert's action did.
  struct EndOfRound {};
  struct StoreBatch {
    ParsedBatch batch;
    MemoryBudget::Lease memory;  // the document's share, given back once it is stored
  };
  using WriteJob = std::variant<StoreBatch, EndOfRound, AlertOutcome>;
  // What became of each 2xx document; the loop thread applies them to the schedule after
  // the round.
  struct Outcome {
    std::string url;
    std::optional<std::string> failure;  // why it was not parsed or stored; nullopt if it was
    FeedHints hints;                     // when parsed
    bool unstored = false;               // the database failed, not the feed
  };
  // Batches waiting for the writer are stored together, in one transaction, up to this many:
  // a round of 200 feeds commits some tens of times instead of 400.
  static constexpr std::size_t kBatchesPerTransaction = 8;
  // A batch holds every item of its document, matched or not (each is stored), with its
  // text: about as much as the document. A writer behind the parsers holds this many
  // waiting, and the group it writes: more would not make its transactions larger, only the
  // round's peak.
  static constexpr std::size_t kPendingBatches = kBatchesPerTransaction;
  struct FetchCounts {
    int submitted = 0, fetched = 0, not_modified = 0, failed = 0;
  };

  // The steps of poll_round(), on the loop thread.
  // Fetches the feeds at `due` (indexes into the schedule), each result recorded in the
  // schedule and queued for a parser.
  FetchCounts fetch_due(const std::vector<std::size_t>& due);
  void log_fetch(const FetchResult& result, const FeedState& state,
                 const std::string& previous_error, UnixSeconds at);
  // Applies what became of the round's documents to the schedule, and queues the state of
  // each feed that changed for the writer; returns how many did.
  int record_outcomes(const std::vector<std::size_t>& due, const std::vector<Outcome>& outcomes);
  // The round's log line, metrics and STATUS=.
  void finish_round(const RoundStats& stats, std::chrono::steady_clock::duration took);
  // The writer's work beside storing batches.
  void end_round_in_writer();
  void record_alert_in_writer(const AlertOutcome& outcome);
  void set_alerts(const Config& config);
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

  // Shared, each safe as it says:
  // Bytes of documents between their first byte and their storing (memory_budget); its own
  // lock: the loop charges bodies, the writer gives them back.
  MemoryBudget budget_;
  std::atomic<int> max_items_{1000};  // per document; set by reloads, read by parsers
  // How long unmatched items are remembered; 0: for good. Set by reloads, read by the writer.
  std::atomic<std::int64_t> unmatched_retention_s_{0};
  std::atomic<std::int64_t> alert_retry_base_s_{60};  // set by reloads, read by the writer
  std::mutex matcher_mutex_;                          // guards matcher_: a reload swaps it
  std::shared_ptr<const Matcher> matcher_;            // parsers copy the pointer and match unlocked
  BoundedQueue<FetchJob> parse_queue_;                // loop -> parsers
  BoundedQueue<WriteJob> write_queue_;                // parsers, loop, alert thread -> writer
  // [[alert]] hooks as configured now (a reload replaces them), read by writer and alerts.
  std::mutex alerts_mutex_;  // guards alert_rules_, alert_actions_
  std::vector<AlertRule> alert_rules_;
  std::map<std::string, AlertAction> alert_actions_;
  Metrics metrics_;         // its own lock
  std::mutex stats_mutex_;  // guards what follows, down to capped_feeds_
  std::condition_variable written_;
  RoundStats round_;
  int written_count_ = 0;
  std::vector<Outcome> outcomes_;
  std::map<std::string, int> feeds_by_state_;  // refreshed each round, read by /metrics
  std::set<std::string> capped_feeds_;         // warned of max_items

  // The loop thread's alone:
  int kept_since_start_ = 0;  // new articles over every round
  Scheduler scheduler_;
  std::unique_ptr<Fetcher> fetcher_;  // replaced on reload, between rounds

  // The writer thread's alone (construction and destruction aside):
  Store store_;
  std::string storage_failure_;  // its last failure; empty once a write succeeds
  std::set<std::pair<std::string, std::int64_t>> alerts_in_flight_;

  // Threads and servers last: they start once the state above is built, and stop first.
  std::unique_ptr<AlertDispatcher> dispatcher_;
  std::unique_ptr<MetricsServer> metrics_server_;
  std::vector<std::thread> threads_;
};

}  // namespace newswatch
