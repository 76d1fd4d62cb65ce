#include "daemon/poller.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "daemon/config_options.h"
#include "feeds/encoding.h"
#include "feeds/parser.h"
#include "feeds/shown_text.h"

namespace newswatch {
namespace {
constexpr std::chrono::seconds kStallLimit{30};  // /healthz fails past this without a heartbeat
constexpr std::int64_t kIdleWakeMs = 5000;
}  // namespace

namespace {

// Fetched bodies wait here for a parser: at most this many per worker, so memory stays
// bounded by workers x body cap however many feeds there are.
constexpr std::size_t kBodiesPerWorker = 2;
// Batches waiting for the writer are stored together, in one transaction, up to this many:
// a round of 200 feeds commits some tens of times instead of 400.
constexpr std::size_t kBatchesPerTransaction = 8;
// A batch holds every item of its document, matched or not (each is stored), with its text:
// about as much as the document. A writer behind the parsers holds this many waiting, and
// the group it writes: more would not make its transactions larger, only the round's peak.
constexpr std::size_t kPendingBatches = kBatchesPerTransaction;

// What an article keeps of its summary and of its content. A long article is some tens of
// KiB; more is padding or an attack, and would cost the full-text index memory in
// proportion: FTS5 holds all the terms of a row in memory until the row is written.
constexpr std::size_t kStoredTextBytes = 256u << 10;

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

namespace {

unsigned parser_workers() { return std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace

// The feeds of `config`, each once, registered in `store`, with their state: kept from
// `previous` (the running schedule) when they were already polled, else read from the
// database, so neither a restart nor a reload loses a validator or a backoff.
Result<std::vector<ScheduledFeed>> schedule_feeds(const Config& config, Store& store,
                                                  UnixSeconds now, const Scheduler* previous) {
  std::vector<ScheduledFeed> feeds;
  std::unordered_set<std::string> seen;
  for (const FeedConfig& feed : config.feeds) {
    if (!seen.insert(feed.url).second) {
      spdlog::warn("feed {} is listed more than once; polling it once", feed.url);
      continue;
    }
    if (auto registered = store.register_feed(feed.url, feed.title, now); !registered)
      return fail(registered.error());
    if (const ScheduledFeed* known = previous ? previous->find(feed.url) : nullptr) {
      feeds.push_back(*known);
      feeds.back().config = feed;
      continue;
    }
    auto state = store.feed_state(feed.url);
    if (!state) return fail(state.error());
    feeds.push_back({feed, state->value_or(FeedState{}), {}, std::nullopt});
    feeds.back().state.url = feed.url;
  }
  return feeds;
}

Result<std::unique_ptr<Poller>> Poller::create(const Config& config, Store store,
                                               std::shared_ptr<const Matcher> matcher,
                                               const Clock& clock, int stop_fd,
                                               Notifier* notifier) {
  auto feeds = schedule_feeds(config, store, clock.now(), nullptr);
  if (!feeds) return fail(feeds.error());
  Scheduler scheduler(config, std::move(*feeds));
  auto poller = std::unique_ptr<Poller>(new Poller(config, std::move(store), std::move(matcher),
                                                   clock, stop_fd, std::move(scheduler)));
  poller->notifier_ = notifier;
  if (config.metrics_listen) {
    auto server = MetricsServer::start(
        *config.metrics_listen, poller->metrics_,
        [p = poller.get()] { return p->metrics_snapshot(); }, kStallLimit);
    if (!server) return fail(server.error());
    poller->metrics_server_ = std::move(*server);
    spdlog::info("metrics at http://{}/metrics (port {})", *config.metrics_listen,
                 poller->metrics_server_->port());
  }
  return poller;
}

Result<void> Poller::reload(const Config& config, std::shared_ptr<const Matcher> matcher) {
  if (config.database != database_)
    spdlog::warn("a new database path ({}) takes effect only after a restart", config.database);
  // The writer thread owns the main connection; registering the new feeds takes a second,
  // short-lived one (SQLite serializes the two).
  auto store = Store::open(database_, store_options_);
  if (!store) return fail(store.error());
  unmatched_retention_s_ = unmatched_retention_of(config);
  max_items_ = config.max_items;
  auto feeds = schedule_feeds(config, *store, clock_.now(), &scheduler_);
  if (!feeds) return fail(feeds.error());
  std::size_t before = scheduler_.size();
  scheduler_ = Scheduler(config, std::move(*feeds));
  budget_.set_limit(config.memory_budget);
  fetcher_ = std::make_unique<Fetcher>(fetch_options_of(config, budget_));
  {
    std::lock_guard lock(matcher_mutex_);
    matcher_ = std::move(matcher);
  }
  set_alerts(config);
  if (config.metrics_listen.has_value() != (metrics_server_ != nullptr))
    spdlog::warn("turning [metrics] on or off takes effect only after a restart");
  spdlog::info("configuration reloaded: {} feeds (was {})", scheduler_.size(), before);
  return {};
}

Poller::Poller(const Config& config, Store store, std::shared_ptr<const Matcher> matcher,
               const Clock& clock, int stop_fd, Scheduler scheduler)
    : clock_(clock),
      stop_fd_(stop_fd),
      database_(config.database),
      store_options_(store_options_of(config)),
      budget_(config.memory_budget),
      max_items_(config.max_items),
      unmatched_retention_s_(unmatched_retention_of(config)),
      matcher_(std::move(matcher)),
      parse_queue_(kBodiesPerWorker * parser_workers()),
      write_queue_(kPendingBatches),
      scheduler_(std::move(scheduler)),
      fetcher_(std::make_unique<Fetcher>(fetch_options_of(config, budget_))),
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

Poller::~Poller() {
  metrics_server_.reset();
  parse_queue_.close();
  for (std::size_t i = 0; i + 1 < threads_.size(); ++i) threads_[i].join();
  dispatcher_.reset();  // the action under way is stopped; it and the rest stay pending
  write_queue_.close();
  threads_.back().join();
}

void Poller::set_alerts(const Config& config) {
  alert_retry_base_s_ = alert_retry_base_of(config);
  std::lock_guard lock(alerts_mutex_);
  alert_rules_ = alert_rules_of(config);
  alert_actions_ = alert_actions_of(config);
}

Metrics::Snapshot Poller::metrics_snapshot() {
  Metrics::Snapshot snapshot;
  {
    std::lock_guard lock(stats_mutex_);
    snapshot.feeds_by_state = feeds_by_state_;
  }
  std::error_code error;
  for (const char* suffix : {"", "-wal"}) {
    auto size = std::filesystem::file_size(database_ + suffix, error);
    if (!error) snapshot.database_bytes += static_cast<std::int64_t>(size);
  }
  // A reader of its own on the metrics thread: WAL lets it read while the writer writes.
  try {
    SQLite::Database db(database_, SQLite::OPEN_READONLY);
    db.setBusyTimeout(1000);
    snapshot.articles =
        db.execAndGet("SELECT count(*) FROM articles WHERE story_id IS NOT NULL").getInt64();
    snapshot.stories = db.execAndGet("SELECT count(*) FROM stories").getInt64();
  } catch (const SQLite::Exception&) {
  }
  return snapshot;
}

void Poller::parse_worker() {
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

void Poller::warn_capped(const std::string& url, int items) {
  std::lock_guard lock(stats_mutex_);
  auto level = capped_feeds_.insert(url).second ? spdlog::level::warn : spdlog::level::debug;
  spdlog::log(level, "feed {}: reading its first {} items only; the rest are ignored (max_items)",
              url, items);
}

void Poller::set_back(FeedState& state, const std::string& reason) {
  // What the scheduler's record() of the fetch assumed (success) is undone here and, on the
  // loop thread, in the scheduler: an error counted, and the validators dropped so the next
  // poll fetches the document again instead of getting a 304 for what was never stored.
  state.last_error = printable(reason);  // feeds_v shows it to sqlite3 users, raw
  state.error_count += 1;
  state.etag.clear();
  state.last_modified.clear();
  report_outcome(state.url, reason, {});
}

void Poller::report_outcome(const std::string& url, std::optional<std::string> failure,
                            FeedHints hints, bool unstored) {
  std::lock_guard lock(stats_mutex_);
  outcomes_.push_back({url, std::move(failure), std::move(hints), unstored});
}

void Poller::not_stored(const ParsedBatch& batch, const std::string& reason) {
  // "storing https://…/rss: database or disk is full": the same failure of another feed is
  // the same news.
  std::string kind = reason.substr(reason.rfind(": ") + 2);
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

void Poller::writer() {
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
    // The batches waiting behind this one go in its transaction, as long as their documents
    // come to an eighth of the write-ahead log's limit: a transaction writes some times its
    // documents' bytes to the log, which has to hold it.
    std::vector<StoreBatch> group;
    group.push_back(std::move(std::get<StoreBatch>(*job)));
    std::size_t bytes = group.back().memory.bytes();
    const std::size_t max_bytes = store_options_.wal_limit / 8;
    while (group.size() < kBatchesPerTransaction) {
      auto next = write_queue_.try_pop_if([&](const WriteJob& waiting) {
        const auto* batch = std::get_if<StoreBatch>(&waiting);
        return batch && bytes + batch->memory.bytes() <= max_bytes;
      });
      if (!next) break;
      group.push_back(std::move(std::get<StoreBatch>(*next)));
      bytes += group.back().memory.bytes();
    }
    std::vector<const ParsedBatch*> batches;
    for (const StoreBatch& each : group) batches.push_back(&each.batch);
    auto stats = store_.write(batches);
    if (!stats) {
      // Nothing of the transaction is stored: each of its feeds is fetched again soon.
      const std::string& reason = stats.error().message;
      std::string kind = reason.substr(reason.rfind(": ") + 2);
      for (const ParsedBatch* batch : batches)
        not_stored(*batch, "storing " + batch->feed.url + ": " + kind);
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

void Poller::end_round_in_writer() {
  auto merged = store_.recluster();
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

void Poller::record_alert_in_writer(const AlertOutcome& outcome) {
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

void Poller::wait_written(int expected) {
  // In slices, keeping the watchdog fed: a long write is not a stalled loop.
  auto slice = keep_alive_interval().value_or(std::chrono::milliseconds(1000));
  for (;;) {
    {
      std::unique_lock lock(stats_mutex_);
      if (written_.wait_for(lock, slice, [&] { return written_count_ >= expected; })) return;
    }
    keep_alive();
  }
}

void Poller::keep_alive() {
  metrics_.heartbeat();
  if (notifier_) notifier_->keep_alive();
}

std::optional<std::chrono::milliseconds> Poller::keep_alive_interval() const {
  return notifier_ ? notifier_->keep_alive_interval() : std::nullopt;
}

std::string Poller::status_line(const RoundStats& last) const {
  std::size_t failing = 0;
  for (std::size_t i = 0; i < scheduler_.size(); ++i)
    failing += scheduler_.feed(i).state.error_count > 0 ? 1 : 0;
  return std::to_string(scheduler_.size()) + " feeds (" + std::to_string(failing) + " failing); " +
         std::to_string(kept_since_start_) +
         " new articles since start; last round: " + std::to_string(last.fetched) + " fetched, " +
         std::to_string(last.not_modified) + " not modified, " + std::to_string(last.failed) +
         " failed, " + std::to_string(last.new_articles) + " new articles";
}

RoundStats Poller::poll_round(bool all) {
  auto started = std::chrono::steady_clock::now();
  UnixSeconds now = clock_.now();
  std::vector<std::size_t> due = all ? scheduler_.due_all(now) : scheduler_.due(now);
  {
    std::lock_guard lock(stats_mutex_);
    round_ = RoundStats{};
    round_.feeds = static_cast<int>(due.size());
    written_count_ = 0;
  }
  FetchCounts counts = fetch_due(due);
  wait_written(counts.submitted);
  RoundStats stats;
  std::vector<Outcome> outcomes;
  {
    std::lock_guard lock(stats_mutex_);
    stats = round_;
    outcomes.swap(outcomes_);
  }
  int changed = record_outcomes(due, outcomes);
  write_queue_.push(EndOfRound{});  // the round is stored: cluster its stories, find alerts
  wait_written(counts.submitted + changed + 1);
  {
    std::lock_guard lock(stats_mutex_);
    outcomes_.clear();  // a state-only write that failed needs no second round trip
    stats.merged_stories = round_.merged_stories;
    stats.forgotten_unmatched = round_.forgotten_unmatched;
  }
  stats.fetched = counts.fetched;
  stats.not_modified = counts.not_modified;
  stats.failed += counts.failed;
  finish_round(stats, std::chrono::steady_clock::now() - started);
  return stats;
}

Poller::FetchCounts Poller::fetch_due(const std::vector<std::size_t>& due) {
  std::vector<FetchRequest> requests;
  // Results name the URL requested.
  std::unordered_map<std::string, std::size_t> index_of;
  for (std::size_t index : due) {
    const FeedState& state = scheduler_.feed(index).state;
    requests.push_back({fetch_url(state), state.etag, state.last_modified});
    index_of.emplace(fetch_url(state), index);
  }
  FetchCounts counts;
  auto wait_ms =
      static_cast<int>(keep_alive_interval().value_or(std::chrono::milliseconds(1000)).count());
  fetcher_->fetch_all(
      requests,
      [&](FetchResult result) {
        std::size_t index = index_of.at(result.url);  // results arrive in completion order
        UnixSeconds at = clock_.now();
        std::string previous_error = scheduler_.feed(index).state.last_error;
        scheduler_.record(index, result, at);
        const FeedState& state = scheduler_.feed(index).state;
        metrics_.poll_done(result.status, result.error, result.body.size());
        log_fetch(result, state, previous_error, at);
        if (result.ok()) {
          ++counts.fetched;
        } else if (result.not_modified()) {
          ++counts.not_modified;
        } else {
          ++counts.failed;
        }
        parse_queue_.push({state, std::move(result), at});
        ++counts.submitted;
      },
      stop_fd_, [this] { keep_alive(); }, std::min(wait_ms, 1000));
  return counts;
}

void Poller::log_fetch(const FetchResult& result, const FeedState& state,
                       const std::string& previous_error, UnixSeconds at) {
  spdlog::debug("GET {} -> {} {} bytes in {:.3f}s{}", result.url, result.status, result.body.size(),
                result.seconds, result.error.empty() ? "" : " (" + result.error + ")");
  if (result.ok() || result.not_modified()) return;
  // One warning when a feed starts failing a new way; the same failure again is debug noise
  // (feeds_v keeps the count).
  auto level = state.last_error == previous_error ? spdlog::level::debug : spdlog::level::warn;
  if (state.disabled) {
    spdlog::log(level, "feed {}: {}", state.url, state.last_error);
  } else {
    spdlog::log(level, "feed {}: {} (error {} in a row; next try at +{}s)", state.url,
                state.last_error, state.error_count, state.next_poll_at.value_or(at) - at);
  }
}

int Poller::record_outcomes(const std::vector<std::size_t>& due,
                            const std::vector<Outcome>& outcomes) {
  // Outcomes name the feed.
  std::unordered_map<std::string, std::size_t> index_of_feed;
  for (std::size_t index : due) index_of_feed.emplace(scheduler_.feed(index).state.url, index);
  // In the order they happened (a document parsed, then not stored, is a setback); the
  // schedule they change goes back to the writer, so a restart resumes it.
  std::unordered_set<std::size_t> changed;
  for (const auto& outcome : outcomes) {
    std::size_t index = index_of_feed.at(outcome.url);
    if (outcome.unstored) {
      scheduler_.record_unstored(index, *outcome.failure, clock_.now());
    } else if (outcome.failure) {
      scheduler_.record_setback(index, *outcome.failure, clock_.now());
    } else {
      scheduler_.record_parsed(index, outcome.hints);
    }
    changed.insert(index);
  }
  for (std::size_t index : changed) {
    ParsedBatch state_only;
    state_only.feed = scheduler_.feed(index).state;
    state_only.fetched_at = clock_.now();
    write_queue_.push(StoreBatch{std::move(state_only), {}});
  }
  return static_cast<int>(changed.size());
}

void Poller::finish_round(const RoundStats& stats, std::chrono::steady_clock::duration took) {
  double seconds = std::chrono::duration<double>(took).count();
  spdlog::info(
      "poll round: {} feeds, {} fetched, {} not modified, {} failed; {} items, {} matched, "
      "{} new articles, {} new sightings, {} stories merged in {:.2f}s",
      stats.feeds, stats.fetched, stats.not_modified, stats.failed, stats.items, stats.matched,
      stats.new_articles, stats.new_sightings, stats.merged_stories, seconds);
  kept_since_start_ += stats.new_articles;
  metrics_.round_done(seconds);
  std::map<std::string, int> by_state = {{"ok", 0}, {"failing", 0}, {"disabled", 0}};
  for (std::size_t i = 0; i < scheduler_.size(); ++i) {
    const FeedState& state = scheduler_.feed(i).state;
    ++by_state[state.disabled ? "disabled" : state.error_count > 0 ? "failing" : "ok"];
  }
  {
    std::lock_guard lock(stats_mutex_);
    feeds_by_state_ = std::move(by_state);
  }
  if (notifier_) notifier_->status(status_line(stats));
}

bool Poller::wait_for_alerts() { return dispatcher_->wait_idle(stop_fd_); }

void Poller::run_until_stopped(const std::function<std::optional<Reload>()>& reload_config) {
  RoundStats last = poll_round(false);
  for (;;) {
    // Until the next feed is due or a signal arrives, waking to feed the watchdog. A signal
    // is looked for first: a round it interrupted leaves its feeds due at once.
    keep_alive();
    auto next = scheduler_.next_due();
    // With nothing enabled, wake hourly; there is nothing to do but wait for a signal.
    std::int64_t wait_ms =
        1000 *
        std::min<std::int64_t>(next ? std::max<std::int64_t>(0, *next - clock_.now()) : 3600, 3600);
    if (auto interval = keep_alive_interval())
      wait_ms = std::min<std::int64_t>(wait_ms, interval->count());
    // The heartbeat /healthz reads, and alerts retried, even with no feed due for hours.
    wait_ms = std::min<std::int64_t>(wait_ms, kIdleWakeMs);
    pollfd fd{stop_fd_, POLLIN, 0};
    if (::poll(&fd, stop_fd_ >= 0 ? 1 : 0, static_cast<int>(wait_ms)) <= 0 ||
        !(fd.revents & POLLIN)) {
      next = scheduler_.next_due();
      if (next && *next <= clock_.now()) last = poll_round(false);
      continue;
    }
    signalfd_siginfo signal{};
    if (::read(stop_fd_, &signal, sizeof signal) != sizeof signal) continue;
    if (signal.ssi_signo != SIGHUP) {
      if (notifier_) notifier_->stopping();
      return;
    }
    spdlog::info("SIGHUP: reloading the configuration");
    if (notifier_) notifier_->reloading();
    if (auto fresh = reload_config()) {
      if (auto applied = reload(fresh->config, std::move(fresh->matcher)); !applied)
        spdlog::error("reload failed, keeping the running configuration: {}",
                      applied.error().message);
    }
    // A reload holds two compiled packs for a moment; give the pages of the old one back
    // rather than keep a daemon's heap at its reload peak for good.
    malloc_trim(0);
    if (notifier_) notifier_->ready(status_line(last));
  }
}

}  // namespace newswatch
