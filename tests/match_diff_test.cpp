#include "storage/match_diff.h"

#include <catch2/catch.hpp>

using namespace newswatch;

namespace {

Evidence evidence(std::string topic, std::string term, std::size_t offset = 0,
                  ItemField field = ItemField::kTitle) {
  return {std::move(topic), field, std::move(term), offset, "", "pack.toml:7"};
}

MatchSet relevant(std::vector<std::string> topics, std::vector<Evidence> found) {
  MatchSet set;
  set.relevant = true;
  set.topics = std::move(topics);
  set.evidence = std::move(found);
  return set;
}

}  // namespace

TEST_CASE("the same evidence again is no change, in whatever order it was stored") {
  MatchSet now = relevant({"sanctions", "hormuz"},
                          {evidence("sanctions", "embargo", 4), evidence("hormuz", "hormuz", 20)});
  std::vector<MatchRow> stored = match_rows(now);
  std::reverse(stored.begin(), stored.end());
  MatchDiff diff = diff_matches(true, stored, now);
  CHECK(diff.kind == MatchDiff::Kind::kUnchanged);
  CHECK(diff.added.empty());
  CHECK(diff.removed.empty());
}

TEST_CASE("an unmatched article that matches now is gained, with each of its topics") {
  MatchDiff diff = diff_matches(false, {},
                                relevant({"nuclear", "hormuz"}, {evidence("nuclear", "enrichment"),
                                                                 evidence("hormuz", "hormuz")}));
  CHECK(diff.kind == MatchDiff::Kind::kGained);
  CHECK(diff.added == std::vector<std::string>{"hormuz", "nuclear"});
  CHECK(diff.removed.empty());
  CHECK(diff.rows.size() == 2);
}

TEST_CASE("a relevant article no topic matches now is lost, with each topic it had") {
  std::vector<MatchRow> stored = match_rows(relevant(
      {"sanctions"}, {evidence("sanctions", "embargo"), evidence("sanctions", "sanctions", 9)}));
  MatchDiff diff = diff_matches(true, stored, MatchSet{});
  CHECK(diff.kind == MatchDiff::Kind::kLost);
  CHECK(diff.removed == std::vector<std::string>{"sanctions"});
  CHECK(diff.added.empty());
  CHECK(diff.rows.empty());
}

TEST_CASE("a relevant article with other topics names those it gains and loses") {
  std::vector<MatchRow> stored = match_rows(relevant(
      {"sanctions", "hormuz"}, {evidence("sanctions", "embargo"), evidence("hormuz", "hormuz")}));
  MatchDiff diff =
      diff_matches(true, stored,
                   relevant({"hormuz", "nuclear"},
                            {evidence("hormuz", "hormuz"), evidence("nuclear", "enrichment")}));
  CHECK(diff.kind == MatchDiff::Kind::kTopics);
  CHECK(diff.added == std::vector<std::string>{"nuclear"});
  CHECK(diff.removed == std::vector<std::string>{"sanctions"});
}

TEST_CASE("the same topics found by another phrase, place or rule are an evidence change") {
  MatchSet before = relevant({"sanctions"}, {evidence("sanctions", "sanctions", 3)});
  std::vector<MatchRow> stored = match_rows(before);
  CHECK(diff_matches(true, stored,
                     relevant({"sanctions"}, {evidence("sanctions", "sanctions", 3),
                                              evidence("sanctions", "penalties", 40)}))
            .kind == MatchDiff::Kind::kEvidence);
  CHECK(diff_matches(true, stored, relevant({"sanctions"}, {evidence("sanctions", "sanctions", 5)}))
            .kind == MatchDiff::Kind::kEvidence);
  Evidence moved = evidence("sanctions", "sanctions", 3);
  moved.rule = "pack.toml:9";
  CHECK(diff_matches(true, stored, relevant({"sanctions"}, {moved})).kind ==
        MatchDiff::Kind::kEvidence);
}

TEST_CASE("a phrase found twice in a field is one row, the first, as the store keeps it") {
  MatchSet twice =
      relevant({"hormuz"}, {evidence("hormuz", "hormuz", 30), evidence("hormuz", "hormuz", 2),
                            evidence("hormuz", "hormuz", 7, ItemField::kSummary)});
  std::vector<MatchRow> rows = match_rows(twice);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].field == "summary");
  CHECK(rows[1].field == "title");
  CHECK(rows[1].offset == 30);
  CHECK(diff_matches(true, rows, twice).kind == MatchDiff::Kind::kUnchanged);
}

TEST_CASE("an unmatched article that stays unmatched is no change") {
  CHECK(diff_matches(false, {}, MatchSet{}).kind == MatchDiff::Kind::kUnchanged);
  CHECK(std::string(kind_name(MatchDiff::Kind::kGained)) == "gained");
}
