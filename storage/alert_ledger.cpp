#include "storage/alert_ledger.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "storage/bind.h"

namespace newswatch {
namespace {

// The queries that read a story back for its hooks, compiled once per due() call.
struct StoryQueries {
  explicit StoryQueries(SQLite::Database& db)
      : story(db,
              "SELECT title, strftime('%Y-%m-%dT%H:%M:%SZ', first_seen, 'unixepoch'), "
              "strftime('%Y-%m-%dT%H:%M:%SZ', last_seen, 'unixepoch') "
              "FROM stories WHERE id = ?"),
        topics(db,
               "SELECT DISTINCT m.topic FROM matches m JOIN articles a "
               "ON a.id = m.article_id WHERE a.story_id = ? ORDER BY m.topic"),
        outlets(db,
                "SELECT DISTINCT x.outlet FROM sightings x JOIN articles a "
                "ON a.id = x.article_id WHERE a.story_id = ? AND x.outlet IS NOT NULL "
                "ORDER BY x.outlet"),
        articles(db,
                 "SELECT title, coalesce(url, canonical_url), outlet, "
                 "strftime('%Y-%m-%dT%H:%M:%SZ', published, 'unixepoch') "
                 "FROM articles WHERE story_id = ? ORDER BY first_seen, id") {}

  // Fills in the alert's story: title, time span, topics, outlets, articles and their URLs.
  void describe(DueAlert& alert) {
    story.reset();
    story.bind(1, static_cast<int64_t>(alert.story_id));
    if (story.executeStep()) {
      alert.story_found = true;
      alert.title = story.getColumn(0).getString();
      alert.first_seen = story.getColumn(1).getString();
      alert.last_seen = story.getColumn(2).getString();
    }
    story.reset();
    alert.topics = strings(topics, alert.story_id);
    alert.outlets = strings(outlets, alert.story_id);
    read_articles(alert);
  }

  // The story's articles, oldest first; their URLs, once each, go to `alert.urls`.
  void read_articles(DueAlert& alert) {
    auto text_or_none = [&](int column) {
      return articles.getColumn(column).isNull()
                 ? std::nullopt
                 : std::optional<std::string>(articles.getColumn(column).getString());
    };
    articles.reset();
    articles.bind(1, static_cast<int64_t>(alert.story_id));
    while (articles.executeStep()) {
      std::string url = articles.getColumn(1).getString();
      if (std::find(alert.urls.begin(), alert.urls.end(), url) == alert.urls.end())
        alert.urls.push_back(url);
      alert.articles.push_back(
          {articles.getColumn(0).getString(), url, text_or_none(2), text_or_none(3)});
    }
    articles.reset();
  }

  static std::vector<std::string> strings(SQLite::Statement& q, std::int64_t id) {
    std::vector<std::string> out;
    q.reset();
    q.bind(1, static_cast<int64_t>(id));
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  }

  SQLite::Statement story, topics, outlets, articles;
};

}  // namespace

Result<std::vector<DueAlert>> AlertLedger::due(const std::vector<AlertRule>& rules,
                                               UnixSeconds now) {
  try {
    fire(rules, now);
    std::vector<DueAlert> due = pending(rules, now);
    StoryQueries queries(db_);
    for (DueAlert& alert : due) queries.describe(alert);
    return due;
  } catch (const SQLite::Exception& e) {
    return fail(std::string("finding alerts: ") + e.what());
  }
}

// Records, in one transaction, the stories that now call for an alert under each rule.
void AlertLedger::fire(const std::vector<AlertRule>& rules, UnixSeconds now) {
  SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
  SQLite::Statement fire(db_, R"sql(
    INSERT INTO alerts (hook, story_id, state, next_attempt_at, created_at)
    SELECT ?1, s.id, 'pending', ?2, ?2 FROM stories s
     WHERE s.last_seen >= ?2 - ?3
       AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.hook = ?1 AND a.story_id = s.id)
       AND EXISTS (SELECT 1 FROM articles a JOIN sightings x ON x.article_id = a.id
                    WHERE a.story_id = s.id AND x.news = 1
                      AND coalesce(a.published, a.first_seen) >= ?2 - ?3)
       AND (SELECT count(DISTINCT x.outlet) FROM sightings x
              JOIN articles a ON a.id = x.article_id WHERE a.story_id = s.id) >= ?4
       AND (json_array_length(?5) = 0 OR EXISTS (
            SELECT 1 FROM matches m JOIN articles a ON a.id = m.article_id
             WHERE a.story_id = s.id AND m.topic IN (SELECT value FROM json_each(?5))))
  )sql");
  for (const AlertRule& rule : rules) {
    fire.reset();
    fire.bind(1, rule.name);
    fire.bind(2, static_cast<int64_t>(now));
    fire.bind(3, static_cast<int64_t>(rule.max_age));
    fire.bind(4, rule.min_outlets);
    fire.bind(5, nlohmann::json(rule.topics).dump());
    fire.exec();
  }
  transaction.commit();
}

// The alerts of configured hooks whose next attempt is due at `now`, oldest first.
std::vector<DueAlert> AlertLedger::pending(const std::vector<AlertRule>& rules, UnixSeconds now) {
  std::vector<DueAlert> due;
  SQLite::Statement pending(db_,
                            "SELECT hook, story_id, attempts FROM alerts WHERE state = 'pending' "
                            "AND next_attempt_at <= ? ORDER BY created_at, story_id, hook");
  pending.bind(1, static_cast<int64_t>(now));
  std::set<std::string> hooks;
  for (const auto& rule : rules) hooks.insert(rule.name);
  while (pending.executeStep()) {
    DueAlert alert;
    alert.hook = pending.getColumn(0).getString();
    if (!hooks.count(alert.hook)) continue;  // a hook no longer configured
    alert.story_id = pending.getColumn(1).getInt64();
    alert.attempts = pending.getColumn(2).getInt();
    due.push_back(std::move(alert));
  }
  return due;
}

Result<void> AlertLedger::record(const std::string& hook, std::int64_t story, bool sent,
                                 const std::string& error, UnixSeconds now, UnixSeconds retry_at) {
  try {
    SQLite::Statement update(db_,
                             "UPDATE alerts SET state = ?, attempts = attempts + ?, "
                             "last_error = nullif(?, ''), sent_at = ?, next_attempt_at = ? "
                             "WHERE hook = ? AND story_id = ?");
    std::optional<std::int64_t> sent_at;
    if (sent) sent_at = now;
    run(update, std::string(sent ? "sent" : "pending"), std::int64_t{sent ? 0 : 1}, error, sent_at,
        sent ? now : retry_at, hook, story);
    return {};
  } catch (const SQLite::Exception& e) {
    return fail("recording alert " + hook + ": " + e.what());
  }
}

}  // namespace newswatch
