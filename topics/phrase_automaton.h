// Finds every phrase of a set in folded text in one pass, whatever the number of phrases: an
// Aho–Corasick automaton over the bytes of folded text (language/fold.h), whose matches are
// whole words, or a prefix of the last word for a phrase marked so, and in Arabic may also
// begin after proclitics inside a word ("والقطري" holds "قطري": language/proclitics.h). The
// matcher compiles every phrase of every rule of its topic packs into one automaton, so each
// field of an item is read once.
//
// The root's transitions are a dense table (most bytes of a text leave the root unchanged);
// other nodes hold their first edge themselves (most have one: a trie is mostly chains) and
// the rest in sorted runs. What a node reports is kept apart from the transitions, which the
// scan touches at every byte.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newswatch {

// A phrase found in a field: which pattern, where, and which words it spans.
struct PhraseHit {
  std::uint32_t pattern;
  std::uint32_t field;
  std::uint32_t offset;
  std::uint32_t first_word;
  std::uint32_t last_word;
};

class PhraseAutomaton {
 public:
  // Adds a folded phrase, its last word a prefix when `prefix`, and returns its pattern id:
  // the same id for the same phrase added again. Only before build(). Throws
  // std::length_error for a phrase of more than 65,535 bytes or 255 spaces.
  std::uint32_t add(const std::string& folded, bool prefix);

  // Readies the automaton for scan(); nothing may be added after. Throws std::length_error
  // when the phrases need more than 8,388,607 states (some 8 MB of distinct phrase text).
  void build();

  // Pattern ids run from 0 to pattern_count() - 1.
  std::size_t pattern_count() const { return patterns_.size(); }

  // Appends every whole-word occurrence of every pattern in `text` to `hits`, in the order of
  // their ends, each marked with `field`; adds the bytes it reads back (for proclitics) to
  // `steps`. Linear in the length of `text`.
  void scan(std::string_view text, std::uint32_t field, std::vector<PhraseHit>& hits,
            std::uint64_t& steps) const;

 private:
  struct Pattern {
    std::uint32_t length;
    std::uint32_t spaces;  // words - 1
    bool prefix;
    bool after_proclitics;  // may follow proclitics inside its first word (proclitics.h)
  };
  struct Node {
    std::uint32_t first_edge = 0;  // packed like edges_; 0: none
    std::uint32_t more_begin = 0, more_end = 0;
    std::uint32_t fail = 0;
  };
  struct Reports {
    std::uint32_t begin = 0, end = 0;  // its own patterns in outputs_
    std::uint32_t link = 0;  // the nearest node on the failure chain with patterns; 0: none
  };
  // A pattern as the scan needs it where it is reported.
  struct Output {
    std::uint32_t pattern;
    std::uint16_t length;
    std::uint8_t spaces;
    bool prefix;
    bool after_proclitics;
  };

  // Failure links, report links and packed edges, breadth first over the trie being built.
  void link_nodes();
  // Each node's patterns, as the scan reports them, in outputs_.
  void collect_outputs();
  // A state as the automaton carries it: the node, and whether it reports any pattern.
  std::uint32_t flagged(std::uint32_t node) const;
  // The state after `byte`, flagged with kReports when it reports patterns.
  std::uint32_t next(std::uint32_t state, unsigned char byte, unsigned char previous) const;

  std::vector<Node> nodes_;
  // An edge is its byte (the top 8 bits) and its target state, flagged.
  static constexpr std::uint32_t kReports = 1u << 23;
  static constexpr std::uint32_t kStateMask = kReports - 1;
  std::vector<std::uint32_t> edges_;
  std::vector<Reports> reports_;
  std::vector<Output> outputs_;
  std::array<std::uint32_t, 256> root_{};
  std::vector<Pattern> patterns_;
  // For adding: each phrase's id, and the trie and each node's patterns (build() frees these).
  std::map<std::pair<std::string, bool>, std::uint32_t> ids_;
  std::vector<std::map<unsigned char, std::uint32_t>> building_{1};
  std::vector<std::vector<std::uint32_t>> node_patterns_{1};
};

}  // namespace newswatch
