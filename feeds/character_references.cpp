// Named references by a hash table built at compile time; numeric ones by hand, with the
// windows-1252 reading browsers give to 128-159.
#include "feeds/character_references.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>

#include "base/fnv1a.h"
#include "base/utf8.h"
#include "feeds/ascii.h"
#include "feeds/encoding.h"

namespace newswatch {
namespace {

struct NamedEntity {
  std::string_view name;  // without the ';'
  std::string_view utf8;  // what it stands for (one or two code points)
  bool legacy;            // also recognised without the ';'
};

// The full HTML5 table: feeds use any of these, declared or not.
constexpr NamedEntity kEntities[] = {
#include "feeds/html_entities.inc"
};

// FNV-1a: names are short, and a hash of them costs less than the dozen string comparisons
// of a binary search over 2,125 names (every reference in a feed's HTML is looked up).
constexpr std::uint32_t entity_hash(std::string_view name) { return fnv1a_32(name); }

constexpr std::size_t kEntitySlots = 8192;  // a power of two, about four times the names
constexpr std::uint16_t kNoEntity = 0xFFFF;
static_assert(std::size(kEntities) * 3 < kEntitySlots && std::size(kEntities) < kNoEntity);

// Open addressing, linear probing, built at compile time.
constexpr auto kEntitySlotTable = [] {
  std::array<std::uint16_t, kEntitySlots> slots{};
  for (auto& slot : slots) slot = kNoEntity;
  for (std::size_t k = 0; k < std::size(kEntities); ++k) {
    std::size_t slot = entity_hash(kEntities[k].name) & (kEntitySlots - 1);
    while (slots[slot] != kNoEntity) slot = (slot + 1) & (kEntitySlots - 1);
    slots[slot] = static_cast<std::uint16_t>(k);
  }
  return slots;
}();

const NamedEntity* lookup_entity(std::string_view name) {
  for (std::size_t slot = entity_hash(name) & (kEntitySlots - 1);
       kEntitySlotTable[slot] != kNoEntity; slot = (slot + 1) & (kEntitySlots - 1)) {
    const NamedEntity& entity = kEntities[kEntitySlotTable[slot]];
    if (entity.name == name) return &entity;
  }
  return nullptr;
}

}  // namespace

bool decode_reference(std::string_view html, std::size_t& pos, std::string& out) {
  std::size_t i = pos + 1;
  if (i < html.size() && html[i] == '#') {
    ++i;
    int base = 10;
    if (i < html.size() && (html[i] == 'x' || html[i] == 'X')) {
      base = 16;
      ++i;
    }
    std::size_t start = i;
    char32_t value = 0;
    while (i < html.size() &&
           (base == 16 ? is_ascii_hex_digit(html[i]) : is_ascii_digit(html[i]))) {
      int digit = is_ascii_digit(html[i]) ? html[i] - '0' : ascii_lower(html[i]) - 'a' + 10;
      value = std::min<char32_t>(value * base + digit, 0x110000);
      ++i;
    }
    if (i == start) return false;
    if (i < html.size() && html[i] == ';') ++i;
    // Numeric references to 0x80-0x9F mean windows-1252 characters, as browsers read them.
    if (value >= 0x80 && value <= 0x9F) value = windows_1252(static_cast<unsigned char>(value));
    append_utf8(out, value);
    pos = i;
    return true;
  }
  std::size_t start = i;
  while (i < html.size() && i - start < 32 && is_ascii_alnum(html[i])) ++i;
  if (i == start) return false;
  std::string_view name = html.substr(start, i - start);
  if (i < html.size() && html[i] == ';') {
    if (const NamedEntity* entity = lookup_entity(name)) {
      out.append(entity->utf8);
      pos = i + 1;
      return true;
    }
  }
  // Without a ';', HTML still knows the legacy names, as the longest prefix of the run
  // ("&copy2025" is "©2025").
  for (std::size_t length = name.size(); length > 0; --length) {
    const NamedEntity* entity = lookup_entity(name.substr(0, length));
    if (entity && entity->legacy) {
      out.append(entity->utf8);
      pos = start + length;
      return true;
    }
  }
  return false;
}

}  // namespace newswatch
