// The daemon's health for Prometheus and for humans with curl: counters the pipeline bumps as
// it works, rendered in the Prometheus text format at GET /metrics, and GET /healthz, which
// fails (503) when the event loop has stalled or the database cannot be written. Served by an
// HttpServer of its own (daemon/http_server.h), off unless [metrics] is configured.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "daemon/http_server.h"

namespace newswatch {

class Metrics {
 public:
  void poll_done(long status, const std::string& error, std::size_t bytes);
  void items_parsed(int items, const std::map<std::string, int>& matched_by_topic, int matched);
  void stored(int new_articles);
  void alert_done(const std::string& hook, bool sent);
  void round_done(double seconds);

  // The event loop is alive; /healthz fails when it has not said so for a while.
  void heartbeat();
  // Why the database cannot be written; empty once it can.
  void storage_failure(const std::string& reason);

  // Gauges read at each scrape: feeds by state, kept articles and stories, database bytes.
  struct Snapshot {
    std::map<std::string, int> feeds_by_state;
    std::optional<std::int64_t> articles, stories;
    std::int64_t database_bytes = 0;
  };
  std::string prometheus_text(const Snapshot& snapshot) const;
  // Empty when healthy; else what is wrong.
  std::string health_problem(std::chrono::seconds stall_limit) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::int64_t> polls_by_status_;
  std::int64_t bytes_fetched_ = 0;
  std::int64_t items_parsed_ = 0, items_matched_ = 0, new_articles_ = 0;
  std::map<std::string, std::int64_t> matches_by_topic_;
  std::map<std::pair<std::string, std::string>, std::int64_t> alerts_;  // (hook, result)
  std::vector<double> round_buckets_;  // cumulative counts per kRoundBuckets bound
  std::int64_t rounds_ = 0;
  double round_seconds_sum_ = 0;
  std::string storage_failure_;
  std::atomic<std::int64_t> heartbeat_ms_{0};
};

class MetricsServer {
 public:
  // Listens on "host:port" (an IPv4 address or "localhost"; port 0 picks one). `snapshot` is
  // called on the server's thread at each scrape.
  static Result<std::unique_ptr<MetricsServer>> start(const std::string& listen,
                                                      const Metrics& metrics,
                                                      std::function<Metrics::Snapshot()> snapshot,
                                                      std::chrono::seconds stall_limit);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;
  int port() const;

 private:
  MetricsServer() = default;
  std::string answer(const std::string& request_line);

  const Metrics* metrics_ = nullptr;
  std::function<Metrics::Snapshot()> snapshot_;
  std::chrono::seconds stall_limit_{30};
  std::unique_ptr<HttpServer> http_;  // last: stops before what it reads
};

}  // namespace newswatch
