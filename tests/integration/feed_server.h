// A real HTTP server on 127.0.0.1 (an ephemeral port) serving feeds the test controls, so
// integration tests exercise libcurl, HTTP and the whole pipeline without the outside network.
#pragma once

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace newswatch::test {

class FeedServer {
 public:
  struct Resource {
    Resource(int status = 200, std::string body = "", std::string etag = "", int delay_ms = 0,
             std::string cache_control = "")
        : status(status),
          body(std::move(body)),
          etag(std::move(etag)),
          delay_ms(delay_ms),
          cache_control(std::move(cache_control)) {}
    int status = 200;
    std::string body;
    std::string etag;           // when set, a matching If-None-Match gets 304
    int delay_ms = 0;           // how long the server takes to answer (simulated latency)
    std::string cache_control;  // sent as Cache-Control when set
    std::string location;       // sent as Location (for redirects) when set
    bool gzipped = false;       // the body is gzip data, sent with Content-Encoding: gzip
    std::vector<std::pair<std::string, std::string>> headers;  // any others
  };

  FeedServer() {
    server_.Get(".*", [this](const httplib::Request& request, httplib::Response& response) {
      int delay_ms = 0;
      {
        std::lock_guard lock(mutex_);
        max_concurrent_ = std::max(max_concurrent_, ++concurrent_);
        if (auto it = resources_.find(request.path); it != resources_.end())
          delay_ms = it->second.delay_ms;
      }
      if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      std::lock_guard lock(mutex_);
      --concurrent_;
      ++requests_;
      ++requests_by_path_[request.path];
      if (request.has_header("If-None-Match")) ++conditional_requests_;
      auto it = resources_.find(request.path);
      if (it == resources_.end()) {
        response.status = 404;
        return;
      }
      const Resource& r = it->second;
      if (!r.etag.empty() && request.get_header_value("If-None-Match") == r.etag) {
        response.status = 304;
        return;
      }
      response.status = r.status;
      if (!r.etag.empty()) response.set_header("ETag", r.etag);
      if (!r.cache_control.empty()) response.set_header("Cache-Control", r.cache_control);
      if (!r.location.empty()) response.set_header("Location", r.location);
      for (const auto& [name, value] : r.headers) response.set_header(name.c_str(), value);
      if (r.gzipped) {
        // A media type cpp-httplib does not compress again itself.
        response.set_header("Content-Encoding", "gzip");
        response.set_content(r.body, "application/octet-stream");
      } else {
        response.set_content(r.body, "application/rss+xml");
      }
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FeedServer() {
    server_.stop();
    thread_.join();
  }

  void serve(const std::string& path, Resource resource) {
    std::lock_guard lock(mutex_);
    resources_[path] = std::move(resource);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  // The most requests the server was ever answering at once.
  int max_concurrent() {
    std::lock_guard lock(mutex_);
    return max_concurrent_;
  }
  int requests_for(const std::string& path) {
    std::lock_guard lock(mutex_);
    return requests_by_path_[path];
  }
  int conditional_requests() {
    std::lock_guard lock(mutex_);
    return conditional_requests_;
  }

 private:
  httplib::Server server_;
  std::mutex mutex_;
  std::map<std::string, Resource> resources_;
  int requests_ = 0;
  int conditional_requests_ = 0;
  std::map<std::string, int> requests_by_path_;
  int concurrent_ = 0;
  int max_concurrent_ = 0;
  int port_ = 0;
  std::thread thread_;
};

inline std::string hormuz_and_football_feed() {
  return R"(<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test Outlet</title><link>https://outlet.example/</link>
<item>
  <title>Iran threatens to close the Strait of Hormuz as tankers slow</title>
  <link>https://outlet.example/world/hormuz-tankers</link>
  <guid>outlet-hormuz-1</guid>
  <pubDate>Tue, 10 Jun 2025 04:00:00 GMT</pubDate>
  <description>&lt;p&gt;Shipping data showed fewer tankers transiting the strait.&lt;/p&gt;</description>
</item>
<item>
  <title>City Rovers beat United 2-1 in season opener</title>
  <link>https://outlet.example/sport/rovers</link>
  <guid>outlet-football-1</guid>
  <pubDate>Tue, 10 Jun 2025 05:00:00 GMT</pubDate>
  <description>A late goal settled the match.</description>
</item>
</channel></rss>)";
}

}  // namespace newswatch::test
