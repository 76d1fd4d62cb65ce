// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) through simdjson's On Demand API,
// in one forward pass: the fields the contract names are read, every other value is checked
// to be JSON and skipped. Numbers are checked against JSON's grammar but never converted; a
// field that takes text takes a number as written ("id": 42 is the id "42"). A number that
// no double or 64-bit integer holds ("1e400", a 30-digit id) is valid JSON, and simdjson's
// DOM parser, which converts every number it meets, refused the whole feed over one in an
// extension nobody reads.
#include <simdjson.h>

#include "feeds/dates.h"
#include "feeds/excerpt.h"
#include "feeds/json_syntax.h"
#include "feeds/parser.h"
#include "feeds/text.h"
#include "feeds/url.h"

namespace newswatch {
namespace {

namespace od = simdjson::ondemand;

// An item's fields as read, before they become an Item.
struct ItemFields {
  std::optional<std::string> id, url, title, summary, content_html, content_text, published,
      modified, author, first_author;
  std::vector<std::string> tags;
};

// The forward pass. Each method returns false, with error_ set, on invalid JSON.
class Reader {
 public:
  explicit Reader(ParsedFeed& feed, std::size_t max_items) : feed_(feed), max_items_(max_items) {}

  bool feed(od::object root, std::optional<std::string>& version,
            std::optional<std::string>& home_page_url, std::optional<std::string>& feed_author) {
    std::optional<std::string> title, language, first_author;
    bool good = members(root, 1, [&](std::string_view key, od::value value) {
      if (key == "version") return text(value, version, 1);
      if (key == "title") return text(value, title, 1);
      if (key == "home_page_url") return text(value, home_page_url, 1);
      if (key == "language") return text(value, language, 1);
      if (key == "author") return author(value, feed_author, 1);
      if (key == "authors") return first_author_of(value, first_author, 1);
      if (key == "items") return items(value, 1);
      return skip(value, 1);
    });
    feed_.title = clean_text(title.value_or(""));
    if (language) feed_.language = clean_text(*language);
    if (first_author) feed_author = first_author;  // 1.1's "authors" outranks 1.0's "author"
    return good;
  }

  simdjson::error_code error() const { return error_; }
  // Where the error was, when the pass knows it better than the iterator does.
  const char* error_at() const { return error_at_; }

 private:
  bool ok(simdjson::error_code code) {
    if (code != simdjson::SUCCESS && error_ == simdjson::SUCCESS) error_ = code;
    return code == simdjson::SUCCESS;
  }

  // Calls read(key, value) for each member of `object`, in document order.
  template <typename Read>
  bool members(od::object object, int depth, Read read) {
    if (depth > kMaxJsonDepth) return ok(simdjson::DEPTH_ERROR);
    for (auto member : object) {
      od::field field;
      std::string_view key;
      if (!ok(std::move(member).get(field)) || !ok(field.unescaped_key().get(key)) ||
          !read(key, field.value()))
        return false;
    }
    return true;
  }

  template <typename Read>
  bool elements(od::value value, int depth, Read read) {
    if (depth > kMaxJsonDepth) return ok(simdjson::DEPTH_ERROR);
    od::array array;
    if (!ok(value.get_array().get(array))) return false;
    for (auto element : array) {
      od::value child;
      if (!ok(std::move(element).get(child)) || !read(child)) return false;
    }
    return true;
  }

  // A number's text as written, once it is known to be one.
  bool number(od::value value, std::string_view& out) {
    std::string_view token = value.raw_json_token();
    const char* at = token.data();
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                              token.back() == '\r'))
      token.remove_suffix(1);
    if (!is_json_number(token)) {
      error_at_ = at;
      return ok(simdjson::NUMBER_ERROR);
    }
    out = token;
    return true;
  }

  // Checks that `value` is JSON, down to its last nested value, and reads none of it.
  bool skip(od::value value, int depth) {
    od::json_type type;
    if (!ok(value.type().get(type))) return false;
    switch (type) {
      case od::json_type::object: {
        od::object object;
        return ok(value.get_object().get(object)) &&
               members(object, depth + 1,
                       [&](std::string_view, od::value child) { return skip(child, depth + 1); });
      }
      case od::json_type::array:
        return elements(value, depth + 1, [&](od::value child) { return skip(child, depth + 1); });
      case od::json_type::string: {
        std::string_view ignored;
        return ok(value.get_string().get(ignored));
      }
      case od::json_type::number: {
        std::string_view ignored;
        return number(value, ignored);
      }
      case od::json_type::boolean: {
        bool ignored;
        return ok(value.get_bool().get(ignored));
      }
      case od::json_type::null: {
        bool is_null = false;
        return ok(value.is_null().get(is_null)) && (is_null || ok(simdjson::N_ATOM_ERROR));
      }
    }
    return ok(simdjson::UNEXPECTED_ERROR);
  }

  // The text of a string or a number into `out` (unless a member of that name came first);
  // any other value is checked and leaves `out` alone.
  bool text(od::value value, std::optional<std::string>& out, int depth) {
    od::json_type type;
    if (!ok(value.type().get(type))) return false;
    std::string_view read;
    if (type == od::json_type::string) {
      if (!ok(value.get_string().get(read))) return false;
    } else if (type == od::json_type::number) {
      if (!number(value, read)) return false;
    } else {
      return skip(value, depth);
    }
    if (!out) out = std::string(read);
    return true;
  }

  // The name of an author object.
  bool author(od::value value, std::optional<std::string>& name, int depth) {
    od::json_type type;
    if (!ok(value.type().get(type))) return false;
    if (type != od::json_type::object) return skip(value, depth);
    od::object object;
    return ok(value.get_object().get(object)) &&
           members(object, depth + 1, [&](std::string_view key, od::value child) {
             return key == "name" ? text(child, name, depth + 1) : skip(child, depth + 1);
           });
  }

  // The name of the first author of an "authors" array.
  bool first_author_of(od::value value, std::optional<std::string>& name, int depth) {
    od::json_type type;
    if (!ok(value.type().get(type))) return false;
    if (type != od::json_type::array) return skip(value, depth);
    bool first = true;
    return elements(value, depth + 1, [&](od::value child) {
      bool good = first ? author(child, name, depth + 1) : skip(child, depth + 1);
      first = false;
      return good;
    });
  }

  bool items(od::value value, int depth) {
    od::json_type type;
    if (!ok(value.type().get(type))) return false;
    if (type != od::json_type::array) return skip(value, depth);
    return elements(value, depth + 1, [&](od::value child) {
      if (!ok(child.type().get(type))) return false;
      if (type != od::json_type::object) return skip(child, depth + 1);
      if (feed_.items.size() >= max_items_) {
        if (!capped_)
          feed_.warnings.push_back("more than " + std::to_string(max_items_) +
                                   " items; the rest are ignored");
        capped_ = true;
        return skip(child, depth + 1);
      }
      return item(child, depth + 1);
    });
  }

  bool item(od::value value, int depth) {
    ItemFields f;
    od::object object;
    bool good = ok(value.get_object().get(object)) &&
                members(object, depth + 1, [&](std::string_view key, od::value child) {
                  int d = depth + 1;
                  if (key == "id") return text(child, f.id, d);
                  if (key == "url") return text(child, f.url, d);
                  if (key == "title") return text(child, f.title, d);
                  if (key == "summary") return text(child, f.summary, d);
                  if (key == "content_html") return text(child, f.content_html, d);
                  if (key == "content_text") return text(child, f.content_text, d);
                  if (key == "date_published") return text(child, f.published, d);
                  if (key == "date_modified") return text(child, f.modified, d);
                  if (key == "author") return author(child, f.author, d);
                  if (key == "authors") return first_author_of(child, f.first_author, d);
                  if (key == "tags") return tags(child, f.tags, d);
                  return skip(child, d);
                });
    if (good) feed_.items.push_back(to_item(std::move(f)));
    return good;
  }

  bool tags(od::value value, std::vector<std::string>& out, int depth) {
    od::json_type type;
    if (!ok(value.type().get(type))) return false;
    if (type != od::json_type::array) return skip(value, depth);
    return elements(value, depth + 1, [&](od::value child) {
      if (!ok(child.type().get(type))) return false;
      if (type != od::json_type::string) return skip(child, depth + 1);
      std::string_view tag;
      if (!ok(child.get_string().get(tag))) return false;
      if (std::string one = clean_text(tag); !one.empty()) out.push_back(std::move(one));
      return true;
    });
  }

  std::optional<UnixSeconds> date(const std::optional<std::string>& text, const char* key) {
    if (!text) return std::nullopt;
    auto parsed = parse_date(*text);
    if (!parsed)
      feed_.warnings.push_back(std::string("unparseable date in ") + key + ": '" + excerpt(*text) +
                               "'");
    return parsed;
  }

  // The item as the contract has it, but for its link, which is resolved once the feed's
  // home page is known (it may come after the items), and a missing author, which the
  // feed's covers.
  Item to_item(ItemFields f) {
    Item item;
    // Absent means null: an empty id, author or tag is none.
    if (f.id) {
      if (std::string id = plain_text(*f.id); !id.empty()) item.guid = std::move(id);
    }
    item.title = clean_text(f.title.value_or(""));
    if (f.url && !plain_text(*f.url).empty()) item.link = plain_text(*f.url);
    item.published = date(f.published, "date_published");
    item.updated = date(f.modified, "date_modified");
    if (f.first_author) f.author = std::move(f.first_author);
    if (f.author) {
      if (std::string author = clean_text(*f.author); !author.empty())
        item.author = std::move(author);
    }
    item.summary = clean_text(f.summary.value_or(""));
    if (f.content_html) {
      item.content = html_to_text(*f.content_html);
    } else if (f.content_text) {
      item.content = clean_text(*f.content_text);
    }
    item.categories = std::move(f.tags);
    return item;
  }

  ParsedFeed& feed_;
  std::size_t max_items_;
  bool capped_ = false;
  simdjson::error_code error_ = simdjson::SUCCESS;
  const char* error_at_ = nullptr;
};

}  // namespace

Result<ParsedFeed> parse_json_feed(std::string_view bytes, const ParseOptions& options) {
  thread_local od::parser parser;  // reuses its buffers across documents
  simdjson::padded_string padded(bytes.data(), bytes.size());
  std::string_view text(padded.data(), padded.size());
  std::size_t lone_surrogates = replace_lone_surrogates(padded.data(), padded.size());
  // Where an error is: found by looking at the strings and brackets when simdjson's checks
  // of the whole document failed, else where its iterator stopped.
  auto invalid = [&](simdjson::error_code code, const char* at) {
    std::size_t offset = at ? static_cast<std::size_t>(at - text.data()) : text.size();
    if (auto flaw = find_json_flaw(text); flaw && flaw->offset <= offset) {
      code = flaw->code;
      offset = flaw->offset;
    }
    return fail("not a feed: invalid JSON at " + line_and_column(text, offset) + ": " +
                describe_json_error(code));
  };
  od::document document;
  if (auto code = parser.iterate(padded).get(document)) return invalid(code, nullptr);
  od::object root;
  if (auto code = document.get_object().get(root)) return invalid(code, nullptr);
  ParsedFeed feed;
  feed.format = FeedFormat::kJsonFeed;
  if (lone_surrogates > 0)
    feed.warnings.push_back(std::to_string(lone_surrogates) +
                            " lone surrogates (\\uD800-\\uDFFF without their other half) "
                            "replaced by U+FFFD");
  Reader reader(feed, options.max_items);
  std::optional<std::string> version, home_page_url, author;
  const char* at = nullptr;
  if (!reader.feed(root, version, home_page_url, author)) {
    if (!(at = reader.error_at()) && document.current_location().get(at) != simdjson::SUCCESS)
      at = nullptr;
    return invalid(reader.error(), at);
  }
  if (document.current_location().get(at) == simdjson::SUCCESS)
    return invalid(simdjson::TRAILING_CONTENT, at);  // a second value after the root object
  if (!version || version->find("jsonfeed.org/version/") == std::string::npos)
    return fail("not a feed: JSON without a JSON Feed version");
  if (home_page_url && !plain_text(*home_page_url).empty())
    feed.link = web_link(options.base_url, plain_text(*home_page_url), feed);
  std::string base = options.base_url.empty() ? feed.link.value_or("") : options.base_url;
  for (Item& item : feed.items) {
    if (item.link) item.link = web_link(base, *item.link, feed);
    if (!item.author && author) item.author = clean_text(*author);
  }
  return feed;
}

}  // namespace newswatch
