// prepare_item() is here too: it is the writer's first step, run ahead on a parser thread.
#include "storage/article_writer.h"

#include <algorithm>
#include <stdexcept>

#include "feeds/url.h"
#include "storage/article_identity.h"
#include "storage/bind.h"

namespace newswatch {
namespace {

// A feed configured without a title takes the one the feed gives itself.
void save_feed_state(sql::Statement& update, const FeedState& state) {
  std::optional<std::string> error;
  if (!state.last_error.empty()) error = state.last_error;
  run(update, state.etag, state.last_modified, std::int64_t{state.last_status}, error,
      std::int64_t{state.error_count}, state.last_polled_at, state.next_poll_at,
      std::int64_t{state.disabled ? 1 : 0}, state.title, state.fetch_url, state.url);
}

// An unmatched item is kept to be recognised, not read: its body is left out.
const std::string kNoContent;

}  // namespace

PreparedItem prepare_item(const MatchedItem& matched, const FeedState& feed, UnixSeconds fetched_at,
                          const FoldedItem* folded) {
  const Item& item = matched.item;
  PreparedItem prepared;
  prepared.url_keys = article_url_keys(item);
  prepared.text_key = article_text_key(item, folded);
  prepared.outlet = article_outlet(item, prepared.url_keys, feed.title, feed.url);
  // Unmatched articles are signed too: their words count towards the terms' document
  // frequencies.
  prepared.signature = story_signature(item, matched.matches, article_time(item, fetched_at),
                                       {prepared.outlet, feed.title}, folded);
  prepared.signature_json = prepared.signature.to_json();
  return prepared;
}

// Portable SQL (sql.h). The full-text index is SQLite's alone: PostgreSQL's is a stored
// column, kept by the database.
struct ArticleWriter::Statements {
  explicit Statements(sql::Connection& db)
      : feed_of(db.prepare("SELECT id, first_success_at IS NOT NULL FROM feeds WHERE url = ?")),
        save_feed(db.prepare("UPDATE feeds SET etag = ?, last_modified = ?, last_status = ?, "
                             "last_error = ?, error_count = ?, last_polled_at = ?, "
                             "next_poll_at = ?, disabled = ?, "
                             "title = coalesce(nullif(title, ''), nullif(?, '')), "
                             "fetch_url = nullif(?, ''), lease_owner = NULL, lease_until = NULL, "
                             // the first poll that delivered: what it finds is not news
                             "first_success_at = coalesce(first_success_at, "
                             "CASE WHEN ?3 BETWEEN 200 AND 399 AND CAST(?4 AS TEXT) IS NULL "
                             "THEN CAST(?6 AS BIGINT) END) "
                             "WHERE url = ?")),
        any_tombstone(db.prepare("SELECT EXISTS (SELECT 1 FROM tombstones)")),
        tombstoned(db.prepare("SELECT 1 FROM tombstones WHERE key = ?")),
        last_sighting(db.prepare("SELECT article_id, title, coalesce(url, '') FROM sightings "
                                 "WHERE feed_id = ? AND item_key = ? ORDER BY id DESC LIMIT 1")),
        by_key(db.prepare("SELECT article_id FROM article_keys WHERE key = ?")),
        seen_in_feed(
            db.prepare("SELECT 1 FROM sightings WHERE article_id = ? AND feed_id = ? LIMIT 1")),
        story_of(db.prepare("SELECT story_id FROM articles WHERE id = ?")),
        edit(db.prepare("UPDATE articles SET title = ?, summary = ?, content = ?, updated_at = ?, "
                        "last_seen = ? WHERE id = ?")),
        touch(db.prepare("UPDATE articles SET last_seen = ? WHERE id = ?")),
        promote(
            db.prepare("UPDATE articles SET story_id = ?, signature = ?, title = ?, summary = ?, "
                       "content = ? WHERE id = ?")),
        touch_story(db.prepare(
            "UPDATE stories SET last_seen = CASE WHEN last_seen < ?1 THEN ?1 ELSE last_seen END "
            "WHERE id = (SELECT story_id FROM articles WHERE id = ?2)")),
        article(
            db.prepare("INSERT INTO articles (canonical_url, url, title, summary, content, author, "
                       "published, first_seen, last_seen, feed_id, story_id, outlet, signature) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")),
        add_key(db.prepare(
            "INSERT INTO article_keys (key, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING")),
        sighting(
            db.prepare("INSERT INTO sightings (article_id, feed_id, item_key, url, guid, title, "
                       "outlet, seen_at, news) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")),
        match(db.prepare(
            "INSERT INTO matches (article_id, topic, field, term, \"offset\", concept, rule) "
            "VALUES (?, ?, ?, ?, ?, nullif(?, ''), ?) ON CONFLICT DO NOTHING")),
        queue(db.prepare("INSERT INTO cluster_queue (article_id, new_article) VALUES (?, ?)")) {
    if (db.backend() == sql::Backend::sqlite)
      index = db.prepare(
          "INSERT INTO articles_fts (rowid, title, summary, content) "
          "SELECT id, title, summary, content FROM articles "
          "WHERE id IN (SELECT value FROM json_each(?))");
  }

  std::unique_ptr<sql::Statement> feed_of, save_feed, any_tombstone, tombstoned, last_sighting,
      by_key, seen_in_feed, story_of, edit, touch, promote, touch_story, article, add_key, sighting,
      match, queue;
  std::unique_ptr<sql::Statement> index;  // SQLite's only
};

struct ArticleWriter::Batch {
  const ParsedBatch& parsed;
  std::int64_t feed = 0;
  bool first_poll = false;  // no poll of the feed delivered before this one
  Queued& queued;
  WriteStats stats;
};

ArticleWriter::ArticleWriter(sql::Connection& db, StoryTable& stories)
    : stories_(stories), sql_(std::make_unique<Statements>(db)) {}
ArticleWriter::~ArticleWriter() = default;

void ArticleWriter::start_transaction() {
  tombstones_ = query_id(*sql_->any_tombstone).value_or(1) != 0;
  unindexed_.clear();
}

void ArticleWriter::finish_transaction() { index_unindexed(); }

void ArticleWriter::index_unindexed() {
  if (unindexed_.empty() || !sql_->index) return;
  std::string ids = "[";
  for (std::int64_t id : unindexed_) ids += std::to_string(id) + ",";
  ids.back() = ']';
  run(*sql_->index, ids);
  unindexed_.clear();
}

WriteStats ArticleWriter::write(const ParsedBatch& parsed, Queued& queued) {
  Batch batch{parsed, 0, false, queued, {}};
  sql::Statement& feed_of = *sql_->feed_of;
  bind_all(feed_of, parsed.feed.url);
  if (!feed_of.step()) {
    feed_of.reset();
    throw std::runtime_error("feed not registered");
  }
  batch.feed = feed_of.int64(0);
  batch.first_poll = feed_of.int64(1) == 0;
  feed_of.reset();
  save_feed_state(*sql_->save_feed, parsed.feed);
  for (const MatchedItem& matched : parsed.items) write_item(batch, matched);
  return batch.stats;
}

void ArticleWriter::write_item(Batch& batch, const MatchedItem& matched) {
  std::optional<PreparedItem> worked_out;
  if (!matched.prepared)
    worked_out = prepare_item(matched, batch.parsed.feed, batch.parsed.fetched_at);
  const PreparedItem& keys = matched.prepared ? *matched.prepared : *worked_out;
  if (tombstones_ && tombstoned(keys)) {
    ++batch.stats.forgotten;
    return;
  }
  const std::string& key = item_key(matched.item, keys.text_key);
  Known known = find_article(batch, matched.item, keys, key);
  if (known.unchanged) {
    ++batch.stats.known;
    return;
  }
  std::int64_t article = known.article
                             ? update_article(batch, matched, keys, *known.article, known.edited)
                             : insert_article(batch, matched, keys);
  add_sighting(batch, matched.item, keys, key, article, known.edited);
  add_matches(article, matched.matches);
}

bool ArticleWriter::tombstoned(const PreparedItem& keys) {
  for (const auto& key : keys.url_keys) {
    if (query_id(*sql_->tombstoned, key)) return true;
  }
  return query_id(*sql_->tombstoned, keys.text_key).has_value();
}

ArticleWriter::Known ArticleWriter::find_article(const Batch& batch, const Item& item,
                                                 const PreparedItem& keys,
                                                 const std::string& item_key) {
  Known known;
  // The same item in the same feed: known, unless the publisher changed it.
  sql::Statement& last = *sql_->last_sighting;
  bind_all(last, batch.feed, item_key);
  if (last.step()) {
    known.unchanged = last.text(1) == item.title && last.text(2) == item.link.value_or("");
    known.article = last.int64(0);
    known.edited = !known.unchanged;
    last.reset();
    return known;
  }
  // The same article under another key: another feed's copy, a new GUID, a moved link.
  for (const auto& url : keys.url_keys) {
    known.article = query_id(*sql_->by_key, url);
    if (known.article) break;
  }
  if (!known.article && keys.url_keys.empty())
    known.article = query_id(*sql_->by_key, keys.text_key);
  if (known.article)
    known.edited = query_id(*sql_->seen_in_feed, *known.article, batch.feed).has_value();
  return known;
}

// A publisher's edit updates the article; another feed's copy only adds a sighting. An
// article first seen without a topic joins a story when this copy (or edit) matches.
std::int64_t ArticleWriter::update_article(Batch& batch, const MatchedItem& matched,
                                           const PreparedItem& keys, std::int64_t article,
                                           bool edited) {
  const Item& item = matched.item;
  const std::int64_t now = batch.parsed.fetched_at;
  sql::Statement& story_of = *sql_->story_of;
  bind_all(story_of, article);
  bool had_story = story_of.step() && !story_of.is_null(0);
  story_of.reset();
  if (edited) {
    // The edit's trigger takes the old text out of the index: it must be in it.
    if (std::find(unindexed_.begin(), unindexed_.end(), article) != unindexed_.end())
      index_unindexed();
    run(*sql_->edit, item.title, item.summary, had_story ? item.content : kNoContent, now, now,
        article);
    ++batch.stats.updated;
  } else {
    run(*sql_->touch, now, article);
  }
  if (!had_story) {
    if (auto story = join_story(batch, matched)) {
      run(*sql_->promote, *story, keys.signature_json, item.title, item.summary, item.content,
          article);
      enqueue(batch, article, false, &keys.signature);
      ++batch.stats.new_articles;
    }
  }
  run(*sql_->touch_story, now, article);
  return article;
}

std::int64_t ArticleWriter::insert_article(Batch& batch, const MatchedItem& matched,
                                           const PreparedItem& keys) {
  const Item& item = matched.item;
  const std::int64_t now = batch.parsed.fetched_at;
  std::optional<std::int64_t> story = join_story(batch, matched);
  const std::string& canonical = keys.url_keys.empty() ? keys.text_key : keys.url_keys[0];
  std::optional<std::string> shown;
  if (item.link && !item.link->empty()) shown = without_tracking(*item.link);
  std::int64_t article = *query_id(*sql_->article, canonical, shown, item.title, item.summary,
                                   story ? item.content : kNoContent, item.author,
                                   item.published ? item.published : item.updated, now, now,
                                   batch.feed, story, keys.outlet, keys.signature_json);
  // Queued relevant or not: an unmatched article's signature counts towards the terms'
  // document frequencies.
  enqueue(batch, article, true, story ? &keys.signature : nullptr);
  batch.queued.terms.observe(keys.signature);
  batch.queued.counted.insert(article);
  if (story) {
    unindexed_.push_back(article);
    run(*sql_->touch_story, now, article);
    ++batch.stats.new_articles;
  } else {
    ++batch.stats.unmatched;
  }
  return article;
}

void ArticleWriter::enqueue(Batch& batch, std::int64_t article, bool inserted,
                            const StorySignature* relevant) {
  run(*sql_->queue, article, std::int64_t{inserted ? 1 : 0});
  if (relevant) batch.queued.relevant.insert_or_assign(article, *relevant);
}

// A relevant article belongs to a story, of its own at first; an unmatched one to none.
std::optional<std::int64_t> ArticleWriter::join_story(const Batch& batch,
                                                      const MatchedItem& matched) {
  if (!matched.matches.relevant) return std::nullopt;
  return stories_.create(matched.item.title, batch.parsed.fetched_at, batch.parsed.fetched_at);
}

void ArticleWriter::add_sighting(Batch& batch, const Item& item, const PreparedItem& keys,
                                 const std::string& item_key, std::int64_t article, bool edited) {
  for (const auto& url : keys.url_keys) run(*sql_->add_key, url, article);
  run(*sql_->add_key, keys.text_key, article);
  // What the feed held at its first poll, or an edit of what it showed before, is not news.
  std::int64_t news = !batch.first_poll && !edited ? 1 : 0;
  run(*sql_->sighting, article, batch.feed, item_key, item.link, item.guid, item.title, keys.outlet,
      batch.parsed.fetched_at, news);
  ++batch.stats.new_sightings;
}

void ArticleWriter::add_matches(std::int64_t article, const MatchSet& matches) {
  for (const Evidence& evidence : matches.evidence) {
    run(*sql_->match, article, evidence.topic, std::string(field_name(evidence.field)),
        evidence.term, static_cast<std::int64_t>(evidence.offset), evidence.concept_id,
        evidence.rule);
  }
}

}  // namespace newswatch
