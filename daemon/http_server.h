// A small HTTP/1.1 server on a thread of its own, for the metrics endpoint and the web page:
// one request per connection, answered whole; many connections at once, each with a
// deadline, so that clients that send slowly or not at all (slowloris) cannot keep another
// waiting: when all slots are taken, the oldest connection is dropped for the new one.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "base/result.h"
#include "base/unique_fd.h"

namespace newswatch {

class HttpServer {
 public:
  // Answers a request's first line ("GET /path?query HTTP/1.1") with a whole response; called
  // on the server's thread, one request at a time.
  using Handler = std::function<std::string(const std::string& request_line)>;

  // Listens on "host:port" (an IPv4 address or "localhost"; port 0 picks one); `what` names
  // the server in its errors ("metrics: cannot listen on ...").
  static Result<std::unique_ptr<HttpServer>> start(const std::string& what,
                                                   const std::string& listen, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  int port() const { return port_; }

 private:
  struct Client;
  HttpServer() = default;
  void serve();
  // Reads what a client sent; false when it closed or failed. Once its request's head is
  // complete, the response is ready to send.
  bool read_request(Client& client);

  Handler handler_;
  UniqueFd listener_;
  UniqueFd stop_read_, stop_write_;  // a pipe: serve() stops when it is readable
  int port_ = 0;
  std::thread thread_;
};

// A whole response: status line ("200 OK"), Content-Type, Content-Length, Connection: close,
// then `headers` (each line ending "\r\n"), then `body`.
std::string http_response(const std::string& status, const std::string& type,
                          const std::string& body, const std::string& headers = "");

}  // namespace newswatch
