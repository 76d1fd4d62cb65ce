#include "storage/store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <thread>

#include "storage/store_reader.h"
#include "store_batches.h"
#include "test_database.h"
#include "test_support.h"

using namespace newswatch;
using newswatch::test::batch_for;
using newswatch::test::TempDir;
using newswatch::test::TestDatabase;

// The version the newest migration leaves (storage/migrations/NNNN_name.sql): a database at
// any older one is upgraded to it.
static const int kLatestSchema = [] {
  int latest = 0;
  for (const auto& file :
       std::filesystem::directory_iterator(NEWSWATCH_SOURCE_DIR "/storage/migrations"))
    latest = std::max(latest, std::stoi(file.path().filename().string()));
  return latest;
}();

static MatchedItem relevant_item(std::string guid, std::string link, std::string title) {
  MatchedItem m;
  m.item.guid = std::move(guid);
  m.item.link = std::move(link);
  m.item.title = std::move(title);
  m.item.summary = "summary";
  m.item.published = 1749528000;  // 2025-06-10T04:00:00Z
  m.matches.relevant = true;
  m.matches.topics = {"hormuz"};
  m.matches.evidence = {
      {"hormuz", ItemField::kTitle, "strait of hormuz", 7, "hormuz_strait", "test.toml:3"}};
  return m;
}

// A new store in `dir` with the feeds a.example (title "A") and b.example (title "B").
static Store store_with_two_feeds(const TempDir& dir) {
  auto store = Store::open(dir.file("n.db"));
  REQUIRE(store);
  REQUIRE(store->register_feed("https://a.example/rss", "A", 100));
  REQUIRE(store->register_feed("https://b.example/rss", "B", 100));
  return std::move(*store);
}

// How many kept articles a search for `words` finds (StoreReader::search_articles).
static std::size_t found(const TestDatabase& db, const std::string& words) {
  auto reader = StoreReader::open(db.name());
  REQUIRE(reader);
  auto hits = reader->search_articles(words, 10);
  REQUIRE(hits);
  return hits->size();
}

// The same on either backend (TestDatabase).
static Store store_with_two_feeds(const TestDatabase& db) {
  auto store = Store::open(db.name());
  REQUIRE(store);
  REQUIRE(store->register_feed("https://a.example/rss", "A", 100));
  REQUIRE(store->register_feed("https://b.example/rss", "B", 100));
  return std::move(*store);
}

static int count(const std::string& path, const std::string& sql) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt();
}

TEST_CASE("a new database is created at the latest schema version, in WAL mode") {
  TempDir dir;
  auto store = Store::open(dir.file("n.db"));
  REQUIRE(store);
  CHECK(store->schema_version() == kLatestSchema);
  SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
}

TEST_CASE("reopening a database keeps its data and its version") {
  TempDir dir;
  {
    auto store = Store::open(dir.file("n.db"));
    REQUIRE(store);
    REQUIRE(store->register_feed("https://a.example/rss", "A", 100));
  }
  auto store = Store::open(dir.file("n.db"));
  REQUIRE(store);
  CHECK(store->schema_version() == kLatestSchema);
  CHECK(store->feed_state("https://a.example/rss").value());
}

TEST_CASE("the views are views.sql's: restored when they differ, an analyst's own kept") {
  TempDir dir;
  REQUIRE(Store::open(dir.file("n.db")));
  int cookie = count(dir.file("n.db"), "PRAGMA schema_version");
  REQUIRE(Store::open(dir.file("n.db")));
  // Views that were right already are not rewritten: other connections keep their
  // prepared statements.
  CHECK(count(dir.file("n.db"), "PRAGMA schema_version") == cookie);
  {
    SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READWRITE);
    db.exec(
        "DROP VIEW items_v; CREATE VIEW items_v AS SELECT 1 AS stale;"
        "DROP VIEW alerts_v;"
        "CREATE VIEW analyst_v AS SELECT count(*) AS n FROM articles");
  }
  REQUIRE(Store::open(dir.file("n.db")));
  CHECK(count(dir.file("n.db"), "SELECT count(article_id) FROM items_v") == 0);
  CHECK(count(dir.file("n.db"), "SELECT count(hook) FROM alerts_v") == 0);
  CHECK(count(dir.file("n.db"), "SELECT n FROM analyst_v") == 0);
}

TEST_CASE("a database from a newer newswatch is refused, not damaged") {
  TempDir dir;
  {
    SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA user_version = 999");
  }
  auto store = Store::open(dir.file("n.db"));
  REQUIRE_FALSE(store);
  CHECK_THAT(store.error().message, Catch::Contains("newer"));
}

TEST_CASE("an item seen again in the same feed is stored once") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  auto first = store.write(
      batch_for("https://a.example/rss", {relevant_item("g1", "https://a.example/1", "Hormuz")}));
  REQUIRE(first);
  CHECK(first->new_articles == 1);
  auto again = store.write(
      batch_for("https://a.example/rss", {relevant_item("g1", "https://a.example/1", "Hormuz")}));
  REQUIRE(again);
  CHECK(again->new_articles == 0);
  CHECK(again->known == 1);
  CHECK(db.number("SELECT count(*) FROM items_v") == 1);
  CHECK(db.number("SELECT count(*) FROM sightings_v") == 1);
}

TEST_CASE("the same article in two feeds is one article with two sightings") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  REQUIRE(store.write(batch_for("https://a.example/rss",
                                {relevant_item("a-1", "https://news.example/1", "Hormuz")})));
  REQUIRE(store.write(batch_for("https://b.example/rss",
                                {relevant_item("b-1", "https://news.example/1", "Hormuz!")})));
  CHECK(db.number("SELECT count(*) FROM items_v") == 1);
  CHECK(db.number("SELECT count(DISTINCT article_id) FROM sightings_v") == 1);
  CHECK(db.number("SELECT count(*) FROM sightings_v") == 2);
}

TEST_CASE("link-less items of different feeds with the same GUID stay different articles") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  MatchedItem a = relevant_item("42", "", "Hormuz in A");
  a.item.link.reset();
  MatchedItem b = relevant_item("42", "", "Hormuz in B");
  b.item.link.reset();
  REQUIRE(store.write(batch_for("https://a.example/rss", {a})));
  REQUIRE(store.write(batch_for("https://b.example/rss", {b})));
  CHECK(db.number("SELECT count(*) FROM items_v") == 2);
}

TEST_CASE("two processes opening a new database at once both succeed") {
  TempDir dir;
  std::vector<std::thread> openers;
  std::atomic<int> opened{0};
  for (int i = 0; i < 4; ++i)
    openers.emplace_back([&] { opened += Store::open(dir.file("n.db")).has_value() ? 1 : 0; });
  for (auto& t : openers) t.join();
  CHECK(opened == 4);
  CHECK(count(dir.file("n.db"), "PRAGMA user_version") == kLatestSchema);
}

TEST_CASE("items without a GUID are recognised by their link") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  MatchedItem item = relevant_item("", "https://a.example/1", "Hormuz");
  item.item.guid.reset();
  REQUIRE(store.write(batch_for("https://a.example/rss", {item})));
  auto again = store.write(batch_for("https://a.example/rss", {item}));
  REQUIRE(again);
  CHECK(again->known == 1);
}

TEST_CASE("views show readable ISO-8601 UTC times, topics and why they matched") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  auto store = Store::open(db.name());
  REQUIRE(store);
  REQUIRE(store->register_feed("https://a.example/rss", "Gulf Times", 100));
  REQUIRE(
      store->write(batch_for("https://a.example/rss",
                             {relevant_item("g1", "https://a.example/1", "Hormuz")}, 1750000000)));
  auto items = [&](const char* column) {
    return db.text("SELECT " + std::string(column) + " FROM items_v");
  };
  CHECK(items("title") == "Hormuz");
  CHECK(items("url") == "https://a.example/1");
  CHECK(items("published") == "2025-06-10T04:00:00Z");
  CHECK(items("first_seen") == "2025-06-15T15:06:40Z");
  CHECK(items("feed") == "Gulf Times");
  CHECK(items("topics") == "hormuz");
  auto why = [&](const char* column) {
    return db.text("SELECT " + std::string(column) + " FROM matches_v");
  };
  CHECK(why("title") == "Hormuz");
  CHECK(why("field") == "title");
  CHECK(why("term") == "strait of hormuz");
  CHECK(why("concept") == "hormuz_strait");
  CHECK(why("\"offset\"") == "7");
  CHECK(why("rule") == "test.toml:3");
  CHECK(db.text("SELECT seen_at FROM sightings_v") == "2025-06-15T15:06:40Z");
}

TEST_CASE("feed state round-trips through the database") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  ParsedBatch batch = batch_for("https://a.example/rss", {});
  batch.feed.etag = "\"v1\"";
  batch.feed.last_modified = "Tue, 10 Jun 2025 04:00:00 GMT";
  batch.feed.error_count = 2;
  batch.feed.last_error = "HTTP 500";
  batch.feed.next_poll_at = 1750000900;
  REQUIRE(store.write(batch));
  auto state = store.feed_state("https://a.example/rss").value();
  REQUIRE(state);
  CHECK(state->etag == "\"v1\"");
  CHECK(state->last_modified == "Tue, 10 Jun 2025 04:00:00 GMT");
  CHECK(state->error_count == 2);
  CHECK(state->last_error == "HTTP 500");
  CHECK(state->next_poll_at == 1750000900);
  CHECK(db.number("SELECT count(*) FROM feeds_v WHERE next_poll_at = '2025-06-15T15:21:40Z'") == 1);
}

TEST_CASE("a feed configured without a title takes the title the feed gives itself") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  auto store = Store::open(db.name());
  REQUIRE(store);
  REQUIRE(store->register_feed("https://a.example/rss", "", 100));
  REQUIRE(store->register_feed("https://b.example/rss", "Configured", 100));
  ParsedBatch a = batch_for("https://a.example/rss", {});
  a.feed.title = "Gulf Times";
  ParsedBatch b = batch_for("https://b.example/rss", {});
  b.feed.title = "From the feed";
  REQUIRE(store->write(a));
  REQUIRE(store->write(b));
  CHECK(store->feed_state("https://a.example/rss").value()->title == "Gulf Times");
  CHECK(store->feed_state("https://b.example/rss").value()->title == "Configured");
}

TEST_CASE("registering a known feed again keeps its state") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  ParsedBatch batch = batch_for("https://a.example/rss", {});
  batch.feed.etag = "\"v1\"";
  REQUIRE(store.write(batch));
  REQUIRE(store.register_feed("https://a.example/rss", "", 200));
  CHECK(store.feed_state("https://a.example/rss").value()->etag == "\"v1\"");
  CHECK(store.feed_state("https://a.example/rss").value()->title == "A");
}

TEST_CASE("migration 2 from a version-1 database keeps every feed and adds fetch_url") {
  TempDir dir;
  {
    SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(test::read_file(NEWSWATCH_SOURCE_DIR "/storage/migrations/0001_initial.sql"));
    db.exec("PRAGMA user_version = 1");
    db.exec(
        "INSERT INTO feeds (url, title, etag, created_at) "
        "VALUES ('https://a.example/rss', 'A', '\"v1\"', 100)");
  }
  auto store = Store::open(dir.file("n.db"));
  REQUIRE(store);
  CHECK(store->schema_version() == kLatestSchema);
  auto state = store->feed_state("https://a.example/rss").value();
  REQUIRE(state);
  CHECK(state->etag == "\"v1\"");
  CHECK(state->fetch_url.empty());
  CHECK(count(dir.file("n.db"), "SELECT count(*) FROM feeds_v WHERE fetch_url IS NULL") == 1);
}

TEST_CASE("a moved feed keeps its identity and remembers where it is fetched from") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  ParsedBatch batch = batch_for("https://a.example/rss", {});
  batch.feed.fetch_url = "https://a.example/new-rss";
  REQUIRE(store.write(batch));
  CHECK(store.feed_state("https://a.example/rss").value()->fetch_url ==
        "https://a.example/new-rss");
  CHECK(db.number("SELECT count(*) FROM feeds_v WHERE fetch_url = 'https://a.example/new-rss'") ==
        1);
}

TEST_CASE("migration 3 keeps the matches of a version-2 database and adds their provenance") {
  TempDir dir;
  {
    SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(test::read_file(NEWSWATCH_SOURCE_DIR "/storage/migrations/0001_initial.sql"));
    db.exec(test::read_file(NEWSWATCH_SOURCE_DIR "/storage/migrations/0002_fetch_url.sql"));
    db.exec("PRAGMA user_version = 2");
    db.exec(
        "INSERT INTO feeds (url, title, created_at) VALUES ('https://a.example/rss', 'A', 100);"
        "INSERT INTO stories (id, title, first_seen, last_seen) VALUES (1, 'Hormuz', 100, 100);"
        "INSERT INTO articles (id, canonical_url, title, summary, content, first_seen, "
        "last_seen, feed_id, story_id) "
        "VALUES (1, 'https://a.example/1', 'Hormuz', '', '', 100, 100, 1, 1);"
        "INSERT INTO matches VALUES (1, 'hormuz', 'title', 'hormuz', 0)");
  }
  auto store = Store::open(dir.file("n.db"));
  REQUIRE(store);
  CHECK(store->schema_version() == kLatestSchema);
  CHECK(count(dir.file("n.db"),
              "SELECT count(*) FROM matches_v WHERE term = 'hormuz' AND concept IS NULL") == 1);
}

static int count_in(Store&, const TempDir& dir, const std::string& sql) {
  return count(dir.file("n.db"), sql);
}

static MatchedItem unmatched_item(std::string guid, std::string link, std::string title) {
  MatchedItem m = relevant_item(std::move(guid), std::move(link), std::move(title));
  m.matches = MatchSet{};
  return m;
}

TEST_CASE("an article under tracking-tagged, AMP, mobile and http variants is one article") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  const char* variants[] = {
      "https://news.example/world/tanker-seized",
      "https://news.example/world/tanker-seized?utm_source=rss&utm_medium=feed",
      "http://news.example/world/tanker-seized/#comments",
      "https://m.news.example/world/tanker-seized?fbclid=IwAR0x",
      "https://news.example/amp/world/tanker-seized",
      "https://www.news.example/world/tanker-seized?gclid=1&mc_cid=2",
  };
  const char* guids[] = {"g0", "g1", "g2", "g3", "g4", "g5"};
  for (int n = 0; n < 6; ++n) {
    REQUIRE(store.write(batch_for(n % 2 ? "https://b.example/rss" : "https://a.example/rss",
                                  {relevant_item(guids[n], variants[n], "Tanker seized")})));
  }
  CHECK(db.number("SELECT count(*) FROM items_v") == 1);
  CHECK(db.number("SELECT count(*) FROM sightings_v") == 6);
  CHECK(db.number("SELECT count(DISTINCT article_id) FROM sightings_v") == 1);
  // The address shown is the first one seen, without its tracking.
  CHECK(
      db.number(
          "SELECT count(*) FROM items_v WHERE url = 'https://news.example/world/tanker-seized'") ==
      1);
}

TEST_CASE("a publisher's edits update the article and each version stays on record") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  REQUIRE(store.write(batch_for("https://a.example/rss",
                                {relevant_item("g1", "http://news.example/1", "Tanker seized")})));
  // The title edited: the same article, a new sighting.
  auto edited = store.write(
      batch_for("https://a.example/rss",
                {relevant_item("g1", "http://news.example/1", "Tanker seized, crew held")}));
  REQUIRE(edited);
  CHECK(edited->updated == 1);
  CHECK(edited->new_articles == 0);
  // Moved to https with a new GUID: still the same article.
  auto moved = store.write(batch_for(
      "https://a.example/rss",
      {relevant_item("urn:new-guid", "https://news.example/1", "Tanker seized, crew held")}));
  REQUIRE(moved);
  CHECK(moved->new_articles == 0);
  CHECK(db.number("SELECT count(*) FROM items_v") == 1);
  CHECK(db.number("SELECT count(*) FROM items_v WHERE title = 'Tanker seized, crew held'") == 1);
  CHECK(db.number("SELECT count(*) FROM sightings_v") == 3);
  CHECK(db.number("SELECT count(*) FROM sightings_v WHERE title = 'Tanker seized'") == 1);
  // Seen again unchanged: nothing new.
  auto again = store.write(batch_for(
      "https://a.example/rss",
      {relevant_item("urn:new-guid", "https://news.example/1", "Tanker seized, crew held")}));
  REQUIRE(again);
  CHECK(again->known == 1);
  CHECK(db.number("SELECT count(*) FROM sightings_v") == 3);
}

TEST_CASE("a forgotten article never comes back, from any feed or address") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  REQUIRE(store.write(batch_for("https://a.example/rss",
                                {relevant_item("g1", "https://news.example/1", "Tanker seized")})));
  std::int64_t id = db.number("SELECT article_id FROM items_v");
  auto forgotten = store.forget({id, 999});
  REQUIRE(forgotten);
  CHECK(*forgotten == 1);
  CHECK(db.number("SELECT count(*) FROM items_v") == 0);
  CHECK(db.number("SELECT count(*) FROM sightings") == 0);
  CHECK(db.number("SELECT count(*) FROM matches") == 0);
  CHECK(db.number("SELECT count(*) FROM stories") == 0);
  CHECK(db.number("SELECT count(*) FROM tombstones_v WHERE key = 'https://news.example/1'") == 1);
  for (const char* url : {"https://news.example/1", "http://news.example/1?utm_source=x"}) {
    auto again = store.write(
        batch_for("https://b.example/rss", {relevant_item("other", url, "Tanker seized")}));
    REQUIRE(again);
    CHECK(again->forgotten == 1);
  }
  CHECK(db.number("SELECT count(*) FROM items_v") == 0);
}

TEST_CASE("deleting an article in sqlite3 leaves its tombstone too") {
  TempDir dir;
  Store store = store_with_two_feeds(dir);
  REQUIRE(store.write(batch_for("https://a.example/rss",
                                {relevant_item("g1", "https://news.example/1", "Tanker seized")})));
  {
    SQLite::Database db(dir.file("n.db"),
                        SQLite::OPEN_READWRITE);  // foreign keys off, as in sqlite3
    db.exec("DELETE FROM articles");
  }
  CHECK(count_in(store, dir, "SELECT count(*) FROM sightings") == 0);
  auto again = store.write(batch_for(
      "https://a.example/rss", {relevant_item("g1", "https://news.example/1", "Tanker seized")}));
  REQUIRE(again);
  CHECK(again->forgotten == 1);
}

TEST_CASE("unmatched items are recorded without a story and join one when a copy matches") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  auto first = store.write(batch_for(
      "https://a.example/rss", {unmatched_item("g1", "https://news.example/1", "Shipping news")}));
  REQUIRE(first);
  CHECK(first->unmatched == 1);
  CHECK(db.number("SELECT count(*) FROM items_v") == 0);
  CHECK(db.number("SELECT count(*) FROM sightings_v WHERE story_id IS NULL") == 1);
  CHECK(found(db, "shipping") == 0);
  auto known = store.write(batch_for(
      "https://a.example/rss", {unmatched_item("g1", "https://news.example/1", "Shipping news")}));
  REQUIRE(known);
  CHECK(known->known == 1);
  // Another feed's copy matches: the article is kept from now on.
  auto matched = store.write(
      batch_for("https://b.example/rss",
                {relevant_item("b1", "https://news.example/1?ref=rss", "Shipping news")}));
  REQUIRE(matched);
  CHECK(matched->new_articles == 1);
  CHECK(db.number("SELECT count(*) FROM items_v") == 1);
  CHECK(found(db, "shipping") == 1);
  // Unmatched articles are forgotten after retention, kept ones are not.
  REQUIRE(store.write(batch_for("https://a.example/rss",
                                {unmatched_item("g2", "https://news.example/2", "Weather")},
                                1750000000)));
  auto pruned = store.forget_unmatched(1750000001);
  REQUIRE(pruned);
  CHECK(*pruned == 1);
  CHECK(db.number("SELECT count(*) FROM articles") == 1);
  CHECK(db.number("SELECT count(*) FROM tombstones") == 0);
}

TEST_CASE("full-text search finds kept articles by their words, diacritics folded") {
  TempDir dir;
  Store store = store_with_two_feeds(dir);
  MatchedItem item =
      relevant_item("g1", "https://news.example/1", "Détroit d'Ormuz : un pétrolier arraisonné");
  item.item.content = "Les Gardiens de la révolution ont saisi le navire.";
  REQUIRE(store.write(batch_for("https://a.example/rss", {item})));
  CHECK(count_in(store, dir,
                 "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'petrolier'") == 1);
  CHECK(count_in(
            store, dir,
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'gardiens AND navire'") ==
        1);
  CHECK(count_in(store, dir,
                 "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'football'") == 0);
}

// What `newswatch report` and the web page read: a period's kept articles (from the index of
// schema 10), each (topic, term) of theirs once though matched in two fields, by sorted names.
TEST_CASE("the report reads a period's kept articles, each topic and term of theirs once") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  MatchedItem tanker = relevant_item("g1", "https://news.example/1",
                                     "Tanker seized in the Strait of Hormuz by the IRGC navy");
  tanker.matches.topics = {"hormuz", "irgc"};
  tanker.matches.evidence.push_back(
      {"hormuz", ItemField::kSummary, "strait of hormuz", 0, "hormuz_strait", "test.toml:3"});
  tanker.matches.evidence.push_back({"irgc", ItemField::kTitle, "irgc", 40, "", "test.toml:9"});
  MatchedItem unmatched = relevant_item("g2", "https://news.example/2", "Weather in Doha");
  unmatched.matches = {};
  REQUIRE(store.write(batch_for("https://a.example/rss", {tanker, unmatched}, 1750000000)));
  MatchedItem later = relevant_item("g3", "https://news.example/3", "Talks resume in Muscat");
  REQUIRE(store.write(batch_for("https://b.example/rss", {later}, 1750007200)));

  auto reader = StoreReader::open(db.name());
  REQUIRE(reader);
  auto rows = reader->report_rows(1750000000, 1750003600);
  REQUIRE(rows);
  REQUIRE(rows->articles.size() == 1);
  const ReportArticle& article = rows->articles[0];
  CHECK(article.title == tanker.item.title);
  CHECK(article.url == "https://news.example/1");
  CHECK(article.first_seen == 1750000000);
  CHECK(article.published == 1749528000);
  CHECK(article.language == "en");
  CHECK(rows->names == std::vector<std::string>{"hormuz", "irgc", "strait of hormuz"});
  CHECK(rows->matches == std::vector<ReportMatch>{{article.id, 0, 2}, {article.id, 1, 1}});
  REQUIRE(rows->stories.size() == 1);
  CHECK(rows->stories[0].id == article.story_id);
  CHECK(rows->stories[0].articles_before == 0);

  auto story = reader->story_rows(article.story_id, 1750010000);
  REQUIRE(story);
  REQUIRE(story->articles.size() == 1);
  CHECK(story->articles[0].id == article.id);
  auto day = reader->report_rows(1750000000, 1750086400);
  REQUIRE(day);
  CHECK(day->articles.size() == 2);
}

// The writer indexes a transaction's relevant articles in one statement before it commits
// (migration 8). An article edited in the transaction that inserted it is indexed first: the
// edit's trigger takes its old text out of the index.
TEST_CASE("the full-text index holds a transaction's articles once, with an edit's new text") {
  TempDir dir;
  Store store = store_with_two_feeds(dir);
  MatchedItem first = relevant_item("g1", "https://news.example/1", "Tanker seized near Hormuz");
  MatchedItem edited = relevant_item("g1", "https://news.example/1", "Tanker seized, crew held");
  ParsedBatch a = batch_for("https://a.example/rss", {first, edited});
  ParsedBatch b = batch_for("https://b.example/rss",
                            {relevant_item("b1", "https://news.example/2", "Talks in Muscat")});
  auto written = store.write(std::vector<const ParsedBatch*>{&a, &b});
  REQUIRE(written);
  CHECK(written->front().updated == 1);
  const std::string match = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ";
  CHECK(count_in(store, dir, match + "'crew'") == 1);
  CHECK(count_in(store, dir, match + "'hormuz'") == 0);
  CHECK(count_in(store, dir, match + "'tanker'") == 1);
  CHECK(count_in(store, dir, match + "'muscat'") == 1);
  // The index and the articles it is built from agree, term for term.
  SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READWRITE);
  CHECK_NOTHROW(
      db.exec("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)"));
}

// One report of a tanker seizure as outlet `n` words it: the same event, one story.
static MatchedItem tanker_report(int n) {
  MatchedItem m = relevant_item("t" + std::to_string(n),
                                "https://outlet" + std::to_string(n) + ".example/tanker",
                                "Iran seizes tanker carrying fuel near Bandar Abbas");
  m.item.summary =
      "Iran's Revolutionary Guards said on Tuesday they had seized a foreign tanker carrying "
      "smuggled fuel in the Gulf, the latest in a series of seizures near the Strait of Hormuz.";
  m.item.source_outlet = "Outlet " + std::to_string(n);
  return m;
}

TEST_CASE("two daemons on one database: one clusters what both wrote, and hands over when gone") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  const UnixSeconds t0 = 1750000000;
  Store a = store_with_two_feeds(db);
  auto opened = Store::open(db.name());
  REQUIRE(opened);
  Store b = std::move(*opened);
  const std::string stories = "SELECT count(*) FROM stories_v";

  // Another event, so that the reports' words are not in every article (idf 0).
  MatchedItem talks =
      relevant_item("a2", "https://a.example/talks",
                    "Oman hosts a new round of talks between Tehran and Washington");
  REQUIRE(a.write(batch_for("https://a.example/rss", {tanker_report(1), talks}, t0)));
  REQUIRE(b.write(batch_for("https://b.example/rss", {tanker_report(2)}, t0 + 10)));
  // b holds no lease yet: the first to ask takes it; a asks first.
  CHECK(a.recluster(t0 + 20).value() == 1);  // b's report read from the queue
  CHECK(b.recluster(t0 + 20).value() == 0);  // a holds the lease
  CHECK(db.number(stories) == 2);
  CHECK(db.number("SELECT count(*) FROM cluster_queue") == 0);

  // b writes on; a, still holding the lease, clusters it.
  REQUIRE(b.write(batch_for("https://b.example/rss", {tanker_report(3)}, t0 + 30)));
  CHECK(b.recluster(t0 + 40).value() == 0);
  CHECK(db.number(stories) == 3);  // queued, not yet merged
  CHECK(a.recluster(t0 + 40).value() == 1);
  CHECK(db.number(stories) == 2);

  // a is gone (it no longer renews its lease): b takes over once the lease lapses, loads the
  // stories as stored, and clusters what was queued meanwhile.
  REQUIRE(b.write(batch_for("https://b.example/rss", {tanker_report(4)}, t0 + 50)));
  CHECK(b.recluster(t0 + 60).value() == 0);
  const UnixSeconds later = t0 + 40 + 600 + 1;
  CHECK(b.recluster(later).value() == 1);
  CHECK(db.number(stories) == 2);
  const std::string tanker = "SELECT articles FROM stories_v WHERE title LIKE 'Iran seizes%'";
  CHECK(db.number(tanker) == 4);
  // And a, back, is no longer the holder: its writes wait for b.
  REQUIRE(a.write(batch_for("https://a.example/rss", {tanker_report(5)}, later + 10)));
  CHECK(a.recluster(later + 20).value() == 0);
  CHECK(b.recluster(later + 20).value() == 1);
  CHECK(db.number(tanker) == 5);
}

TEST_CASE("daemons sharing a database send each alert once, and one whose sender died later") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  const UnixSeconds t0 = 1750000000;
  const std::vector<AlertRule> rules = {{"desk", {}, 1, 24 * 3600}};
  Store a = store_with_two_feeds(db);
  auto opened = Store::open(db.name());
  REQUIRE(opened);
  Store b = std::move(*opened);
  REQUIRE(a.write(batch_for("https://a.example/rss", {}, t0)));  // the feed's first poll
  MatchedItem late = relevant_item("a-2", "https://a.example/2", "Oman hosts a round of talks");
  late.item.published = t0 + 30;
  REQUIRE(a.write(batch_for("https://a.example/rss", {late}, t0 + 60)));

  auto to_a = a.due_alerts(rules, t0 + 60);
  REQUIRE(to_a);
  REQUIRE(to_a->size() == 1);
  CHECK(b.due_alerts(rules, t0 + 60)->empty());   // a's to send
  CHECK(a.due_alerts(rules, t0 + 120)->empty());  // and not again while a sends it
  // a dies before it says how it went: the claim lapses, and b sends it.
  CHECK(b.due_alerts(rules, t0 + 60 + 899)->empty());
  auto to_b = b.due_alerts(rules, t0 + 60 + 900);
  REQUIRE(to_b);
  REQUIRE(to_b->size() == 1);
  CHECK(to_b->front().story_id == to_a->front().story_id);
  REQUIRE(b.record_alert("desk", to_b->front().story_id, true, "", t0 + 961, 0));
  CHECK(a.due_alerts(rules, t0 + 5000)->empty());
  CHECK(b.due_alerts(rules, t0 + 5000)->empty());
}

TEST_CASE("articles a store wrote but did not cluster before it closed are clustered by the next") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  StoreOptions daemon;
  daemon.company = StoreOptions::Company::daemons;
  {
    auto store = Store::open(db.name(), daemon);
    REQUIRE(store);
    REQUIRE(store->register_feed("https://a.example/rss", "A", 100));
    MatchedItem talks =
        relevant_item("a2", "https://a.example/talks",
                      "Oman hosts a new round of talks between Tehran and Washington");
    REQUIRE(
        store->write(batch_for("https://a.example/rss", {tanker_report(1), talks}, 1750000000)));
    REQUIRE(store->recluster(1750000000));  // it holds the lease from now on
    REQUIRE(store->write(batch_for("https://a.example/rss", {tanker_report(2)}, 1750000060)));
  }  // no recluster: stopped between the write and the round's end
  CHECK(db.number("SELECT count(*) FROM stories_v") == 3);
  auto restarted = Store::open(db.name(), daemon);
  REQUIRE(restarted);
  // The lease was handed back on closing: taken at once, not once it lapsed.
  CHECK(restarted->recluster(1750000120).value() == 1);
  CHECK(db.number("SELECT count(*) FROM stories_v") == 2);
}

TEST_CASE(
    "near-duplicates from two outlets are one story, and the aggregator's source is the outlet") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  MatchedItem wire = relevant_item("a1", "https://wire.example/world/tanker",
                                   "Iran seizes tanker carrying fuel near Bandar Abbas");
  wire.item.summary =
      "Iran's Revolutionary Guards said on Tuesday they had seized a foreign tanker carrying "
      "smuggled fuel in the Gulf, the latest in a series of seizures near the Strait of Hormuz.";
  MatchedItem copy = wire;
  copy.item.guid = "b1";
  copy.item.link = "https://news.google.example/rss/articles/CBMiXyz";
  copy.item.title = "Iran seizes tanker carrying fuel near Bandar Abbas - Gulf Courier";
  copy.item.source_outlet = "Gulf Courier";
  MatchedItem other =
      relevant_item("a2", "https://wire.example/world/talks",
                    "Oman hosts a new round of talks between Tehran and Washington");
  other.item.summary =
      "Delegations met in Muscat for indirect negotiations on the nuclear programme, with Omani "
      "mediators carrying messages between the two sides, officials said.";
  REQUIRE(store.write(batch_for("https://a.example/rss", {wire, other})));
  REQUIRE(store.write(batch_for("https://b.example/rss", {copy})));
  REQUIRE(store.recluster(1750000000));
  CHECK(db.number("SELECT count(*) FROM items_v") == 3);
  CHECK(db.number("SELECT count(*) FROM stories_v") == 2);
  CHECK(db.number("SELECT outlets FROM stories_v WHERE title LIKE 'Iran seizes tanker%'") == 2);
  CHECK(db.number("SELECT count(*) FROM items_v WHERE outlet = 'Gulf Courier'") == 1);
  CHECK(db.number("SELECT count(*) FROM items_v WHERE outlet = 'wire.example'") == 2);
}

TEST_CASE("migration 4 keeps a version-3 database's articles, sightings and matches") {
  TempDir dir;
  {
    SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (const char* file : {"0001_initial.sql", "0002_fetch_url.sql", "0003_match_provenance.sql"})
      db.exec(test::read_file(std::string(NEWSWATCH_SOURCE_DIR "/storage/migrations/") + file));
    db.exec("PRAGMA user_version = 3");
    // Views of version 3 over the tables migration 4 rebuilds: they must not stand in the
    // way (SQLite refuses to rename a table a view would be left pointing nowhere from).
    db.exec(
        "CREATE VIEW items_v AS SELECT id AS article_id, title FROM articles;"
        "CREATE VIEW sightings_v AS SELECT s.url FROM sightings s "
        "JOIN articles a ON a.id = s.article_id;"
        "CREATE VIEW matches_v AS SELECT m.topic, a.title FROM matches m "
        "JOIN articles a ON a.id = m.article_id");
    db.exec(
        "INSERT INTO feeds (url, title, created_at) VALUES ('https://a.example/rss', 'A', 100);"
        "INSERT INTO stories (id, title, first_seen, last_seen) VALUES (1, 'Hormuz', 100, 100);"
        "INSERT INTO articles (id, canonical_url, title, summary, content, first_seen, "
        "last_seen, feed_id, story_id) "
        "VALUES (1, 'https://a.example/1?utm_source=x', 'Hormuz', 's', 'c', 100, 100, 1, 1);"
        "INSERT INTO sightings (article_id, feed_id, item_key, url, guid, title, seen_at) "
        "VALUES (1, 1, 'g1', 'https://a.example/1?utm_source=x', 'g1', 'Hormuz', 100);"
        "INSERT INTO matches VALUES (1, 'hormuz', 'title', 'hormuz', 0, 'hormuz', 'p.toml:1')");
  }
  auto store = Store::open(dir.file("n.db"));
  REQUIRE(store);
  CHECK(store->schema_version() == kLatestSchema);
  CHECK(count_in(*store, dir, "SELECT count(*) FROM items_v WHERE outlet = 'A'") == 1);
  CHECK(count_in(*store, dir, "SELECT count(*) FROM sightings_v WHERE outlet = 'A'") == 1);
  CHECK(count_in(*store, dir, "SELECT count(*) FROM matches_v WHERE rule = 'p.toml:1'") == 1);
  CHECK(count_in(*store, dir,
                 "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'hormuz'") == 1);
  CHECK(count_in(*store, dir, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
  // The old key still recognises the item; the canonical one the article.
  auto again =
      store->write(batch_for("https://a.example/rss",
                             {relevant_item("g1", "https://a.example/1?utm_source=x", "Hormuz")}));
  REQUIRE(again);
  CHECK(again->known == 1);
  auto other_feed =
      store->write(batch_for("https://a.example/rss",
                             {relevant_item("g9", "https://a.example/1?utm_source=x", "Hormuz")}));
  REQUIRE(other_feed);
  CHECK(other_feed->new_articles == 0);
}

TEST_CASE(
    "what a feed held at its first poll never alerts, and what it shows later does, whatever its "
    "date") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  const UnixSeconds t0 = 1750000000;
  const std::vector<AlertRule> rules = {{"desk", {}, 1, 24 * 3600}};
  MatchedItem held =
      relevant_item("a-1", "https://a.example/1", "Tanker seized in the Strait of Hormuz");
  held.item.published = t0 - 60;  // fresh, but there at the first poll
  REQUIRE(store.write(batch_for("https://a.example/rss", {held}, t0)));
  REQUIRE(store.due_alerts(rules, t0)->empty());

  // Published before the first poll, surfaced after it (a scheduled post, wire copy): news.
  MatchedItem late = relevant_item("a-2", "https://a.example/2", "Oman hosts a round of talks");
  late.item.published = t0 - 600;
  late.matches.topics = {"mediation"};
  late.matches.evidence = {{"mediation", ItemField::kTitle, "oman", 0, "oman", "test.toml:9"}};
  REQUIRE(store.write(batch_for("https://a.example/rss", {held, late}, t0 + 60)));
  auto due = store.due_alerts(rules, t0 + 60);
  REQUIRE(due);
  REQUIRE(due->size() == 1);
  CHECK(due->front().title == "Oman hosts a round of talks");
  CHECK(db.number("SELECT sum(news) FROM sightings") == 1);
}

TEST_CASE("an edit of an item a feed held at its first poll is not news") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  const UnixSeconds t0 = 1750000000;
  const std::vector<AlertRule> rules = {{"desk", {}, 1, 24 * 3600}};
  MatchedItem item = relevant_item("b-1", "https://b.example/1", "Tanker seized in Hormuz");
  item.item.published = t0 - 60;
  REQUIRE(store.write(batch_for("https://b.example/rss", {item}, t0)));
  item.item.title = "UPDATE: Tanker seized in Hormuz, crew safe";
  auto edited = store.write(batch_for("https://b.example/rss", {item}, t0 + 60));
  REQUIRE(edited);
  CHECK(edited->updated == 1);
  CHECK(store.due_alerts(rules, t0 + 60)->empty());
  CHECK(db.number("SELECT count(*) FROM sightings WHERE news = 0") == 2);
}

TEST_CASE("migration 6 takes a version-5 database's sightings after a feed's first poll for news") {
  TempDir dir;
  {
    SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (const char* file : {"0001_initial.sql", "0002_fetch_url.sql", "0003_match_provenance.sql",
                             "0004_articles_and_stories.sql", "0005_alerts.sql"})
      db.exec(test::read_file(std::string(NEWSWATCH_SOURCE_DIR "/storage/migrations/") + file));
    db.exec("PRAGMA user_version = 5");
    db.exec(
        "INSERT INTO feeds (id, url, title, created_at, first_success_at) "
        "VALUES (1, 'https://a.example/rss', 'A', 100, 100);"
        "INSERT INTO stories (id, title, first_seen, last_seen) VALUES (1, 'Hormuz', 100, 300);"
        "INSERT INTO articles (id, canonical_url, title, summary, content, first_seen, last_seen, "
        "feed_id, story_id) VALUES (1, 'https://a.example/1', 'Hormuz', 's', 'c', 100, 300, 1, 1),"
        "(2, 'https://a.example/2', 'Hormuz 2', 's', 'c', 200, 200, 1, 1);"
        "INSERT INTO sightings (article_id, feed_id, item_key, title, seen_at) VALUES "
        "(1, 1, 'g1', 'Hormuz', 100), (2, 1, 'g2', 'Hormuz 2', 200), (1, 1, 'g1', 'Hormuz!', 300)");
  }
  auto store = Store::open(dir.file("n.db"));
  REQUIRE(store);
  CHECK(store->schema_version() == kLatestSchema);
  SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READONLY);
  CHECK(
      db.execAndGet("SELECT group_concat(news, ',') FROM (SELECT news FROM sightings ORDER BY id)")
          .getString() == "0,1,0");
}

TEST_CASE("a story forget empties takes its alert with it: the next story, given its id, alerts") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  Store store = store_with_two_feeds(db);
  const UnixSeconds t0 = 1750000000;
  const std::vector<AlertRule> rules = {{"desk", {}, 1, 24 * 3600}};
  REQUIRE(
      store.write(batch_for("https://a.example/rss",
                            {relevant_item("a-1", "https://a.example/1", "Tanker seized")}, t0)));
  MatchedItem talks = relevant_item("a-2", "https://a.example/2", "Oman hosts a round of talks");
  talks.item.published = t0 + 30;
  REQUIRE(store.write(batch_for("https://a.example/rss", {talks}, t0 + 60)));
  auto due = store.due_alerts(rules, t0 + 60);
  REQUIRE(due);
  REQUIRE(due->size() == 1);
  const std::int64_t announced = due->front().story_id;
  REQUIRE(store.record_alert("desk", announced, true, "", t0 + 60, 0));

  auto forgotten =
      store.forget({db.number("SELECT id FROM articles WHERE canonical_url = "
                              "'https://a.example/2'")});
  REQUIRE(forgotten);
  CHECK(*forgotten == 1);
  CHECK(db.number("SELECT count(*) FROM alerts") == 0);

  MatchedItem carrier = relevant_item("a-3", "https://a.example/3", "Carrier enters the Gulf");
  carrier.item.published = t0 + 90;
  REQUIRE(store.write(batch_for("https://a.example/rss", {carrier}, t0 + 120)));
  due = store.due_alerts(rules, t0 + 120);
  REQUIRE(due);
  REQUIRE(due->size() == 1);
  CHECK(due->front().title == "Carrier enters the Gulf");
}

TEST_CASE("migration 7 makes forget take an emptied story's alerts, on a version-6 database") {
  TempDir dir;
  {
    SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (const char* file :
         {"0001_initial.sql", "0002_fetch_url.sql", "0003_match_provenance.sql",
          "0004_articles_and_stories.sql", "0005_alerts.sql", "0006_news_sightings.sql"})
      db.exec(test::read_file(std::string(NEWSWATCH_SOURCE_DIR "/storage/migrations/") + file));
    db.exec("PRAGMA user_version = 6");
    db.exec(
        "INSERT INTO feeds (id, url, title, created_at, first_success_at) "
        "VALUES (1, 'https://a.example/rss', 'A', 100, 100);"
        "INSERT INTO stories (id, title, first_seen, last_seen) VALUES (1, 'Hormuz', 100, 100),"
        "(2, 'Talks', 200, 200);"
        "INSERT INTO articles (id, canonical_url, title, summary, content, first_seen, last_seen, "
        "feed_id, story_id) VALUES (1, 'https://a.example/1', 'Hormuz', 's', 'c', 100, 100, 1, 1),"
        "(2, 'https://a.example/2', 'Talks', 's', 'c', 200, 200, 1, 2),"
        "(3, 'https://a.example/3', 'Talks again', 's', 'c', 200, 200, 1, 2);"
        "INSERT INTO alerts (hook, story_id, state, next_attempt_at, created_at) VALUES "
        "('desk', 1, 'sent', 0, 100), ('desk', 2, 'sent', 0, 200)");
  }
  REQUIRE(Store::open(dir.file("n.db")));
  SQLite::Database db(dir.file("n.db"), SQLite::OPEN_READWRITE);
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == kLatestSchema);
  db.exec("DELETE FROM articles WHERE id = 2");  // the story keeps an article: and its alert
  CHECK(db.execAndGet("SELECT count(*) FROM alerts WHERE story_id = 2").getInt() == 1);
  db.exec("DELETE FROM articles WHERE id = 3");
  CHECK(db.execAndGet("SELECT count(*) FROM alerts WHERE story_id = 2").getInt() == 0);
  CHECK(db.execAndGet("SELECT count(*) FROM stories WHERE id = 2").getInt() == 0);
  CHECK(db.execAndGet("SELECT count(*) FROM alerts WHERE story_id = 1").getInt() == 1);
}

TEST_CASE("a database of the version before several daemons keeps its rows and clusters on") {
  TestDatabase db(GENERATE(sql::Backend::sqlite, sql::Backend::postgresql));
  INFO(db.backend_name());
  const bool sqlite = db.backend() == sql::Backend::sqlite;
  // SQLite's schema 10, PostgreSQL's 1: the last before cluster_queue, clustering and leases.
  if (sqlite) {
    for (int version = 1; version <= 10; ++version) {
      for (const auto& file :
           std::filesystem::directory_iterator(NEWSWATCH_SOURCE_DIR "/storage/migrations")) {
        if (std::stoi(file.path().filename().string()) == version)
          db.checks().execute(test::read_file(file.path().string()));
      }
    }
    db.checks().execute("PRAGMA user_version = 10");
  } else {
    db.checks().execute(
        test::read_file(NEWSWATCH_SOURCE_DIR "/storage/migrations_pg/0001_schema.sql"));
    db.checks().execute(
        "CREATE TABLE newswatch_schema (version INTEGER NOT NULL); "
        "INSERT INTO newswatch_schema VALUES (1)");
  }
  db.checks().execute(
      "INSERT INTO feeds (url, title, created_at, first_success_at) "
      "VALUES ('https://a.example/rss', 'A', 100, 100); "
      "INSERT INTO stories (title, first_seen, last_seen) VALUES ('Hormuz', 100, 100); "
      "INSERT INTO articles (canonical_url, title, summary, content, first_seen, last_seen, "
      "feed_id, story_id) SELECT 'https://a.example/1', 'Hormuz', 's', 'c', 100, 100, "
      "(SELECT min(id) FROM feeds), (SELECT min(id) FROM stories)");

  auto store = Store::open(db.name());
  REQUIRE(store);
  CHECK(store->schema_version() == (sqlite ? kLatestSchema : 2));
  CHECK(db.number("SELECT count(*) FROM articles") == 1);
  CHECK(store->feed_state("https://a.example/rss").value()->title == "A");
  CHECK(db.number("SELECT count(*) FROM feeds WHERE lease_owner IS NULL AND lease_until IS NULL") ==
        1);
  CHECK(db.number("SELECT count(*) FROM clustering WHERE owner IS NULL") == 1);
  CHECK(db.number("SELECT count(*) FROM cluster_queue") == 0);
  // What it writes now is queued and clustered by the lease's holder.
  REQUIRE(store->write(batch_for("https://a.example/rss", {tanker_report(1)}, 1750000000)));
  CHECK(db.number("SELECT count(*) FROM cluster_queue") == 1);
  REQUIRE(store->recluster(1750000000));
  CHECK(db.number("SELECT count(*) FROM cluster_queue") == 0);
  CHECK(db.number("SELECT count(*) FROM clustering WHERE owner IS NOT NULL") == 1);
  CHECK(db.number("SELECT count(*) FROM feeds WHERE lease_owner IS NULL") == 1);
}
