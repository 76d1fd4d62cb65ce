// Every name html_to_text() knows, in an open-addressing hash table on the packed name (a loop
// over the lists was a third of html_to_text's own time).
#include "feeds/html_elements.h"

#include <array>
#include <utility>

namespace newswatch {
namespace {

// Elements whose contents are not text a reader sees.
constexpr std::string_view kDropped[] = {"script",   "style",  "noscript",
                                         "template", "applet", "title"};

// Elements whose contents are text read in a way of their own (HTML5's RAWTEXT, RCDATA and
// PLAINTEXT).
constexpr std::pair<std::string_view, Contents> kOwnText[] = {
    {"xmp", Contents::kRawText},
    {"textarea", Contents::kEscapableRawText},
    {"plaintext", Contents::kPlainText}};

// Tags outside kBlocks that open no element to enclose what follows: void elements, and
// html, head and body, which HTML5 ignores inside a fragment's body.
constexpr std::string_view kOpenNoElement[] = {"area",   "base", "col",  "embed", "input",
                                               "keygen", "link", "meta", "param", "source",
                                               "track",  "wbr",  "html", "head",  "body"};

constexpr std::size_t kTagSlots = 256;
constexpr std::size_t tag_slot(std::uint64_t bytes) {
  return static_cast<std::size_t>((bytes * 0x9E3779B97F4A7C15ull) >> 56);
}

constexpr auto kTagKinds = [] {
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

}  // namespace

const TagKind& tag_kind(std::string_view name, PackedName key) {
  static constexpr TagKind kOther{};
  for (std::size_t slot = tag_slot(key.bytes);; slot = (slot + 1) % kTagSlots) {
    const TagKind& kind = kTagKinds[slot];
    if (kind.name.empty()) return kOther;
    if (kind.key.bytes == key.bytes && kind.key.size == key.size &&
        (key.size <= 8 || kind.name == name))
      return kind;
  }
}

}  // namespace newswatch
