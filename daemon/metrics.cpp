#include "daemon/metrics.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <sstream>

namespace newswatch {
namespace {

// Poll rounds take from a tenth of a second (nothing changed) to minutes (thousands of feeds,
// slow servers).
constexpr std::array<double, 9> kRoundBuckets = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Label values are escaped as the text format says: backslash, quote, newline.
std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void family(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

void Metrics::poll_done(long status, const std::string& error, std::size_t bytes) {
  std::lock_guard lock(mutex_);
  // A transfer that got no answer is counted by status "error".
  ++polls_by_status_[status > 0 && error.empty() ? std::to_string(status) : "error"];
  bytes_fetched_ += static_cast<std::int64_t>(bytes);
}

void Metrics::items_parsed(int items, const std::map<std::string, int>& matched_by_topic,
                           int matched) {
  std::lock_guard lock(mutex_);
  items_parsed_ += items;
  items_matched_ += matched;
  for (const auto& [topic, n] : matched_by_topic) matches_by_topic_[topic] += n;
}

void Metrics::stored(int new_articles) {
  std::lock_guard lock(mutex_);
  new_articles_ += new_articles;
}

void Metrics::alert_done(const std::string& hook, bool sent) {
  std::lock_guard lock(mutex_);
  ++alerts_[{hook, sent ? "sent" : "failed"}];
}

void Metrics::round_done(double seconds) {
  std::lock_guard lock(mutex_);
  if (round_buckets_.empty()) round_buckets_.assign(kRoundBuckets.size(), 0);
  for (std::size_t i = 0; i < kRoundBuckets.size(); ++i) {
    if (seconds <= kRoundBuckets[i]) ++round_buckets_[i];
  }
  ++rounds_;
  round_seconds_sum_ += seconds;
}

void Metrics::heartbeat() { heartbeat_ms_ = now_ms(); }

void Metrics::storage_failure(const std::string& reason) {
  std::lock_guard lock(mutex_);
  storage_failure_ = reason;
}

std::string Metrics::health_problem(std::chrono::seconds stall_limit) const {
  std::int64_t beat = heartbeat_ms_;
  if (beat == 0) return "the event loop has not started";
  if (now_ms() - beat > stall_limit.count() * 1000)
    return "the event loop has not run for " + std::to_string((now_ms() - beat) / 1000) + " s";
  std::lock_guard lock(mutex_);
  if (!storage_failure_.empty()) return "the database cannot be written: " + storage_failure_;
  return "";
}

std::string Metrics::prometheus_text(const Snapshot& snapshot) const {
  std::ostringstream out;
  family(out, "newswatch_feeds", "gauge",
         "Feeds by state: ok, failing (last poll failed), disabled.");
  for (const auto& [state, n] : snapshot.feeds_by_state)
    out << "newswatch_feeds{state=\"" << label(state) << "\"} " << n << '\n';
  std::lock_guard lock(mutex_);
  family(out, "newswatch_polls_total", "counter",
         "Feed polls by HTTP status of the final response; \"error\" when none arrived.");
  for (const auto& [status, n] : polls_by_status_)
    out << "newswatch_polls_total{status=\"" << label(status) << "\"} " << n << '\n';
  family(out, "newswatch_fetched_bytes_total", "counter", "Response bytes fetched, decompressed.");
  out << "newswatch_fetched_bytes_total " << bytes_fetched_ << '\n';
  std::int64_t polls = 0;
  for (const auto& [status, n] : polls_by_status_) polls += n;
  auto not_modified = polls_by_status_.find("304");
  family(out, "newswatch_not_modified_ratio", "gauge", "Share of polls answered 304 Not Modified.");
  out << "newswatch_not_modified_ratio "
      << (polls ? static_cast<double>(
                      not_modified == polls_by_status_.end() ? 0 : not_modified->second) /
                      static_cast<double>(polls)
                : 0.0)
      << '\n';
  family(out, "newswatch_items_parsed_total", "counter", "Items parsed from fetched feeds.");
  out << "newswatch_items_parsed_total " << items_parsed_ << '\n';
  family(out, "newswatch_items_matched_total", "counter", "Parsed items a topic pack kept.");
  out << "newswatch_items_matched_total " << items_matched_ << '\n';
  family(out, "newswatch_matches_total", "counter", "Kept items by topic.");
  for (const auto& [topic, n] : matches_by_topic_)
    out << "newswatch_matches_total{topic=\"" << label(topic) << "\"} " << n << '\n';
  family(out, "newswatch_new_articles_total", "counter", "Articles stored that were not known.");
  out << "newswatch_new_articles_total " << new_articles_ << '\n';
  if (snapshot.articles) {
    family(out, "newswatch_articles", "gauge", "Kept articles in the database.");
    out << "newswatch_articles " << *snapshot.articles << '\n';
  }
  if (snapshot.stories) {
    family(out, "newswatch_stories", "gauge", "Stories in the database.");
    out << "newswatch_stories " << *snapshot.stories << '\n';
  }
  family(out, "newswatch_database_bytes", "gauge", "Size of the database with its WAL.");
  out << "newswatch_database_bytes " << snapshot.database_bytes << '\n';
  family(out, "newswatch_alerts_total", "counter", "Alert actions by hook and result.");
  for (const auto& [key, n] : alerts_)
    out << "newswatch_alerts_total{alert=\"" << label(key.first) << "\",result=\"" << key.second
        << "\"} " << n << '\n';
  family(out, "newswatch_poll_round_seconds", "histogram", "Duration of poll rounds.");
  for (std::size_t i = 0; i < kRoundBuckets.size(); ++i) {
    out << "newswatch_poll_round_seconds_bucket{le=\"" << kRoundBuckets[i] << "\"} "
        << (round_buckets_.empty() ? 0 : static_cast<std::int64_t>(round_buckets_[i])) << '\n';
  }
  out << "newswatch_poll_round_seconds_bucket{le=\"+Inf\"} " << rounds_ << '\n';
  out << "newswatch_poll_round_seconds_sum " << round_seconds_sum_ << '\n';
  out << "newswatch_poll_round_seconds_count " << rounds_ << '\n';
  return out.str();
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(
    const std::string& listen, const Metrics& metrics, std::function<Metrics::Snapshot()> snapshot,
    std::chrono::seconds stall_limit) {
  std::unique_ptr<MetricsServer> server(new MetricsServer());
  server->metrics_ = &metrics;
  server->snapshot_ = std::move(snapshot);
  server->stall_limit_ = stall_limit;
  auto http = HttpServer::start(
      "metrics", listen, [s = server.get()](const std::string& line) { return s->answer(line); });
  if (!http) return fail(http.error());
  server->http_ = std::move(*http);
  return server;
}

MetricsServer::~MetricsServer() = default;

int MetricsServer::port() const { return http_->port(); }

std::string MetricsServer::answer(const std::string& line) {
  std::string status = "200 OK", type = "text/plain; version=0.0.4; charset=utf-8", body;
  auto is = [&](const char* method_and_path) {
    return line.starts_with(method_and_path) &&
           (line.size() == std::strlen(method_and_path) ||
            line[std::strlen(method_and_path)] == ' ' || line[std::strlen(method_and_path)] == '?');
  };
  if (is("GET /metrics")) {
    body = metrics_->prometheus_text(snapshot_());
  } else if (is("GET /healthz")) {
    type = "text/plain; charset=utf-8";
    std::string problem = metrics_->health_problem(stall_limit_);
    if (problem.empty()) {
      body = "ok\n";
    } else {
      status = "503 Service Unavailable";
      body = problem + "\n";
    }
  } else {
    status = "404 Not Found";
    type = "text/plain; charset=utf-8";
    body = "GET /metrics or /healthz\n";
  }
  return http_response(status, type, body);
}

}  // namespace newswatch
