// What html_to_text() knows of an element from its tag name: whether it is a block, which
// separates words (and which OpenBlocks tracks, feeds/open_blocks.h), whether its contents are
// markup, dropped or text of their own kind, and whether its tag opens an element at all.
// One lookup per tag, in a hash table built at compile time.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

namespace newswatch {

// A tag name's first eight bytes as a number, with its length: names are compared with a
// few integer comparisons, not a call to memcmp per candidate (a feed's HTML is mostly tags).
struct PackedName {
  std::uint64_t bytes = 0;
  std::size_t size = 0;
};

constexpr PackedName pack_name(std::string_view name) {
  PackedName packed{0, name.size()};
  for (std::size_t k = 0; k < name.size() && k < 8; ++k)
    packed.bytes |= std::uint64_t{static_cast<unsigned char>(name[k])} << (8 * k);
  return packed;
}

inline constexpr std::string_view kBlocks[] = {
    "address",  "article", "aside",   "blockquote", "br",         "caption", "dd",     "details",
    "dialog",   "div",     "dl",      "dt",         "figcaption", "figure",  "footer", "form",
    "h1",       "h2",      "h3",      "h4",         "h5",         "h6",      "header", "hr",
    "img",      "li",      "main",    "nav",        "ol",         "p",       "pre",    "section",
    "summary",  "table",   "td",      "th",         "tr",         "ul",      "center", "dir",
    "fieldset", "hgroup",  "listing", "menu"};
inline constexpr std::size_t kNotBlock = std::size(kBlocks);

// The index of a block element in kBlocks, or kNotBlock.
constexpr std::size_t block_index(std::string_view name) {
  return static_cast<std::size_t>(std::find(std::begin(kBlocks), std::end(kBlocks), name) -
                                  std::begin(kBlocks));
}

// How the text inside an element is read.
enum class Contents : std::uint8_t {
  kMarkup,            // as the rest of the fragment
  kDropped,           // up to the end tag, and not text a reader sees (script, style, ...)
  kRawText,           // up to the end tag, markup and references shown as written (xmp)
  kEscapableRawText,  // up to the end tag, markup shown as written, references read (textarea)
  kPlainText,         // to the end of the fragment, end tags included (plaintext)
};

struct TagKind {
  std::string_view name;  // empty: a free slot
  PackedName key;
  std::size_t block = kNotBlock;
  Contents contents = Contents::kMarkup;
  bool opens_no_element = false;  // a void element, or one HTML5 ignores in a fragment
};

// The kind of tag `name` (lower case, packed in `key`) is; one of no kind, with markup for
// contents, when html_to_text() knows nothing of the name.
const TagKind& tag_kind(std::string_view name, PackedName key);

}  // namespace newswatch
