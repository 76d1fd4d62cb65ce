// `newswatch check-config`: everything `run` would refuse to start with, all at once, each
// with its file:line:column. Usable as systemd's ExecStartPre=.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "daemon/commands.h"
#include "daemon/config.h"
#include "storage/database_name.h"
#include "storage/store.h"

namespace newswatch {
namespace {

constexpr const char* kCheckUsage = R"(usage: newswatch check-config [--config FILE]

Reads the configuration, its OPML feed list and its topic packs as `newswatch run` would, and
prints every error with its file:line:column. Exits 0 when all is well, 1 on any error.
When all is well it lists the topics with what each means (its description in the pack), and
warns about a topic without one.

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

// What each topic means: analysts filter items_v by these names and alerts follow them. A
// topic nobody described is named on stderr, with the pack that defines it.
void print_topics(const std::vector<std::pair<Topic, std::string>>& topics) {
  std::size_t width = 0;
  for (const auto& [topic, pack] : topics) width = std::max(width, topic.name.size());
  std::printf("topics:\n");
  for (const auto& [topic, pack] : topics) {
    std::printf("  %-*s  %s\n", static_cast<int>(width), topic.name.c_str(),
                topic.description.empty() ? "(undocumented)" : topic.description.c_str());
  }
  for (const auto& [topic, pack] : topics) {
    if (topic.description.empty())
      std::fprintf(stderr,
                   "%s: topic '%s' has no description: say what an item must be about to get "
                   "it (description = \"...\"), for those who filter by it or alert on it\n",
                   pack.c_str(), topic.name.c_str());
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
  std::vector<std::pair<Topic, std::string>> topics;  // with the pack that defines it
  for (const auto& pack_path : config->topics) {
    auto pack = TopicPack::load(pack_path);
    if (!pack) {
      print_lines(pack.error().message);
      ++errors;
    } else {
      for (auto& topic : pack->topics) topics.emplace_back(std::move(topic), pack_path);
    }
  }
  if (errors) return 1;
  // As run merges them: two packs that define one topic would pass here and stop the daemon.
  if (auto merged = load_topic_packs(config->topics); !merged) {
    print_lines(merged.error().message);
    return 1;
  }
  if (config->topics.empty()) {
    for (auto& topic : TopicPack::builtin().topics)
      topics.emplace_back(std::move(topic), "iran-us.toml (built in)");
  }
  // A PostgreSQL database is reached now: a server that is down, a wrong password or a role
  // that may not write is found here, not at the daemon's start.
  if (auto reachable = Store::check_access(config->database); !reachable) {
    print_lines(reachable.error().message);
    return 1;
  }
  std::printf("%s: ok (%zu feeds, %zu topics, %zu alerts, database %s)\n", path.c_str(),
              config->feeds.size(), topics.size(), config->alerts.size(),
              redacted_database(config->database).c_str());
  print_topics(topics);
  return 0;
}

}  // namespace newswatch
