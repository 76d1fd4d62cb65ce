// The pipeline's threads: parser workers read, match and prepare each fetched document's
// items; the writer stores batches, ends rounds (clustering, forgetting, the alerts due) and
// records what alert actions did. The loop thread's side is poller.cpp.
#include "daemon/pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "base/utf8.h"
#include "daemon/config_options.h"
#include "feeds/encoding.h"
#include "feeds/parser.h"
#include "feeds/shown_text.h"
#include "storage/database_name.h"

namespace newswatch {
namespace {

// What an article keeps of its summary and of its content. A long article is some tens of
// KiB; more is padding or an attack, and would cost the full-text index memory in
// proportion: FTS5 holds all the terms of a row in memory until the row is written.
constexpr std::size_t kStoredTextBytes = 256u << 10;
// Fetched bodies wait here for a parser: at most this many per worker, so memory stays
// bounded by workers x body cap however many feeds there are.
constexpr std::size_t kBodiesPerWorker = 2;

unsigned parser_workers() { return std::max(1u, std::thread::hardware_concurrency()); }

void keep_stored_text(std::string& text) {
  if (text.size() <= kStoredTextBytes) return;
  text.resize(utf8_prefix_length(text, kStoredTextBytes));
  text.shrink_to_fit();
}

}  // namespace

MatchedItem matched_item(Item item, const Matcher& matcher) {
  keep_stored_text(item.summary);
  keep_stored_text(item.content);
  MatchSet matches = matcher.match(item);
  return {std::move(item), std::move(matches), std::nullopt};
}

MatchedItem prepared_item(Item item, const Matcher& matcher, const FeedState& feed,
                          UnixSeconds fetched_at) {
  keep_stored_text(item.summary);
  keep_stored_text(item.content);
  // Folded once, for the matcher, the article's keys and its story signature.
  FoldedItem folded = matcher.fold(item);
  MatchedItem matched{std::move(item), matcher.match(folded), std::nullopt};
  matched.prepared = prepare_item(matched, feed, fetched_at, &folded);
  return matched;
}

Pipeline::Pipeline(const Config& config, Store store, std::shared_ptr<const Matcher> matcher,
                   const Clock& clock, Metrics& metrics)
    : clock_(clock),
      metrics_(metrics),
      database_(redacted_database(config.database)),  // as logs show it
      wal_limit_(store_options_of(config).wal_limit),
      max_items_(config.max_items),
      unmatched_retention_s_(unmatched_retention_of(config)),
      matcher_(std::move(matcher)),
      parse_queue_(kBodiesPerWorker * parser_workers()),
      write_queue_(kPendingBatches),
      store_(std::move(store)) {
  set_alerts(config);
  dispatcher_ = std::make_unique<AlertDispatcher>(
      [this](const std::string& hook) -> std::optional<AlertAction> {
        std::lock_guard lock(alerts_mutex_);
        auto it = alert_actions_.find(hook);
        if (it == alert_actions_.end()) return std::nullopt;
        return it->second;
      },
      [this](AlertOutcome outcome) { write_queue_.push(std::move(outcome)); });
  unsigned workers = parser_workers();
  for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { parse_worker(); });
  threads_.emplace_back([this] { writer(); });
}

Pipeline::~Pipeline() {
  parse_queue_.close();
  for (std::size_t i = 0; i + 1 < threads_.size(); ++i) threads_[i].join();
  dispatcher_.reset();  // the action under way is stopped; it and the rest stay pending
  write_queue_.close();
  threads_.back().join();
}

void Pipeline::set_limits(const Config& config) {
  unmatched_retention_s_ = unmatched_retention_of(config);
  max_items_ = config.max_items;
}

void Pipeline::set_matcher(std::shared_ptr<const Matcher> matcher) {
  std::lock_guard lock(matcher_mutex_);
  matcher_ = std::move(matcher);
}

void Pipeline::set_alerts(const Config& config) {
  alert_retry_base_s_ = alert_retry_base_of(config);
  std::lock_guard lock(alerts_mutex_);
  alert_rules_ = alert_rules_of(config);
  alert_actions_ = alert_actions_of(config);
}

bool Pipeline::wait_for_alerts(int stop_fd) { return dispatcher_->wait_idle(stop_fd); }

void Pipeline::begin_round(int feeds) {
  std::lock_guard lock(stats_mutex_);
  round_ = RoundStats{};
  round_.feeds = feeds;
  written_count_ = 0;
}

void Pipeline::submit(FeedState state, FetchResult result, UnixSeconds fetched_at) {
  held_.push_back(FetchJob{std::move(state), std::move(result), fetched_at});
  hand_on();
}

bool Pipeline::hand_on() {
  using Pushed = BoundedQueue<FetchJob>::Pushed;
  while (!held_.empty()) {
    Pushed pushed = parse_queue_.push_within(held_.front(), std::chrono::milliseconds(0));
    if (pushed == Pushed::kFull) return false;
    held_.pop_front();  // pushed, or dropped by a closed queue
  }
  return true;
}

void Pipeline::hand_on_all(std::chrono::milliseconds slice,
                           const std::function<void()>& keep_alive) {
  // The parsers are behind (a slow disk holds the writer, and the queues fill up): the loop
  // waits for room, and says it is alive meanwhile, as it does waiting for the writer.
  using Pushed = BoundedQueue<FetchJob>::Pushed;
  while (!held_.empty()) {
    if (parse_queue_.push_within(held_.front(), slice) == Pushed::kFull) {
      keep_alive();
      continue;
    }
    held_.pop_front();
  }
}

void Pipeline::wait_for(int expected, std::chrono::milliseconds slice,
                        const std::function<void()>& keep_alive) {
  for (;;) {
    {
      std::unique_lock lock(stats_mutex_);
      if (written_.wait_for(lock, slice, [&] { return written_count_ >= expected; })) return;
    }
    keep_alive();
  }
}

Pipeline::Written Pipeline::wait_written(int expected, std::chrono::milliseconds slice,
                                         const std::function<void()>& keep_alive) {
  wait_for(expected, slice, keep_alive);
  Written written;
  std::lock_guard lock(stats_mutex_);
  written.stats = round_;
  written.outcomes.swap(outcomes_);
  return written;
}

void Pipeline::store_state(FeedState state, UnixSeconds at) {
  ParsedBatch state_only;
  state_only.feed = std::move(state);
  state_only.fetched_at = at;
  write_queue_.push(StoreBatch{std::move(state_only), {}});
}

RoundStats Pipeline::end_round(int expected, std::chrono::milliseconds slice,
                               const std::function<void()>& keep_alive) {
  write_queue_.push(EndOfRound{});
  wait_for(expected + 1, slice, keep_alive);
  std::lock_guard lock(stats_mutex_);
  outcomes_.clear();  // a state-only write that failed needs no second round trip
  return round_;
}

void Pipeline::parse_worker() {
  while (auto job = parse_queue_.pop()) {
    std::shared_ptr<const Matcher> matcher;
    {
      std::lock_guard lock(matcher_mutex_);  // a reload may swap the pack
      matcher = matcher_;
    }
    ParsedBatch batch;
    batch.feed = std::move(job->state);
    batch.fetched_at = job->fetched_at;
    int items = 0, matched = 0;
    if (job->result.ok()) {
      ParseOptions options;
      options.base_url = job->result.effective_url;
      options.http_charset = charset_of(job->result.content_type);
      options.max_items = static_cast<std::size_t>(max_items_.load());
      auto parsed = parse_feed(job->result.body, options);
      // The items are copies: the body goes now, its share of the budget with the batch.
      std::string().swap(job->result.body);
      if (!parsed) {
        std::string reason = "unparseable document: " + parsed.error().message;
        auto level = reason == batch.feed.last_error ? spdlog::level::debug : spdlog::level::warn;
        spdlog::log(level, "feed {}: {}", batch.feed.url, reason);
        set_back(batch.feed, reason);
      } else {
        batch.feed.error_count = 0;
        batch.feed.last_error.clear();
        report_outcome(batch.feed.url, std::nullopt, parsed->hints);
        items = static_cast<int>(parsed->items.size());
        if (parsed->items.size() >= options.max_items) warn_capped(batch.feed.url, items);
        if (batch.feed.title.empty()) batch.feed.title = parsed->title;
        std::map<std::string, int> by_topic;
        for (auto& item : parsed->items) {
          MatchedItem kept = prepared_item(std::move(item), *matcher, batch.feed, batch.fetched_at);
          matched += kept.matches.relevant ? 1 : 0;
          for (const auto& topic : kept.matches.topics) ++by_topic[topic];
          batch.items.push_back(std::move(kept));
        }
        metrics_.items_parsed(items, by_topic, matched);
        for (const auto& warning : parsed->warnings)
          spdlog::debug("feed {}: {}", batch.feed.url, warning);
      }
    }
    {
      std::lock_guard lock(stats_mutex_);
      round_.items += items;
      round_.matched += matched;
      if (!batch.feed.last_error.empty() && job->result.ok()) ++round_.failed;
    }
    write_queue_.push(StoreBatch{std::move(batch), std::move(job->result.memory)});
  }
}

void Pipeline::warn_capped(const std::string& url, int items) {
  std::lock_guard lock(stats_mutex_);
  auto level = capped_feeds_.insert(url).second ? spdlog::level::warn : spdlog::level::debug;
  spdlog::log(level, "feed {}: reading its first {} items only; the rest are ignored (max_items)",
              url, items);
}

void Pipeline::set_back(FeedState& state, const std::string& reason) {
  // What the scheduler's record() of the fetch assumed (success) is undone here and, on the
  // loop thread, in the scheduler: an error counted, and the validators dropped so the next
  // poll fetches the document again instead of getting a 304 for what was never stored.
  state.last_error = printable(reason);  // feeds_v shows it to sqlite3 users, raw
  state.error_count += 1;
  state.etag.clear();
  state.last_modified.clear();
  report_outcome(state.url, reason, {});
}

void Pipeline::report_outcome(const std::string& url, std::optional<std::string> failure,
                              FeedHints hints, bool unstored) {
  std::lock_guard lock(stats_mutex_);
  outcomes_.push_back({url, std::move(failure), std::move(hints), unstored});
}

void Pipeline::not_stored(const ParsedBatch& batch, const std::string& kind) {
  // "database or disk is full": the same failure of another feed is the same news.
  std::string reason = "storing " + batch.feed.url + ": " + kind;
  if (kind != storage_failure_) {
    spdlog::error(
        "the database {} cannot be written ({}): nothing is stored until it can be; "
        "feeds are fetched again a minute after their failed write",
        database_, kind);
  } else {
    spdlog::debug("{}", reason);
  }
  storage_failure_ = kind;
  metrics_.storage_failure(kind);
  report_outcome(batch.feed.url, reason, {}, true);
}

void Pipeline::writer() {
  while (auto job = write_queue_.pop()) {
    if (std::holds_alternative<EndOfRound>(*job)) {
      end_round_in_writer();
      std::lock_guard lock(stats_mutex_);
      ++written_count_;
      written_.notify_all();
      continue;
    }
    if (auto* outcome = std::get_if<AlertOutcome>(&*job)) {
      record_alert_in_writer(*outcome);
      continue;
    }
    std::size_t bytes = 0;
    std::vector<StoreBatch> group = group_for_transaction(std::get<StoreBatch>(*job), bytes);
    std::vector<const ParsedBatch*> batches;
    for (const StoreBatch& each : group) batches.push_back(&each.batch);
    auto stats = store_.write(batches);
    if (stats && bytes > 0) {
      log_per_document_byte_ = std::max(log_per_document_byte_,
                                        static_cast<double>(store_.last_write_log_bytes()) / bytes);
    }
    if (!stats) {
      // Nothing of the transaction is stored: each of its feeds is fetched again soon.
      const Error& error = stats.error();
      const std::string& kind = error.kind == ErrorKind::not_stored ? error.cause : error.message;
      for (const ParsedBatch* batch : batches) not_stored(*batch, kind);
    } else if (!storage_failure_.empty()) {
      spdlog::info("the database {} can be written again: storing resumes", database_);
      storage_failure_.clear();
      metrics_.storage_failure("");
    }
    if (stats) {
      for (const WriteStats& each : *stats) metrics_.stored(each.new_articles);
    }
    std::lock_guard lock(stats_mutex_);
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (stats) {
        round_.new_articles += (*stats)[i].new_articles;
        round_.new_sightings += (*stats)[i].new_sightings;
      } else {
        ++round_.unstored;
      }
      ++written_count_;
    }
    written_.notify_all();
  }
}

// The batches waiting behind `first` go in its transaction, as long as what they write to
// the log, estimated from their documents' bytes at the most a transaction has written per
// document byte, comes to half the log's limit: the store keeps that much room free.
std::vector<Pipeline::StoreBatch> Pipeline::group_for_transaction(StoreBatch& first,
                                                                  std::size_t& bytes) {
  std::vector<StoreBatch> group;
  group.push_back(std::move(first));
  bytes = group.back().memory.bytes();
  const auto max_bytes = static_cast<std::size_t>(wal_limit_ / 2 / log_per_document_byte_);
  while (group.size() < kBatchesPerTransaction) {
    auto next = write_queue_.try_pop_if([&](const WriteJob& waiting) {
      const auto* batch = std::get_if<StoreBatch>(&waiting);
      return batch && bytes + batch->memory.bytes() <= max_bytes;
    });
    if (!next) break;
    group.push_back(std::move(std::get<StoreBatch>(*next)));
    bytes += group.back().memory.bytes();
  }
  return group;
}

void Pipeline::end_round_in_writer() {
  auto merged = store_.recluster(clock_.now());
  if (!merged) spdlog::error("{}", merged.error().message);
  Result<int> forgotten = 0;
  if (std::int64_t retention = unmatched_retention_s_; retention > 0)
    forgotten = store_.forget_unmatched(clock_.now() - retention);
  if (!forgotten) spdlog::error("{}", forgotten.error().message);
  std::vector<AlertRule> rules;
  {
    std::lock_guard lock(alerts_mutex_);
    rules = alert_rules_;
  }
  int handed = 0;
  if (!rules.empty()) {
    auto due = store_.due_alerts(rules, clock_.now());
    if (!due) spdlog::error("{}", due.error().message);
    for (auto& alert : due ? *due : std::vector<DueAlert>{}) {
      if (!alerts_in_flight_.insert({alert.hook, alert.story_id}).second) continue;
      dispatcher_->send(std::move(alert));
      ++handed;
    }
  }
  std::lock_guard lock(stats_mutex_);
  if (merged) round_.merged_stories += *merged;
  if (forgotten) round_.forgotten_unmatched += *forgotten;
  round_.alerts_due += handed;
}

void Pipeline::record_alert_in_writer(const AlertOutcome& outcome) {
  alerts_in_flight_.erase({outcome.hook, outcome.story_id});
  UnixSeconds now = clock_.now();
  std::int64_t delay = alert_retry_delay(outcome.attempts + 1, alert_retry_base_s_);
  auto recorded = store_.record_alert(outcome.hook, outcome.story_id, outcome.error.empty(),
                                      outcome.error, now, now + delay);
  if (!recorded) spdlog::error("{}", recorded.error().message);
  metrics_.alert_done(outcome.hook, outcome.error.empty());
  if (outcome.error.empty()) {
    spdlog::info("alert '{}' sent for story {}", outcome.hook, outcome.story_id);
  } else {
    spdlog::warn("alert '{}' for story {} failed ({}); trying again in {} s", outcome.hook,
                 outcome.story_id, outcome.error, delay);
  }
}

}  // namespace newswatch
