#include "feeds/encoding.h"

#include <iconv.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "base/utf8.h"
#include "feeds/excerpt.h"

namespace newswatch {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Encodings that announce themselves by their first bytes (XML 1.0 appendix F).
std::string_view sniff_unicode(std::string_view& bytes) {
  auto starts = [&](std::string_view prefix) { return bytes.starts_with(prefix); };
  using namespace std::string_view_literals;
  if (starts("\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
    return "UTF-8";
  }
  if (starts("\xFF\xFE\x00\x00"sv)) {
    bytes.remove_prefix(4);
    return "UTF-32LE";
  }
  if (starts("\x00\x00\xFE\xFF"sv)) {
    bytes.remove_prefix(4);
    return "UTF-32BE";
  }
  if (starts("\xFF\xFE")) {
    bytes.remove_prefix(2);
    return "UTF-16LE";
  }
  if (starts("\xFE\xFF")) {
    bytes.remove_prefix(2);
    return "UTF-16BE";
  }
  if (starts("<\x00\x00\x00"sv)) return "UTF-32LE";
  if (starts("\x00\x00\x00<"sv)) return "UTF-32BE";
  if (starts("<\x00"sv)) return "UTF-16LE";
  if (starts("\x00<"sv)) return "UTF-16BE";
  return {};
}

// encoding="..." from an XML declaration at the start of an ASCII-compatible document.
std::string declared_encoding(std::string_view bytes) {
  if (!bytes.starts_with("<?xml")) return {};
  std::string_view declaration = bytes.substr(0, bytes.find("?>"));
  std::size_t at = declaration.find("encoding");
  if (at == std::string_view::npos) return {};
  std::size_t quote = declaration.find_first_of("\"'", at);
  if (quote == std::string_view::npos) return {};
  std::size_t end = declaration.find(declaration[quote], quote + 1);
  if (end == std::string_view::npos) return {};
  return std::string(declaration.substr(quote + 1, end - quote - 1));
}

bool is_utf8_label(const std::string& label) { return label == "utf-8" || label == "utf8"; }

// UTF-16, UTF-32, UCS-2, UCS-4 and their aliases: encodings in which every ASCII character
// has a zero byte.
bool is_wide_label(std::string_view label) {
  std::string name;  // "UTF-16LE" → "utf16le"
  for (char c : label) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (std::string_view prefix : {"utf16", "utf32", "ucs2", "ucs4", "iso10646ucs", "csucs4"}) {
    if (name.starts_with(prefix)) return true;
  }
  for (std::string_view alias :
       {"unicode", "csunicode", "unicodefeff", "unicodefffe", "unicodebig", "unicodelittle"}) {
    if (name == alias) return true;
  }
  return false;
}

// Two ASCII bytes first, neither zero ("<?xml", "<rss", "{\""): a document that begins so is
// in no wide encoding, whatever it says.
bool starts_in_ascii(std::string_view bytes) {
  return bytes.size() >= 2 && bytes[0] > 0 && bytes[1] > 0;
}

// WHATWG's rule: documents labelled Latin-1 or ASCII are decoded as windows-1252, whose
// printable 0x80-0x9F range is what such documents contain in practice.
std::string iconv_name(const std::string& label) {
  if (label == "iso-8859-1" || label == "latin1" || label == "iso8859-1" || label == "us-ascii" ||
      label == "ascii" || label == "l1")
    return "WINDOWS-1252";
  if (label == "windows-1252" || label == "cp1252" || label == "x-cp1252") return "WINDOWS-1252";
  if (label == "utf-16") return "UTF-16";  // iconv reads the BOM or assumes big-endian
  return label;
}

}  // namespace

char32_t windows_1252(unsigned char byte) {
  static constexpr char32_t kHigh[32] = {
      0x20AC, 0x81,   0x201A, 0x192,  0x201E, 0x2026, 0x2020, 0x2021, 0x2C6,  0x2030, 0x160,
      0x2039, 0x152,  0x8D,   0x17D,  0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x2DC,  0x2122, 0x161,  0x203A, 0x153,  0x9D,   0x17E,  0x178};
  return byte >= 0x80 && byte < 0xA0 ? kHigh[byte - 0x80] : byte;
}

namespace {

// Keeps valid UTF-8; reads each invalid byte as windows-1252. Returns how many were bad.
std::size_t repair_utf8(std::string_view in, std::string& out) {
  std::size_t bad = 0;
  out.reserve(out.size() + in.size());
  for (std::size_t i = 0; i < in.size();) {
    std::size_t length = utf8_sequence_length(in, i);
    if (length > 0) {
      out.append(in.substr(i, length));
      i += length;
    } else {
      append_utf8(out, windows_1252(static_cast<unsigned char>(in[i])));
      ++bad;
      ++i;
    }
  }
  return bad;
}

// How many bytes at the start of `bytes` are valid UTF-8.
std::size_t valid_utf8_prefix(std::string_view bytes) {
  std::size_t valid = 0;
  while (valid < bytes.size()) {
    // The common case, eight ASCII bytes at a time.
    std::uint64_t word;
    if (valid + 8 <= bytes.size()) {
      std::memcpy(&word, bytes.data() + valid, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        valid += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(bytes[valid]) < 0x80) {
      ++valid;
      continue;
    }
    std::size_t length = utf8_sequence_length(bytes, valid);
    if (length == 0) break;
    valid += length;
  }
  return valid;
}

// windows-1252 into `out` as UTF-8: the most common legacy encoding, decoded here because
// iconv's generic path costs several times more. The five bytes windows-1252 leaves undefined
// map to C1 controls, as WHATWG's decoder does. At most three bytes of UTF-8 for each;
// written through a pointer, ASCII eight bytes at a time.
void decode_windows_1252(std::string_view in, std::string& out) {
  out.resize(in.size() * 3);
  char* dst = out.data();
  for (std::size_t i = 0; i < in.size();) {
    std::uint64_t word;
    if (i + 8 <= in.size()) {
      std::memcpy(&word, in.data() + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        std::memcpy(dst, &word, 8);
        dst += 8;
        i += 8;
        continue;
      }
    }
    auto byte = static_cast<unsigned char>(in[i++]);
    char32_t cp = windows_1252(byte);
    if (cp < 0x80) {
      *dst++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
      *dst++ = static_cast<char>(0xC0 | (cp >> 6));
      *dst++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *dst++ = static_cast<char>(0xE0 | (cp >> 12));
      *dst++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *dst++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  out.resize(static_cast<std::size_t>(dst - out.data()));
}

const iconv_t kNoConverter = reinterpret_cast<iconv_t>(-1);

// iconv_open() loads the encoding's gconv module (a dlopen) and iconv_close() unloads it:
// once per document, that was 40% of the time spent parsing a small ISO-8859-1 feed. Each
// thread keeps the converters it opened, a few at most (a document names its encoding, so
// the names are not ours to bound); beyond that they are opened for one use.
class IconvCache {
 public:
  IconvCache() = default;
  IconvCache(const IconvCache&) = delete;
  IconvCache& operator=(const IconvCache&) = delete;
  ~IconvCache() {
    for (auto& [name, cd] : open_) iconv_close(cd);
    if (spare_ != kNoConverter) iconv_close(spare_);
  }

  // A converter from `from` to UTF-8 in its initial state, or kNoConverter.
  iconv_t get(const std::string& from) {
    for (auto& [name, cd] : open_) {
      if (name != from) continue;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
      return cd;
    }
    iconv_t cd = iconv_open("UTF-8", from.c_str());
    if (cd == kNoConverter) return cd;
    if (open_.size() < kMaxOpen) {
      open_.emplace_back(from, cd);
    } else {
      if (spare_ != kNoConverter) iconv_close(spare_);
      spare_ = cd;
    }
    return cd;
  }

 private:
  static constexpr std::size_t kMaxOpen = 8;
  std::vector<std::pair<std::string, iconv_t>> open_;
  iconv_t spare_ = kNoConverter;  // the last one opened beyond kMaxOpen
};

iconv_t open_iconv(const std::string& from) {
  thread_local IconvCache cache;
  return cache.get(from);
}

// Converts with iconv; each invalid or truncated sequence becomes U+FFFD. Returns false when
// iconv does not know the encoding.
bool convert(std::string_view in, const std::string& from, std::string& out, std::size_t& bad) {
  if (from == "WINDOWS-1252") {
    decode_windows_1252(in, out);
    return true;
  }
  iconv_t cd = open_iconv(from);
  if (cd == kNoConverter) return false;
  out.resize(in.size() * 2 + 16);
  char* src = const_cast<char*>(in.data());
  std::size_t src_left = in.size();
  std::size_t written = 0;
  while (src_left > 0) {
    char* dst = out.data() + written;
    std::size_t dst_left = out.size() - written;
    std::size_t rc = iconv(cd, &src, &src_left, &dst, &dst_left);
    written = out.size() - dst_left;
    if (rc != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
    } else {
      // EILSEQ or EINVAL: skip one byte (one code unit would be better for UTF-16/32, but a
      // byte never loses sync for long) and mark the damage.
      out.resize(std::max(out.size(), written + 8));
      std::string replacement;
      append_utf8(replacement, 0xFFFD);
      out.replace(written, replacement.size(), replacement);
      written += replacement.size();
      ++src;
      --src_left;
      ++bad;
    }
  }
  out.resize(written);
  return true;
}

}  // namespace

std::string charset_of(std::string_view content_type) {
  std::string lowered = lower(content_type);
  std::size_t at = lowered.find("charset=");
  if (at == std::string::npos) return {};
  std::string value = lowered.substr(at + 8);
  value = value.substr(0, value.find(';'));
  value.erase(std::remove_if(value.begin(), value.end(),
                             [](char c) {
                               return c == '"' || c == '\'' ||
                                      std::isspace(static_cast<unsigned char>(c));
                             }),
              value.end());
  return value;
}

std::string_view to_utf8(std::string_view bytes, std::string_view http_charset,
                         std::string& storage, std::vector<std::string>& warnings) {
  std::string label(sniff_unicode(bytes));
  std::vector<std::string> impossible;  // wide encodings named for bytes that are not
  for (std::string named : {lower(declared_encoding(bytes)), lower(http_charset)}) {
    if (!label.empty() || named.empty()) continue;
    if (is_wide_label(named) && starts_in_ascii(bytes)) {
      impossible.push_back(std::move(named));
    } else {
      label = std::move(named);
    }
  }
  for (const auto& named : impossible) {
    warnings.push_back("encoding '" + excerpt(named) +
                       "' ignored: the document begins in ASCII, which it cannot be; read as " +
                       (label.empty() ? std::string("UTF-8") : excerpt(label)));
  }
  // A UTF-8 byte order mark says UTF-8 more surely than a declaration: invalid bytes become
  // U+FFFD (iconv below) rather than windows-1252's characters. Valid, it needs no copy.
  if (label == "UTF-8" && simdjson::validate_utf8(bytes.data(), bytes.size())) return bytes;
  if (!label.empty() && !is_utf8_label(label)) {
    std::string name = iconv_name(label);
    std::size_t bad = 0;
    if (convert(bytes, name, storage, bad)) {
      if (bad > 0)
        warnings.push_back(std::to_string(bad) + " bytes invalid in " + excerpt(name) +
                           " replaced by U+FFFD");
      std::string_view text = storage;
      if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
      return text;
    }
    warnings.push_back("unknown encoding '" + excerpt(label) + "'; read as UTF-8");
  }
  // Almost every document is valid UTF-8: simdjson's SIMD validator says so at a fraction of
  // the cost of the loop below, which then only runs to find where the damage starts.
  if (simdjson::validate_utf8(bytes.data(), bytes.size())) return bytes;
  std::size_t first_bad = valid_utf8_prefix(bytes);
  if (first_bad == bytes.size()) return bytes;
  storage.assign(bytes.substr(0, first_bad));
  std::size_t bad = repair_utf8(bytes.substr(first_bad), storage);
  warnings.push_back(std::to_string(bad) + " bytes not valid UTF-8, read as windows-1252");
  return storage;
}

}  // namespace newswatch
