// `newswatch report` on a database the daemon wrote from loopback feeds: the JSON validates
// against daemon/report.schema.json, the Markdown renders through cmark-gfm as text, and the
// HTML page, rendered by headless Chromium (Debian's, loopback only: the page fetches
// nothing), shows the stories in rank order, a timeline whose bars add up to the articles, no
// console message, and hostile feed text as inert text. A screenshot is kept in the build
// directory (tests/report.png; the live page at a phone's width, tests/web-page.png) for a
// person to look at.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "integration/daemon_log.h"
#include "integration/feed_server.h"
#include "integration/process.h"
#include "test_support.h"

using namespace newswatch::test;
using json = nlohmann::json;

namespace {

const std::string kHostile =
    "<script>alert(1)</script> \"><img src=x onerror=alert(2)> \u202Eevil\u202C";

std::string item(const std::string& host, int n, const std::string& title,
                 const std::string& link = "") {
  return "<item><title>" + title + "</title><link>" +
         (link.empty() ? "https://" + host + "/news/" + std::to_string(n) : link) +
         "</link><description>" + title + "</description></item>";
}

std::string rss(const std::string& title, const std::string& host,
                const std::vector<std::string>& items) {
  std::string xml = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>" + title +
                    "</title><link>https://" + host + "/</link>";
  for (const auto& i : items) xml += i;
  return xml + "</channel></rss>";
}

// XML-escaped, as a feed carries text.
std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

// Three outlets report the seizure (one in French); one reports the talks; one carries a
// hostile title and link.
void serve(FeedServer& feeds) {
  const std::string seizure =
      "Iran's Revolutionary Guards seize oil tanker in the Strait of Hormuz";
  feeds.serve(
      "/a.xml",
      FeedServer::Resource(
          200,
          rss("Gulf Wire", "a.example",
              {item("a.example", 1, seizure),
               item("a.example", 2,
                    "US and Iran open new round of nuclear talks in Muscat, Oman mediating")})));
  feeds.serve(
      "/b.xml",
      FeedServer::Resource(
          200, rss("Capital Post", "b.example",
                   {item("b.example", 1,
                         "Revolutionary Guards seize tanker in Hormuz as US warns Tehran")})));
  // Escaped twice: the parser reads titles as HTML, and the markup is to reach the database.
  const std::string hostile = escaped(escaped(kHostile));
  feeds.serve(
      "/c.xml",
      FeedServer::Resource(
          200,
          rss(hostile, "c.example",
              {item(
                   "c.example", 1,
                   "Les Gardiens de la révolution saisissent un pétrolier dans le détroit d'Ormuz"),
               item("c.example", 2,
                    hostile + " Iran IRGC Hormuz tanker seized " + std::string(120, 'x'),
                    "javascript:alert(3)")})));
}

// Where a test artifact for people goes: beside the test binary (build/tests/), whatever the
// working directory.
std::string artifact(const std::string& name) {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path() / name;
}

// A configuration of the three feeds of serve(), `settings` before them.
std::string config_of(const TempDir& dir, FeedServer& feeds, const std::string& settings) {
  std::string toml = "database = \"" + dir.file("n.db") + "\"\n" + settings;
  for (const char* feed : {"/a.xml", "/b.xml", "/c.xml"})
    toml += "[[feed]]\nurl = \"" + feeds.url(feed) + "\"\n";
  return dir.write("newswatch.toml", toml);
}

std::string run_report(const TempDir& dir, const std::string& config, const std::string& format) {
  std::string out = dir.file("report." + format);
  REQUIRE(
      exit_status(spawn_newswatch({"report", "--config", config, "--format", format, "--out", out},
                                  dir.file(format + ".log"))) == 0);
  return out;
}

// Headless Chromium on `url` with `args`; everything it printed (stdout and its log).
std::string chromium(const TempDir& dir, const std::string& url,
                     const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> all = {"--headless=new",
                                  "--no-sandbox",
                                  "--disable-gpu",
                                  "--no-first-run",
                                  "--user-data-dir=" + dir.file("chromium"),
                                  "--enable-logging=stderr",
                                  "--v=0"};
  all.insert(all.end(), args.begin(), args.end());
  all.push_back(url);
  pid_t pid = spawn_logged("chromium", all, dir.file(log));
  REQUIRE(pid > 0);
  REQUIRE(exit_status(pid) == 0);
  return read_file(dir.file(log));
}

// What `script` (<script> elements added at the end of the body) writes into a <pre
// id="found"> of the page at `page`, run in Chromium with `args`. The page is a copy without
// its Content-Security-Policy, which would refuse the script: the one difference.
std::string found_in_page(const TempDir& dir, const std::string& page, const std::string& script,
                          const std::vector<std::string>& args) {
  std::string html = read_file(page);
  html = std::regex_replace(html, std::regex("<meta http-equiv=\"Content-Security-Policy\"[^>]*>"),
                            "");
  html.replace(html.rfind("</body>"), 7,
               script +
                   "<script>function found(text) { const p = document.createElement('pre');"
                   "p.id = 'found'; p.textContent = text; document.body.appendChild(p); }"
                   "</script></body>");
  std::string checked = dir.write("checked.html", html);
  std::vector<std::string> all = {"--virtual-time-budget=30000", "--dump-dom"};
  all.insert(all.end(), args.begin(), args.end());
  std::string dom = chromium(dir, "file://" + checked, all, "checked.log");
  std::smatch result;
  REQUIRE(std::regex_search(dom, result, std::regex("<pre id=\"found\">(.*)</pre>")));
  return result[1];
}

// axe-core's violations (WCAG 2.1 A and AA, and its best practices) on the page, as JSON.
std::string axe_violations(const TempDir& dir, const std::string& page) {
  std::filesystem::copy_file(NEWSWATCH_AXE_CORE, dir.file("axe.min.js"),
                             std::filesystem::copy_options::overwrite_existing);
  return found_in_page(
      dir, page,
      "<script src=\"axe.min.js\"></script><script>window.addEventListener('load', () => "
      "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', "
      "'wcag21aa', 'best-practice']}}).then(r => found(JSON.stringify(r.violations.map(v => "
      "({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target)}))))))"
      "</script>",
      {});
}

// How many CSS pixels wider than a phone's screen (390 wide) the page lays out: 0 when it
// needs no sideways scrolling there.
int wider_than_a_phone(const TempDir& dir, const std::string& page) {
  return std::stoi(
      found_in_page(dir, page,
                    "<script>window.addEventListener('load', () => found(String(Math.max(0, "
                    "document.documentElement.scrollWidth - window.innerWidth))))</script>",
                    {"--window-size=390,844"}));
}

}  // namespace

TEST_CASE("report: JSON valid by its schema, Markdown inert, HTML ranked and inert in Chromium") {
  TempDir dir;
  FeedServer feeds;
  serve(feeds);
  std::string config = config_of(dir, feeds, "");
  REQUIRE(exit_status(
              spawn_newswatch({"run", "--once", "--config", config}, dir.file("run.log"))) == 0);

  // JSON: valid, the seizure first (three outlets, two languages), the bars add up.
  std::string json_path = run_report(dir, config, "json");
  std::string schema = std::string(NEWSWATCH_SOURCE_DIR) + "/daemon/report.schema.json";
  REQUIRE(exit_status(spawn_logged(
              "python3",
              {"-c",
               "import json, sys, jsonschema\n"
               "schema = json.load(open(sys.argv[1]))\n"
               "jsonschema.Draft202012Validator.check_schema(schema)\n"
               "jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))\n",
               schema, json_path},
              dir.file("schema.log"))) == 0);
  json report = json::parse(read_file(json_path));
  REQUIRE(report["stories"].size() >= 2);
  CHECK(report["stories"][0]["outlets"].size() == 3);
  CHECK(report["stories"][0]["languages"].size() == 2);
  CHECK(report["stories"][0]["status"] == "new");
  int timeline_sum = 0;
  for (const auto& hour : report["timeline"]) timeline_sum += hour["articles"].get<int>();
  CHECK(timeline_sum == report["figures"]["articles"]);
  CHECK(report["figures"]["outlets"] == 4);  // the link-less hostile item's is its feed's title

  // Markdown, rendered by a CommonMark parser with GitHub's extensions: no markup of the
  // feed's survives, no javascript: link, no bidi override.
  std::string md_path = run_report(dir, config, "md");
  pid_t cmark = spawn_logged(
      "cmark-gfm", {"--extension", "table", "--extension", "autolink", "--validate-utf8", md_path},
      dir.file("md.html"));
  REQUIRE(cmark > 0);
  REQUIRE(exit_status(cmark) == 0);
  std::string md_html = read_file(dir.file("md.html"));
  CHECK(md_html.find("<script") == std::string::npos);
  CHECK(md_html.find("<img") == std::string::npos);
  CHECK(md_html.find("href=\"javascript") == std::string::npos);
  CHECK(md_html.find("\u202E") == std::string::npos);
  CHECK(md_html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(md_html.find("<table>") != std::string::npos);

  // HTML in Chromium: the DOM after parsing, and a screenshot.
  std::string html_path = run_report(dir, config, "html");
  std::string dom = chromium(dir, "file://" + html_path, {"--dump-dom"}, "dom.log");
  CHECK(dom.find("INFO:CONSOLE") == std::string::npos);  // CSP violations, script errors
  REQUIRE(dom.find("<html") != std::string::npos);
  dom = dom.substr(dom.find("<html"));
  CHECK(dom.find("<script") == std::string::npos);
  CHECK(dom.find("<img") == std::string::npos);
  CHECK(dom.find("href=\"javascript") == std::string::npos);
  CHECK(dom.find("\u202E") == std::string::npos);
  CHECK(dom.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  std::vector<std::int64_t> shown;
  std::regex story("data-story=\"([0-9]+)\"");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), story); it != std::sregex_iterator();
       ++it)
    shown.push_back(std::stoll((*it)[1]));
  std::vector<std::int64_t> ranked;
  for (const auto& s : report["stories"]) ranked.push_back(s["id"].get<std::int64_t>());
  CHECK(shown == ranked);
  int bars = 0;
  std::regex bar("data-articles=\"([0-9]+)\"");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), bar); it != std::sregex_iterator();
       ++it)
    bars += std::stoi((*it)[1]);
  CHECK(bars == report["figures"]["articles"]);

  if (std::string(NEWSWATCH_AXE_CORE).empty())
    WARN("axe-core not found (scripts/deps --axe fetches it): accessibility not checked");
  else
    CHECK(axe_violations(dir, html_path) == "[]");
  CHECK(wider_than_a_phone(dir, html_path) == 0);

  std::string screenshot = artifact("report.png");
  chromium(dir, "file://" + html_path, {"--screenshot=" + screenshot, "--window-size=1000,1600"},
           "screenshot.log");
  CHECK(std::filesystem::file_size(screenshot) > 10000);
}

TEST_CASE("report: bad arguments are one clear line and exit 2, a missing database exits 1") {
  TempDir dir;
  CHECK(exit_status(spawn_newswatch({"report", "--since", "yesterday"}, dir.file("1.log"))) == 2);
  CHECK_THAT(read_file(dir.file("1.log")),
             Catch::StartsWith("newswatch report: --since wants a duration (90m, 24h, 7d) or a "
                               "time, not 'yesterday'"));
  CHECK(exit_status(spawn_newswatch({"report", "--format", "pdf"}, dir.file("2.log"))) == 2);
  CHECK(exit_status(spawn_newswatch({"report", "--db", dir.file("none.db")}, dir.file("3.log"))) ==
        1);
  CHECK_THAT(read_file(dir.file("3.log")), Catch::Contains("no such database"));
}

namespace {

std::vector<std::int64_t> stories_shown(const std::string& html) {
  std::vector<std::int64_t> shown;
  std::regex story("data-story=\"([0-9]+)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), story);
       it != std::sregex_iterator(); ++it)
    shown.push_back(std::stoll((*it)[1]));
  return shown;
}

}  // namespace

TEST_CASE("web page: the report, a story and search, read-only, strict, and seen in Chromium") {
  TempDir dir;
  FeedServer feeds;
  serve(feeds);
  std::string config =
      config_of(dir, feeds, "interval = \"1h\"\n[web]\nlisten = \"127.0.0.1:0\"\n");
  std::string log = dir.file("daemon.log");
  pid_t daemon = spawn_newswatch({"run", "--config", config}, log);
  int port = logged_port(log, "web page");
  REQUIRE(await([&] { return read_file(log).find("poll round:") != std::string::npos; }));
  json ranked = json::parse(read_file(run_report(dir, config, "json")));

  httplib::Client client("127.0.0.1", port);
  auto page = client.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Security-Policy") ==
        "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'");
  CHECK(page->get_header_value("X-Content-Type-Options") == "nosniff");
  std::vector<std::int64_t> order;
  for (const auto& s : ranked["stories"]) order.push_back(s["id"].get<std::int64_t>());
  CHECK(stories_shown(page->body) == order);
  CHECK(page->body.find("<script") == std::string::npos);
  CHECK(page->body.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(page->body.find("href=\"/stories/" + std::to_string(order[0]) + "\"") != std::string::npos);

  auto story = client.Get(("/stories/" + std::to_string(order[0])).c_str());
  REQUIRE(story);
  CHECK(story->status == 200);
  CHECK(stories_shown(story->body) == std::vector<std::int64_t>{order[0]});
  CHECK(story->body.find("Les Gardiens de la révolution") != std::string::npos);
  CHECK(client.Get("/stories/987654")->status == 404);
  CHECK(client.Get("/stories/x")->status == 404);

  auto search = client.Get("/search?q=p%C3%A9trolier%20Ormuz");
  REQUIRE(search);
  CHECK(search->status == 200);
  CHECK(search->body.find("Les Gardiens de la révolution") != std::string::npos);
  CHECK(search->body.find("Muscat") == std::string::npos);
  // FTS5's own syntax is text here: a quote, a keyword, a column filter.
  for (const char* odd : {"/search?q=%22", "/search?q=AND+OR+NEAR", "/search?q=title%3Airan",
                          "/search?q=", "/search?q=%3Cscript%3E"}) {
    auto found = client.Get(odd);
    REQUIRE(found);
    CHECK(found->status == 200);
    CHECK(found->body.find("<script>") == std::string::npos);
  }
  CHECK(client.Get("/?since=bogus")->status == 400);
  CHECK(client.Get("/?since=7d&topics=mediation")->status == 200);
  CHECK(client.Get("/nowhere")->status == 404);
  auto post = client.Post("/", "x", "text/plain");
  REQUIRE(post);
  CHECK(post->status == 405);
  CHECK(post->get_header_value("Allow") == "GET, HEAD");

  // Chromium loads the page with its policy: the stylesheet is allowed, nothing else is
  // asked for, nothing is logged to the console.
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  std::string dom = chromium(dir, url, {"--dump-dom"}, "live-dom.log");
  std::string screenshot = artifact("web-page.png");
  chromium(dir, url, {"--screenshot=" + screenshot, "--window-size=390,844"}, "live-shot.log");
  CHECK(std::filesystem::file_size(screenshot) > 10000);
  CHECK(dom.find("INFO:CONSOLE") == std::string::npos);
  CHECK(stories_shown(dom) == order);

  // The live page as served, its stylesheet beside it: axe-core, and a phone's width.
  dir.write("style.css", client.Get("/style.css")->body);
  std::string served = page->body;
  served.replace(served.find("href=\"/style.css\""), 17, "href=\"style.css\"");
  std::string live = dir.write("live.html", served);
  if (!std::string(NEWSWATCH_AXE_CORE).empty()) CHECK(axe_violations(dir, live) == "[]");
  CHECK(wider_than_a_phone(dir, live) == 0);
  kill(daemon, SIGTERM);
  CHECK(exit_status(daemon) == 0);
}
