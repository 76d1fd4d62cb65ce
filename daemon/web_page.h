// The live page ([web] listen = "127.0.0.1:8080"): the report (daemon/report.h) as HTML at "/",
// refreshed per request (?since=24h&topics=hormuz,irgc), one story whole at /stories/ID, and
// full-text search of the stored articles at /search?q=. It reads the database through a
// read-only connection of its own, on the thread of its own HttpServer, so a slow page never
// holds up polling, the writer or the watchdog. A page is made at most once a second: within
// the second a request for the same address gets the page made for the one before it, so that
// 200 readers a second cost one page a second, not 200, however often the daemon commits (it
// does many times a second while it polls). GET (and HEAD) only. Feed text is
// escaped as in report files; the pages carry no script, and a Content-Security-Policy header
// allows only their own stylesheet, their own links and their own search form.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "base/result.h"
#include "daemon/http_server.h"
#include "storage/store_reader.h"

namespace newswatch {

class WebPage {
 public:
  static Result<std::unique_ptr<WebPage>> start(const std::string& listen,
                                                const std::string& database);
  int port() const { return http_->port(); }

  // The whole response to a request line, as the server sends it. On the server's thread only.
  std::string answer(const std::string& request_line);

 private:
  WebPage() = default;
  std::string respond_cached(const std::string& target);

  std::string database_;
  std::unique_ptr<StoreReader> reader_;  // opened at the first request, again after an error
  std::int64_t cached_second_ = 0;
  std::map<std::string, std::string> cache_;  // responses by request target
  std::unique_ptr<HttpServer> http_;          // last: stops before what it reads
};

// "127.0.0.1:8080" → whether its host is a loopback address (127.0.0.0/8, "localhost").
bool is_loopback_listen(const std::string& listen);

}  // namespace newswatch
