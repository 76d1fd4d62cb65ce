// `newswatch check-config`: everything `run` would refuse to start with, all at once, each
// with its file:line:column. Usable as systemd's ExecStartPre=.
#include <cstdio>
#include <filesystem>
#include <string>

#include "daemon/commands.h"
#include "daemon/config.h"

namespace newswatch {
namespace {

constexpr const char* kCheckUsage = R"(usage: newswatch check-config [--config FILE]

Reads the configuration, its OPML feed list and its topic packs as `newswatch run` would, and
prints every error with its file:line:column. Exits 0 when all is well, 1 on any error.

  --config FILE   the configuration (default: /etc/newswatch/newswatch.toml if it exists,
                  else ./newswatch.toml)
)";

void print_lines(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::fprintf(stderr, "%s\n", text.substr(start, end - start).c_str());
    start = end + 1;
  }
}

}  // namespace

int check_config_command(const Args& args) {
  std::string path;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(kCheckUsage, stdout);
      return 0;
    }
    if (args[i] == "--config" && i + 1 < args.size()) {
      path = args[++i];
      continue;
    }
    std::fprintf(stderr, "newswatch check-config: bad argument '%s'\n%s", args[i].c_str(),
                 kCheckUsage);
    return 2;
  }
  if (path.empty())
    path = std::filesystem::exists(kSystemConfig) ? kSystemConfig : "newswatch.toml";
  int errors = 0;
  auto config = Config::load(path);
  if (!config) {
    print_lines(config.error().message);
    return 1;
  }
  std::vector<std::string> topics;
  for (const auto& pack_path : config->topics) {
    auto pack = TopicPack::load(pack_path);
    if (!pack) {
      print_lines(pack.error().message);
      ++errors;
    } else {
      for (const auto& topic : pack->topics) topics.push_back(topic.name);
    }
  }
  if (errors) return 1;
  if (config->topics.empty()) {
    for (const auto& topic : TopicPack::builtin().topics) topics.push_back(topic.name);
  }
  std::printf("%s: ok (%zu feeds, %zu topics, %zu alerts, database %s)\n", path.c_str(),
              config->feeds.size(), topics.size(), config->alerts.size(), config->database.c_str());
  return 0;
}

}  // namespace newswatch
