// base/: the plumbing every module shares.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "base/fnv1a.h"
#include "base/read_file.h"
#include "base/result.h"
#include "base/text_position.h"
#include "base/unique_fd.h"
#include "base/utf8.h"
#include "test_support.h"

using namespace newswatch;

// Story signatures and content keys hold these hashes in databases: a change to either
// function breaks every database written before it.
TEST_CASE("FNV-1a gives the published values, bytes past 0x7F unsigned") {
  CHECK(fnv1a_32("") == 0x811c9dc5u);
  CHECK(fnv1a_32("a") == 0xe40c292cu);
  CHECK(fnv1a_32("foobar") == 0xbf9cf968u);
  CHECK(fnv1a_32("تهران") == 0xd88d1a42u);
  CHECK(fnv1a_64("") == 0xcbf29ce484222325ull);
  CHECK(fnv1a_64("a") == 0xaf63dc4c8601ec8cull);
  CHECK(fnv1a_64("foobar") == 0x85944171f73967e8ull);
  CHECK(fnv1a_64("تهران") == 0xfeac55d6362b35c2ull);
  static_assert(fnv1a_32("amp") == 0x1d279a19u, "the entity table is hashed at compile time");
}

TEST_CASE("line_column_at counts lines from 1 and columns in bytes or in characters") {
  std::string text = "ab\n\xC3\xA9x\ny";
  auto at = [&](std::size_t offset, ColumnUnit unit) {
    auto position = line_column_at(text, offset, unit);
    return std::to_string(position.line) + ":" + std::to_string(position.column);
  };
  CHECK(at(0, ColumnUnit::bytes) == "1:1");
  CHECK(at(2, ColumnUnit::bytes) == "1:3");
  CHECK(at(3, ColumnUnit::bytes) == "2:1");
  CHECK(at(5, ColumnUnit::bytes) == "2:3");
  CHECK(at(5, ColumnUnit::characters) == "2:2");
  CHECK(at(7, ColumnUnit::characters) == "3:1");
  CHECK(at(999, ColumnUnit::characters) == "3:2");  // past the end: the end
}

TEST_CASE("read_file returns the bytes unchanged, or nothing for a file that is not there") {
  test::TempDir dir;
  std::string bytes("a\0b\r\n\xFF", 6);
  CHECK(read_file(dir.write("f", bytes)) == bytes);
  CHECK_FALSE(read_file(dir.file("missing")).has_value());
}

TEST_CASE("an Error keeps its message, and its kind and place apart from it") {
  Error plain("something failed");
  CHECK(plain.kind == ErrorKind::general);
  CHECK_FALSE(plain.position.has_value());
  SourcePosition where{"feeds.toml", 3, 7};
  Error placed("feeds.toml:3:7: bad", where);
  CHECK(placed.position->text() == "feeds.toml:3:7");
  Error refused("storing https://a.example/: database or disk is full", ErrorKind::not_stored,
                "database or disk is full");
  CHECK(refused.cause == "database or disk is full");
  Result<int> failed = fail("no");
  CHECK(failed.error().message == "no");
}

TEST_CASE("UniqueFd closes its descriptor, once, and a move hands it over") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  close(fds[1]);
  {
    UniqueFd a(fds[0]);
    UniqueFd b(std::move(a));
    CHECK(a.get() == -1);
    CHECK(b.get() == fds[0]);
    CHECK(fcntl(fds[0], F_GETFD) != -1);
  }
  CHECK(fcntl(fds[0], F_GETFD) == -1);
}

TEST_CASE("utf8_prefix_length cuts between characters") {
  CHECK(utf8_prefix_length("a\xC3\xA9", 2) == 1);
  CHECK(utf8_prefix_length("a\xC3\xA9", 3) == 3);
  CHECK(utf8_sequence_length("\xED\xA0\x80", 0) == 0);  // a surrogate is not UTF-8
}
