#include "feeds/memory_budget.h"

#include <catch2/catch.hpp>

using namespace newswatch;

TEST_CASE("a lease grows while the budget has room and gives its bytes back when it ends") {
  MemoryBudget budget(100);
  {
    MemoryBudget::Lease a(budget), b(budget);
    CHECK(a.grow(60, false));
    CHECK(b.grow(40, false));
    CHECK_FALSE(b.grow(1, false));
    CHECK(budget.held() == 100);
  }
  CHECK(budget.held() == 0);
  CHECK(budget.peak() == 100);
}

TEST_CASE("when only transfers hold the budget, the one allowed to may go past it") {
  MemoryBudget budget(100);
  MemoryBudget::Lease oldest(budget), other(budget);
  REQUIRE(oldest.grow(50, false));
  REQUIRE(other.grow(50, false));
  CHECK_FALSE(other.grow(10, false));
  CHECK(oldest.grow(10, true));  // nothing whole holds any: waiting would be for ever
  CHECK(budget.held() == 110);
}

TEST_CASE("while a whole document holds some of the budget, transfers wait for it") {
  MemoryBudget budget(100);
  int released = 0;
  MemoryBudget::Lease document(budget), transfer(budget);
  REQUIRE(document.grow(80, false));
  document.settle(70);  // whole: 70 bytes kept, 10 given back
  CHECK(budget.held() == 70);
  REQUIRE(transfer.grow(30, false));
  CHECK_FALSE(transfer.grow(10, true));  // the document will be stored and give room back
  budget.on_release([&] { ++released; });
  document.reset();
  CHECK(released == 1);
  CHECK(transfer.grow(10, false));
  CHECK(budget.held() == 40);
}

TEST_CASE("a moved lease is given back once") {
  MemoryBudget budget(100);
  MemoryBudget::Lease a(budget);
  REQUIRE(a.grow(30, false));
  MemoryBudget::Lease b = std::move(a);
  CHECK(b.bytes() == 30);
  a.reset();
  CHECK(budget.held() == 30);
  b = MemoryBudget::Lease();
  CHECK(budget.held() == 0);
}
