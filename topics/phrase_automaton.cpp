#include "topics/phrase_automaton.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "language/proclitics.h"

namespace newswatch {

namespace {

// Matches begin at word starts only (or, in Arabic, after proclitics inside a word), so the
// automaton follows only those suffixes: mid-word it rests at the root, cheaply.
inline bool may_start_match(unsigned char byte, unsigned char previous) {
  return previous == ' ' || may_follow_proclitics(byte);
}

// Whether `start` follows proclitics at the start of its word. Reads back no further than
// proclitics can reach: inside one enormous word, matches are found at every letter.
inline bool after_clitics(std::string_view text, std::uint32_t start, std::uint64_t& steps) {
  std::uint32_t word = start;
  while (word > 0 && text[word - 1] != ' ' && start - word < kMaxProcliticBytes) --word;
  steps += start - word;
  if (word > 0 && text[word - 1] != ' ') return false;  // more letters than proclitics
  return is_proclitics(text.substr(word, start - word));
}

}  // namespace

std::uint32_t PhraseAutomaton::add(const std::string& folded, bool prefix) {
  auto [it, inserted] = ids_.try_emplace({folded, prefix}, patterns_.size());
  if (!inserted) return it->second;
  std::uint32_t node = 0;
  for (unsigned char byte : folded) {
    auto& children = building_[node];
    auto child = children.find(byte);
    if (child == children.end()) {
      child = children.emplace(byte, building_.size()).first;
      building_.emplace_back();
      node_patterns_.emplace_back();
    }
    node = child->second;
  }
  node_patterns_[node].push_back(it->second);
  auto spaces = static_cast<std::uint32_t>(std::count(folded.begin(), folded.end(), ' '));
  if (folded.size() > UINT16_MAX || spaces > UINT8_MAX)
    throw std::length_error("phrase too long to match: " + folded.substr(0, 40));
  patterns_.push_back({static_cast<std::uint32_t>(folded.size()), spaces, prefix,
                       may_follow_proclitics(static_cast<unsigned char>(folded[0]))});
  return it->second;
}

void PhraseAutomaton::build() {
  if (building_.size() > kStateMask) throw std::length_error("topic packs too large to match");
  nodes_.assign(building_.size(), Node{});
  reports_.assign(building_.size(), Reports{});
  link_nodes();
  for (auto [byte, child] : building_[0]) root_[byte] = flagged(child);
  collect_outputs();
  building_.clear();
  building_.shrink_to_fit();
  node_patterns_.clear();
  node_patterns_.shrink_to_fit();
}

std::uint32_t PhraseAutomaton::flagged(std::uint32_t node) const {
  bool reports = !node_patterns_[node].empty() || reports_[node].link != 0;
  return node | (reports ? kReports : 0);
}

void PhraseAutomaton::link_nodes() {
  std::vector<unsigned char> last_byte(building_.size(), ' ');  // the root: a word start
  auto root_child = [&](unsigned char byte) {
    auto it = building_[0].find(byte);
    return it == building_[0].end() ? 0u : it->second;
  };
  // Breadth first, so a node's failure target is complete before its children need it.
  std::vector<std::uint32_t> queue{0};
  for (std::size_t head = 0; head < queue.size(); ++head) {
    std::uint32_t node = queue[head];
    nodes_[node].more_begin = static_cast<std::uint32_t>(edges_.size());
    for (auto [byte, child] : building_[node]) {
      queue.push_back(child);
      // The longest proper suffix that could begin a match: one starting a word.
      std::uint32_t fail = 0;
      if (node != 0) {
        for (std::uint32_t f = nodes_[node].fail;; f = nodes_[f].fail) {
          if (f == 0) {
            if (may_start_match(byte, last_byte[node])) fail = root_child(byte);
            break;
          }
          auto it = building_[f].find(byte);
          if (it != building_[f].end()) {
            fail = it->second;
            break;
          }
        }
      }
      last_byte[child] = byte;
      nodes_[child].fail = fail;
      reports_[child].link = node_patterns_[fail].empty() ? reports_[fail].link : fail;
      std::uint32_t edge = std::uint32_t{byte} << 24 | flagged(child);
      if (nodes_[node].first_edge == 0)
        nodes_[node].first_edge = edge;
      else
        edges_.push_back(edge);
    }
    nodes_[node].more_end = static_cast<std::uint32_t>(edges_.size());
  }
}

void PhraseAutomaton::collect_outputs() {
  for (std::uint32_t node = 0; node < nodes_.size(); ++node) {
    reports_[node].begin = static_cast<std::uint32_t>(outputs_.size());
    for (std::uint32_t id : node_patterns_[node]) {
      const Pattern& p = patterns_[id];
      outputs_.push_back({id, static_cast<std::uint16_t>(p.length),
                          static_cast<std::uint8_t>(p.spaces), p.prefix, p.after_proclitics});
    }
    reports_[node].end = static_cast<std::uint32_t>(outputs_.size());
  }
}

inline std::uint32_t PhraseAutomaton::next(std::uint32_t state, unsigned char byte,
                                           unsigned char previous) const {
  state &= kStateMask;
  for (;;) {
    if (state == 0) return may_start_match(byte, previous) ? root_[byte] : 0;
    const Node& node = nodes_[state];
    if (node.first_edge >> 24 == byte) return node.first_edge & 0xFFFFFF;
    for (auto e = node.more_begin; e < node.more_end; ++e) {
      if (edges_[e] >> 24 == byte) return edges_[e] & 0xFFFFFF;
    }
    state = node.fail;
  }
}

void PhraseAutomaton::scan(std::string_view text, std::uint32_t field, std::vector<PhraseHit>& hits,
                           std::uint64_t& steps) const {
  std::uint32_t state = 0;
  std::uint32_t words = 0;
  const auto n = static_cast<std::uint32_t>(text.size());
  unsigned char previous = ' ';
  for (std::uint32_t i = 0; i < n; previous = static_cast<unsigned char>(text[i++])) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte == ' ') ++words;
    state = next(state, byte, previous);
    if (!(state & kReports)) continue;
    state &= kStateMask;
    std::uint32_t out = reports_[state].begin != reports_[state].end ? state : reports_[state].link;
    for (; out != 0; out = reports_[out].link) {
      for (auto k = reports_[out].begin; k < reports_[out].end; ++k) {
        const Output& p = outputs_[k];
        std::uint32_t end = i + 1;
        std::uint32_t start = end - p.length;
        if (!p.prefix && end != n && text[end] != ' ') continue;
        if (start != 0 && text[start - 1] != ' ' &&
            !(p.after_proclitics && after_clitics(text, start, steps)))
          continue;
        hits.push_back({p.pattern, field, start, words - p.spaces, words});
      }
    }
  }
}

}  // namespace newswatch
