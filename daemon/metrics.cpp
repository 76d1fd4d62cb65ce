#include "daemon/metrics.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
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
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return fail("metrics: listen must be host:port, not " + listen);
  std::string host = listen.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535 || inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1)
    return fail("metrics: listen must be an IPv4 address and a port, not " + listen);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  std::unique_ptr<MetricsServer> server(new MetricsServer());
  server->metrics_ = &metrics;
  server->snapshot_ = std::move(snapshot);
  server->stall_limit_ = stall_limit;
  server->listener_.reset(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  int listener = server->listener_.get();
  int yes = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 128) != 0)
    return fail("metrics: cannot listen on " + listen + ": " + std::strerror(errno));
  socklen_t length = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  server->port_ = ntohs(address.sin_port);
  int stop[2];
  if (pipe2(stop, O_CLOEXEC) != 0) return fail("metrics: pipe failed");
  server->stop_read_.reset(stop[0]);
  server->stop_write_.reset(stop[1]);
  server->thread_ = std::thread([s = server.get()] { s->serve(); });
  return server;
}

MetricsServer::~MetricsServer() {
  if (thread_.joinable()) {
    // The pipe is empty (this is its only write), so the byte fits. (A (void) cast does
    // not silence warn_unused_result under _FORTIFY_SOURCE.)
    [[maybe_unused]] ssize_t written = write(stop_write_.get(), "x", 1);
    thread_.join();
  }
}

namespace {

// Connections are served side by side, each with its own deadline, so that clients that
// send slowly or not at all (slowloris) cannot keep a scrape or a health check waiting: when
// all slots are taken, the oldest connection is dropped for the new one.
constexpr std::size_t kMaxClients = 64;
constexpr std::chrono::seconds kClientDeadline{2};
constexpr std::size_t kMaxRequestHead = 16384;

}  // namespace

struct MetricsServer::Client {
  UniqueFd fd;
  std::chrono::steady_clock::time_point deadline;
  std::string request;   // the head read so far
  std::string response;  // once the head is complete
  std::size_t sent = 0;
};

void MetricsServer::serve() {
  std::deque<Client> clients;  // oldest first
  auto drop = [&](std::deque<Client>::iterator it) { return clients.erase(it); };
  for (;;) {
    std::vector<pollfd> fds = {{stop_read_.get(), POLLIN, 0}, {listener_.get(), POLLIN, 0}};
    auto now = std::chrono::steady_clock::now();
    auto wake = now + std::chrono::hours(1);
    for (const Client& c : clients) {
      fds.push_back({c.fd.get(), static_cast<short>(c.response.empty() ? POLLIN : POLLOUT), 0});
      wake = std::min(wake, c.deadline);
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count();
    if (poll(fds.data(), fds.size(), static_cast<int>(std::max<long>(wait, 0) + 1)) < 0) continue;
    if (fds[0].revents & POLLIN) break;
    // Each client as poll saw it; those accepted below wait for the next turn.
    auto it = clients.begin();
    for (std::size_t i = 2; i < fds.size(); ++i) {
      Client& c = *it;
      bool done = false;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        done = !read_request(c);
      } else if (fds[i].revents & POLLOUT) {
        ssize_t n = send(c.fd.get(), c.response.data() + c.sent, c.response.size() - c.sent,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) c.sent += static_cast<std::size_t>(n);
        done = n <= 0 || c.sent == c.response.size();
      }
      done = done || std::chrono::steady_clock::now() > c.deadline;
      it = done ? drop(it) : std::next(it);
    }
    if (fds[1].revents & POLLIN) {
      for (;;) {
        int fd = accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) break;
        if (clients.size() >= kMaxClients) drop(clients.begin());
        clients.push_back(
            {UniqueFd(fd), std::chrono::steady_clock::now() + kClientDeadline, "", "", 0});
      }
    }
  }
}

bool MetricsServer::read_request(Client& c) {
  char buffer[2048];
  ssize_t n = recv(c.fd.get(), buffer, sizeof buffer, MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return false;
  if (n > 0) c.request.append(buffer, static_cast<std::size_t>(n));
  if (c.request.find("\r\n\r\n") == std::string::npos && c.request.size() < kMaxRequestHead)
    return true;
  c.response = answer(c.request.substr(0, c.request.find("\r\n")));
  return true;
}

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
  return "HTTP/1.1 " + status + "\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
         body;
}

}  // namespace newswatch
