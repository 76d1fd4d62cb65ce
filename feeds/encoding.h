// Feed documents to UTF-8, whatever they were written in: the BOM, the XML declaration, the
// HTTP charset, then UTF-8 — in that order — name the encoding; glibc's iconv converts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace newswatch {

// Returns `bytes` as UTF-8: a view into `bytes` itself when they already are valid UTF-8
// (without the BOM), else into `storage`, which receives the converted text.
// `http_charset` is the charset parameter of the response's Content-Type ("" when unknown).
// Bytes that are invalid in the chosen encoding are repaired (in UTF-8, each bad byte is read
// as windows-1252, which is what mislabelled feeds almost always are) and reported in
// `warnings`; an encoding iconv does not know is read as UTF-8 with a warning. A UTF-16 or
// UTF-32 label (declared or HTTP) on bytes that begin in ASCII, which such a document cannot,
// is ignored with a warning, and the next source decides.
std::string_view to_utf8(std::string_view bytes, std::string_view http_charset,
                         std::string& storage, std::vector<std::string>& warnings);

// The code point of a windows-1252 byte (0x80-0x9F hold the curly quotes, dashes, euro sign;
// the five undefined ones map to C1 controls, as WHATWG's decoder does).
char32_t windows_1252(unsigned char byte);

// The charset parameter of a Content-Type header value ("" when there is none).
std::string charset_of(std::string_view content_type);

}  // namespace newswatch
