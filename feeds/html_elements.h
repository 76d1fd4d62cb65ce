// What html_to_text() knows of an element from its tag name: whether it is a block, which
// separates words (and which OpenBlocks tracks, feeds/open_blocks.h), whether its contents are
// markup, dropped or text of their own kind, and whether its tag opens an element at all.
// One lookup per tag, inline, in a hash table built at compile time.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <utility>

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

// Elements that separate the words before them from those after, where they start and end.
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

namespace html_elements_internal {

// Elements whose contents are not text a reader sees.
inline constexpr std::string_view kDropped[] = {"script",   "style",  "noscript",
                                                "template", "applet", "title"};

// Elements whose contents are text read in a way of their own (HTML5's RAWTEXT, RCDATA and
// PLAINTEXT).
inline constexpr std::pair<std::string_view, Contents> kOwnText[] = {
    {"xmp", Contents::kRawText},
    {"textarea", Contents::kEscapableRawText},
    {"plaintext", Contents::kPlainText}};

// Tags outside kBlocks that open no element to enclose what follows: void elements, and
// html, head and body, which HTML5 ignores inside a fragment's body.
inline constexpr std::string_view kOpenNoElement[] = {"area",   "base", "col",  "embed", "input",
                                                      "keygen", "link", "meta", "param", "source",
                                                      "track",  "wbr",  "html", "head",  "body"};

inline constexpr std::size_t kTagSlots = 256;
constexpr std::size_t tag_slot(std::uint64_t bytes) {
  return static_cast<std::size_t>((bytes * 0x9E3779B97F4A7C15ull) >> 56);
}

// Every name of the lists, in an open-addressing hash table on the packed name (a loop over
// the lists was a third of html_to_text's own time).
inline constexpr auto kTagKinds = [] {
  std::array<TagKind, kTagSlots> table{};
  auto add = [&](std::string_view name) -> TagKind& {
    std::size_t slot = tag_slot(pack_name(name).bytes);
    while (!table[slot].name.empty() && table[slot].name != name) slot = (slot + 1) % kTagSlots;
    table[slot].name = name;
    table[slot].key = pack_name(name);
    return table[slot];
  };
  for (std::size_t k = 0; k < std::size(kBlocks); ++k) add(kBlocks[k]).block = k;
  for (std::string_view name : kDropped) add(name).contents = Contents::kDropped;
  for (auto [name, contents] : kOwnText) add(name).contents = contents;
  for (std::string_view name : kOpenNoElement) add(name).opens_no_element = true;
  return table;
}();

}  // namespace html_elements_internal

// The kind of tag `name` (lower case, packed in `key`) is; one of no kind, with markup for
// contents, when html_to_text() knows nothing of the name. Inline: html_to_text() asks once
// per tag.
inline const TagKind& tag_kind(std::string_view name, PackedName key) {
  static constexpr TagKind kOther{};
  for (std::size_t slot = html_elements_internal::tag_slot(key.bytes);;
       slot = (slot + 1) % html_elements_internal::kTagSlots) {
    const TagKind& kind = html_elements_internal::kTagKinds[slot];
    if (kind.name.empty()) return kOther;
    if (kind.key.bytes == key.bytes && kind.key.size == key.size &&
        (key.size <= 8 || kind.name == name))
      return kind;
  }
}

}  // namespace newswatch
