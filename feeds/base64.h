// Base64 as feeds carry it: Atom 0.3's mode="base64", and the content of media types that
// RFC 4287 (section 3.1.1) says is base64.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace newswatch {

// Decodes base64 (RFC 4648, the URL-safe alphabet too, whitespace ignored); nullopt when `text`
// is not base64.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace newswatch
