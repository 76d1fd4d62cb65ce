// Sets and maps of folded words looked up by string_view, without making a string of each
// word of the text looked up: the function words and the languages' common words.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace newswatch {

struct WordHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view word) const {
    return std::hash<std::string_view>{}(word);
  }
};
using WordSet = std::unordered_set<std::string, WordHash, std::equal_to<>>;
template <typename T>
using WordMap = std::unordered_map<std::string, T, WordHash, std::equal_to<>>;

}  // namespace newswatch
