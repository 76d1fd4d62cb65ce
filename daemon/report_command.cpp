// `newswatch report`: the analyst's briefing of a period, as Markdown, JSON or one HTML page.
// Reads the database only; safe while the daemon runs.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "daemon/commands.h"
#include "daemon/report.h"
#include "daemon/report_render.h"
#include "feeds/shown_text.h"
#include "storage/database_name.h"

namespace newswatch {
namespace {

constexpr const char* kReportUsage =
    R"(usage: newswatch report [--config FILE] [--db PATH] [--since WHEN]
                        [--until WHEN] [--topics T,...] [--format md|json|html]
                        [--stories N] [--out FILE]

The briefing of a period: its figures (stories, articles, outlets, languages, failing feeds), a
timeline of articles per hour by topic, and its stories ranked by how widely they are reported
(outlets, then languages, then the latest article), each with its outlets, languages, articles
and the terms that matched. A story is marked new when it was first seen in the period, grew
when it was known before and gained articles in it.

  --config FILE   the configuration naming the database (default: /etc/newswatch/newswatch.toml
                  if it exists, else ./newswatch.db)
  --db PATH       the database (overrides the config's)
  --since WHEN    the period's start: a duration back from --until (90m, 24h, 7d) or a time
                  (2026-12-07T06:00:00Z); default 24h
  --until WHEN    the period's end, a time; default now
  --topics T,...  only articles that matched one of these topics
  --format F      md (Markdown, the default), json (daemon/report.schema.json) or html (one
                  self-contained page: no script, nothing fetched)
  --stories N     list the N most widely reported stories (default 100; the figures count all)
  --out FILE      write to FILE (replaced whole, never left half-written) instead of stdout
)";

struct ReportArgs {
  std::string config, db, since = "24h", until, topics, format = "md", out;
  int stories = 100;
};

// Writes `text` to `path` through a temporary file beside it, renamed over it once whole; a
// path that is no regular file (/dev/stdout, a pipe) is written to directly, not replaced.
Result<void> write_whole(const std::string& path, const std::string& text) {
  std::error_code error;
  auto status = std::filesystem::status(path, error);
  bool replace = !std::filesystem::exists(status) || std::filesystem::is_regular_file(status);
  std::string target = replace ? path + ".tmp" + std::to_string(getpid()) : path;
  {
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return fail("cannot write " + target + ": " + std::strerror(errno));
  }
  if (replace && std::rename(target.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    std::remove(target.c_str());
    return fail("cannot write " + path + ": " + why);
  }
  return {};
}

Result<std::string> render(const ReportArgs& args, const ReportOptions& options,
                           const std::string& db_path, std::int64_t now) {
  auto store = StoreReader::open(db_path, 5000);
  if (!store) return fail(store.error());
  auto rows = store->report_rows(options.since, options.until);
  if (!rows) return fail(rows.error());
  auto feeds = store->feed_health();
  if (!feeds) return fail(feeds.error());
  Report report = build_report(*rows, *feeds, options, now);
  if (args.format == "json") return report_json(report);
  if (args.format == "html") return report_html(report);
  return report_markdown(report);
}

// Fills `args` from the command line; an error message, or "" when all is well.
std::string read_args(const Args& list, ReportArgs& args) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string& arg = list[i];
    if (i + 1 >= list.size()) return "bad argument '" + arg + "'";
    const std::string& value = list[++i];
    if (arg == "--config")
      args.config = value;
    else if (arg == "--db")
      args.db = value;
    else if (arg == "--since")
      args.since = value;
    else if (arg == "--until")
      args.until = value;
    else if (arg == "--topics")
      args.topics = value;
    else if (arg == "--out")
      args.out = value;
    else if (arg == "--format")
      args.format = value;
    else if (arg == "--stories")
      args.stories = std::atoi(value.c_str());
    else
      return "bad argument '" + arg + "'";
  }
  if (args.format != "md" && args.format != "json" && args.format != "html")
    return "--format is md, json or html, not '" + args.format + "'";
  if (args.stories <= 0) return "--stories wants a positive number";
  return "";
}

}  // namespace

int report_command(const Args& list) {
  for (const auto& arg : list) {
    if (arg == "--help" || arg == "-h") {
      std::fputs(kReportUsage, stdout);
      return 0;
    }
  }
  ReportArgs args;
  if (std::string bad = read_args(list, args); !bad.empty()) {
    std::fprintf(stderr, "newswatch report: %s\n%s", printable(bad).c_str(), kReportUsage);
    return 2;
  }
  std::int64_t now = std::time(nullptr);
  auto options = report_options(args.since, args.until, args.topics, now);
  if (options) options->max_stories = args.stories;
  if (!options) {
    std::fprintf(stderr, "newswatch report: %s\n", printable(options.error().message).c_str());
    return 2;
  }
  std::string db_path = args.db;
  if (db_path.empty()) {
    auto configured = configured_database(args.config);
    if (!configured) {
      std::fprintf(stderr, "newswatch report: %s\n", configured.error().message.c_str());
      return 1;
    }
    db_path = *configured;
  }
  if (!is_postgresql(db_path) && !std::filesystem::exists(db_path)) {
    std::fprintf(stderr, "newswatch report: %s: no such database\n",
                 printable(redacted_database(db_path)).c_str());
    return 1;
  }
  auto text = render(args, *options, db_path, now);
  Result<void> written = !text              ? fail(text.error())
                         : args.out.empty() ? Result<void>()
                                            : write_whole(args.out, *text);
  if (text && args.out.empty()) std::fwrite(text->data(), 1, text->size(), stdout);
  if (!written) {
    std::fprintf(stderr, "newswatch report: %s: %s\n",
                 printable(redacted_database(db_path)).c_str(),
                 printable(written.error().message).c_str());
    return 1;
  }
  return 0;
}

}  // namespace newswatch
