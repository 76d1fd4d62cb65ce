// score.py's figures in C++, computed the way score.py computes them (same keys, same
// layout), so that `newswatch eval` and `evaluate.py --mode e2e` can be compared line by line.
#include "daemon/eval_score.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace newswatch {
namespace {

using json = nlohmann::json;

// score.py's TOPICS, in its order.
const std::vector<std::string> kScoredTopics = {"hormuz",      "nuclear_talks", "irgc",
                                                "us_military", "mediation",     "sanctions",
                                                "strikes",     "protests_iran"};

long pairs(long n) { return n * (n - 1) / 2; }

double ratio(long part, long whole) {
  return whole ? static_cast<double>(part) / static_cast<double>(whole) : 1.0;
}

double f1_of(double precision, double recall) {
  return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
}

// score.py's prf(): precision, recall and F1 from counts.
json prf(long tp, long fp, long fn) {
  double precision = ratio(tp, tp + fp), recall = ratio(tp, tp + fn);
  return {{"precision", precision}, {"recall", recall}, {"f1", f1_of(precision, recall)}};
}

// score.py's pairwise(): the clustering `pred_key` against `gold_key`, over `ids`.
json pairwise(const std::vector<std::size_t>& ids, const std::vector<std::string>& gold_key,
              const std::vector<std::string>& pred_key) {
  std::map<std::string, long> gold, predicted, both;
  for (std::size_t i : ids) {
    ++gold[gold_key[i]];
    ++predicted[pred_key[i]];
    ++both[gold_key[i] + '\n' + pred_key[i]];  // JSON text holds no raw newline
  }
  auto sum_pairs = [](const std::map<std::string, long>& counts) {
    long total = 0;
    for (const auto& [key, n] : counts) total += pairs(n);
    return total;
  };
  long gp = sum_pairs(gold), pp = sum_pairs(predicted), tp = sum_pairs(both);
  double precision = ratio(tp, pp), recall = ratio(tp, gp);
  return {{"precision", precision}, {"recall", recall},      {"f1", f1_of(precision, recall)},
          {"gold_pairs", gp},       {"predicted_pairs", pp}, {"correct_pairs", tp}};
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// How a yes-or-no prediction fared over the items, as score.py counts it.
struct Confusion {
  long tp = 0, fp = 0, fn = 0, tn = 0;
  void add(bool gold, bool predicted) {
    if (gold && predicted) {
      ++tp;
    } else if (predicted) {
      ++fp;
    } else if (gold) {
      ++fn;
    } else {
      ++tn;
    }
  }
};

json relevance(const std::vector<LabeledItem>& items, const std::vector<Prediction>& predictions) {
  Confusion c;
  for (std::size_t i = 0; i < items.size(); ++i) c.add(items[i].relevant, predictions[i].relevant);
  json result = prf(c.tp, c.fp, c.fn);
  result["accuracy"] = ratio(c.tp + c.tn, static_cast<long>(items.size()));
  result.update({{"tp", c.tp}, {"fp", c.fp}, {"fn", c.fn}, {"tn", c.tn}});
  return result;
}

// "topics" and "topics_summary" of score.py.
std::pair<json, json> topic_scores(const std::vector<LabeledItem>& items,
                                   const std::vector<Prediction>& predictions,
                                   const std::vector<std::string>& topics) {
  json stats = json::object();
  long mtp = 0, mfp = 0, mfn = 0, supported = 0;
  double recall_sum = 0;
  for (const auto& topic : topics) {
    Confusion c;
    for (std::size_t i = 0; i < items.size(); ++i)
      c.add(contains(items[i].topics, topic), contains(predictions[i].topics, topic));
    long tp = c.tp, fp = c.fp, fn = c.fn;
    json s = prf(tp, fp, fn);
    s["support"] = tp + fn;
    s["predicted"] = tp + fp;
    if (tp + fn > 0) ++supported, recall_sum += s["recall"].get<double>();
    stats[topic] = std::move(s);
    mtp += tp, mfp += fp, mfn += fn;
  }
  json micro = prf(mtp, mfp, mfn);
  json summary = {{"micro_precision", micro["precision"]},
                  {"micro_recall", micro["recall"]},
                  {"micro_f1", micro["f1"]},
                  {"macro_recall", supported ? recall_sum / static_cast<double>(supported) : 1.0}};
  return {stats, summary};
}

// Groups of two or more items labeled as one article under variant URLs.
std::vector<std::vector<std::size_t>> same_article_groups(const std::vector<LabeledItem>& items) {
  std::map<std::string, std::vector<std::size_t>> by_url;
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].same_article) by_url[*items[i].same_article].push_back(i);
  std::vector<std::vector<std::size_t>> groups;
  for (auto& [url, members] : by_url)
    if (members.size() >= 2) groups.push_back(std::move(members));
  return groups;
}

// score.py's "same_article" and evaluate.py's "stored_article_collapse".
std::pair<json, json> collapse(const std::vector<LabeledItem>& items,
                               const std::vector<Prediction>& predictions,
                               const std::vector<std::string>& pred_key) {
  auto groups = same_article_groups(items);
  long collapsed = 0, stored_once = 0, all_pairs = 0, hit_pairs = 0;
  for (const auto& group : groups) {
    std::map<std::string, long> stories;
    for (std::size_t i : group) ++stories[pred_key[i]];
    collapsed += stories.size() == 1 ? 1 : 0;
    all_pairs += pairs(static_cast<long>(group.size()));
    for (const auto& [story, n] : stories) hit_pairs += pairs(n);
    const auto& first = predictions[group.front()].article_id;
    stored_once += first && std::all_of(group.begin(), group.end(), [&](std::size_t i) {
                     return predictions[i].article_id == first;
                   });
  }
  auto total = static_cast<long>(groups.size());
  json same = {{"groups", total},
               {"collapsed", collapsed},
               {"collapse_rate", ratio(collapsed, total)},
               {"pair_recall", ratio(hit_pairs, all_pairs)}};
  return {same, {{"groups", total}, {"collapsed", stored_once}}};
}

// bench/realnews/score.py's cross_language(): same-story pairs of relevant items in two
// languages found, and predicted pairs across languages that are right.
json cross_language(const std::vector<LabeledItem>& items,
                    const std::vector<Prediction>& predictions,
                    const std::vector<std::string>& gold_key) {
  std::vector<std::size_t> relevant;
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].relevant) relevant.push_back(i);
  long gold = 0, found = 0, predicted = 0;
  for (std::size_t x = 0; x < relevant.size(); ++x) {
    for (std::size_t y = x + 1; y < relevant.size(); ++y) {
      std::size_t a = relevant[x], b = relevant[y];
      if (items[a].lang == items[b].lang) continue;
      bool same_gold = gold_key[a] == gold_key[b];
      bool same_predicted =
          predictions[a].story_id && predictions[a].story_id == predictions[b].story_id;
      gold += same_gold;
      predicted += same_predicted;
      found += same_gold && same_predicted;
    }
  }
  return {{"gold_pairs", gold},
          {"found", found},
          {"recall", ratio(found, gold)},
          {"predicted_pairs", predicted},
          {"precision", ratio(found, predicted)}};
}

}  // namespace

std::vector<std::string> scored_topics(const std::vector<LabeledItem>& items) {
  std::vector<std::string> topics = kScoredTopics;
  for (const auto& item : items) {
    for (const auto& topic : item.topics)
      if (!contains(topics, topic)) topics.push_back(topic);
  }
  return topics;
}

json score_predictions(const std::string& gold, const std::vector<LabeledItem>& items,
                       const std::vector<Prediction>& predictions,
                       const std::vector<std::string>& topics) {
  std::vector<std::string> gold_key, pred_key;
  std::vector<std::size_t> all, relevant;
  for (std::size_t i = 0; i < items.size(); ++i) {
    gold_key.push_back(items[i].story_id.dump());
    const auto& story = predictions[i].story_id;
    // score.py's ("p", story) and ("u", item): an item with no story is a story of its own.
    std::string key = story ? "p" : "u";
    key += std::to_string(story ? *story : static_cast<std::int64_t>(i));
    pred_key.push_back(std::move(key));
    all.push_back(i);
    if (items[i].relevant) relevant.push_back(i);
  }
  auto [topic_stats, topics_summary] = topic_scores(items, predictions, topics);
  auto [same_article, stored] = collapse(items, predictions, pred_key);
  auto count = static_cast<long>(items.size());
  json result = {
      {"gold", gold},
      {"items", count},
      {"predicted", count},
      {"missing", 0},
      {"unknown_ids", 0},
      {"duplicate_ids", 0},
      {"relevance", relevance(items, predictions)},
      {"topics", std::move(topic_stats)},
      {"topics_summary", std::move(topics_summary)},
      {"story_clustering",
       {{"all_items", pairwise(all, gold_key, pred_key)},
        {"relevant_items", pairwise(relevant, gold_key, pred_key)}}},
      {"same_article", std::move(same_article)},
      {"stored_article_collapse", std::move(stored)},
  };
  bool languages = std::all_of(relevant.begin(), relevant.end(),
                               [&](std::size_t i) { return items[i].lang.has_value(); });
  if (languages) result["cross_language"] = cross_language(items, predictions, gold_key);
  return result;
}

void print_score(std::FILE* out, const json& score, const std::vector<std::string>& topics) {
  const json& rel = score["relevance"];
  std::fprintf(
      out, "gold %s: %ld items; predictions for %ld (missing 0, unknown ids 0, duplicate ids 0)\n",
      score["gold"].get<std::string>().c_str(), score["items"].get<long>(),
      score["predicted"].get<long>());
  std::fprintf(out, "\nRelevance\n");
  std::fprintf(
      out,
      "  precision %.4f  recall %.4f  F1 %.4f  accuracy %.4f   (tp %ld fp %ld fn %ld tn %ld)\n",
      rel["precision"].get<double>(), rel["recall"].get<double>(), rel["f1"].get<double>(),
      rel["accuracy"].get<double>(), rel["tp"].get<long>(), rel["fp"].get<long>(),
      rel["fn"].get<long>(), rel["tn"].get<long>());
  std::fprintf(out, "\nTopics (over all items)\n  %-14s%8s%9s%11s\n", "topic", "support", "recall",
               "precision");
  for (const auto& topic : topics) {
    const json& s = score["topics"][topic];
    std::fprintf(out, "  %-14s%8ld%9.4f%11.4f\n", topic.c_str(), s["support"].get<long>(),
                 s["recall"].get<double>(), s["precision"].get<double>());
  }
  const json& summary = score["topics_summary"];
  std::fprintf(out, "  micro P %.4f R %.4f F1 %.4f; macro recall %.4f\n",
               summary["micro_precision"].get<double>(), summary["micro_recall"].get<double>(),
               summary["micro_f1"].get<double>(), summary["macro_recall"].get<double>());
  std::fprintf(out, "\nStory clustering (pairwise: items with the same story_id)\n");
  for (auto [name, key] :
       {std::pair{"all items", "all_items"}, {"relevant items", "relevant_items"}}) {
    const json& c = score["story_clustering"][key];
    std::fprintf(out,
                 "  %-15s precision %.4f  recall %.4f  F1 %.4f   (gold pairs %ld, predicted %ld, "
                 "correct %ld)\n",
                 name, c["precision"].get<double>(), c["recall"].get<double>(),
                 c["f1"].get<double>(), c["gold_pairs"].get<long>(),
                 c["predicted_pairs"].get<long>(), c["correct_pairs"].get<long>());
  }
  const json& same = score["same_article"];
  std::fprintf(out,
               "\nSame article under variant URLs\n  collapse rate %.4f (%ld/%ld groups fully "
               "merged)  pair recall %.4f\n",
               same["collapse_rate"].get<double>(), same["collapsed"].get<long>(),
               same["groups"].get<long>(), same["pair_recall"].get<double>());
  const json& stored = score["stored_article_collapse"];
  std::fprintf(out, "\nStored articles: %ld/%ld same-article groups stored as one article\n",
               stored["collapsed"].get<long>(), stored["groups"].get<long>());
  if (score.contains("cross_language")) {
    const json& cross = score["cross_language"];
    std::fprintf(out,
                 "\nCross-language same-story pairs (relevant items): %ld of %ld found (recall "
                 "%.3f); %ld predicted, precision %.3f\n",
                 cross["found"].get<long>(), cross["gold_pairs"].get<long>(),
                 cross["recall"].get<double>(), cross["predicted_pairs"].get<long>(),
                 cross["precision"].get<double>());
  }
}

}  // namespace newswatch
