// The database: one SQLite file in WAL mode, so sqlite3 users can read while the daemon
// writes. Store owns its connection; the daemon gives it to one writer thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "feeds/item.h"
#include "feeds/result.h"
#include "topics/matcher.h"

namespace SQLite {
class Database;
}

namespace newswatch {

struct StoreOptions {
  int busy_timeout_ms = 5000;
};

// The scheduler's state of one feed, as persisted.
struct FeedState {
  std::string url;        // the feed's identity, as configured
  std::string fetch_url;  // where it is fetched from after a permanent redirect; "" = url
  std::string title;
  std::string etag;
  std::string last_modified;
  long last_status = 0;
  std::string last_error;  // empty when the last poll succeeded
  int error_count = 0;     // consecutive failures
  std::optional<UnixSeconds> last_polled_at;
  std::optional<UnixSeconds> next_poll_at;
  bool disabled = false;
};

struct MatchedItem {
  Item item;
  MatchSet matches;
};

// What one poll of one feed produced: the feed's new state and its matched items.
struct ParsedBatch {
  FeedState feed;
  UnixSeconds fetched_at = 0;
  std::vector<MatchedItem> items;
};

struct WriteStats {
  int new_articles = 0;
  int new_sightings = 0;  // items this feed had not shown before
  int known = 0;          // items already seen in this feed
};

class Store {
 public:
  // Opens (creating if needed) the database at `path` and migrates it to the current schema.
  static Result<Store> open(const std::string& path, const StoreOptions& options = {});
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  // Records a feed from the configuration; keeps its state if it is already known.
  Result<void> register_feed(const std::string& url, const std::string& title, UnixSeconds now);

  // The saved state of a feed; nullopt when the feed was never registered.
  Result<std::optional<FeedState>> feed_state(const std::string& url);

  // Stores one batch in one transaction: the feed's state, then for every item not yet seen
  // in this feed a sighting, its article (new, or the one with the same URL) and its matches.
  Result<WriteStats> write(const ParsedBatch& batch);

  int schema_version();

 private:
  explicit Store(std::unique_ptr<SQLite::Database> db);
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace newswatch
