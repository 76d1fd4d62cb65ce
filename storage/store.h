// The database: one SQLite file in WAL mode, so sqlite3 users can read while the daemon
// writes, or a PostgreSQL database that several daemons share. Store owns its connection; the
// daemon gives it to one writer thread. It is the front of storage/: the schema (schema.h), article
// identity (article_identity.h), the article writer (article_writer.h), the stories table
// (story_table.h), story clustering (story_clusterer.h) and the alert ledger (alert_ledger.h) lie
// behind it. Readers beside the daemon (stats, metrics, eval) use StoreReader (store_reader.h); no
// SQL is written outside this folder. Its own members are in store.cpp (connection, feeds, the
// write-ahead log, batches, forgetting), store_recluster.cpp and store_rematch.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "feeds/item.h"
#include "storage/alert_ledger.h"
#include "storage/article_writer.h"
#include "storage/match_diff.h"
#include "storage/parsed_batch.h"
#include "storage/story_clusterer.h"
#include "topics/matcher.h"

namespace SQLite {
class Database;
}  // namespace SQLite

namespace newswatch {

class StoryTable;
namespace sql {
class Connection;
class Statement;
}  // namespace sql

// An article as stored, read back from the columns title, summary, content and published of
// `row`, from `first` on: what recluster and rematch match and sign again.
Item stored_item(const sql::Statement& row, int first);

// The columns of the feeds table a feed's state is read from, in the order
// stored_feed_state() reads them from a row.
extern const char* const kFeedStateColumns;
FeedState stored_feed_state(const sql::Statement& row);

struct StoreOptions {
  int busy_timeout_ms = 5000;
  // The write-ahead log is checkpointed before it is within twice the largest write of this
  // (or half of it); while a reader's transaction keeps it from being reset, writes wait (up
  // to wal_wait_ms, then the batch fails and its feed is fetched again later) rather than
  // grow it. It must hold one poll batch.
  std::size_t wal_limit = 64u << 20;
  int wal_wait_ms = 10000;
  // Who else may write the database while this store has it open. On PostgreSQL a session
  // lock on the server holds it to that (a SQLite database takes one daemon: its lock file,
  // daemon/instance_lock.h):
  enum class Company {
    anyone,   // a command beside the daemons (forget, rematch, eval): no lock
    daemons,  // `run`: other daemons too (a shared lock), but not `recluster`
    nobody,   // `recluster`: no daemon (an exclusive lock)
  };
  Company company = Company::anyone;
  // How alike two stories must be to merge (see StoryClusterer); `newswatch eval` sweeps it.
  double story_threshold = StoryClusterer::kDefaultThreshold;
};

class Store {
 public:
  // Opens the database `path` names and migrates it to the current schema: a SQLite file,
  // created if needed, or a PostgreSQL database (a postgresql:// URI, is_postgresql()), whose
  // password no error shows. On PostgreSQL, the write-ahead log options do not apply.
  static Result<Store> open(const std::string& path, const StoreOptions& options = {});
  // Whether `database` can be opened: for PostgreSQL, the server reached, the role
  // authenticated and allowed to create or write newswatch's tables; nothing is written. A
  // SQLite file is not looked at (open() creates it).
  static Result<void> check_access(const std::string& database);
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  // Records a feed from the configuration; keeps its state if it is already known.
  Result<void> register_feed(const std::string& url, const std::string& title, UnixSeconds now);

  // The saved state of a feed; nullopt when the feed was never registered.
  Result<std::optional<FeedState>> feed_state(const std::string& url);

  // Stores one batch in one transaction: the feed's state, then for every item not yet seen
  // in this feed (or seen with another title or link) a sighting, its article (the one
  // known by any of its keys, or a new one in its story) and its matches. Items of deleted
  // articles are skipped.
  Result<WriteStats> write(const ParsedBatch& batch);
  // Stores several batches, in order, in one transaction: a crash keeps all of them or none,
  // and a failure stores none. What a round writes costs a few commits, not one per feed.
  Result<std::vector<WriteStats>> write(const std::vector<const ParsedBatch*>& batches);

  // Ties together the stories that the evidence of the articles queued since the last call
  // says are one event (see StoryClusterer); returns how many merged. Called once the batches
  // of a poll round are written. Only the process holding the clustering lease merges (the
  // table clustering: a lease until `now` + kClusterLease, renewed by each call), so that
  // daemons sharing a database never merge on different views of it; the others return 0 and
  // leave their articles queued for it. A store alone (StoreOptions::company: a SQLite daemon,
  // recluster) takes the lease whoever held it: that was itself, before a restart. A clean
  // close hands the lease back at once.
  Result<int> recluster(UnixSeconds now);

  // Applies the current story clustering to the relevant articles published (or first seen)
  // since `since` (0: all), in one transaction: every article's signature is computed again
  // from its stored text, with `match` for its concepts; each of those articles leaves its
  // story (the story's oldest article keeps its id, and with it its alerts) and they are
  // clustered again, in the order they happened, beside the week before `since`.
  struct ReclusterStats {
    int articles = 0;        // relevant articles reclustered
    int stories_before = 0;  // the stories they were in
    int stories_after = 0;
  };
  Result<ReclusterStats> recluster_stored(UnixSeconds since,
                                          const std::function<MatchSet(const Item&)>& match);

  // Matches the relevant and unmatched articles published (or first seen) since `since` (0:
  // all) again with `match`, a batch of a few hundred at a time, and calls `report` for each
  // whose topics or evidence changed, once its batch is committed. Nothing is written unless
  // `apply`; then each batch is one short transaction, beside the daemon and readers: the
  // article's matches are replaced; an article that gained its first topic joins a new story,
  // and once every batch is written those are clustered with the stored stories, as the
  // daemon clusters a round; one that lost its last topic leaves its story, and a story left
  // without articles is deleted unless an alert names it (kept, so that the alert neither
  // dangles nor fires again for a new story given its id).
  struct RematchedArticle {
    std::int64_t id = 0;
    std::string title;
    MatchDiff diff;
  };
  struct RematchStats {
    int articles = 0;                                    // matched again
    int gained = 0, lost = 0, topics = 0, evidence = 0;  // by MatchDiff::Kind
    int merged_stories = 0;  // stories of gained articles joined to others
  };
  Result<RematchStats> rematch_stored(UnixSeconds since,
                                      const std::function<MatchSet(const Item&)>& match, bool apply,
                                      const std::function<void(const RematchedArticle&)>& report);

  // Records the stories that now call for an alert under `rules` (each hook announces a story
  // once, ever), and returns every alert due at `now`: those just recorded and those whose
  // earlier attempts failed. A story fires when it has a topic of the rule, at least
  // min_outlets outlets, and an article published (or first seen) within max_age that some
  // feed brought as news: an item it had not shown before, after its first successful poll.
  // What a feed held when newswatch first read it is not news, whatever its date. Unless the
  // store is alone (StoreOptions::company), each alert returned is claimed for kAlertClaim,
  // so that daemons sharing the database send it once; one whose sender died is due again
  // when the claim lapses.
  Result<std::vector<DueAlert>> due_alerts(const std::vector<AlertRule>& rules, UnixSeconds now);
  // What became of an alert's action; a failed one is tried again at `retry_at`.
  Result<void> record_alert(const std::string& hook, std::int64_t story, bool sent,
                            const std::string& error, UnixSeconds now, UnixSeconds retry_at);

  // Deletes articles, leaving tombstones so that they never come back; returns how many
  // existed.
  Result<int> forget(const std::vector<std::int64_t>& articles);

  // Deletes the articles no topic matched that were last seen before `before`, without
  // tombstones; returns how many.
  Result<int> forget_unmatched(UnixSeconds before);

  int schema_version();

  // What the last write() added to the write-ahead log, in bytes; 0 when unknown (the log
  // was reset by a checkpoint during it, or the write failed).
  std::uintmax_t last_write_log_bytes() const { return last_write_; }

 private:
  // Articles a new one is compared with are at most this much older than the newest.
  static constexpr UnixSeconds kClusterMemory = 7 * 24 * 3600;
  // How long the clustering lease lasts unless renewed: a daemon that stops clustering (it
  // died) hands the role on after this.
  static constexpr UnixSeconds kClusterLease = 600;
  // How long an alert handed to this process is its own to send: its actions run one at a
  // time, each within its timeout (10 s unless set), and a round seldom raises dozens.
  static constexpr UnixSeconds kAlertClaim = 900;
  // The newest articles whose terms are counted at start-up for their document frequencies:
  // about two weeks of a large watch (a thousand feeds).
  static constexpr int kTermArticles = 100000;

  Store(std::unique_ptr<SQLite::Database> db, std::unique_ptr<sql::Connection> sql,
        std::string path, StoreOptions options);
  Result<void> make_room_in_wal();
  std::uintmax_t wal_size() const;
  void note_write(std::uintmax_t wal_before);  // keeps largest_write_ and last_write_
  // The stories table and the writer, each compiled once per store, on first use.
  StoryTable& story_table();
  ArticleWriter& writer();
  void new_clusterer();  // empty, with the terms' document frequencies
  // The clusterer as the database holds it, without the queued articles.
  void load_clusterer();
  // Adds the queued articles to the clusterer (reading from the database what queued_ does
  // not hold); returns the relevant ones and the last queue position read.
  std::pair<std::vector<std::int64_t>, std::int64_t> take_queue();
  // Merges the stories the clusterer finds for `articles`, in transactions of a bounded size
  // (the last one also runs `finally`); returns how many merged.
  int merge_stories(const std::vector<std::int64_t>& articles,
                    const std::function<void()>& finally);
  // Tells whoever holds the clustering lease that stories changed behind it.
  void stories_changed();
  // No other process clusters: the lease is this one's, whoever held it before (itself,
  // before a restart).
  bool alone() const {
    return options_.company == StoreOptions::Company::nobody ||
           (db_ && options_.company == StoreOptions::Company::daemons);
  }
  void merge_story(std::int64_t from, std::int64_t into);
  // recluster_stored's last step: the relevant articles that happened since `context` join
  // the clusterer in order, a day clustered at a time; returns how many happened since `since`.
  int cluster_in_order(UnixSeconds context, UnixSeconds since);

  std::unique_ptr<SQLite::Database> db_;  // SQLite's, for its log and PRAGMAs; null on PostgreSQL
  std::unique_ptr<sql::Connection> sql_;  // every statement, on either backend
  std::string path_;
  StoreOptions options_;
  std::uintmax_t largest_write_ = 0;           // the most one write has added to the log
  std::uintmax_t last_write_ = 0;              // what the last one added
  std::uintmax_t log_per_merge_ = 4096;        // the most a story merge has added to the log
  std::unique_ptr<StoryTable> stories_;        // after db_: destroyed before it
  std::unique_ptr<ArticleWriter> writer_;      // after stories_, which it writes to
  std::string owner_;                          // this process, as the clustering lease names it
  std::unique_ptr<StoryClusterer> clusterer_;  // loaded when this process takes the lease
  std::int64_t generation_ = -1;               // the lease's generation clusterer_ is of
  bool holds_lease_ = false;                   // handed back when the store closes
  ArticleWriter::Queued queued_;               // what was written since the last recluster
};

}  // namespace newswatch
