// PostgreSQL, the backend of issue 22, against a real server of the test's own (pg_server.h):
// connecting, one-line errors without the password, the access check-config makes, one daemon
// per database, and the harness leaving nothing behind.
#include <errno.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>

#include "pg_server.h"
#include "storage/pg_connection.h"
#include "storage/store.h"

using namespace newswatch;
using newswatch::test::PgServer;

namespace {

// The first column of the first row of `sql` on `connection`, as text.
std::string first(sql::Connection& connection, const std::string& sql) {
  auto statement = connection.prepare(sql);
  REQUIRE(statement->step());
  return std::string(statement->text(0));
}

}  // namespace

TEST_CASE("a PostgreSQL 15 server of the test's own answers, and is gone once stopped") {
  std::string socket;
  pid_t pid = 0;
  {
    PgServer server;
    socket = server.socket_dir() + "/.s.PGSQL.5432";
    pid = server.pid();
    for (const std::string& database : {server.conninfo(), server.uri()}) {
      auto connection = PgConnection::open(database);
      REQUIRE(connection);
      CHECK(first(**connection, "SELECT current_setting('server_version_num')::int / 10000") ==
            "15");
      CHECK(first(**connection, "SELECT current_user") == "newswatch");
    }
    CHECK(std::filesystem::exists(socket));
    CHECK(kill(pid, 0) == 0);
  }
  CHECK(kill(pid, 0) == -1);
  CHECK(errno == ESRCH);
  CHECK_FALSE(std::filesystem::exists(socket));
}

TEST_CASE("PostgreSQL connection errors are one line and never show the password") {
  PgServer& server = test::shared_pg_server();
  std::string host = "?host=" + server.socket_dir();
  auto wrong_password =
      PgConnection::open("postgresql://newswatch:not-the-secret@/postgres" + host);
  REQUIRE_FALSE(wrong_password);
  CHECK_THAT(wrong_password.error().message,
             Catch::Contains("password authentication failed for user \"newswatch\""));
  CHECK_THAT(wrong_password.error().message, !Catch::Contains("not-the-secret"));

  auto no_database = PgConnection::open(server.uri("no_such_db"));
  REQUIRE_FALSE(no_database);
  CHECK_THAT(no_database.error().message,
             Catch::Contains("database \"no_such_db\" does not exist"));

  auto unreachable = PgConnection::open("postgresql:///postgres?host=" + server.socket_dir() +
                                        "/nowhere&connect_timeout=2");
  REQUIRE_FALSE(unreachable);
  CHECK_THAT(unreachable.error().message, Catch::Contains("No such file or directory"));

  for (const auto* error : {&wrong_password.error(), &no_database.error(), &unreachable.error()})
    CHECK(error->message.find('\n') == std::string::npos);
}

TEST_CASE("what is shown of a database setting hides its password") {
  CHECK(redacted_database("postgresql://watch:s3cret@db.example:5432/news?sslmode=require") ==
        "postgresql://watch:***@db.example:5432/news?sslmode=require");
  CHECK(redacted_database("postgres://db.example/news?user=watch&password=s3cret&x=1") ==
        "postgres://db.example/news?user=watch&password=***&x=1");
  CHECK(redacted_database("postgresql://watch@db.example/news") ==
        "postgresql://watch@db.example/news");
  CHECK(redacted_database("host=db.example password='s3 cret' dbname=news") ==
        "host=db.example password=*** dbname=news");
  CHECK(redacted_database("/var/lib/newswatch/newswatch.db") == "/var/lib/newswatch/newswatch.db");
  CHECK(is_postgresql("postgresql://db.example/news"));
  CHECK_FALSE(is_postgresql("/var/lib/newswatch/newswatch.db"));
}

TEST_CASE("check-config's access check: a role that may not write is told so, nothing written") {
  PgServer& server = test::shared_pg_server();
  std::string database = test::fresh_database(server);
  auto admin = PgConnection::open(database);
  REQUIRE(admin);
  (*admin)->execute(
      "CREATE ROLE reader LOGIN PASSWORD 'reader-secret-1'; "
      "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
  std::string host = "?host=" + server.socket_dir();
  std::string name = database.substr(database.find("@/") + 2);
  name = name.substr(0, name.find('?'));
  std::string as_reader = "postgresql://reader:reader-secret-1@/" + name + host;

  // A new database: the role must be able to create the tables.
  CHECK(Store::check_access(database));
  auto cannot_create = Store::check_access(as_reader);
  REQUIRE_FALSE(cannot_create);
  CHECK_THAT(cannot_create.error().message, Catch::Contains("may not create newswatch's tables"));
  CHECK_THAT(cannot_create.error().message, !Catch::Contains("reader-secret-1"));
  CHECK(first(**admin, "SELECT to_regclass('articles') IS NULL") == "t");  // nothing written

  // Once made: the role must be able to read and write them.
  REQUIRE(Store::open(database));
  CHECK(Store::check_access(database));
  auto cannot_write = Store::check_access(as_reader);
  REQUIRE_FALSE(cannot_write);
  CHECK_THAT(cannot_write.error().message,
             Catch::Contains("may not read and write newswatch's tables"));
  (*admin)->execute(
      "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO reader");
  CHECK(Store::check_access(as_reader));

  auto wrong = Store::check_access("postgresql://reader:not-it@/" + name + host);
  REQUIRE_FALSE(wrong);
  CHECK_THAT(wrong.error().message, Catch::Contains("password authentication failed"));
  CHECK_THAT(wrong.error().message, !Catch::Contains("not-it"));
  CHECK(wrong.error().message.find('\n') == std::string::npos);
}

TEST_CASE("daemons share a PostgreSQL database, which recluster has to itself") {
  std::string database = test::fresh_database(test::shared_pg_server());
  StoreOptions daemon, recluster;
  daemon.company = StoreOptions::Company::daemons;
  recluster.company = StoreOptions::Company::nobody;
  {
    auto first = Store::open(database, daemon);
    REQUIRE(first);
    CHECK(Store::open(database, daemon));
    CHECK(Store::open(database));  // a command beside the daemons (rematch, forget) opens it
    auto refused = Store::open(database, recluster);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::Contains("a newswatch daemon is running on"));
  }
  {
    auto alone = Store::open(database, recluster);  // the daemons' locks went with them
    REQUIRE(alone);
    auto waiting = Store::open(database, daemon);
    REQUIRE_FALSE(waiting);
    CHECK_THAT(waiting.error().message, Catch::Contains("newswatch recluster is running on"));
  }
  CHECK(Store::open(database, daemon));
}

TEST_CASE("a lost PostgreSQL connection fails what it was running, then is made again") {
  PgServer& server = test::shared_pg_server();
  std::string database = test::fresh_database(server);
  StoreOptions daemon;
  daemon.company = StoreOptions::Company::daemons;
  auto store = Store::open(database, daemon);
  REQUIRE(store);
  REQUIRE(store->register_feed("https://a.example/rss", "A", 100));
  auto admin = PgConnection::open(database);
  REQUIRE(admin);
  auto cut = [&] {
    (*admin)->execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  };
  ParsedBatch batch;
  batch.feed.url = "https://a.example/rss";
  batch.feed.last_status = 200;
  batch.feed.etag = "\"v1\"";
  batch.fetched_at = 1750000000;
  REQUIRE(store->write(batch));

  cut();
  batch.feed.etag = "\"v2\"";
  auto lost = store->write(batch);  // the session it ran in is gone
  REQUIRE_FALSE(lost);
  CHECK(lost.error().kind == ErrorKind::not_stored);
  REQUIRE(store->write(batch));  // a new session, its statements prepared again
  CHECK(store->feed_state("https://a.example/rss").value()->etag == "\"v2\"");
  // The new session holds the daemons' shared lock again: recluster is still refused.
  StoreOptions recluster;
  recluster.company = StoreOptions::Company::nobody;
  CHECK_FALSE(Store::open(database, recluster));

  // A server that is gone: each write fails at once, a new attempt at most once a backoff.
  PgServer own;
  std::string gone = test::fresh_database(own);
  auto orphan = Store::open(gone, daemon);
  REQUIRE(orphan);
  REQUIRE(orphan->register_feed("https://a.example/rss", "A", 100));
  own.stop();
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto started = std::chrono::steady_clock::now();
    auto failed = orphan->write(batch);
    REQUIRE_FALSE(failed);
    INFO(failed.error().message);
    CHECK_THAT(failed.error().message, Catch::Contains("PostgreSQL"));
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  }
}
