// newswatch: watches news feeds for the Iran–United States story and keeps every relevant
// item, once, in SQLite. This file only dispatches to the subcommands.
#include <cstdio>
#include <cstring>

#include "daemon/commands.h"

namespace {

constexpr const char* kUsage = R"(usage: newswatch COMMAND [OPTIONS]

Commands:
  run      poll feeds and store the relevant items (the daemon)
  parse    print a feed document as JSON
  match    show which topics a text or JSON lines match
  forget   delete articles for good (they leave tombstones)
  check-config  report every error of a configuration, its feeds and topic packs
  stats    a one-screen summary: failing feeds, the last day by topic, the newest stories
  report   the briefing of a period: figures, a timeline, the stories ranked (md, json, html)
  eval     score newswatch on labeled items: relevance, topics, stories, a threshold sweep
  recluster  cluster stored articles into stories again with the current method
  rematch  match stored articles again with the current topic packs
  migrate  copy a SQLite database into PostgreSQL and check the counts

Options:
  --help       this help; 'newswatch COMMAND --help' for a command's options
  --version    print the version
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::string command = argv[1];
  newswatch::Args args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "--version") {
    std::printf("newswatch %s\n", NEWSWATCH_VERSION);
    return 0;
  }
  if (command == "run") return newswatch::run_command(args);
  if (command == "parse") return newswatch::parse_command(args);
  if (command == "match") return newswatch::match_command(args);
  if (command == "forget") return newswatch::forget_command(args);
  if (command == "check-config") return newswatch::check_config_command(args);
  if (command == "stats") return newswatch::stats_command(args);
  if (command == "report") return newswatch::report_command(args);
  if (command == "eval") return newswatch::eval_command(args);
  if (command == "recluster") return newswatch::recluster_command(args);
  if (command == "rematch") return newswatch::rematch_command(args);
  if (command == "migrate") return newswatch::migrate_command(args);
  std::fprintf(stderr, "newswatch: unknown command '%s'\n%s", command.c_str(), kUsage);
  return 2;
}
