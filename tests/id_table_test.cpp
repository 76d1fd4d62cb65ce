#include "storage/id_table.h"

#include <catch2/catch.hpp>
#include <map>
#include <random>

using namespace newswatch;

namespace {

std::map<std::int64_t, double> contents(const IdTable<double>& links) {
  std::map<std::int64_t, double> seen;
  for (const auto& [story, sum] : links) {
    REQUIRE(seen.emplace(story, sum).second);  // each story once
  }
  return seen;
}

}  // namespace

TEST_CASE("id table: an empty table finds nothing and erases nothing") {
  IdTable<double> links;
  CHECK(links.find(7) == nullptr);
  links.erase(7);
  CHECK(links.size() == 0);
  CHECK(contents(links).empty());
}

TEST_CASE("id table: sums add up, and an erased story is gone") {
  IdTable<double> links;
  links[3] += 0.25;
  links[3] += 0.5;
  links[-4] += 1;  // any id but the free marker
  REQUIRE(links.find(3) != nullptr);
  CHECK(*links.find(3) == 0.75);
  CHECK(links.size() == 2);
  links.erase(3);
  CHECK(links.find(3) == nullptr);
  CHECK(*links.find(-4) == 1);
  CHECK(contents(links) == std::map<std::int64_t, double>{{-4, 1}});
}

// Random additions and erasures over few ids, so that probe runs are long, wrap around the
// end of the table and are cut by erasures: the table must agree with std::map throughout.
TEST_CASE("id table: agree with a map through growth, collisions and erasures") {
  std::mt19937_64 random(20261207);
  for (std::int64_t range : {8, 64, 1000}) {
    IdTable<double> links;
    std::map<std::int64_t, double> expected;
    std::uniform_int_distribution<std::int64_t> id(1, range);
    for (int step = 0; step < 20000; ++step) {
      std::int64_t story = id(random);
      if (random() % 3 == 0) {
        links.erase(story);
        expected.erase(story);
      } else {
        links[story] += 1.0;
        expected[story] += 1.0;
      }
      std::int64_t probe = id(random);
      const double* found = links.find(probe);
      auto wanted = expected.find(probe);
      REQUIRE((found != nullptr) == (wanted != expected.end()));
      if (found) REQUIRE(*found == wanted->second);
      REQUIRE(links.size() == expected.size());
    }
    CHECK(contents(links) == expected);
  }
}
