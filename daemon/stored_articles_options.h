// The options of the commands that work on the articles already stored (`recluster`,
// `rematch`): which configuration (and so which database and topic packs), and how far back.
#pragma once

#include <string>
#include <variant>

#include "daemon/commands.h"
#include "daemon/config.h"
#include "feeds/item.h"
#include "topics/topic_pack.h"

namespace newswatch {

struct StoredArticlesOptions {
  Config config;          // --config's, or the system one, or the defaults; --db applied
  TopicPack pack;         // the configuration's topic packs, as `run` loads them
  UnixSeconds since = 0;  // --since DAYS before now; 0: all
  bool dry_run = false;
};

// Reads `--config FILE`, `--db PATH`, `--since DAYS` (and `--dry-run` when `takes_dry_run`)
// for `command`, then the configuration and its topic packs, and checks that the database
// exists. On --help prints `usage` to stdout; on an error prints it to stderr (with `usage`
// after a bad argument). Either way returns the exit status instead: 0, 2 for a bad argument,
// 1 for a configuration, topic pack or database that is not there or not right.
std::variant<int, StoredArticlesOptions> stored_articles_options(const char* command,
                                                                 const char* usage,
                                                                 const Args& args,
                                                                 bool takes_dry_run);

}  // namespace newswatch
