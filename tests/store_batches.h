// A poll batch as the pipeline hands it to storage, for the storage tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "storage/parsed_batch.h"

namespace newswatch::test {

// One successful poll of `feed_url` at `at` that delivered `items`.
inline ParsedBatch batch_for(const std::string& feed_url, std::vector<MatchedItem> items,
                             UnixSeconds at = 1750000000) {
  ParsedBatch batch;
  batch.feed.url = feed_url;
  batch.feed.last_status = 200;
  batch.feed.last_polled_at = at;
  batch.fetched_at = at;
  batch.items = std::move(items);
  return batch;
}

}  // namespace newswatch::test
