// The subcommands of the newswatch executable. Each takes its own arguments (after the
// subcommand's name) and returns the process exit status.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "topics/topic_pack.h"

namespace newswatch {

using Args = std::vector<std::string>;

int run_command(const Args& args);           // poll feeds into the database
int parse_command(const Args& args);         // print a feed document as contract JSON
int match_command(const Args& args);         // match text or JSON lines against topic packs
int forget_command(const Args& args);        // delete articles, leaving tombstones
int check_config_command(const Args& args);  // report every error of a configuration
int stats_command(const Args& args);         // a one-screen summary of a database
int eval_command(const Args& args);          // score the pipeline on labeled items
int recluster_command(const Args& args);     // cluster stored articles again
int rematch_command(const Args& args);       // match stored articles again
int report_command(const Args& args);        // the briefing of a period: md, json or html
int migrate_command(const Args& args);       // copy a SQLite database into PostgreSQL

// The configuration used when none is named, if it exists.
inline constexpr const char* kSystemConfig = "/etc/newswatch/newswatch.toml";

// The database a configuration names: `config_path`'s, else the system configuration's if
// it exists, else the default (./newswatch.db).
Result<std::string> configured_database(std::string config_path);

// Everything `in` holds, read through stdio in blocks (std::cin, synchronised with stdio,
// reads a byte a call); nullopt when reading fails.
std::optional<std::string> read_all(std::FILE* in);

// Loads the topic packs named in `paths` (the built-in pack when empty) into one matcher's
// pack. Errors name file:line:column.
Result<TopicPack> load_topic_packs(const std::vector<std::string>& paths);

}  // namespace newswatch
