// `newswatch run`: load the config, open the database, poll until told to stop.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "base/unique_fd.h"
#include "daemon/commands.h"
#include "daemon/config_options.h"
#include "daemon/instance_lock.h"
#include "daemon/logging.h"
#include "daemon/notifier.h"
#include "daemon/poller.h"
#include "storage/database_name.h"

namespace newswatch {
namespace {

constexpr const char* kRunUsage =
    R"(usage: newswatch run [--config FILE] [--feeds FILE.opml|FILE.toml] [--db PATH] [--once]
                     [--log-level LEVEL]

Polls the configured feeds and stores the items that match the topic packs.

  --config FILE   the configuration (default: /etc/newswatch/newswatch.toml if it exists,
                  else built-in defaults: database ./newswatch.db, the Iran–US topic pack)
  --feeds FILE    poll the feeds of this OPML or TOML feed list instead of the config's
  --db PATH       the database (overrides the config's 'database'): a SQLite file, or
                  a postgresql:// URI
  --once          poll every enabled feed now, store, and exit 0; only a pending
                  Retry-After from a server delays a feed
  --log-level L   trace, debug, info, warn or error (overrides the config's 'log_level')

Without --once, newswatch polls each feed on its interval until SIGTERM or SIGINT; SIGHUP
reloads the configuration (a bad one is rejected and the running one kept).
)";

struct RunOptions {
  std::string config, feeds, db, log_level;
  bool once = false;
};

std::optional<RunOptions> parse_run_args(const Args& args, int& status) {
  RunOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    bool ok = true;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kRunUsage, stdout);
      status = 0;
      return std::nullopt;
    } else if (arg == "--once") {
      options.once = true;
    } else if (arg == "--config") {
      ok = value(options.config);
    } else if (arg == "--feeds") {
      ok = value(options.feeds);
    } else if (arg == "--db") {
      ok = value(options.db);
    } else if (arg == "--log-level") {
      ok = value(options.log_level);
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "newswatch run: bad argument '%s'\n%s", arg.c_str(), kRunUsage);
      status = 2;
      return std::nullopt;
    }
  }
  return options;
}

Result<Config> effective_config(const RunOptions& options) {
  Config config;
  if (!options.config.empty()) {
    auto loaded = Config::load(options.config);
    if (!loaded) return loaded;
    config = std::move(*loaded);
  } else if (std::filesystem::exists(kSystemConfig)) {
    auto loaded = Config::load(kSystemConfig);
    if (!loaded) return loaded;
    config = std::move(*loaded);
  }
  if (!options.feeds.empty()) {
    auto feeds = load_feed_list(options.feeds);
    if (!feeds) return fail(feeds.error());
    config.feeds = std::move(*feeds);
  }
  if (!options.db.empty()) config.database = options.db;
  if (!options.log_level.empty()) config.log_level = options.log_level;
  return config;
}

// SIGTERM, SIGINT and SIGHUP arrive as a readable file descriptor, so every wait in the daemon
// (curl_multi_poll, the pause between rounds) wakes on them. Threads started after this
// inherit the blocked mask.
int stop_signal_fd() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
}

}  // namespace

Result<std::string> configured_database(std::string config_path) {
  if (config_path.empty() && std::filesystem::exists(kSystemConfig)) config_path = kSystemConfig;
  if (config_path.empty()) return Config{}.database;
  auto loaded = Config::load(config_path);
  if (!loaded) return fail(loaded.error());
  return loaded->database;
}

Result<TopicPack> load_topic_packs(const std::vector<std::string>& paths) {
  if (paths.empty()) return TopicPack::builtin();
  TopicPack merged;
  for (const auto& path : paths) {
    auto pack = TopicPack::load(path);
    if (!pack) return pack;
    if (auto merge = merged.merge(std::move(*pack)); !merge) return fail(merge.error());
  }
  return merged;
}

// The configuration and its topic packs, as at start-up or on SIGHUP; nullopt after logging
// why not (file:line:column for a bad file).
static std::optional<Poller::Reload> load_configuration(const RunOptions& options) {
  auto config = effective_config(options);
  if (!config) {
    log_lines(spdlog::level::err, config.error().message);
    return std::nullopt;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  auto pack = load_topic_packs(config->topics);
  if (!pack) {
    log_lines(spdlog::level::err, pack.error().message);
    return std::nullopt;
  }
  try {
    return Poller::Reload{std::move(*config), std::make_shared<const Matcher>(std::move(*pack))};
  } catch (const std::length_error& e) {  // more phrase text than a matcher holds
    spdlog::error("topic packs: {}", e.what());
    return std::nullopt;
  }
}

int run_command(const Args& args) {
  int status = 0;
  auto options = parse_run_args(args, status);
  if (!options) return status;
  setup_logging();
  auto loaded = load_configuration(*options);
  if (!loaded) return 1;
  auto& config = loaded->config;
  auto lock = InstanceLock::acquire(config.database);
  if (!lock) {
    log_lines(spdlog::level::err, lock.error().message);
    return 1;
  }
  StoreOptions store_options = store_options_of(config);
  store_options.company = StoreOptions::Company::daemons;
  auto store = Store::open(config.database, store_options);
  if (!store) {
    log_lines(spdlog::level::err, store.error().message);
    return 1;
  }
  UniqueFd stop_fd(stop_signal_fd());  // declared before the poller, closed after it
  if (stop_fd.get() < 0) {
    spdlog::error("cannot receive stop signals (signalfd: {})", std::strerror(errno));
    return 1;
  }
  SystemClock clock;
  Notifier notifier;
  std::size_t topics = loaded->matcher->pack().topics.size();
  // The poller holds the only reference to the matcher, so that the one a reload replaces is
  // freed.
  auto poller = Poller::create(config, std::move(*store), std::move(loaded->matcher), clock,
                               stop_fd.get(), &notifier);
  if (!poller) {
    log_lines(spdlog::level::err, poller.error().message);
    return 1;
  }
  spdlog::info("newswatch {}: {} feeds, {} topics, database {}", NEWSWATCH_VERSION,
               config.feeds.size(), topics, redacted_database(config.database));
  // Configuration loaded, database open, feeds registered: ready, before the first round,
  // which may take long.
  notifier.ready(std::to_string(config.feeds.size()) + " feeds; first round under way");
  int exit_status = 0;
  if (options->once) {
    RoundStats round = (*poller)->poll_round(true);
    if (!(*poller)->wait_for_alerts())
      spdlog::info("stopping on signal; alerts not sent stay pending");
    if (round.unstored > 0) {
      spdlog::error("{} of the {} feeds fetched could not be stored (see above)", round.unstored,
                    round.fetched);
      exit_status = 1;
    }
  } else {
    (*poller)->run_until_stopped([&] { return load_configuration(*options); });
    spdlog::info("stopping on signal");
  }
  poller->reset();
  return exit_status;
}

}  // namespace newswatch
