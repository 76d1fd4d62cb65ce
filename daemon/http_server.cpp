#include "daemon/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <vector>

namespace newswatch {

Result<std::unique_ptr<HttpServer>> HttpServer::start(const std::string& what,
                                                      const std::string& listen, Handler handler) {
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return fail(what + ": listen must be host:port, not " + listen);
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
    return fail(what + ": listen must be an IPv4 address and a port, not " + listen);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->handler_ = std::move(handler);
  server->listener_.reset(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  int listener = server->listener_.get();
  int yes = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 128) != 0)
    return fail(what + ": cannot listen on " + listen + ": " + std::strerror(errno));
  socklen_t length = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  server->port_ = ntohs(address.sin_port);
  int stop[2];
  if (pipe2(stop, O_CLOEXEC) != 0) return fail(what + ": pipe failed");
  server->stop_read_.reset(stop[0]);
  server->stop_write_.reset(stop[1]);
  server->thread_ = std::thread([s = server.get()] { s->serve(); });
  return server;
}

HttpServer::~HttpServer() {
  if (thread_.joinable()) {
    // The pipe is empty (this is its only write), so the byte fits. (A (void) cast does
    // not silence warn_unused_result under _FORTIFY_SOURCE.)
    [[maybe_unused]] ssize_t written = write(stop_write_.get(), "x", 1);
    thread_.join();
  }
}

namespace {

constexpr std::size_t kMaxClients = 64;
constexpr std::chrono::seconds kClientDeadline{2};
constexpr std::size_t kMaxRequestHead = 16384;

}  // namespace

struct HttpServer::Client {
  UniqueFd fd;
  std::chrono::steady_clock::time_point deadline;
  std::string request;   // the head read so far
  std::string response;  // once the head is complete
  std::size_t sent = 0;
};

void HttpServer::serve() {
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

bool HttpServer::read_request(Client& c) {
  char buffer[2048];
  ssize_t n = recv(c.fd.get(), buffer, sizeof buffer, MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return false;
  if (n > 0) c.request.append(buffer, static_cast<std::size_t>(n));
  if (c.request.find("\r\n\r\n") == std::string::npos && c.request.size() < kMaxRequestHead)
    return true;
  c.response = handler_(c.request.substr(0, c.request.find("\r\n")));
  return true;
}

std::string http_response(const std::string& status, const std::string& type,
                          const std::string& body, const std::string& headers) {
  return "HTTP/1.1 " + status + "\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n" +
         headers + "\r\n" + body;
}

}  // namespace newswatch
