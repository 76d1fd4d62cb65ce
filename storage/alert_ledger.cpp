// Portable SQL (sql.h): times are read as Unix seconds and written as ISO-8601 here, lists are
// sorted here (PostgreSQL sorts text by the database's collation, SQLite by bytes), and a
// rule's topics are one parameter each.
#include "storage/alert_ledger.h"

#include <algorithm>
#include <optional>
#include <set>

#include "feeds/dates.h"
#include "storage/bind.h"

namespace newswatch {
namespace {

std::optional<std::string> text_or_none(const sql::Statement& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return std::string(row.text(column));
}

// The queries that read a story back for its hooks, compiled once per due() call.
struct StoryQueries {
  explicit StoryQueries(sql::Connection& db)
      : story(db.prepare("SELECT title, first_seen, last_seen FROM stories WHERE id = ?")),
        topics(db.prepare("SELECT DISTINCT m.topic FROM matches m JOIN articles a "
                          "ON a.id = m.article_id WHERE a.story_id = ?")),
        outlets(db.prepare("SELECT DISTINCT x.outlet FROM sightings x JOIN articles a "
                           "ON a.id = x.article_id WHERE a.story_id = ? AND x.outlet IS NOT NULL")),
        articles(db.prepare("SELECT title, coalesce(url, canonical_url), outlet, published "
                            "FROM articles WHERE story_id = ? ORDER BY first_seen, id")) {}

  // Fills in the alert's story: title, time span, topics, outlets, articles and their URLs.
  void describe(DueAlert& alert) {
    bind_all(*story, alert.story_id);
    if (story->step()) {
      alert.story_found = true;
      alert.title = story->text(0);
      alert.first_seen = format_iso8601(story->int64(1));
      alert.last_seen = format_iso8601(story->int64(2));
    }
    story->reset();
    alert.topics = sorted(*topics, alert.story_id);
    alert.outlets = sorted(*outlets, alert.story_id);
    read_articles(alert);
  }

  // The story's articles, oldest first; their URLs, once each, go to `alert.urls`.
  void read_articles(DueAlert& alert) {
    bind_all(*articles, alert.story_id);
    while (articles->step()) {
      std::string url(articles->text(1));
      if (std::find(alert.urls.begin(), alert.urls.end(), url) == alert.urls.end())
        alert.urls.push_back(url);
      std::optional<std::string> published;
      if (!articles->is_null(3)) published = format_iso8601(articles->int64(3));
      alert.articles.push_back(
          {std::string(articles->text(0)), url, text_or_none(*articles, 2), published});
    }
    articles->reset();
  }

  static std::vector<std::string> sorted(sql::Statement& query, std::int64_t id) {
    std::vector<std::string> out;
    bind_all(query, id);
    while (query.step()) out.emplace_back(query.text(0));
    query.reset();
    std::sort(out.begin(), out.end());
    return out;
  }

  std::unique_ptr<sql::Statement> story, topics, outlets, articles;
};

// The stories that call for an alert under a rule of `topics` topics (none: any topic) and are
// not yet in the ledger, recorded pending. ON CONFLICT: another daemon may record one first.
std::string fire_sql(std::size_t topics) {
  std::string sql = R"sql(
    INSERT INTO alerts (hook, story_id, state, next_attempt_at, created_at)
    SELECT ?1, s.id, 'pending', CAST(?2 AS BIGINT), CAST(?2 AS BIGINT) FROM stories s
     WHERE s.last_seen >= CAST(?2 AS BIGINT) - CAST(?3 AS BIGINT)
       AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.hook = ?1 AND a.story_id = s.id)
       AND EXISTS (SELECT 1 FROM articles a JOIN sightings x ON x.article_id = a.id
                    WHERE a.story_id = s.id AND x.news = 1
                      AND coalesce(a.published, a.first_seen)
                          >= CAST(?2 AS BIGINT) - CAST(?3 AS BIGINT))
       AND (SELECT count(DISTINCT x.outlet) FROM sightings x
              JOIN articles a ON a.id = x.article_id WHERE a.story_id = s.id) >= ?4)sql";
  if (topics > 0) {
    sql += R"sql(
       AND EXISTS (SELECT 1 FROM matches m JOIN articles a ON a.id = m.article_id
                    WHERE a.story_id = s.id AND m.topic IN ()sql";
    for (std::size_t i = 0; i < topics; ++i) sql += i ? ", ?" : "?";
    sql += "))";
  }
  return sql + "\n    ON CONFLICT DO NOTHING";
}

}  // namespace

Result<std::vector<DueAlert>> AlertLedger::due(const std::vector<AlertRule>& rules, UnixSeconds now,
                                               UnixSeconds claim) {
  try {
    fire(rules, now);
    std::vector<DueAlert> due = pending(rules, now, claim);
    StoryQueries queries(db_);
    for (DueAlert& alert : due) queries.describe(alert);
    return due;
  } catch (const sql::Error& e) {
    return fail(std::string("finding alerts: ") + e.what());
  }
}

// Records, in one transaction, the stories that now call for an alert under each rule.
void AlertLedger::fire(const std::vector<AlertRule>& rules, UnixSeconds now) {
  sql::Transaction transaction(db_, true);
  for (const AlertRule& rule : rules) {
    auto fire = db_.prepare(fire_sql(rule.topics.size()));
    fire->bind(1, std::string_view(rule.name));
    fire->bind(2, std::int64_t{now});
    fire->bind(3, std::int64_t{rule.max_age});
    fire->bind(4, std::int64_t{rule.min_outlets});
    for (std::size_t i = 0; i < rule.topics.size(); ++i)
      fire->bind(static_cast<int>(i) + 5, std::string_view(rule.topics[i]));
    while (fire->step()) {
    }
  }
  transaction.commit();
}

// The alerts of configured hooks whose next attempt is due at `now`, oldest first; with
// `claim`, claimed until `now` + `claim` in the same statement.
std::vector<DueAlert> AlertLedger::pending(const std::vector<AlertRule>& rules, UnixSeconds now,
                                           UnixSeconds claim) {
  std::set<std::string> hooks;
  for (const auto& rule : rules) hooks.insert(rule.name);
  std::vector<DueAlert> due;
  if (hooks.empty()) return due;
  std::string in_hooks = "hook IN (";
  for (std::size_t i = 0; i < hooks.size(); ++i) in_hooks += i ? ", ?" : "?";
  in_hooks += ")";
  std::optional<sql::Transaction> transaction;
  std::unique_ptr<sql::Statement> pending;
  if (claim > 0) {
    transaction.emplace(db_, true);
    pending = db_.prepare(
        "UPDATE alerts SET next_attempt_at = ? WHERE state = 'pending' "
        "AND next_attempt_at <= ? AND " +
        in_hooks + " RETURNING hook, story_id, attempts, created_at");
    pending->bind(1, std::int64_t{now + claim});
  } else {
    pending = db_.prepare(
        "SELECT hook, story_id, attempts, created_at FROM alerts WHERE state = "
        "'pending' AND next_attempt_at <= ? AND " +
        in_hooks);
    pending->bind(1, std::int64_t{now});
  }
  int index = claim > 0 ? 2 : 1;
  if (claim > 0) pending->bind(index, std::int64_t{now});
  for (const std::string& hook : hooks) pending->bind(++index, std::string_view(hook));
  std::vector<std::pair<std::int64_t, DueAlert>> found;  // by created_at
  while (pending->step()) {
    DueAlert alert;
    alert.hook = pending->text(0);
    alert.story_id = pending->int64(1);
    alert.attempts = static_cast<int>(pending->int64(2));
    found.emplace_back(pending->int64(3), std::move(alert));
  }
  if (transaction) transaction->commit();
  // Oldest first, then by story and hook: RETURNING has no order of its own.
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first, a.second.story_id, a.second.hook) <
           std::tie(b.first, b.second.story_id, b.second.hook);
  });
  for (auto& [created, alert] : found) due.push_back(std::move(alert));
  return due;
}

Result<void> AlertLedger::record(const std::string& hook, std::int64_t story, bool sent,
                                 const std::string& error, UnixSeconds now, UnixSeconds retry_at) {
  try {
    auto update = db_.prepare(
        "UPDATE alerts SET state = ?, attempts = attempts + ?, "
        "last_error = nullif(?, ''), sent_at = ?, next_attempt_at = ? "
        "WHERE hook = ? AND story_id = ?");
    std::optional<std::int64_t> sent_at;
    if (sent) sent_at = now;
    run(*update, std::string(sent ? "sent" : "pending"), std::int64_t{sent ? 0 : 1}, error, sent_at,
        sent ? now : retry_at, hook, story);
    return {};
  } catch (const sql::Error& e) {
    return fail("recording alert " + hook + ": " + e.what());
  }
}

}  // namespace newswatch
