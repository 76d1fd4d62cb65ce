// Character references as HTML5 reads them in text: numeric ones ("&#8217;", "&#x2019;", the
// numbers 128-159 meaning windows-1252's characters, as in browsers) and the 2,125 names of
// HTML5's table, the legacy ones also without their ';'. The text cleaning (feeds/text.h) and
// the XML repair (feeds/xml_repair.h) both decode with it, so that they agree on what a
// reference in a feed means.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace newswatch {

// Decodes the character reference that starts at html[pos] ('&'). On success appends the
// decoded text, advances `pos` past the reference and returns true.
bool decode_reference(std::string_view html, std::size_t& pos, std::string& out);

}  // namespace newswatch
