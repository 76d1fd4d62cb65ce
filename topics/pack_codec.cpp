// A table of the distinct strings, then the pack: integers as LEB128, strings as their index
// in the table, vectors prefixed with their length, doubles by their bits. The bytes are
// the same whatever machine writes them.
#include "topics/pack_codec.h"

#include <bit>
#include <cstdint>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace newswatch {
namespace {

class Writer {
 public:
  void u64(std::uint64_t value) {
    // LEB128: seven bits a byte, low first, the high bit set on all but the last.
    do {
      auto low = static_cast<unsigned char>(value & 0x7F);
      value >>= 7;
      out_ += static_cast<char>(value ? low | 0x80 : low);
    } while (value);
  }
  // Strings by their index in a table written once: a concept's terms are copied into
  // every rule that names the concept, and each phrase repeats its text folded.
  void string(const std::string& text) {
    auto [at, added] = ids_.try_emplace(text, table_.size());
    if (added) table_.push_back(&at->first);
    u64(at->second);
  }
  void phrases(const std::vector<Phrase>& list) {
    u64(list.size());
    for (const Phrase& p : list) {
      string(p.text);
      string(p.folded);
      u64(p.prefix ? 1 : 0);
      string(p.concept_id);
    }
  }
  void groups(const std::vector<std::vector<Phrase>>& list) {
    u64(list.size());
    for (const auto& group : list) phrases(group);
  }
  void fields(const std::vector<ItemField>& list) {
    u64(list.size());
    for (ItemField field : list) u64(static_cast<std::uint64_t>(field));
  }
  void rule(const Rule& r) {
    phrases(r.any);
    groups(r.all);
    groups(r.near);
    u64(static_cast<std::uint64_t>(r.within));
    phrases(r.none);
    fields(r.fields);
    fields(r.none_fields);
    u64(std::bit_cast<std::uint64_t>(r.weight));
    string(r.origin);
  }
  // The string table, then what was written.
  std::string take() {
    std::string body = std::move(out_);
    out_.clear();
    u64(table_.size());
    for (const std::string* text : table_) {
      u64(text->size());
      out_ += *text;
    }
    return out_ + body;
  }

 private:
  std::string out_;
  std::unordered_map<std::string, std::uint64_t> ids_;
  std::vector<const std::string*> table_;  // keys of ids_, by index
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : in_(bytes) {
    table_.resize(size());
    for (std::string& text : table_) {
      std::size_t n = size();
      text.assign(in_.substr(0, n));
      in_.remove_prefix(n);
    }
  }
  std::uint64_t u64() {
    std::uint64_t value = 0;
    for (int shift = 0;; shift += 7) {
      if (in_.empty() || shift > 63) throw std::runtime_error("topic pack bytes cut short");
      auto byte = static_cast<unsigned char>(in_.front());
      in_.remove_prefix(1);
      value |= std::uint64_t{byte & 0x7Fu} << shift;
      if (!(byte & 0x80)) return value;
    }
  }
  // A count or a length: never more than the bytes left.
  std::size_t size() {
    std::uint64_t n = u64();
    if (n > in_.size()) throw std::runtime_error("topic pack bytes cut short");
    return static_cast<std::size_t>(n);
  }
  std::string string() {
    std::uint64_t id = u64();
    if (id >= table_.size()) throw std::runtime_error("topic pack bytes name no string");
    return table_[id];
  }
  std::vector<Phrase> phrases() {
    std::vector<Phrase> list(size());
    for (Phrase& p : list) {
      p.text = string();
      p.folded = string();
      p.prefix = u64() != 0;
      p.concept_id = string();
    }
    return list;
  }
  std::vector<std::vector<Phrase>> groups() {
    std::vector<std::vector<Phrase>> list(size());
    for (auto& group : list) group = phrases();
    return list;
  }
  std::vector<ItemField> fields() {
    std::vector<ItemField> list(size());
    for (ItemField& field : list) field = static_cast<ItemField>(u64());
    return list;
  }
  Rule rule() {
    Rule r;
    r.any = phrases();
    r.all = groups();
    r.near = groups();
    r.within = static_cast<int>(u64());
    r.none = phrases();
    r.fields = fields();
    r.none_fields = fields();
    r.weight = std::bit_cast<double>(u64());
    r.origin = string();
    return r;
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
  std::vector<std::string> table_;
};

}  // namespace

std::string encode_pack(const TopicPack& pack) {
  Writer out;
  out.string(pack.name);
  out.u64(pack.concepts.size());
  for (const Concept& c : pack.concepts) {
    out.string(c.id);
    out.phrases(c.terms);
  }
  out.u64(pack.topics.size());
  for (const Topic& topic : pack.topics) {
    out.string(topic.name);
    out.string(topic.description);
    out.u64(topic.rules.size());
    for (const Rule& rule : topic.rules) out.rule(rule);
    out.u64(topic.pack);
  }
  out.u64(pack.thresholds.size());
  for (double threshold : pack.thresholds) out.u64(std::bit_cast<std::uint64_t>(threshold));
  return out.take();
}

TopicPack decode_pack(std::string_view bytes) {
  Reader in(bytes);
  TopicPack pack;
  pack.name = in.string();
  pack.concepts.resize(in.size());
  for (Concept& c : pack.concepts) {
    c.id = in.string();
    c.terms = in.phrases();
  }
  pack.topics.resize(in.size());
  for (Topic& topic : pack.topics) {
    topic.name = in.string();
    topic.description = in.string();
    topic.rules.resize(in.size());
    for (Rule& rule : topic.rules) rule = in.rule();
    topic.pack = static_cast<std::size_t>(in.u64());
  }
  pack.thresholds.resize(in.size());
  for (double& threshold : pack.thresholds) threshold = std::bit_cast<double>(in.u64());
  if (!in.done()) throw std::runtime_error("topic pack bytes run on past the pack");
  return pack;
}

}  // namespace newswatch
