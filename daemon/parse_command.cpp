// `newswatch parse`: a feed document as the JSON contract of the conformance suite
// (../shared/conformance/README.md), one object per file and line.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "daemon/commands.h"
#include "feeds/dates.h"
#include "feeds/parser.h"

namespace newswatch {
namespace {

using nlohmann::ordered_json;

constexpr const char* kParseUsage = R"(usage: newswatch parse [--base URL] FILE|- [FILE...]

Parses feed documents (RSS, RDF, Atom, JSON Feed) and prints each as one line of JSON:
format, feed title/link/language/updated, items, warnings. '-' reads standard input.
With several files, a file that cannot be parsed prints {"file": ..., "error": ...}.

  --base URL   the document's URL, for resolving relative links
)";

ordered_json optional_string(const std::optional<std::string>& s) {
  return s ? ordered_json(*s) : ordered_json(nullptr);
}

ordered_json optional_date(const std::optional<UnixSeconds>& t) {
  return t ? ordered_json(format_iso8601(*t)) : ordered_json(nullptr);
}

ordered_json to_json(const ParsedFeed& feed) {
  ordered_json out;
  out["format"] = format_name(feed.format);
  out["feed"] = {{"title", feed.title},
                 {"link", optional_string(feed.link)},
                 {"language", optional_string(feed.language)},
                 {"updated", optional_date(feed.updated)}};
  ordered_json items = ordered_json::array();
  for (const Item& item : feed.items) {
    items.push_back({{"guid", optional_string(item.guid)},
                     {"title", item.title},
                     {"link", optional_string(item.link)},
                     {"published", optional_date(item.published)},
                     {"updated", optional_date(item.updated)},
                     {"author", optional_string(item.author)},
                     {"summary", item.summary},
                     {"content", item.content},
                     {"categories", item.categories}});
  }
  out["items"] = std::move(items);
  out["warnings"] = feed.warnings;
  return out;
}

void print_line(const ordered_json& object) {
  std::string line = object.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stdout);
}

std::optional<std::string> read_input(const std::string& path) {
  std::ostringstream buffer;
  if (path == "-") {
    buffer << std::cin.rdbuf();
    return buffer.str();
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  buffer << file.rdbuf();
  return buffer.str();
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
  // One file: the contract's single object, or an error on stderr. Several: one line per
  // file in order, a failed file as {"file", "error"}, so one bad file hides no others.
  const bool several = files.size() > 1;
  int status = 0;
  for (const auto& path : files) {
    auto bytes = read_input(path);
    Result<ParsedFeed> feed =
        bytes ? parse_feed(*bytes, options) : fail("cannot read file");
    if (!feed) {
      status = 1;
      std::fprintf(stderr, "newswatch parse: %s: %s\n", path.c_str(), feed.error().message.c_str());
      if (several) print_line(ordered_json{{"file", path}, {"error", feed.error().message}});
      continue;
    }
    print_line(to_json(*feed));
  }
  return status;
}

}  // namespace newswatch
