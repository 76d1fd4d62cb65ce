// The types every module shares: one parsed feed and its items, as the parser produces them
// and before anything is matched or stored. Text fields are plain UTF-8 (HTML removed),
// links are absolute, times are Unix seconds in UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace newswatch {

using UnixSeconds = std::int64_t;

enum class FeedFormat { kRss2, kRss1, kRss090, kAtom10, kAtom03, kJsonFeed };

// The contract name of a format ("rss2", "atom10", ...), as `newswatch parse` prints it.
const char* format_name(FeedFormat format);

struct Item {
  std::optional<std::string> guid;
  std::string title;
  std::optional<std::string> link;
  std::optional<UnixSeconds> published;
  std::optional<UnixSeconds> updated;
  std::optional<std::string> author;
  std::string summary;
  std::string content;
  std::vector<std::string> categories;
  // The outlet that really published an aggregated item (RSS <source>), when the feed says.
  std::optional<std::string> source_outlet;
};

// How often the publisher says the feed changes. Each is a lower bound on the poll
// interval, when the daemon honours feed hints.
struct FeedHints {
  std::optional<std::int64_t> ttl_seconds;            // RSS <ttl> (minutes in the feed)
  std::optional<std::int64_t> update_period_seconds;  // sy:updatePeriod / sy:updateFrequency
  std::vector<int> skip_hours;                        // RSS <skipHours>: 0..23, UTC
  std::vector<int> skip_days;                         // RSS <skipDays>: 0 = Sunday .. 6
};

struct ParsedFeed {
  FeedFormat format = FeedFormat::kRss2;
  std::string title;
  std::optional<std::string> link;
  std::optional<std::string> language;
  std::optional<UnixSeconds> updated;
  std::vector<Item> items;
  FeedHints hints;
  // Problems the parser recovered from (malformed XML, unparseable dates, ...).
  std::vector<std::string> warnings;
};

}  // namespace newswatch
