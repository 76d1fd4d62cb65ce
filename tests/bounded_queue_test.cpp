#include "daemon/bounded_queue.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

using namespace newswatch;
using namespace std::chrono_literals;

TEST_CASE(
    "push_within waits for room at most its timeout, and keeps the value when it finds none") {
  BoundedQueue<std::string> queue(1);
  std::string first = "first", second = "second", third = "third";
  using Pushed = BoundedQueue<std::string>::Pushed;
  REQUIRE(queue.push_within(first, 10ms) == Pushed::kYes);
  CHECK(queue.push_within(second, 10ms) == Pushed::kFull);
  CHECK(second == "second");  // still the caller's, to push again
  CHECK(queue.pop() == "first");
  CHECK(queue.push_within(second, 10ms) == Pushed::kYes);
  CHECK(queue.pop() == "second");
  queue.close();
  CHECK(queue.push_within(third, 10ms) == Pushed::kClosed);
}

TEST_CASE("a producer facing a full queue shows it is alive until a consumer makes room") {
  // As Pipeline::submit does for the loop thread: the watchdog is fed while the parsers are
  // behind, instead of the loop blocking silently until systemd kills it.
  BoundedQueue<int> queue(1);
  REQUIRE(queue.push(1));
  std::atomic<int> keep_alives{0};
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    int value = 2;
    while (queue.push_within(value, 5ms) == BoundedQueue<int>::Pushed::kFull) ++keep_alives;
    pushed = true;
  });
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (keep_alives < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  CHECK(keep_alives >= 3);
  CHECK_FALSE(pushed);
  CHECK(queue.pop() == 1);
  producer.join();
  CHECK(pushed);
  CHECK(queue.pop() == 2);
}
