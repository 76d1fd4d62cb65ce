// Makes real-world feed XML acceptable to pugixml without losing text. pugixml knows only
// the five XML entities and has no recovery mode, while feeds use HTML named entities
// without declaring them, leave '&' unescaped in links, and declare entities in a DTD.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace newswatch {

struct XmlRepairLimits {
  // Internal DTD entities are expanded once (never recursively, never from outside the
  // document), and at most this many bytes in all: no billion laughs.
  std::size_t max_entity_expansion = 1 << 20;
};

// Rewrites `document` (UTF-8) so that every '&' in text and attribute values starts a
// reference pugixml understands: HTML named entities become numeric references, entities
// declared in the internal DTD subset are replaced by their text, unknown names and bare
// ampersands become "&amp;". NUL bytes, and references to NUL, surrogates or numbers beyond
// U+10FFFF, become U+FFFD: pugixml would cut the text at a NUL. CDATA sections and comments are
// otherwise left alone. Each kind of repair adds one warning, as do references to the control
// characters XML forbids (left in the document; the text cleaning of feeds/text.h reads them
// as U+FFFD). Returns nullopt when the document needed no repair.
std::optional<std::string> repair_xml(std::string_view document, std::vector<std::string>& warnings,
                                      const XmlRepairLimits& limits = {});

}  // namespace newswatch
