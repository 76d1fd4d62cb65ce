// What a poll hands the store: a feed's new state and the items it delivered, matched, with
// what the writer stores beside their text worked out beforehand on a parser thread
// (prepare_item), and what writing them came to (WriteStats).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "feeds/item.h"
#include "storage/story_clusterer.h"
#include "topics/matcher.h"

namespace newswatch {

// The scheduler's state of one feed, as persisted.
struct FeedState {
  std::string url;        // the feed's identity, as configured
  std::string fetch_url;  // where it is fetched from after a permanent redirect; "" = url
  std::string title;
  std::string etag;
  std::string last_modified;
  long last_status = 0;
  std::string last_error;  // empty when the last poll succeeded
  int error_count = 0;     // consecutive failures
  std::optional<UnixSeconds> last_polled_at;
  std::optional<UnixSeconds> next_poll_at;
  bool disabled = false;
};

// What the writer stores of an item beside its text, worked out beforehand: every key its
// article can be known by (strongest first), its outlet and its story signature.
struct PreparedItem {
  std::vector<std::string> url_keys;  // canonical link, canonical permalink GUID
  std::string text_key;               // headline and lede, folded and hashed
  std::string outlet;
  StorySignature signature;
  std::string signature_json;
};

struct MatchedItem {
  Item item;
  MatchSet matches;  // relevant or not
  // Set by prepare_item() (on a parser thread, so that the one writer thread only writes);
  // write() works it out itself when it is not.
  std::optional<PreparedItem> prepared;
};

// What write() works out for `matched`, an item of `feed` fetched at `fetched_at`; `folded`,
// when given, is the item as the matcher folded it (Matcher::fold). Pure: any thread.
PreparedItem prepare_item(const MatchedItem& matched, const FeedState& feed, UnixSeconds fetched_at,
                          const FoldedItem* folded = nullptr);

// What one poll of one feed produced: the feed's new state and its items, with their matches.
struct ParsedBatch {
  FeedState feed;
  UnixSeconds fetched_at = 0;
  std::vector<MatchedItem> items;
};

struct WriteStats {
  int new_articles = 0;   // relevant ones
  int new_sightings = 0;  // items this feed had not shown before, or shows changed
  int known = 0;          // items already seen in this feed, unchanged
  int updated = 0;        // articles whose publisher changed their title or text
  int unmatched = 0;      // new articles no topic matched
  int forgotten = 0;      // items of articles a user deleted
};

}  // namespace newswatch
