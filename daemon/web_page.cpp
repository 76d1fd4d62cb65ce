#include "daemon/web_page.h"

#include <ctime>
#include <map>

#include "daemon/report.h"
#include "daemon/report_render.h"
#include "storage/store_reader.h"

namespace newswatch {
namespace {

constexpr const char* kHeaders =
    "Content-Security-Policy: default-src 'none'; style-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Cache-Control: no-store\r\n";
constexpr int kSearchHits = 100;
constexpr int kStories = 100;
constexpr std::size_t kCachedPages = 32;

std::string page(const std::string& status, const std::string& type, const std::string& body) {
  return http_response(status, type, body, kHeaders);
}

std::string problem(const std::string& status, const std::string& why) {
  return page(status, "text/plain; charset=utf-8", why + "\n");
}

// %XX and '+' decoded; nullopt for a bad escape.
std::optional<std::string> url_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
        return std::nullopt;
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The query string's parameters; nullopt when one is badly escaped.
std::optional<std::map<std::string, std::string>> parameters(std::string_view query) {
  std::map<std::string, std::string> found;
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    std::size_t equals = pair.find('=');
    auto key = url_decoded(pair.substr(0, equals));
    auto value = url_decoded(equals == std::string_view::npos ? "" : pair.substr(equals + 1));
    if (!key || !value) return std::nullopt;
    found[*key] = *value;
  }
  return found;
}

std::string html_page(const std::string& body) {
  return page("200 OK", "text/html; charset=utf-8", body);
}

std::string unavailable(const Error& error) {
  return problem("503 Service Unavailable", "database: " + error.message);
}

std::string report_page(StoreReader& store, std::map<std::string, std::string>& query,
                        std::int64_t now) {
  auto options =
      report_options(query.count("since") ? query["since"] : "24h", "", query["topics"], now);
  if (!options) return problem("400 Bad Request", options.error().message);
  options->max_stories = kStories;
  auto rows = store.report_rows(options->since, options->until);
  auto feeds = store.feed_health();
  if (!rows || !feeds) return unavailable(!rows ? rows.error() : feeds.error());
  return html_page(report_html(build_report(*rows, *feeds, *options, now), {true, ""}));
}

// The story whole: every article of it, the period from the hour of its first.
std::string story_page(StoreReader& store, const std::string& id_text, std::int64_t now) {
  if (id_text.empty() || id_text.size() > 18 ||
      id_text.find_first_not_of("0123456789") != std::string::npos)
    return problem("404 Not Found", "no such story");
  auto rows = store.story_rows(std::stoll(id_text), now + 1);
  auto feeds = store.feed_health();
  if (!rows || !feeds) return unavailable(!rows ? rows.error() : feeds.error());
  if (rows->articles.empty()) return problem("404 Not Found", "no such story");
  ReportOptions options;
  options.since = rows->articles.front().first_seen;
  options.until = now + 1;
  options.max_stories = 1;
  return html_page(report_html(build_report(*rows, *feeds, options, now), {true, ""}));
}

std::string search_page(StoreReader& store, const std::string& words) {
  auto hits = store.search_articles(words, kSearchHits);
  if (!hits) return unavailable(hits.error());
  return html_page(search_html(words, *hits));
}

std::string respond(StoreReader& store, const std::string& path,
                    std::map<std::string, std::string>& query, std::int64_t now) {
  if (path == "/") return report_page(store, query, now);
  if (path == "/search") return search_page(store, query["q"]);
  if (path.starts_with("/stories/")) return story_page(store, path.substr(9), now);
  return problem("404 Not Found", "not here: the report is at /");
}

}  // namespace

Result<std::unique_ptr<WebPage>> WebPage::start(const std::string& listen,
                                                const std::string& database) {
  std::unique_ptr<WebPage> web(new WebPage());
  web->database_ = database;
  auto http = HttpServer::start(
      "web", listen, [w = web.get()](const std::string& line) { return w->answer(line); });
  if (!http) return fail(http.error());
  web->http_ = std::move(*http);
  return web;
}

bool is_loopback_listen(const std::string& listen) {
  std::string host = listen.substr(0, listen.rfind(':'));
  return host == "localhost" || host.starts_with("127.");
}

std::string WebPage::answer(const std::string& line) {
  std::size_t space = line.find(' ');
  std::string method = line.substr(0, space);
  std::string target = space == std::string::npos
                           ? ""
                           : line.substr(space + 1, line.find(' ', space + 1) - space - 1);
  if (method != "GET" && method != "HEAD")
    return http_response("405 Method Not Allowed", "text/plain; charset=utf-8", "GET only\n",
                         std::string(kHeaders) + "Allow: GET, HEAD\r\n");
  std::string response = respond_cached(target);
  if (method == "HEAD") response.resize(response.find("\r\n\r\n") + 4);
  return response;
}

std::string WebPage::respond_cached(const std::string& target) {
  std::string path = target.substr(0, target.find('?'));
  if (path == "/style.css") return page("200 OK", "text/css; charset=utf-8", report_css());
  auto query = parameters(target.size() > path.size() ? target.substr(path.size() + 1) : "");
  if (!query) return problem("400 Bad Request", "a badly escaped query string");
  std::int64_t now = std::time(nullptr);
  if (now != cached_second_) {
    cache_.clear();
    cached_second_ = now;
  }
  if (auto hit = cache_.find(target); hit != cache_.end()) return hit->second;
  if (!reader_) {
    auto opened = StoreReader::open(database_, 1000);
    if (!opened) return unavailable(opened.error());
    reader_ = std::make_unique<StoreReader>(std::move(*opened));
  }
  if (auto alive = reader_->data_version(); !alive) {
    reader_.reset();  // opened again at the next request
    return unavailable(alive.error());
  }
  std::string response = respond(*reader_, path, *query, now);
  if (cache_.size() < kCachedPages) cache_.emplace(target, response);
  return response;
}

}  // namespace newswatch
