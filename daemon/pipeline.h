// The pipeline behind the event loop (Poller): parser workers parse and match each fetched
// document; one writer thread owns the database; an alert thread runs the [[alert]] actions
// the writer finds due after each round.
//
//   Poller ──submit()──► parse_queue_ ──► parser workers ──► write_queue_ ──► writer (Store)
//                                                                 ▲                │
//                                                    AlertOutcome └── alerts ◄─────┘
//
// The relation is one way: the loop calls the pipeline, the pipeline never calls the loop.
// What the loop needs back (how many items, what became of each document) it asks for once
// the round is written.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "daemon/alerts.h"
#include "daemon/bounded_queue.h"
#include "daemon/clock.h"
#include "daemon/config.h"
#include "daemon/metrics.h"
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

class Pipeline {
 public:
  // Starts the parser workers and the writer; `store` becomes the writer's. `metrics` must
  // outlive the pipeline.
  Pipeline(const Config& config, Store store, std::shared_ptr<const Matcher> matcher,
           const Clock& clock, Metrics& metrics);
  // Parsers finish the documents queued, the alert under way is stopped, the writer stores
  // what is queued.
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // What became of each 2xx document; the loop applies them to the schedule after the round.
  struct Outcome {
    std::string url;
    std::optional<std::string> failure;  // why it was not parsed or stored; nullopt if it was
    FeedHints hints;                     // when parsed
    bool unstored = false;               // the database failed, not the feed
  };
  // What the parsers and the writer counted of the round so far, and the outcomes.
  struct Written {
    RoundStats stats;
    std::vector<Outcome> outcomes;
  };

  // The loop's side of a round, in this order: begin_round(); submit() each fetched
  // document, hand_on() while fetching and hand_on_all() after; wait_written() for them;
  // store_state() of each feed whose outcome changed it; end_round().
  void begin_round(int feeds);
  // Never waits: a document the parse queue has no room for is held, in order, until
  // hand_on() finds room, so that the loop goes on reading the transfers in flight while the
  // parsers wait for a writer that is behind (their bodies stay in the memory budget).
  void submit(FeedState state, FetchResult result, UnixSeconds fetched_at);
  // Moves held documents into the parse queue while it has room; true when none is held.
  bool hand_on();
  // Waits until no document is held, calling `keep_alive` every `slice`.
  void hand_on_all(std::chrono::milliseconds slice, const std::function<void()>& keep_alive);
  // Waits until `expected` documents and states of this round are written, calling
  // `keep_alive` every `slice` (a long write is not a stalled loop); takes the outcomes.
  Written wait_written(int expected, std::chrono::milliseconds slice,
                       const std::function<void()>& keep_alive);
  void store_state(FeedState state, UnixSeconds at);
  // Clusters the round's stories, forgets what is past retention and hands out the alerts
  // due, once `expected` (everything submitted and stored this round) is written and this
  // too; returns the round's counts.
  RoundStats end_round(int expected, std::chrono::milliseconds slice,
                       const std::function<void()>& keep_alive);

  // A reload's share: the limits the parsers and the writer read, the topic packs, the
  // [[alert]] rules and actions.
  void set_limits(const Config& config);
  void set_matcher(std::shared_ptr<const Matcher> matcher);
  void set_alerts(const Config& config);

  // Waits until the alerts handed to their actions so far have run; false when `stop_fd`
  // became readable first.
  bool wait_for_alerts(int stop_fd);

 private:
  struct FetchJob {
    FeedState state;
    FetchResult result;
    UnixSeconds fetched_at;
  };
  // What the writer does: store a batch; at the end of a round, cluster its stories and find
  // the alerts due; record what an alert's action did.
  struct EndOfRound {};
  struct StoreBatch {
    ParsedBatch batch;
    MemoryBudget::Lease memory;  // the document's share, given back once it is stored
  };
  using WriteJob = std::variant<StoreBatch, EndOfRound, AlertOutcome>;
  // Batches waiting for the writer are stored together, in one transaction, up to this many:
  // a round of 200 feeds commits some tens of times instead of 400.
  static constexpr std::size_t kBatchesPerTransaction = 8;
  // A batch holds every item of its document, matched or not (each is stored), with its
  // text: about as much as the document. A writer behind the parsers holds this many
  // waiting, and the group it writes: more would not make its transactions larger, only the
  // round's peak.
  static constexpr std::size_t kPendingBatches = kBatchesPerTransaction;

  void wait_for(int expected, std::chrono::milliseconds slice,
                const std::function<void()>& keep_alive);
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
  // `first` and the batches waiting behind it that one transaction takes; `bytes`: their
  // documents' share of the memory budget.
  std::vector<StoreBatch> group_for_transaction(StoreBatch& first, std::size_t& bytes);
  // The writer's work beside storing batches.
  void end_round_in_writer();
  void record_alert_in_writer(const AlertOutcome& outcome);

  // Who touches what (ARCHITECTURE.md, "Threads and who owns what"). Set at construction and
  // never changed:
  const Clock& clock_;
  Metrics& metrics_;  // its own lock
  std::string database_;
  std::size_t wal_limit_;

  // Shared, each safe as it says:
  std::atomic<int> max_items_{1000};  // per document; set by reloads, read by parsers
  // How long unmatched items are remembered; 0: for good. Set by reloads, read by the writer.
  std::atomic<std::int64_t> unmatched_retention_s_{0};
  std::atomic<std::int64_t> alert_retry_base_s_{60};  // set by reloads, read by the writer
  std::mutex matcher_mutex_;                          // guards matcher_: a reload swaps it
  std::shared_ptr<const Matcher> matcher_;            // parsers copy the pointer and match unlocked
  BoundedQueue<FetchJob> parse_queue_;                // loop -> parsers
  std::deque<FetchJob> held_;           // the loop's alone: submitted, not yet in parse_queue_
  BoundedQueue<WriteJob> write_queue_;  // parsers, loop, alert thread -> writer
  // [[alert]] hooks as configured now (a reload replaces them), read by writer and alerts.
  std::mutex alerts_mutex_;  // guards alert_rules_, alert_actions_
  std::vector<AlertRule> alert_rules_;
  std::map<std::string, AlertAction> alert_actions_;
  std::mutex stats_mutex_;  // guards what follows, down to capped_feeds_
  std::condition_variable written_;
  RoundStats round_;
  int written_count_ = 0;
  std::vector<Outcome> outcomes_;
  std::set<std::string> capped_feeds_;  // warned of max_items

  // The writer thread's alone (construction and destruction aside):
  Store store_;
  std::string storage_failure_;  // its last failure; empty once a write succeeds
  std::set<std::pair<std::string, std::int64_t>> alerts_in_flight_;
  // The most a transaction has written to the log per byte of its documents: 8 until one
  // writes more (documents of a few small relevant items write about that much).
  double log_per_document_byte_ = 8;

  // Threads last: they start once the state above is built, and stop first.
  std::unique_ptr<AlertDispatcher> dispatcher_;
  std::vector<std::thread> threads_;
};

}  // namespace newswatch
