// Story clustering: which stored articles report the same event.
//
// Each article is reduced to a signature of its headline (without the outlet's name) and
// lede (the first 40 words of its summary): folded content words and word pairs, headline
// numbers, the topic pack's concepts (one id for a place, actor or act in every language),
// its language (script and function words) and its time. Two articles report one event when
//   - they are near-duplicates, at most 36 h apart: headline words and lede word pairs
//     mostly shared (wire copy republished, an edited headline, a lede cut short); or
//   - at most 12 h apart, they share evidence — at least three concepts, headline words
//     (one language only) or headline numbers — that is
//       specific: not in over half of the stories in memory, nor (concepts) in over a fifth
//         of the news no topic matched ("new", "talks", "shipping" say nothing);
//       a good part of what either says (30% of the smaller side's evidence);
//       a burst: no article 24 h to 7 days away carries all of it. A topic's everyday
//         vocabulary ("the Guards", "drills", "the Gulf") recurs all month; a story's
//         ("armada", "Larijani in Doha") is confined to its days;
//       and, in one language, found in both headlines and partly nowhere else in the week;
//       across languages, carried by no third story around them (else it is ambiguous).
// Nothing contradicts it: one headline over two different ledes is a recurring or
// templated headline; headline numbers that differ are two events.
//
// Near-duplicates join a story as they are written; evidence links are found for a round's
// new articles against the week in memory once the round is stored (recluster), so the
// result does not depend on the order feeds arrive in. Stories only merge; nothing is random.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "feeds/item.h"
#include "topics/matcher.h"

namespace newswatch {

struct StorySignature {
  UnixSeconds time = 0;                    // published, else first seen
  std::string language;                    // "en", "fr", "de", "es", "ar", "fa"; "" when unknown
  std::vector<std::uint32_t> title_words;  // hashes of folded content words, sorted, unique
  std::vector<std::uint32_t> lede_words;   // word pairs of the first 40 words
  std::vector<std::uint32_t> body_words;   // of the first 80: where a truncated lede is found
  std::vector<std::string> title_terms;    // the headline's content words, for evidence
  std::vector<std::string> title_numbers;  // sorted, unique
  std::vector<std::string> concepts;       // of headline and lede, sorted, unique

  std::string to_json() const;
  static std::optional<StorySignature> from_json(const std::string& json);
};

// `publishers` name the outlet (the feed's title, the outlet an aggregator names, the site's
// host), which headlines often carry as a suffix.
StorySignature story_signature(const Item& item, const MatchSet& matches, UnixSeconds time,
                               const std::vector<std::string>& publishers);

class StoryClusterer {
 public:
  // Where an article with this signature belongs by near-duplicates alone; changes nothing.
  struct Decision {
    std::optional<std::int64_t> story;  // the story to join; nullopt: a new story
    std::vector<std::int64_t> merged;   // other stories its near-duplicates are in
  };
  Decision assign(const StorySignature& signature) const;

  // Records an article as a member of `story`.
  void add(std::int64_t article, std::int64_t story, StorySignature signature);

  // The stories that the evidence of `articles` (members added since the last call) ties
  // together, as (from, into) merges in the order to apply them: `into` is the older
  // (lower) story id. The clusterer has applied them to its members already.
  std::vector<std::pair<std::int64_t, std::int64_t>> recluster(
      const std::vector<std::int64_t>& articles);

  // Counts the concepts of an item no topic matched: a concept common in news that is not
  // the story says little about which story an article tells.
  void observe_unmatched(const std::vector<std::string>& concepts);

  // Moves every member of `from` into `into`.
  void merge(std::int64_t from, std::int64_t into);
  // Forgets members older than the newest by more than `memory`.
  void forget_older_than(UnixSeconds memory);
  std::size_t size() const { return members_.size(); }

 private:
  struct Member {
    std::int64_t article;
    std::int64_t story;
    StorySignature signature;
    std::vector<std::string> evidence;  // sorted: "c:" concepts, "t:" words, "#" numbers
  };
  using Members = std::multimap<UnixSeconds, Member>;
  // `story_of` maps a member's story to its story after this round's merges so far.
  bool linked_by_evidence(const Member& a, const Member& b,
                          const std::function<std::int64_t(std::int64_t)>& story_of) const;

  Members members_;                                                 // by time
  std::map<std::string, std::vector<UnixSeconds>> evidence_times_;  // sorted times
  std::map<std::int64_t, Members::iterator> by_article_;
  std::map<std::string, int> unmatched_concepts_;  // items no topic matched, by concept
  int unmatched_items_ = 0;
};

}  // namespace newswatch
