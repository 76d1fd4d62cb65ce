#include "daemon/config_options.h"

#include <algorithm>

namespace newswatch {

std::string user_agent() {
  return std::string("newswatch/") + NEWSWATCH_VERSION + " (news feed monitor; polite polling)";
}

FetchOptions fetch_options_of(const Config& config, MemoryBudget& budget) {
  FetchOptions options;
  options.user_agent = user_agent();
  options.timeout_seconds = static_cast<long>(config.timeout.count());
  options.connect_timeout_seconds = std::min<long>(20, options.timeout_seconds);
  options.max_body_bytes = config.max_body;
  options.concurrency = config.concurrency;
  options.per_host = config.per_host;
  options.budget = &budget;
  return options;
}

StoreOptions store_options_of(const Config& config) {
  StoreOptions options;
  options.wal_limit = config.wal_limit;
  return options;
}

std::int64_t unmatched_retention_of(const Config& config) {
  return config.keep_unmatched ? 0 : std::int64_t{config.retention_days} * 24 * 3600;
}

std::vector<AlertRule> alert_rules_of(const Config& config) {
  std::vector<AlertRule> rules;
  for (const AlertConfig& alert : config.alerts)
    rules.push_back({alert.name, alert.topics, alert.min_outlets,
                     static_cast<UnixSeconds>(config.alert_max_age.count())});
  return rules;
}

std::map<std::string, AlertAction> alert_actions_of(const Config& config) {
  std::map<std::string, AlertAction> actions;
  for (const AlertConfig& alert : config.alerts)
    actions[alert.name] = AlertAction{alert.exec, alert.webhook, alert.timeout};
  return actions;
}

std::int64_t alert_retry_base_of(const Config& config) {
  return std::min<std::int64_t>(config.interval.count(), 60);
}

}  // namespace newswatch
