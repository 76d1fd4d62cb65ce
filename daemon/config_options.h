// What each component is given of the configuration: the one place a key of newswatch.toml
// becomes a component's option. A new key touches Config (config.h), its reading
// (config.cpp's apply_key), the README, and, when a component takes it, this file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "daemon/alerts.h"
#include "daemon/config.h"
#include "feeds/fetch.h"
#include "feeds/memory_budget.h"
#include "storage/store.h"

namespace newswatch {

// "newswatch/<version> (...)": what every request names itself.
std::string user_agent();
// How the fetcher transfers: limits, timeouts, and `budget`, which it charges each body to.
FetchOptions fetch_options_of(const Config& config, MemoryBudget& budget);
// How the database is to be kept.
StoreOptions store_options_of(const Config& config);
// How long the keys of items no topic matched are remembered, in seconds; 0: for good.
std::int64_t unmatched_retention_of(const Config& config);
// The stories each [[alert]] announces, and what it does with each, by its name.
std::vector<AlertRule> alert_rules_of(const Config& config);
std::map<std::string, AlertAction> alert_actions_of(const Config& config);
// How long a failed alert waits before it is tried again, the first time: an interval, at
// most a minute (later attempts wait longer: alert_retry_delay()).
std::int64_t alert_retry_base_of(const Config& config);

}  // namespace newswatch
