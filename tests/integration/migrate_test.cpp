// `newswatch migrate`: a SQLite database copied into PostgreSQL with its counts checked, the
// views answering the README's queries alike on both, and a daemon going on from the copy.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "integration/process.h"
#include "pg_server.h"
#include "storage/sql_sqlite.h"
#include "storage/store.h"
#include "store_batches.h"
#include "test_support.h"

using namespace newswatch;
using namespace newswatch::test;

namespace {

MatchedItem report(const std::string& guid, const std::string& link, const std::string& title,
                   bool relevant) {
  MatchedItem m;
  m.item.guid = guid;
  m.item.link = link;
  m.item.title = title;
  m.item.summary = title + ", officials said on Tuesday.";
  m.item.published = 1750000000 - 600;
  if (relevant) {
    m.matches.relevant = true;
    m.matches.topics = {"hormuz"};
    m.matches.evidence = {{"hormuz", ItemField::kTitle, "hormuz", 0, "hormuz_strait", "p:1"}};
  }
  return m;
}

// Every row of `sql` on `db`, its `columns` columns joined by '|', NULL as "NULL".
std::vector<std::string> rows(sql::Connection& db, const std::string& sql, int columns = 1) {
  auto read = db.prepare(sql);
  std::vector<std::string> out;
  while (read->step()) {
    std::string row;
    for (int column = 0; column < columns; ++column) {
      if (column) row += '|';
      row.append(read->is_null(column) ? std::string_view("NULL") : read->text(column));
    }
    out.push_back(row);
  }
  return out;
}

}  // namespace

TEST_CASE("migrate copies a SQLite database into PostgreSQL, counts equal, views alike") {
  TempDir dir;
  const std::string path = dir.file("n.db");
  {
    auto store = Store::open(path);
    REQUIRE(store);
    REQUIRE(store->register_feed("https://a.example/rss", "A", 100));
    REQUIRE(store->register_feed("https://b.example/rss", "B", 100));
    const UnixSeconds t0 = 1750000000;
    REQUIRE(store->write(batch_for("https://a.example/rss", {}, t0)));
    REQUIRE(store->write(
        batch_for("https://a.example/rss",
                  {report("a1", "https://a.example/1", "Tanker seized near Hormuz", true),
                   report("a2", "https://a.example/2", "Weather in Doha", false),
                   report("a3", "https://a.example/3", "Hormuz talks in Muscat", true)},
                  t0 + 60)));
    REQUIRE(store->write(batch_for(
        "https://b.example/rss",
        {report("b1", "https://a.example/1?utm_source=b", "Tanker seized near Hormuz", true),
         report("b2", "https://b.example/9", "Hormuz: a carrier enters the Gulf", true)},
        t0 + 120)));
    ParsedBatch failing = batch_for("https://b.example/rss", {}, t0 + 180);
    failing.feed.last_status = 500;
    failing.feed.last_error = "HTTP 500";
    failing.feed.error_count = 2;
    failing.feed.next_poll_at = t0 + 900;
    REQUIRE(store->write(failing));
    REQUIRE(store->recluster(t0 + 180));
    auto due = store->due_alerts({{"desk", {}, 1, 24 * 3600}}, t0 + 180);
    REQUIRE(due);
    REQUIRE_FALSE(due->empty());
    REQUIRE(store->record_alert("desk", due->front().story_id, true, "", t0 + 181, 0));
    REQUIRE(store->forget({3}));  // a tombstone or two
  }
  PgServer& server = shared_pg_server();
  std::string uri = fresh_database(server);

  CHECK(exit_status(spawn_newswatch({"migrate", "--from", path, "--to", uri}, dir.file("out"))) ==
        0);
  std::string out = read_file(dir.file("out"));
  INFO(out);
  CHECK_THAT(out, Catch::Contains("every table's count is equal"));
  CHECK_THAT(out, Catch::Matches("(.|\n)*articles +3 +3\n(.|\n)*"));  // 4 written, 1 forgotten
  CHECK_THAT(out, Catch::Matches("(.|\n)*tombstones +[1-9][0-9]* +[1-9][0-9]*\n(.|\n)*"));
  CHECK_THAT(out, Catch::Matches("(.|\n)*alerts +1 +1\n(.|\n)*"));

  // The README's queries, on both.
  SQLite::Database file(path, SQLite::OPEN_READONLY);
  sql::SqliteConnection sqlite(file);
  auto postgresql = PgConnection::open(uri);
  REQUIRE(postgresql);
  const std::vector<std::pair<std::string, int>> queries = {
      {"SELECT story_id, articles, outlets, topics, title FROM stories_v "
       "ORDER BY last_seen DESC, story_id",
       5},
      {"SELECT published, outlet, title FROM items_v WHERE story_id = 1 ORDER BY article_id", 3},
      {"SELECT topic, field, term, concept, rule FROM matches_v WHERE article_id = 1", 5},
      {"SELECT url, last_status, last_error, next_poll_at FROM feeds_v "
       "WHERE last_error IS NOT NULL",
       4},
      {"SELECT url, guid, feed_url, seen_at, article_id, story_id, title, outlet "
       "FROM sightings_v ORDER BY seen_at, article_id, feed_url",
       8},
      {"SELECT hook, story_id, state FROM alerts_v", 3}};
  for (const auto& [query, columns] : queries) {
    INFO(query);
    auto in_sqlite = rows(sqlite, query, columns);
    CHECK_FALSE(in_sqlite.empty());
    CHECK(rows(**postgresql, query, columns) == in_sqlite);
  }

  // A daemon goes on from the copy: new rows take ids after the copied ones.
  {
    auto store = Store::open(uri);
    REQUIRE(store);
    REQUIRE(store->write(batch_for(
        "https://a.example/rss",
        {report("a9", "https://a.example/9", "Hormuz: mines cleared", true)}, 1750001000)));
    CHECK(rows(**postgresql, "SELECT max(id) FROM articles") == std::vector<std::string>{"5"});
  }
  // Into a database that is not empty: refused, nothing written.
  CHECK(exit_status(spawn_newswatch({"migrate", "--from", path, "--to", uri}, dir.file("out"))) ==
        1);
  CHECK_THAT(read_file(dir.file("out")), Catch::Contains("not empty"));
  CHECK(rows(**postgresql, "SELECT count(*) FROM articles") == std::vector<std::string>{"4"});
}
