// `newswatch parse`: a feed document as the JSON contract of the conformance suite
// (../shared/conformance/README.md), one object per file and line.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <iterator>
#include <mutex>
#include <thread>

#include "daemon/commands.h"
#include "daemon/json_line.h"
#include "feeds/dates.h"
#include "feeds/parser.h"

namespace newswatch {
namespace {

constexpr const char* kParseUsage = R"(usage: newswatch parse [--base URL] FILE|- [FILE...]

Parses feed documents (RSS, RDF, Atom, JSON Feed) and prints each as one line of JSON:
format, feed title/link/language/updated, items, warnings. '-' reads standard input.
With several files, a file that cannot be parsed prints {"file": ..., "error": ...}.

  --base URL   the document's URL, for resolving relative links
)";

std::optional<std::string> date_text(const std::optional<UnixSeconds>& t) {
  return t ? std::optional<std::string>(format_iso8601(*t)) : std::nullopt;
}

void write_feed(JsonLine& out, const ParsedFeed& feed) {
  out.begin_object().key("format").value(format_name(feed.format));
  out.key("feed").begin_object();
  out.key("title").value(feed.title).key("link").nullable(feed.link);
  out.key("language").nullable(feed.language).key("updated").nullable(date_text(feed.updated));
  out.end_object();
  out.key("items").begin_array();
  for (const Item& item : feed.items) {
    out.begin_object();
    out.key("guid").nullable(item.guid).key("title").value(item.title);
    out.key("link").nullable(item.link).key("published").nullable(date_text(item.published));
    out.key("updated").nullable(date_text(item.updated)).key("author").nullable(item.author);
    out.key("summary").value(item.summary).key("content").value(item.content);
    out.key("categories").strings(item.categories);
    out.end_object();
  }
  out.end_array();
  out.key("warnings").strings(feed.warnings);
  out.end_object();
}

}  // namespace

std::optional<std::string> read_all(std::FILE* in) {
  std::string bytes;
  char chunk[1 << 16];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, in)) > 0;) bytes.append(chunk, n);
  if (std::ferror(in)) return std::nullopt;
  return bytes;
}

namespace {

std::optional<std::string> read_input(const std::string& path) {
  if (path == "-") return read_all(stdin);
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return std::nullopt;
  std::optional<std::string> bytes = read_all(file);
  std::fclose(file);
  return bytes;
}

// The output line for one file, and its error for stderr when it failed.
struct ParsedLine {
  std::string line;
  std::string error;
};

ParsedLine parse_one(const std::string& path, const ParseOptions& options, bool several) {
  auto bytes = read_input(path);
  Result<ParsedFeed> feed = bytes ? parse_feed(*bytes, options) : fail("cannot read file");
  JsonLine out;
  if (feed) {
    write_feed(out, *feed);
    return {out.take_line(), ""};
  }
  if (!several) return {"", feed.error().message};
  out.begin_object().key("file").value(path).key("error").value(feed.error().message);
  out.end_object();
  return {out.take_line(), feed.error().message};
}

// One file: the contract's single object, or an error on stderr. Several: one line per
// file in order, a failed file as {"file", "error"}, so one bad file hides no others.
// Files are parsed on every core; lines still come out in the order of the arguments.
int parse_and_print(const std::vector<std::string>& files, const ParseOptions& options) {
  const bool several = files.size() > 1;
  // Workers parse files in any order; this thread prints each line as soon as it and every
  // line before it are ready, so writing overlaps parsing.
  std::vector<ParsedLine> results(files.size());
  std::vector<char> ready(files.size(), 0);
  std::mutex mutex;
  std::condition_variable done;
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next++) < files.size();) {
      ParsedLine line = parse_one(files[i], options, several);
      std::lock_guard lock(mutex);
      results[i] = std::move(line);
      ready[i] = 1;
      done.notify_one();
    }
  };
  unsigned threads =
      std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), files.size());
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) workers.emplace_back(work);
  int status = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    ParsedLine line;
    {
      std::unique_lock lock(mutex);
      done.wait(lock, [&] { return ready[i] != 0; });
      line = std::move(results[i]);
    }
    if (!line.error.empty()) {
      status = 1;
      std::fprintf(stderr, "newswatch parse: %s: %s\n", files[i].c_str(), line.error.c_str());
    }
    std::fwrite(line.line.data(), 1, line.line.size(), stdout);
  }
  for (auto& w : workers) w.join();
  return status;
}

}  // namespace

int parse_command(const Args& args) {
  ParseOptions options;
  std::vector<std::string> files;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(kParseUsage, stdout);
      return 0;
    } else if (args[i] == "--base" && i + 1 < args.size()) {
      options.base_url = args[++i];
    } else if (args[i].starts_with("--")) {
      std::fprintf(stderr, "newswatch parse: bad argument '%s'\n%s", args[i].c_str(), kParseUsage);
      return 2;
    } else {
      files.push_back(args[i]);
    }
  }
  if (files.empty()) {
    std::fputs(kParseUsage, stderr);
    return 2;
  }
  return parse_and_print(files, options);
}

}  // namespace newswatch
