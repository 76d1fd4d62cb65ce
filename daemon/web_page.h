// The live page ([web] listen = "127.0.0.1:8080"): the report (daemon/report.h) as HTML at "/",
// refreshed per request (?since=24h&topics=hormuz,irgc), one story whole at /stories/ID, and
// full-text search of the stored articles at /search?q=. It reads the database through a
// read-only connection of its own per request, on the thread of its own HttpServer, so a slow
// page never holds up polling, the writer or the watchdog. GET (and HEAD) only. Feed text is
// escaped as in report files; the pages carry no script, and a Content-Security-Policy header
// allows only their own stylesheet, their own links and their own search form.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "daemon/http_server.h"

namespace newswatch {

class WebPage {
 public:
  static Result<std::unique_ptr<WebPage>> start(const std::string& listen,
                                                const std::string& database);
  int port() const { return http_->port(); }

  // The whole response to a request line, as the server sends it (public for tests).
  std::string answer(const std::string& request_line) const;

 private:
  WebPage() = default;
  std::string database_;
  std::unique_ptr<HttpServer> http_;  // last: stops before what it reads
};

// "127.0.0.1:8080" → whether its host is a loopback address (127.0.0.0/8, "localhost").
bool is_loopback_listen(const std::string& listen);

}  // namespace newswatch
