// Store::rematch_stored: the current topic packs applied to articles already stored, for
// `newswatch rematch`. It runs beside the daemon, so it works as a poll batch does: a few
// hundred articles per short IMMEDIATE transaction, each read, matched and rewritten inside
// it (an article the daemon changes meanwhile is seen before or after, never half), with the
// write-ahead log given room first.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "storage/article_identity.h"
#include "storage/bind.h"
#include "storage/store.h"
#include "storage/story_table.h"

namespace newswatch {
namespace {

// Per transaction: as many as the store's other batched writes (Store::recluster).
constexpr int kArticlesPerTransaction = 256;

struct StoredArticle {
  std::int64_t id = 0;
  std::optional<std::int64_t> story;  // nullopt: no topic matched
  Item item;
  UnixSeconds first_seen = 0, last_seen = 0;
  std::string outlet, feed_title;
  std::vector<MatchRow> rows;
};

// The articles after `after` by id, published (or first seen) since `since`, with their
// matches.
std::vector<StoredArticle> stored_articles(sql::Connection& db, std::int64_t after,
                                           UnixSeconds since) {
  auto articles = db.prepare(
      "SELECT a.id, a.story_id, a.title, a.summary, a.content, a.published, "
      "a.first_seen, a.last_seen, coalesce(a.outlet, ''), "
      "coalesce(f.title, '') FROM articles a "
      "LEFT JOIN feeds f ON f.id = a.feed_id "
      "WHERE a.id > ? AND coalesce(a.published, a.first_seen) >= ? "
      "ORDER BY a.id LIMIT ?");
  bind_all(*articles, after, since, std::int64_t{kArticlesPerTransaction});
  std::vector<StoredArticle> out;
  while (articles->step()) {
    StoredArticle& a = out.emplace_back();
    a.id = articles->int64(0);
    if (!articles->is_null(1)) a.story = articles->int64(1);
    a.item = stored_item(*articles, 2);
    a.first_seen = articles->int64(6);
    a.last_seen = articles->int64(7);
    a.outlet = articles->text(8);
    a.feed_title = articles->text(9);
  }
  auto matches = db.prepare(
      "SELECT topic, field, term, \"offset\", coalesce(concept, ''), "
      "coalesce(rule, '') FROM matches WHERE article_id = ?");
  for (StoredArticle& a : out) {
    bind_all(*matches, a.id);
    while (matches->step()) {
      a.rows.push_back({std::string(matches->text(0)), std::string(matches->text(1)),
                        std::string(matches->text(2)), matches->int64(3),
                        std::string(matches->text(4)), std::string(matches->text(5))});
      // An item's categories are not stored; those its matches name are all that is known
      // of them, and what a pack that still has their phrases finds again.
      if (a.rows.back().field == field_name(ItemField::kCategories))
        a.item.categories.push_back(a.rows.back().term);
    }
  }
  return out;
}

// The statements that rewrite an article's matches and story, compiled once per batch.
struct RematchStatements {
  explicit RematchStatements(sql::Connection& db)
      : clear_matches(db.prepare("DELETE FROM matches WHERE article_id = ?")),
        add_match(db.prepare(
            "INSERT INTO matches (article_id, topic, field, term, \"offset\", concept, rule) "
            "VALUES (?, ?, ?, ?, ?, nullif(?, ''), nullif(?, '')) ON CONFLICT DO NOTHING")),
        join_story(db.prepare("UPDATE articles SET story_id = ?, signature = ? WHERE id = ?")),
        // SQLite's index holds only articles with a story, and no trigger takes one out when
        // its story goes (articles_fts_promote puts a gained one in). PostgreSQL's words are
        // a column of the article's own.
        unindex(db.backend() == sql::Backend::sqlite
                    ? db.prepare("INSERT INTO articles_fts (articles_fts, rowid, title, summary, "
                                 "content) SELECT 'delete', id, title, summary, content "
                                 "FROM articles WHERE id = ?")
                    : nullptr),
        leave_story(db.prepare("UPDATE articles SET story_id = NULL WHERE id = ?")),
        drop_story(db.prepare("DELETE FROM stories WHERE id = ?1 "
                              "AND NOT EXISTS (SELECT 1 FROM articles WHERE story_id = ?1) "
                              "AND NOT EXISTS (SELECT 1 FROM alerts WHERE story_id = ?1)")),
        span_story(
            db.prepare("UPDATE stories SET first_seen = (SELECT min(first_seen) FROM articles "
                       "WHERE story_id = ?1), last_seen = (SELECT max(last_seen) FROM articles "
                       "WHERE story_id = ?1) "
                       "WHERE id = ?1 AND EXISTS (SELECT 1 FROM articles WHERE story_id = ?1)")) {}

  std::unique_ptr<sql::Statement> clear_matches, add_match, join_story, unindex, leave_story,
      drop_story, span_story;
};

void replace_matches(RematchStatements& sql, std::int64_t article,
                     const std::vector<MatchRow>& rows) {
  run(*sql.clear_matches, article);
  for (const MatchRow& row : rows)
    run(*sql.add_match, article, row.topic, row.field, row.term,
        static_cast<std::int64_t>(row.offset), row.concept_id, row.rule);
}

// Takes an article that lost its last topic out of its story and of the full-text index.
void leave_story(RematchStatements& sql, const StoredArticle& article) {
  if (sql.unindex) run(*sql.unindex, article.id);
  run(*sql.leave_story, article.id);
  run(*sql.drop_story, *article.story);
  run(*sql.span_story, *article.story);
}

// Gives an article that gained its first topic a story of its own, and the signature it is
// clustered by.
void join_new_story(RematchStatements& sql, StoryTable& stories, const StoredArticle& article,
                    const StorySignature& signature) {
  std::int64_t story = stories.create(article.item.title, article.first_seen, article.last_seen);
  run(*sql.join_story, story, signature.to_json(), article.id);
}

// Matches the articles of `batch` again and returns those whose matches changed. With `sql`
// and `stories`, writes the changes: an article's matches replaced, a new story for each that
// gained its first topic (appended to `gained`), its story left by each that lost its last.
std::vector<Store::RematchedArticle> rematch_batch(
    std::vector<StoredArticle>& batch, const std::function<MatchSet(const Item&)>& match,
    RematchStatements* sql, StoryTable* stories, std::vector<std::int64_t>& gained) {
  std::vector<Store::RematchedArticle> changed;
  for (StoredArticle& article : batch) {
    MatchSet now = match(article.item);
    MatchDiff diff = diff_matches(article.story.has_value(), std::move(article.rows), now);
    if (diff.kind == MatchDiff::Kind::kUnchanged) continue;
    if (sql) {
      replace_matches(*sql, article.id, diff.rows);
      if (diff.kind == MatchDiff::Kind::kGained) {
        join_new_story(
            *sql, *stories, article,
            story_signature(article.item, now, article_time(article.item, article.first_seen),
                            {article.outlet, article.feed_title}));
        gained.push_back(article.id);
      } else if (diff.kind == MatchDiff::Kind::kLost) {
        leave_story(*sql, article);
      }
    }
    changed.push_back({article.id, std::move(article.item.title), std::move(diff)});
  }
  return changed;
}

void count(Store::RematchStats& stats, MatchDiff::Kind kind) {
  stats.gained += kind == MatchDiff::Kind::kGained ? 1 : 0;
  stats.lost += kind == MatchDiff::Kind::kLost ? 1 : 0;
  stats.topics += kind == MatchDiff::Kind::kTopics ? 1 : 0;
  stats.evidence += kind == MatchDiff::Kind::kEvidence ? 1 : 0;
}

}  // namespace

Result<Store::RematchStats> Store::rematch_stored(
    UnixSeconds since, const std::function<MatchSet(const Item&)>& match, bool apply,
    const std::function<void(const RematchedArticle&)>& report) {
  RematchStats stats;
  std::vector<std::int64_t> gained;
  try {
    for (std::int64_t after = 0;;) {
      if (apply) {
        if (auto room = make_room_in_wal(); !room) return fail(room.error());
      }
      std::uintmax_t wal_before = wal_size();
      // A reader's transaction too: one snapshot per batch, never one held over all of them.
      sql::Transaction transaction(*sql_, apply);
      std::vector<StoredArticle> batch = stored_articles(*sql_, after, since);
      if (batch.empty()) break;
      after = batch.back().id;
      std::optional<RematchStatements> sql;
      if (apply) sql.emplace(*sql_);
      std::vector<RematchedArticle> changed = rematch_batch(
          batch, match, sql ? &*sql : nullptr, apply ? &story_table() : nullptr, gained);
      sql.reset();
      transaction.commit();
      note_write(wal_before);
      stats.articles += static_cast<int>(batch.size());
      for (const RematchedArticle& article : changed) {
        count(stats, article.diff.kind);
        report(article);
      }
    }
    if (!apply || stats.gained + stats.lost == 0) return stats;
  } catch (const std::runtime_error& e) {
    return fail(std::string("matching stored articles again: ") + e.what());
  }
  try {
    // The new stories are clustered with the stored ones as a poll round's are: the week
    // before the newest article, as stored now. The daemon clustering (the lease's holder)
    // loads its stories again: they changed behind it.
    load_clusterer();
    stats.merged_stories = merge_stories(gained, [&] { stories_changed(); });
    clusterer_.reset();
    return stats;
  } catch (const std::runtime_error& e) {
    clusterer_.reset();
    return fail(std::string("clustering stories: ") + e.what());
  }
}

}  // namespace newswatch
