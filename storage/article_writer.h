// The article writer: what a poll batch adds to the tables, inside the store's write
// transaction. The feed's state is saved, then each item goes through the same steps:
//   known key  the feed showed it before under the same key, title and link: nothing to write;
//   article    the one it is (the article known by any of its keys, updated when its
//              publisher edited it) or a new one; a relevant article without a story starts
//              one of its own (StoryTable); a new article, or one that gained a topic, is
//              queued for clustering (cluster_queue: Store::recluster merges stories later);
//   sighting   the keys it is known by, and where and when it was seen, news or not;
//   matches    the evidence of its topics.
// Items of articles a user deleted (tombstoned keys) are skipped. The statements are
// compiled once per connection; the store gives the writer to its one writing thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "storage/parsed_batch.h"
#include "storage/sql.h"
#include "storage/story_signature.h"
#include "storage/story_table.h"

namespace newswatch {

class ArticleWriter {
 public:
  // `db` and `stories` must outlive the writer. On sql.h: either backend.
  ArticleWriter(sql::Connection& db, StoryTable& stories);
  ~ArticleWriter();
  ArticleWriter(const ArticleWriter&) = delete;
  ArticleWriter& operator=(const ArticleWriter&) = delete;

  // Reads what holds for a whole write transaction (whether any tombstones exist): call it
  // first in each, once the transaction holds the write lock.
  void start_transaction();
  // Puts the transaction's new relevant articles into the full-text index, all in one
  // statement: call it last in each, before the commit.
  void finish_transaction();

  // What this process knows of the articles it queued for clustering, so that the clusterer
  // need not read them back from the database.
  struct Queued {
    std::unordered_map<std::int64_t, StorySignature> relevant;  // their signatures
    TermCounts terms;                                           // of the new ones
    std::unordered_set<std::int64_t> counted;  // the new ones, whose terms are in `terms`
  };

  // Stores one batch, noting in `queued` what it queues for clustering. Throws
  // std::runtime_error when the feed is not registered, sql::Error when the database fails.
  WriteStats write(const ParsedBatch& batch, Queued& queued);

 private:
  struct Statements;
  struct Batch;  // one write() call: the batch, its feed, what it queued, the counts
  // Where an item was met before: `article` when it is known, `edited` when this feed showed
  // it before with another title or link, `unchanged` when exactly as now.
  struct Known {
    std::optional<std::int64_t> article;
    bool edited = false;
    bool unchanged = false;
  };

  void write_item(Batch& batch, const MatchedItem& matched);
  bool tombstoned(const PreparedItem& keys);
  Known find_article(const Batch& batch, const Item& item, const PreparedItem& keys,
                     const std::string& item_key);
  std::int64_t update_article(Batch& batch, const MatchedItem& matched, const PreparedItem& keys,
                              std::int64_t article, bool edited);
  std::int64_t insert_article(Batch& batch, const MatchedItem& matched, const PreparedItem& keys);
  std::optional<std::int64_t> join_story(const Batch& batch, const MatchedItem& matched);
  void add_sighting(Batch& batch, const Item& item, const PreparedItem& keys,
                    const std::string& item_key, std::int64_t article, bool edited);
  void add_matches(std::int64_t article, const MatchSet& matches);
  // Queues `article` for clustering: `inserted` now, or an older one that gained its first
  // topic; `relevant`: its signature, when it has a story.
  void enqueue(Batch& batch, std::int64_t article, bool inserted, const StorySignature* relevant);
  void index_unindexed();

  StoryTable& stories_;
  std::unique_ptr<Statements> sql_;
  // Read once per transaction, which holds the write lock: tombstones are looked up only
  // when there are any.
  bool tombstones_ = true;
  // Relevant articles inserted in this transaction and not yet in articles_fts (SQLite's). FTS5
  // writes a segment of its index per statement that changes it: one statement for them all.
  std::vector<std::int64_t> unindexed_;
};

}  // namespace newswatch
