// A story signature: what the story clusterer knows of an article, worked out once when the
// article is written and stored with it (articles.signature, JSON). The content words of its
// headline and lede, folded and hashed with their counts (the headline's twice), its
// language, the numbers of its headline and the topic pack's concepts it carries there; and
// over all signatures, how many articles carry each term (TermCounts), from which the
// clusterer weighs them. StoryClusterer (story_clusterer.h) says how they are compared.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "feeds/item.h"
#include "topics/matcher.h"

namespace newswatch {

struct StorySignature {
  UnixSeconds time = 0;  // published, else first seen
  std::string language;  // its code in language/languages.h ("en", "fa", ...); "" when unknown
  // Hashes of folded content words with their counts (headline words counted twice), and of
  // concept ids; each sorted by hash, unique.
  std::vector<std::pair<std::uint32_t, std::uint16_t>> words;
  std::vector<std::uint32_t> concepts;
  std::vector<std::string> numbers;  // of the headline, years left out; sorted, unique

  std::string to_json() const;
  // nullopt for anything else, such as a signature written by an earlier version.
  static std::optional<StorySignature> from_json(const std::string& json);
};

// `publishers` name the outlet (the feed's title, the outlet an aggregator names, the site's
// host), which headlines often carry as a suffix. `folded`, when given, is the item's fields
// as the matcher folded them (Matcher::fold): what of the headline and lede it holds whole is
// read from it instead of folded again; the signature is the same either way.
StorySignature story_signature(const Item& item, const MatchSet& matches, UnixSeconds time,
                               const std::vector<std::string>& publishers,
                               const FoldedItem* folded = nullptr);

// How many articles carry each term: the stream's document frequencies, over every article
// stored, relevant or not (the store reads them back from the articles' signatures).
class TermCounts {
 public:
  void observe(const StorySignature& signature);
  void add(const TermCounts& other);  // as if what `other` observed were observed here
  std::int64_t total() const { return total_; }
  // ln(N / df), at least 0; a term never seen counts as seen once.
  double idf(std::uint32_t term) const;

 private:
  std::unordered_map<std::uint32_t, std::int64_t> counts_;
  std::int64_t total_ = 0;
};

}  // namespace newswatch
