// A small HTML tokenizer with just the states that matter for text: data, tags with their
// attributes, comments and declarations, raw-text elements, character references.
#include "feeds/text.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <optional>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "feeds/byte_search.h"
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
constexpr std::uint32_t entity_hash(std::string_view name) {
  std::uint32_t hash = 2166136261u;
  for (char c : name) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  return hash;
}

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

// ASCII-only and inline: the <cctype> functions consult the locale on every call.
bool is_ascii_alpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c; }

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

// Elements whose contents are not text a reader sees.
constexpr std::string_view kDropped[] = {"script",   "style",  "noscript",
                                         "template", "applet", "title"};

constexpr std::string_view kBlocks[] = {
    "address",  "article", "aside",   "blockquote", "br",         "caption", "dd",     "details",
    "dialog",   "div",     "dl",      "dt",         "figcaption", "figure",  "footer", "form",
    "h1",       "h2",      "h3",      "h4",         "h5",         "h6",      "header", "hr",
    "img",      "li",      "main",    "nav",        "ol",         "p",       "pre",    "section",
    "summary",  "table",   "td",      "th",         "tr",         "ul",      "center", "dir",
    "fieldset", "hgroup",  "listing", "menu"};
constexpr std::size_t kNotBlock = std::size(kBlocks);

// The index of a block element in kBlocks, or kNotBlock.
constexpr std::size_t block_index(std::string_view name) {
  return static_cast<std::size_t>(std::find(std::begin(kBlocks), std::end(kBlocks), name) -
                                  std::begin(kBlocks));
}

// Tags outside kBlocks that open no element to enclose what follows: void elements, and
// html, head and body, which HTML5 ignores inside a fragment's body.
constexpr std::string_view kOpenNoElement[] = {"area",   "base", "col",  "embed", "input",
                                               "keygen", "link", "meta", "param", "source",
                                               "track",  "wbr",  "html", "head",  "body"};

// What html_to_text() knows of a tag name: every name of the three lists above, in an
// open-addressing hash table on the packed name (a loop over the lists was a third of
// html_to_text's own time).
struct TagKind {
  std::string_view name;  // empty: a free slot
  PackedName key;
  std::size_t block = kNotBlock;
  bool dropped = false;
  bool opens_no_element = false;
};

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
  for (std::string_view name : kDropped) add(name).dropped = true;
  for (std::string_view name : kOpenNoElement) add(name).opens_no_element = true;
  return table;
}();

// The kind of tag `name` (packed in `key`) is; one that is in no list when the name is not.
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

// The block elements open, innermost last, so that a stray end tag (</div> with no <div>),
// which a browser ignores, does not split a word. </p> and </br> always act: HTML5 turns
// them into an empty paragraph and a line break. <li> closes an open list item, <dd> and
// <dt> an open definition, with whatever is open inside them, and a heading the heading
// just opened (HTML5's tree builder).
class OpenBlocks {
 public:
  bool start(std::string_view name, std::size_t block) {
    if (block == kNotBlock) return false;
    // Table parts outside a table are ignored by HTML5's tree builder.
    bool table_part = name == "td" || name == "th" || name == "tr" || name == "caption";
    if (table_part && count_[kTable] == 0) return false;
    // Every block but a table, a table part, a line break or an image closes an open
    // paragraph.
    if (!table_part && block != kTable && block != kBr && block != kImg) close_paragraph();
    if (block == kBr || block == kHr || block == kImg) return true;  // void: never open
    // A heading right inside another closes it.
    if (is_heading(block) && !stack_.empty() && is_heading(stack_.back()) &&
        inlines_.size() == enclosing_inlines_.back())
      pop_through(stack_.back());
    if (name == "li") close_item({kLi, kLi});
    if (name == "dd" || name == "dt") close_item({kDd, kDt});
    stack_.push_back(static_cast<std::uint8_t>(block));
    enclosing_inlines_.push_back(inlines_.size());
    ++count_[block];
    return true;
  }
  // Elements other than blocks, open inside the innermost block: while one is, that block
  // is not the current node HTML5 looks at. An end tag closes the innermost of its name in
  // the block, or nothing (a block is a boundary); the search is bounded.
  void start_inline(std::string_view name) { inlines_.emplace_back(name); }
  void end_inline(std::string_view name) {
    std::size_t base = enclosing_inlines_.empty() ? 0 : enclosing_inlines_.back();
    for (std::size_t k = inlines_.size(); k > base && inlines_.size() - k < kSearchLimit; --k) {
      if (inlines_[k - 1] == name) return inlines_.resize(k - 1);
    }
  }
  bool end(std::string_view name, std::size_t block) {
    if (block == kNotBlock) return false;
    // A </p> with no paragraph in scope opens an empty one, and </br> is a <br> (HTML5).
    return close_in_scope(block) || name == "p" || name == "br";
  }
  bool close_paragraph() { return close_in_scope(kP); }

 private:
  // Closes the innermost open `block` (for a heading, any heading), with what is open inside
  // it, when it is in scope: not behind a table or a cell opened after it (nor, for a list
  // item, a list); says whether it did. The search is bounded: HTML5 would walk the whole
  // stack, which hostile input makes deep.
  bool close_in_scope(std::size_t block) {
    bool heading = is_heading(block);
    if (heading ? std::all_of(&count_[kH1], &count_[kH1] + 6, [](int n) { return n == 0; })
                : count_[block] == 0)
      return false;
    std::size_t looked = 0;
    for (auto it = stack_.rbegin(); it != stack_.rend() && looked < kSearchLimit; ++it, ++looked) {
      if (*it == block || (heading && is_heading(*it))) return pop_through(*it), true;
      if (*it == kTable || *it == kTd || *it == kTh || *it == kCaption) return false;
      if (block == kLi && (*it == kUl || *it == kOl)) return false;
    }
    return false;
  }
  // Closes the innermost open element of either kind, unless a block other than address,
  // div or p encloses the start tag first (a nested list keeps its outer item open).
  void close_item(std::array<std::size_t, 2> kinds) {
    if (count_[kinds[0]] == 0 && count_[kinds[1]] == 0) return;
    std::size_t looked = 0;
    for (auto it = stack_.rbegin(); it != stack_.rend() && looked < kSearchLimit; ++it, ++looked) {
      if (*it == kinds[0] || *it == kinds[1]) return pop_through(*it);
      if (*it != kAddress && *it != kDiv && *it != kP) return;
    }
  }
  static bool is_heading(std::size_t block) { return block >= kH1 && block <= kH1 + 5; }
  void pop_through(std::size_t block) {
    while (!stack_.empty()) {
      std::size_t top = stack_.back();
      stack_.pop_back();
      inlines_.resize(enclosing_inlines_.back());
      enclosing_inlines_.pop_back();
      --count_[top];
      if (top == block) return;
    }
  }
  static constexpr std::size_t kTable = block_index("table"), kLi = block_index("li"),
                               kDd = block_index("dd"), kDt = block_index("dt"),
                               kAddress = block_index("address"), kDiv = block_index("div"),
                               kP = block_index("p"), kH1 = block_index("h1"),
                               kTd = block_index("td"), kTh = block_index("th"),
                               kCaption = block_index("caption"), kUl = block_index("ul"),
                               kOl = block_index("ol"), kBr = block_index("br"),
                               kHr = block_index("hr"), kImg = block_index("img");
  static_assert(kBlocks[kH1 + 5] == "h6");
  static constexpr std::size_t kSearchLimit = 256;
  std::vector<std::uint8_t> stack_;
  std::array<int, kNotBlock> count_{};
  std::vector<std::string> inlines_;
  std::vector<std::size_t> enclosing_inlines_;  // inlines_.size() when each open block started
};

// Length of the whitespace character at s[i] (ASCII or one of Unicode's spaces: no-break,
// the en/em family, line and paragraph separators, ideographic), or 0.
std::size_t unicode_space_length(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  if (is_space(s[i])) return 1;
  if (byte(i) == 0xC2 && i + 1 < s.size() && byte(i + 1) == 0xA0) return 2;
  if (i + 2 >= s.size()) return 0;
  if (byte(i) == 0xE2 && byte(i + 1) == 0x80 &&
      ((byte(i + 2) >= 0x80 && byte(i + 2) <= 0x8A) || byte(i + 2) == 0xA8 || byte(i + 2) == 0xA9 ||
       byte(i + 2) == 0xAF))
    return 3;
  if (byte(i) == 0xE2 && byte(i + 1) == 0x81 && byte(i + 2) == 0x9F) return 3;
  if (byte(i) == 0xE3 && byte(i + 1) == 0x80 && byte(i + 2) == 0x80) return 3;
  return 0;
}

// Bytes that can begin one of the spaces unicode_space_length() knows.
constexpr auto kMayStartSpace = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : {' ', '\t', '\n', '\r', '\f'}) table[c] = true;
  for (unsigned char c : {0xC2, 0xE2, 0xE3}) table[c] = true;
  return table;
}();

// The bytes TextSink::text() stops copying at: those of kMayStartSpace (0xC2 among them,
// which also begins the C1 controls), the C0 controls and DEL.
constexpr auto kStopsCopy = [] {
  std::array<bool, 256> table = kMayStartSpace;
  for (unsigned char c = 0; c < 0x20; ++c) table[c] = true;
  table[0x7F] = true;
  return table;
}();

bool stops_copy(char c) { return kStopsCopy[static_cast<unsigned char>(c)]; }
bool is_high_byte(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// The end of the run of bytes from s[start] on that TextSink::text() may append as they are:
// no byte of kStopsCopy but ASCII spaces, each single, neither first in the run nor last in
// `s`, and followed by a byte that kStopsCopy lets through. Sets `non_ascii` when the run
// holds a byte above 0x7F. Sixteen bytes at a time with SSE2: this is most of the text's
// bytes, and words are short.
std::size_t copyable_run(std::string_view s, std::size_t start, bool& non_ascii) {
  std::size_t run = start;
#if defined(__SSE2__)
  const __m128i below = _mm_set1_epi8(0x1F), space = _mm_set1_epi8(' '), del = _mm_set1_epi8(0x7F),
                c2 = _mm_set1_epi8(static_cast<char>(0xC2)),
                e2 = _mm_set1_epi8(static_cast<char>(0xE2)),
                e3 = _mm_set1_epi8(static_cast<char>(0xE3));
  // The last block is the sixteen bytes that end `s`, its masks shifted down to where the
  // run is: copying a short tail into a buffer would stall on the load that follows.
  while (s.size() >= 16 && run < s.size()) {
    std::size_t left = s.size() - run;
    unsigned shift = left >= 16 ? 0 : static_cast<unsigned>(16 - left);
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + run - shift));
    __m128i stop = _mm_cmpeq_epi8(_mm_min_epu8(v, below), v);  // v <= 0x1F
    stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, del));
    stop = _mm_or_si128(stop,
                        _mm_or_si128(_mm_cmpeq_epi8(v, c2),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, e2), _mm_cmpeq_epi8(v, e3))));
    unsigned stops = static_cast<unsigned>(_mm_movemask_epi8(stop)) >> shift;
    unsigned spaces = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space))) >> shift;
    unsigned high = static_cast<unsigned>(_mm_movemask_epi8(v)) >> shift;
    // The byte after the block: the end of `s` stops a run as a stop does.
    unsigned block = static_cast<unsigned>(16 - shift);
    bool after_stops = left <= 16 || kStopsCopy[static_cast<unsigned char>(s[run + 16])];
    stops |= unsigned{after_stops} << block;
    // A space ends the run when the next byte is a space or a stop, or when it comes first.
    unsigned ends = stops | (spaces & ((stops | spaces) >> 1)) | (run == start ? spaces & 1 : 0);
    if ((ends & 0xFFFF) == 0) {
      non_ascii |= high != 0;
      run += 16;
      continue;
    }
    unsigned length = static_cast<unsigned>(__builtin_ctz(ends));
    non_ascii |= (high & ((1u << length) - 1)) != 0;
    return run + length;
  }
#endif
  while (run < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[run]);
    if (!kStopsCopy[c]) {
      non_ascii |= c >= 0x80;
      ++run;
    } else if (c == ' ' && run > start && run + 1 < s.size() &&
               !kStopsCopy[static_cast<unsigned char>(s[run + 1])]) {
      non_ascii |= static_cast<unsigned char>(s[run + 1]) >= 0x80;
      run += 2;
    } else {
      break;
    }
  }
  return run;
}

// Length of the control character at s[i] that no text field may hold (a C0 control, DEL, a
// C1 control U+0080-U+009F), 1 for a 0xC2 that ends `s`, else 0. Call it after
// unicode_space_length(): the controls that are spaces (tab, LF, CR, FF) must be taken as
// spaces first. A 0xC2 cut off at the end of `s` is invalid UTF-8 (to_nfc would make it
// U+FFFD anyway), but kept as a byte it could meet a continuation byte in the next piece of
// text (html_to_text reads "\xC2<b>\x9B" as two) and make a C1 control there.
std::size_t control_length(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  if (byte(i) < 0x20 || byte(i) == 0x7F) return 1;
  if (byte(i) != 0xC2) return 0;
  if (i + 1 == s.size()) return 1;
  return byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9F ? 2 : 0;
}

// Collapses whitespace as text is appended: one space between words, none at the ends.
class TextSink {
 public:
  void text(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
      // Copy in one go the run of bytes that needs no collapsing: no space characters but
      // single ASCII spaces between words.
      std::size_t run = copyable_run(s, i, non_ascii_);
      if (run > i) {
        flush_space();
        out_.append(s.substr(i, run - i));
        i = run;
        continue;
      }
      std::size_t space = unicode_space_length(s, i);
      if (space > 0) {
        pending_space_ = true;
        i += space;
      } else if (std::size_t control = control_length(s, i); control > 0) {
        // No text field holds a NUL (C strings end there) nor a control a terminal would act
        // on (ESC and CSI begin sequences that retitle or clear it, BEL rings), whatever
        // decoded it: a raw byte, a reference, a JSON escape, base64. Each becomes U+FFFD,
        // as HTML5 reads a reference to NUL and gumbo any control: never dropped, which could
        // join what stood around it into a word, or two bytes into a new control. A C1
        // control is windows-1252's character where it has one: in feeds U+0080-U+009F come
        // from references such as &#146; (which XML reads as U+0092 and HTML5 as U+2019) and
        // from windows-1252 text decoded as Latin-1, and meant quotes, dashes, the euro.
        flush_space();
        non_ascii_ = true;
        char32_t shown = U'\uFFFD';
        if (control == 2) shown = windows_1252(static_cast<unsigned char>(s[i + 1]));
        append_utf8(out_, shown < 0xA0 ? U'\uFFFD' : shown);
        i += control;
      } else {
        flush_space();
        non_ascii_ = true;  // a lead byte of a character that is not a space
        out_.push_back(s[i++]);
      }
    }
  }
  // Appends text in which character references are still encoded.
  void characters(std::string_view s) {
    std::size_t i = 0, start = 0;
    std::string decoded;
    while ((i = find_byte(s, '&', i)) != std::string_view::npos) {
      text(s.substr(start, i - start));
      decoded.clear();
      if (!decode_reference(s, i, decoded)) {
        text("&");
        ++i;
      } else if (std::none_of(decoded.begin(), decoded.end(), stops_copy)) {
        // Most references are one letter or mark (&#8217;, &mdash;) with no space to collapse.
        flush_space();
        non_ascii_ |= std::any_of(decoded.begin(), decoded.end(), is_high_byte);
        out_ += decoded;
      } else {
        text(decoded);
      }
      start = i;
    }
    text(s.substr(start));
  }
  void space() { pending_space_ = true; }
  bool empty() const { return out_.empty(); }
  std::string finish() {
    if (!non_ascii_ || is_quick_nfc(out_)) return std::move(out_);
    return to_nfc(out_);
  }

 private:
  void flush_space() {
    if (pending_space_ && !out_.empty()) out_.push_back(' ');
    pending_space_ = false;
  }
  std::string out_;
  bool pending_space_ = false;
  bool non_ascii_ = false;  // ASCII text is NFC: no need to check
};

std::size_t find_case_insensitive(std::string_view haystack, std::string_view needle,
                                  std::size_t from) {
  if (needle.empty()) return from;
  for (std::size_t i = from; i + needle.size() <= haystack.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && lower(haystack[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

// Where "<script" or "</script" at html[at] is a whole tag name (followed by a space, '/' or
// '>'), the position after the name; else npos.
std::size_t after_script_name(std::string_view html, std::size_t at) {
  std::size_t after = at + (html[at + 1] == '/' ? 8 : 7);
  if (after >= html.size()) return std::string_view::npos;
  std::string_view name = html.substr(at + (html[at + 1] == '/' ? 2 : 1), 6);
  bool is_script =
      std::equal(name.begin(), name.end(), "script", [](char a, char b) { return lower(a) == b; });
  if (!is_script || !(is_space(html[after]) || html[after] == '/' || html[after] == '>'))
    return std::string_view::npos;
  return after;
}

// The "</script" that ends a script's text, from `from` on, or npos. HTML5's script data
// states: after "<!--" a "<script" starts a nested (double-escaped) script whose "</script>"
// does not end the outer one; "-->" leaves the escape. Old pages wrap document.write() so.
std::size_t find_script_end(std::string_view html, std::size_t from) {
  enum class State { kData, kEscaped, kDoubleEscaped } state = State::kData;
  for (std::size_t at = html.find_first_of("<-", from); at != std::string_view::npos;
       at = html.find_first_of("<-", at + 1)) {
    if (html[at] == '-') {
      if (state != State::kData && html.substr(at, 3) == "-->") state = State::kData;
      continue;
    }
    if (state == State::kData && html.substr(at, 4) == "<!--") {
      state = State::kEscaped;
      ++at;  // the next look is at its dashes: "<!-->" escapes and leaves at once
      continue;
    }
    if (at + 1 >= html.size()) break;
    bool closing = html[at + 1] == '/';
    if (after_script_name(html, at) == std::string_view::npos) continue;
    if (closing && state != State::kDoubleEscaped) return at;
    if (closing)
      state = State::kEscaped;
    else if (state == State::kEscaped)
      state = State::kDoubleEscaped;
  }
  return std::string_view::npos;
}

// Where the end tag of a raw-text element `name` starts: "</name" followed by a space, '/'
// or '>' ("</scripts>" does not end a script).
std::size_t find_end_tag(std::string_view html, const std::string& name, std::size_t from) {
  if (name == "script") return find_script_end(html, from);
  const std::string opening = "</" + name;
  for (std::size_t at = find_case_insensitive(html, opening, from); at != std::string_view::npos;
       at = find_case_insensitive(html, opening, at + 1)) {
    std::size_t after = at + opening.size();
    // At the end of the text "</name" is text (HTML5: no end tag without what ends its name).
    if (after < html.size() && (is_space(html[after]) || html[after] == '/' || html[after] == '>'))
      return at;
  }
  return std::string_view::npos;
}

// Just past the comment that starts at html[at] ("<!--"): HTML5 also ends one at once in
// "<!-->" and "<!--->", and at "--!>".
std::size_t comment_end(std::string_view html, std::size_t at) {
  std::string_view rest = html.substr(at + 4);
  if (rest.starts_with(">")) return at + 5;
  if (rest.starts_with("->")) return at + 6;
  std::size_t end = std::min(html.find("-->", at + 4), html.find("--!>", at + 4));
  if (end == std::string_view::npos) return html.size();
  return end + (html[end + 2] == '!' ? 4 : 3);
}

// After "<!": a comment, CDATA or a DOCTYPE. Anything else ("<!'") is text to a reader.
bool opens_declaration(std::string_view rest) {
  if (rest.starts_with("--") || rest.starts_with("[CDATA[")) return true;
  return rest.size() >= 7 && (rest.substr(0, 7) == "DOCTYPE" || rest.substr(0, 7) == "doctype");
}

// Skips from just after a tag name to just past the tag's closing '>', following the HTML5
// tokenizer's attribute states: a quote opens a value only where a value may begin (after
// "name=", spaces allowed), so "b== 'x" is the value "=" and a name "'x", as in browsers.
std::size_t skip_tag_rest(std::string_view html, std::size_t i) {
  enum class State { kBeforeName, kName, kAfterName, kBeforeValue, kQuoted, kUnquoted };
  State state = State::kBeforeName;
  char quote = 0;
  for (; i < html.size(); ++i) {
    char c = html[i];
    switch (state) {
      case State::kQuoted:
        if (c == quote) state = State::kBeforeName;
        continue;
      case State::kUnquoted:
        if (is_space(c)) state = State::kBeforeName;
        break;
      case State::kBeforeValue:
        if (is_space(c)) continue;
        if (c == '"' || c == '\'') {
          quote = c;
          state = State::kQuoted;
          continue;
        }
        if (c != '>') state = State::kUnquoted;
        break;
      case State::kBeforeName:
        if (!is_space(c) && c != '/' && c != '>') state = State::kName;
        break;
      case State::kName:
      case State::kAfterName:
        if (c == '=') {
          state = State::kBeforeValue;
          continue;
        }
        if (is_space(c)) {
          state = State::kAfterName;
        } else if (c == '/') {
          state = State::kBeforeName;
        } else if (state == State::kAfterName && c != '>') {
          state = State::kName;
        }
        break;
    }
    if (c == '>') return i + 1;
  }
  return html.size();
}

}  // namespace

void append_utf8(std::string& out, char32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  // Inline, not utf8proc_encode_char(): a call into the library per reference decoded.
  char bytes[4];
  std::size_t n = 0;
  if (cp < 0x80) {
    bytes[n++] = static_cast<char>(cp);
  } else if (cp < 0x800) {
    bytes[n++] = static_cast<char>(0xC0 | (cp >> 6));
    bytes[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    bytes[n++] = static_cast<char>(0xE0 | (cp >> 12));
    bytes[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    bytes[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    bytes[n++] = static_cast<char>(0xF0 | (cp >> 18));
    bytes[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    bytes[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    bytes[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  }
  out.append(bytes, n);
}

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
    while (i < html.size() && (base == 16 ? std::isxdigit(static_cast<unsigned char>(html[i]))
                                          : std::isdigit(static_cast<unsigned char>(html[i])))) {
      int digit = std::isdigit(static_cast<unsigned char>(html[i])) ? html[i] - '0'
                                                                    : lower(html[i]) - 'a' + 10;
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
  while (i < html.size() && i - start < 32 && std::isalnum(static_cast<unsigned char>(html[i])))
    ++i;
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

namespace {

// Whether NFC leaves a code point unchanged wherever it stands: below U+0300 nothing composes;
// above, a starter with no decomposition that never combines with what precedes it.
bool is_quick_nfc_code_point(char32_t cp) {
  if (cp < 0x300) return true;
  if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xA960 && cp <= 0xA97F) ||
      (cp >= 0xD7B0 && cp <= 0xD7FF))
    return false;  // Hangul jamo compose algorithmically
  const utf8proc_property_t* property = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  return property->combining_class == 0 && property->decomp_seqindex == UINT16_MAX &&
         !(property->comb_index != UINT16_MAX && property->comb_index >= 0x8000);
}

// is_quick_nfc_code_point() of every character of the BMP, one bit each: utf8proc's lookup
// is a call into the library per character, and text in most scripts is nothing else.
using BmpBits = std::array<std::uint64_t, 0x10000 / 64>;

const BmpBits& quick_nfc_in_bmp() {
  static const BmpBits kQuick = [] {
    BmpBits quick{};
    for (char32_t c = 0; c < 0x10000; ++c)
      quick[c / 64] |= std::uint64_t{is_quick_nfc_code_point(c)} << (c % 64);
    return quick;
  }();
  return kQuick;
}

}  // namespace

// True when `utf8` is valid UTF-8 that NFC leaves unchanged, decided cheaply (see
// is_quick_nfc_code_point()). Anything else takes utf8proc's full path.
bool is_quick_nfc(std::string_view utf8) {
  const BmpBits& quick = quick_nfc_in_bmp();
  for (std::size_t i = 0; i < utf8.size();) {
#if defined(__SSE2__)
    if (i + 16 <= utf8.size()) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(utf8.data() + i));
      if (_mm_movemask_epi8(v) == 0) {
        i += 16;  // sixteen ASCII bytes
        continue;
      }
    }
#endif
    if (static_cast<unsigned char>(utf8[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    std::size_t length = decode_utf8(utf8, i, cp);
    if (length == 0) return false;
    i += length;
    if (cp < 0x10000 ? !((quick[cp / 64] >> (cp % 64)) & 1) : !is_quick_nfc_code_point(cp))
      return false;
  }
  return true;
}

namespace {

// Unicode's Stream-Safe Text Format (UAX #15, section 13) allows at most this many
// non-starters (code points of a canonical combining class other than 0) in a row, in NFKD.
constexpr int kMaxNonStarters = 30;
// No character's NFKD begins or ends with more non-starters than this (text_test checks
// every code point).
constexpr int kMostNonStartersAtAnEnd = 3;

// The non-starters that begin and end the NFKD of a character, and whether it holds nothing
// else.
struct NonStarters {
  int leading = 0;
  int trailing = 0;
  bool only = false;
};

NonStarters non_starters(utf8proc_int32_t cp) {
  const utf8proc_property_t* property = utf8proc_get_property(cp);
  // Without a decomposition a character is its own NFKD (a Hangul syllable, which utf8proc
  // decomposes by rule, becomes jamo, which are starters).
  if (property->decomp_seqindex == UINT16_MAX) {
    bool mark = property->combining_class != 0;
    return {mark, mark, mark};
  }
  utf8proc_int32_t nfkd[32];  // the longest NFKD, U+FDFA's, is 18 code points
  auto options = static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT);
  auto n = utf8proc_decompose_char(cp, nfkd, std::ssize(nfkd), options, nullptr);
  if (n <= 0 || n > std::ssize(nfkd)) return {};
  auto is_non_starter = [](utf8proc_int32_t c) {
    return utf8proc_get_property(c)->combining_class != 0;
  };
  int count = static_cast<int>(n);
  NonStarters result;
  while (result.leading < count && is_non_starter(nfkd[result.leading])) ++result.leading;
  if (result.leading == count) return {count, count, true};
  while (is_non_starter(nfkd[count - 1 - result.trailing])) ++result.trailing;
  return result;
}

bool has_no_non_starter(utf8proc_int32_t cp) {
  const utf8proc_property_t* property = utf8proc_get_property(cp);
  return property->combining_class == 0 && property->decomp_seqindex == UINT16_MAX;
}

// Whether each character of the BMP is a starter without a decomposition: its NFKD is itself,
// and it ends any run of non-starters. Most text is made of nothing else. utf8proc's lookup
// is a call into the library, and a character would take two; this is one bit.
using PlainStarters = std::array<std::uint64_t, 0x10000 / 64>;

const PlainStarters& plain_starters_in_bmp() {
  static const PlainStarters kPlain = [] {
    PlainStarters plain{};
    for (utf8proc_int32_t c = 0; c < 0x10000; ++c)
      plain[static_cast<std::size_t>(c) / 64] |= std::uint64_t{has_no_non_starter(c)} << (c % 64);
    return plain;
  }();
  return kPlain;
}

bool is_plain_starter(const PlainStarters& in_bmp, utf8proc_int32_t cp) {
  if (cp >= 0x10000) return has_no_non_starter(cp);
  auto c = static_cast<std::size_t>(cp);
  return (in_bmp[c / 64] >> (c % 64)) & 1;
}

// The Stream-Safe Text Process over the characters of `utf8` from `from` (which follows a
// starter, or begins the text) up to the next plain starter: U+034F COMBINING GRAPHEME JOINER
// goes before each character that would make more than kMaxNonStarters non-starters in a
// row. The text up to each joiner is appended to `storage` from `copied` on. Returns where it
// stopped.
std::size_t join_long_runs(std::string_view utf8, std::size_t from, std::string& storage,
                           std::size_t& copied) {
  const PlainStarters& plain = plain_starters_in_bmp();
  int run = 0;  // non-starters since the last starter
  std::size_t i = from;
  while (i < utf8.size()) {
    char32_t cp;
    std::size_t length = decode_utf8(utf8, i, cp);
    if (length == 0 || is_plain_starter(plain, cp)) break;
    NonStarters marks = non_starters(cp);
    if (run + marks.leading > kMaxNonStarters) {
      storage.append(utf8.substr(copied, i - copied)).append("\u034F");
      copied = i;
      run = 0;
    }
    run = marks.only ? run + marks.leading : marks.trailing;
    i += length;
  }
  return i;
}

// `utf8` in Unicode's Stream-Safe Text Format (UAX #15, section 13): a COMBINING GRAPHEME
// JOINER (U+034F) before each character that would make more than 30 non-starters in a row,
// counted in NFKD. utf8proc puts each run of non-starters in canonical order by insertion
// sort, quadratic in the run's length, and a feed can send megabytes of marks on one letter.
// The joiner is a starter that combines with nothing, so no run is longer than 30 and
// normalising is linear, here and in whatever normalises the stored text again. UAX #15 chose
// 30 far beyond what any language or notation stacks on a letter: only text with such runs
// changes. Returns `utf8` itself when it needs no joiner, else the text built in `storage`;
// nullopt when `utf8` is not UTF-8.
std::optional<std::string_view> stream_safe(std::string_view utf8, std::string& storage) {
  // More than 30 non-starters take this many characters in a row that are not plain
  // starters: only there are non-starters counted.
  constexpr int kFewestCharacters = kMaxNonStarters / kMostNonStartersAtAnEnd + 1;
  const PlainStarters& plain = plain_starters_in_bmp();
  std::size_t copied = 0, stretch = 0;  // where the characters since the last plain starter begin
  int stretch_length = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    if (static_cast<unsigned char>(utf8[i]) < 0x80) {  // ASCII: plain starters
      stretch_length = 0;
      ++i;
      continue;
    }
    char32_t cp;
    std::size_t length = decode_utf8(utf8, i, cp);
    if (length == 0) return std::nullopt;
    if (is_plain_starter(plain, cp)) {
      stretch_length = 0;
      i += length;
      continue;
    }
    if (stretch_length++ == 0) stretch = i;
    i += length;
    if (stretch_length == kFewestCharacters) i = join_long_runs(utf8, stretch, storage, copied);
  }
  if (storage.empty()) return utf8;
  storage.append(utf8.substr(copied));
  return storage;
}

}  // namespace

std::string to_nfc(std::string_view utf8) {
  if (is_quick_nfc(utf8)) return std::string(utf8);
  std::string joined;
  std::optional<std::string_view> stream_safe_utf8 = stream_safe(utf8, joined);
  if (!stream_safe_utf8) {
    // Not UTF-8: each byte of no well-formed sequence becomes U+FFFD, then the text is read.
    std::string repaired;
    for (std::size_t i = 0; i < utf8.size();) {
      char32_t cp;
      std::size_t length = decode_utf8(utf8, i, cp);
      repaired.append(length == 0 ? std::string_view("\uFFFD") : utf8.substr(i, length));
      i += std::max<std::size_t>(length, 1);
    }
    return to_nfc(repaired);
  }
  utf8proc_uint8_t* mapped = nullptr;
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(stream_safe_utf8->data()),
                        static_cast<utf8proc_ssize_t>(stream_safe_utf8->size()), &mapped,
                        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) throw std::bad_alloc();  // the text is UTF-8: only memory can have failed
  std::string result(reinterpret_cast<char*>(mapped), static_cast<std::size_t>(n));
  std::free(mapped);
  return result;
}

std::string html_to_text(std::string_view html) { return html_to_text(html, nullptr); }

std::string html_to_text(std::string_view html, HtmlTextNotes* notes) {
  TextSink sink;
  OpenBlocks blocks;
  std::size_t i = 0, text_start = 0;
  auto flush_text = [&](std::size_t end) {
    if (end > text_start) sink.characters(html.substr(text_start, end - text_start));
  };
  while (i < html.size()) {
    i = find_byte(html, '<', i);
    if (i == std::string_view::npos || i + 1 >= html.size()) break;
    char next = html[i + 1];
    if ((next == '!' && opens_declaration(html.substr(i + 2))) || next == '?') {
      flush_text(i);
      if (html.substr(i, 4) == "<!--") {
        std::size_t start = i;
        i = comment_end(html, i);
        if (notes && i == html.size() && !html.ends_with("-->") && !html.ends_with("--!>") &&
            html.find_first_not_of(" \t\n\r\f", start + 4) != std::string_view::npos)
          notes->unclosed_comment_hid_text = true;
      } else if (html.substr(i, 9) == "<![CDATA[") {
        std::size_t end = html.find("]]>", i + 9);
        std::size_t stop = end == std::string_view::npos ? html.size() : end;
        sink.text(html.substr(i + 9, stop - (i + 9)));
        i = end == std::string_view::npos ? html.size() : end + 3;
      } else {
        // A DOCTYPE or processing instruction. A DOCTYPE never closed is text (feedparser
        // and the conformance suite read "<!DOCTYPE" in a description that way).
        std::size_t end = html.find('>', i);
        if (end == std::string_view::npos && next == '!') {
          sink.characters(html.substr(i));
          i = html.size();
        } else {
          i = end == std::string_view::npos ? html.size() : end + 1;
        }
      }
      text_start = i;
      continue;
    }
    bool closing = next == '/';
    std::size_t name_start = i + (closing ? 2 : 1);
    if (closing && name_start < html.size() && !is_ascii_alpha(html[name_start])) {
      // "</>" is nothing; "</" before anything else but a letter opens a bogus comment that
      // ends at the next '>' (HTML5 tokenizer, end tag open state).
      flush_text(i);
      std::size_t end = html.find('>', name_start);
      i = end == std::string_view::npos ? html.size() : end + 1;
      text_start = i;
      continue;
    }
    if (name_start >= html.size() || !is_ascii_alpha(html[name_start])) {
      ++i;  // A '<' that opens no tag is text.
      continue;
    }
    flush_text(i);
    std::size_t name_end = name_start;
    std::string name;
    PackedName key;  // pack_name(name), built as the name is read
    while (name_end < html.size() && !is_space(html[name_end]) && html[name_end] != '/' &&
           html[name_end] != '>') {
      char c = lower(html[name_end]);
      if (name.size() < 8)
        key.bytes |= std::uint64_t{static_cast<unsigned char>(c)} << (8 * name.size());
      name.push_back(c);
      ++name_end;
    }
    key.size = name.size();
    i = skip_tag_rest(html, name_end);
    const TagKind& kind = tag_kind(name, key);
    std::size_t block = kind.block;
    if (block != kNotBlock) {
      if (closing ? blocks.end(name, block) : blocks.start(name, block)) sink.space();
    } else if (closing) {
      blocks.end_inline(name);
    } else if (!kind.opens_no_element) {
      blocks.start_inline(name);
    }
    if (!closing && kind.dropped && html[i - 1] == '>' && html[i - 2] != '/') {
      std::size_t end = find_end_tag(html, name, i);
      i = end == std::string_view::npos ? html.size() : skip_tag_rest(html, end + 2 + name.size());
      sink.space();
    } else if (!closing && name == "plaintext") {
      sink.text(html.substr(i));  // HTML5: the rest is text, end tags included
      i = html.size();
    } else if (!closing && name == "xmp" && html[i - 1] == '>') {
      // RAWTEXT shown as it is: up to </xmp> markup and references are text.
      if (blocks.close_paragraph()) sink.space();
      std::size_t end = find_end_tag(html, name, i);
      std::size_t stop = end == std::string_view::npos ? html.size() : end;
      sink.text(html.substr(i, stop - i));
      i = end == std::string_view::npos ? html.size() : skip_tag_rest(html, end + 2 + name.size());
    } else if (!closing && name == "textarea" && html[i - 1] == '>') {
      // RCDATA (HTML5): up to </textarea> everything is text, markup included; only
      // character references are read.
      // A newline right after the start tag is not part of the text, even written "&#10;".
      std::size_t after_reference = i;
      std::string first;
      if (html.substr(i, 2) == "\r\n")
        i += 2;
      else if (i < html.size() && (html[i] == '\n' || html[i] == '\r'))
        ++i;
      else if (i < html.size() && html[i] == '&' &&
               decode_reference(html, after_reference, first) && first == "\n")
        i = after_reference;
      std::size_t end = find_end_tag(html, name, i);
      std::size_t stop = end == std::string_view::npos ? html.size() : end;
      sink.characters(html.substr(i, stop - i));
      i = end == std::string_view::npos ? html.size() : skip_tag_rest(html, end + 2 + name.size());
    }
    text_start = i;
  }
  flush_text(html.size());
  return sink.finish();
}

std::string plain_text(std::string_view text) {
  TextSink sink;
  sink.text(text);
  return sink.finish();
}

std::optional<std::string> decode_base64(std::string_view text) {
  std::string out;
  std::uint32_t bits = 0;
  int bit_count = 0;
  bool padding = false;
  for (char c : text) {
    int value;
    if (c >= 'A' && c <= 'Z')
      value = c - 'A';
    else if (c >= 'a' && c <= 'z')
      value = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      value = c - '0' + 52;
    else if (c == '+' || c == '-')
      value = 62;
    else if (c == '/' || c == '_')
      value = 63;
    else if (c == '=') {
      padding = true;
      continue;
    } else if (is_space(c))
      continue;
    else
      return std::nullopt;
    if (padding) return std::nullopt;  // data after padding
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out.push_back(static_cast<char>((bits >> bit_count) & 0xFF));
    }
  }
  return out;
}

std::string clean_text(std::string_view text) {
  TextSink sink;
  sink.characters(text);
  return sink.finish();
}

}  // namespace newswatch
