#include "daemon/poller.h"

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
#include "feeds/start_queue.h"
#include "storage/database_name.h"
#include "storage/store_reader.h"

namespace newswatch {
namespace {

constexpr std::chrono::seconds kStallLimit{30};  // /healthz fails past this without a heartbeat
constexpr std::int64_t kIdleWakeMs = 5000;

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
  std::unique_ptr<FeedLeases> leases;
  if (is_postgresql(config.database)) {
    auto opened = FeedLeases::open(config.database);
    if (!opened) return fail(opened.error());
    leases = std::move(*opened);
  }
  Scheduler scheduler(config, std::move(*feeds));
  auto poller = std::unique_ptr<Poller>(new Poller(config, std::move(store), std::move(matcher),
                                                   clock, stop_fd, std::move(scheduler)));
  poller->notifier_ = notifier;
  poller->leases_ = std::move(leases);
  if (config.metrics_listen) {
    auto server = MetricsServer::start(
        *config.metrics_listen, poller->metrics_,
        [p = poller.get()] { return p->metrics_snapshot(); }, kStallLimit);
    if (!server) return fail(server.error());
    poller->metrics_server_ = std::move(*server);
    spdlog::info("metrics at http://{}/metrics (port {})", *config.metrics_listen,
                 poller->metrics_server_->port());
  }
  if (config.web_listen) {
    auto web = WebPage::start(*config.web_listen, config.database);
    if (!web) return fail(web.error());
    poller->web_page_ = std::move(*web);
    spdlog::info("web page at http://{}/ (port {})", *config.web_listen, poller->web_page_->port());
    if (!is_loopback_listen(*config.web_listen))
      spdlog::warn(
          "the web page is served beyond this machine, at {}: whoever reaches it reads "
          "the stored news",
          *config.web_listen);
  }
  return poller;
}

// What a reload cannot change is said, not silently kept.
void Poller::warn_restart_only(const Config& config) const {
  if (config.database != database_)
    spdlog::warn("a new database ({}) takes effect only after a restart",
                 redacted_database(config.database));
  if (config.wal_limit != store_options_.wal_limit)
    spdlog::warn("a new wal_limit takes effect only after a restart");
  if (config.metrics_listen.has_value() != metrics_listen_.has_value())
    spdlog::warn("turning [metrics] on or off takes effect only after a restart");
  else if (config.metrics_listen != metrics_listen_)
    spdlog::warn("a new [metrics] listen address takes effect only after a restart");
  if (config.web_listen != web_listen_)
    spdlog::warn("a change of [web] takes effect only after a restart");
}

Result<void> Poller::reload(const Config& config, std::shared_ptr<const Matcher> matcher) {
  warn_restart_only(config);
  // The writer thread owns the main connection; registering the new feeds takes a second,
  // short-lived one (SQLite serializes the two).
  auto store = Store::open(database_, store_options_);
  if (!store) return fail(store.error());
  pipeline_.set_limits(config);
  auto feeds = schedule_feeds(config, *store, clock_.now(), &scheduler_);
  if (!feeds) return fail(feeds.error());
  std::size_t before = scheduler_.size();
  scheduler_ = Scheduler(config, std::move(*feeds));
  budget_.set_limit(config.memory_budget);
  fetcher_ = std::make_unique<Fetcher>(fetch_options_of(config, budget_));
  hosts_per_round_ = 2 * config.concurrency;
  pipeline_.set_matcher(std::move(matcher));
  pipeline_.set_alerts(config);
  spdlog::info("configuration reloaded: {} feeds (was {})", scheduler_.size(), before);
  return {};
}

Poller::Poller(const Config& config, Store store, std::shared_ptr<const Matcher> matcher,
               const Clock& clock, int stop_fd, Scheduler scheduler)
    : clock_(clock),
      stop_fd_(stop_fd),
      database_(config.database),
      store_options_(store_options_of(config)),
      metrics_listen_(config.metrics_listen),
      web_listen_(config.web_listen),
      budget_(config.memory_budget),
      scheduler_(std::move(scheduler)),
      fetcher_(std::make_unique<Fetcher>(fetch_options_of(config, budget_))),
      hosts_per_round_(2 * config.concurrency),
      pipeline_(config, std::move(store), std::move(matcher), clock, metrics_) {}

// The metrics server reads the loop's state: it stops first (the web page reads the database
// only, on connections of its own). The pipeline stops next (its
// member's destructor): parsers, then the alert under way, then the writer.
Poller::~Poller() {
  web_page_.reset();
  metrics_server_.reset();
}

Metrics::Snapshot Poller::metrics_snapshot() {
  Metrics::Snapshot snapshot;
  {
    std::lock_guard lock(feeds_by_state_mutex_);
    snapshot.feeds_by_state = feeds_by_state_;
  }
  std::error_code error;
  for (const char* suffix : {"", "-wal"}) {
    if (is_postgresql(database_)) break;  // the server's files, not this machine's
    auto size = std::filesystem::file_size(database_ + suffix, error);
    if (!error) snapshot.database_bytes += static_cast<std::int64_t>(size);
  }
  // A reader of its own on the metrics thread: WAL lets it read while the writer writes.
  auto store = StoreReader::open(database_, 1000);
  auto kept = store ? store->kept_counts() : fail(store.error());
  if (kept) {
    snapshot.articles = kept->articles;
    snapshot.stories = kept->stories;
  }
  return snapshot;
}

void Poller::keep_alive() {
  metrics_.heartbeat();
  if (notifier_) notifier_->keep_alive();
}

std::optional<std::chrono::milliseconds> Poller::keep_alive_interval() const {
  return notifier_ ? notifier_->keep_alive_interval() : std::nullopt;
}

std::chrono::milliseconds Poller::wait_slice() const {
  return keep_alive_interval().value_or(std::chrono::milliseconds(1000));
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
  std::vector<std::size_t> due =
      claim(all ? scheduler_.due_all(now) : scheduler_.due(now), now, all);
  pipeline_.begin_round(static_cast<int>(due.size()));
  FetchCounts counts = fetch_due(due);
  auto keep = [this] { keep_alive(); };
  Pipeline::Written parsed = pipeline_.wait_written(counts.submitted, wait_slice(), keep);
  RoundStats stats = parsed.stats;
  int changed = record_outcomes(due, parsed.outcomes);
  // The round is stored: cluster its stories, find alerts.
  RoundStats ended = pipeline_.end_round(counts.submitted + changed, wait_slice(), keep);
  stats.merged_stories = ended.merged_stories;
  stats.forgotten_unmatched = ended.forgotten_unmatched;
  stats.fetched = counts.fetched;
  stats.not_modified = counts.not_modified;
  stats.failed += counts.failed;
  if (leases_) {
    if (auto released = leases_->release_hosts(); !released)
      spdlog::warn("{} (they are free again when their lease runs out)", released.error().message);
  }
  finish_round(stats, std::chrono::steady_clock::now() - started);
  return stats;
}

std::vector<std::size_t> Poller::claim(const std::vector<std::size_t>& due, UnixSeconds now,
                                       bool all) {
  if (!leases_ || due.empty()) return due;
  std::vector<FeedLeases::Wanted> wanted;
  std::unordered_map<std::string, std::size_t> index_of;
  for (std::size_t index : due) {
    const FeedState& state = scheduler_.feed(index).state;
    wanted.push_back(
        {state.url, host_key(fetch_url(state)), now + scheduler_.interval(index).count()});
    index_of.emplace(state.url, index);
  }
  auto claimed = leases_->claim(wanted, now, all, all ? 0 : hosts_per_round_);
  if (!claimed) {
    // The database is out of reach: nothing is polled that could not be stored anyway.
    spdlog::error("{}; asking again in a minute", claimed.error().message);
    for (std::size_t index : due) scheduler_.wait_until(index, now + 60);
    return {};
  }
  std::vector<std::size_t> mine;
  for (FeedState& state : claimed->claimed) {
    std::size_t index = index_of.at(state.url);
    scheduler_.adopt(index, std::move(state));
    mine.push_back(index);
  }
  for (auto& [state, at] : claimed->later) {
    auto known = index_of.find(state.url);
    if (known == index_of.end()) continue;
    std::size_t index = known->second;
    index_of.erase(known);
    scheduler_.adopt(index, std::move(state));
    scheduler_.wait_until(index, std::max(at, now + 1));
  }
  for (std::size_t index : mine) index_of.erase(scheduler_.feed(index).state.url);
  for (const auto& [url, index] : index_of) scheduler_.wait_until(index, now + 60);  // unknown
  std::sort(mine.begin(), mine.end());
  return mine;
}

namespace {

// What a feed that shares its address with another hears of the response to their one
// request: the same status and headers, and for a document "not modified", since its items
// are stored once, through the feed the document went to.
FetchResult same_response(const FetchResult& r) {
  FetchResult shared;
  shared.url = r.url;
  shared.effective_url = r.effective_url;
  shared.status = r.ok() ? 304 : r.status;
  shared.error = r.error;
  shared.etag = r.etag;
  shared.last_modified = r.last_modified;
  shared.content_type = r.content_type;
  shared.retry_after = r.retry_after;
  shared.cache_control = r.cache_control;
  shared.expires = r.expires;
  shared.moved_permanently = r.moved_permanently;
  shared.seconds = r.seconds;
  return shared;
}

}  // namespace

Poller::FetchCounts Poller::fetch_due(const std::vector<std::size_t>& due) {
  std::vector<FetchRequest> requests;
  // Results name the URL requested. Feeds can come to share one (a feed moved permanently
  // to another's address): it is requested once, with the first one's validators.
  std::unordered_map<std::string, std::vector<std::size_t>> feeds_at;
  for (std::size_t index : due) {
    const FeedState& state = scheduler_.feed(index).state;
    std::vector<std::size_t>& sharing = feeds_at[fetch_url(state)];
    if (sharing.empty()) requests.push_back({fetch_url(state), state.etag, state.last_modified});
    sharing.push_back(index);
  }
  FetchCounts counts;
  auto take = [&](std::size_t index, FetchResult result) {
    UnixSeconds at = clock_.now();
    std::string previous_error = scheduler_.feed(index).state.last_error;
    scheduler_.record(index, result, at);
    const FeedState& state = scheduler_.feed(index).state;
    log_fetch(result, state, previous_error, at);
    if (result.ok()) {
      ++counts.fetched;
    } else if (result.not_modified()) {
      ++counts.not_modified;
    } else {
      ++counts.failed;
    }
    pipeline_.submit(state, std::move(result), at);
    ++counts.submitted;
  };
  auto wait_ms = static_cast<int>(wait_slice().count());
  fetcher_->fetch_all(
      requests,
      [&](FetchResult result) {
        metrics_.poll_done(result.status, result.error, result.body.size());
        // Results arrive in completion order.
        const std::vector<std::size_t>& sharing = feeds_at.at(result.url);
        for (std::size_t k = 1; k < sharing.size(); ++k) take(sharing[k], same_response(result));
        take(sharing.front(), std::move(result));
      },
      stop_fd_, [this] { keep_alive(); }, std::min(wait_ms, 1000),
      [this] { return pipeline_.hand_on(); });
  pipeline_.hand_on_all(wait_slice(), [this] { keep_alive(); });
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
                            const std::vector<Pipeline::Outcome>& outcomes) {
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
  for (std::size_t index : changed)
    pipeline_.store_state(scheduler_.feed(index).state, clock_.now());
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
    std::lock_guard lock(feeds_by_state_mutex_);
    feeds_by_state_ = std::move(by_state);
  }
  if (notifier_) notifier_->status(status_line(stats));
}

bool Poller::wait_for_alerts() { return pipeline_.wait_for_alerts(stop_fd_); }

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
