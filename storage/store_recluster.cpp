// Store's story clustering: the clusterer loaded from the stored articles' signatures, the
// merges it finds after a poll round written to the stories table (Store::recluster), and
// `newswatch recluster`, which signs stored articles again and clusters them anew
// (Store::recluster_stored).
#include <map>
#include <optional>
#include <stdexcept>
#include <tuple>

#include "storage/article_identity.h"
#include "storage/bind.h"
#include "storage/store.h"
#include "storage/story_table.h"

namespace newswatch {
namespace {

using Merges = std::vector<std::pair<std::int64_t, std::int64_t>>;

// When an article happened, in SQL over `articles a`: as published, else first seen.
const std::string kHappened = "coalesce(a.published, a.first_seen)";

// Merges as (from, into) in the order they were made, as (from, the story it ends in): each
// article is moved once, however many merges its story went through.
Merges final_merges(const Merges& merges) {
  std::map<std::int64_t, std::int64_t> into(merges.begin(), merges.end());
  Merges out;
  for (const auto& [from, next] : merges) {
    std::int64_t root = next;
    for (auto it = into.find(root); it != into.end(); it = into.find(root)) root = it->second;
    out.emplace_back(from, root);
  }
  return out;
}

// Signs again, as the current version does, the articles that happened since `context` and
// the `newest` articles (whose terms give the document frequencies).
void sign_again(sql::Connection& db, UnixSeconds context, std::int64_t newest,
                const std::function<MatchSet(const Item&)>& match) {
  auto stored = db.prepare(
      "SELECT a.id, a.title, a.summary, a.content, a.published, "
      "a.first_seen, coalesce(a.outlet, ''), coalesce(f.title, '') "
      "FROM articles a LEFT JOIN feeds f ON f.id = a.feed_id WHERE " +
      kHappened + " >= ? OR a.id IN (SELECT id FROM articles ORDER BY id DESC LIMIT ?)");
  bind_all(*stored, context, newest);
  auto update = db.prepare("UPDATE articles SET signature = ? WHERE id = ?");
  while (stored->step()) {
    Item item = stored_item(*stored, 1);
    auto first_seen = static_cast<UnixSeconds>(stored->int64(5));
    StorySignature signature =
        story_signature(item, match(item), article_time(item, first_seen),
                        {std::string(stored->text(6)), std::string(stored->text(7))});
    run(*update, signature.to_json(), stored->int64(0));
  }
}

// How many stories hold an article that happened since `since`.
int count_stories(sql::Connection& db, UnixSeconds since) {
  auto count =
      db.prepare("SELECT count(DISTINCT story_id) FROM articles a WHERE story_id IS NOT NULL AND " +
                 kHappened + " >= ?");
  return static_cast<int>(query_id(*count, since).value_or(0));
}

// Each relevant article that happened since `since` leaves its story for one of its own, but
// the story's oldest article, which keeps the story's id (and with it its alerts).
void split_stories(sql::Connection& db, StoryTable& stories, UnixSeconds since) {
  auto leaving = db.prepare(
      "SELECT a.id, a.title, a.first_seen, a.last_seen FROM articles a "
      "WHERE a.story_id IS NOT NULL AND " +
      kHappened +
      " >= ? AND a.id > (SELECT min(o.id) FROM articles o WHERE o.story_id = a.story_id)");
  bind_all(*leaving, since);
  auto move = db.prepare("UPDATE articles SET story_id = ? WHERE id = ?");
  std::vector<std::tuple<std::int64_t, std::string, std::int64_t, std::int64_t>> articles;
  while (leaving->step())
    articles.emplace_back(leaving->int64(0), leaving->text(1), leaving->int64(2),
                          leaving->int64(3));
  for (const auto& [id, title, first_seen, last_seen] : articles)
    run(*move, stories.create(title, first_seen, last_seen), id);
}

// The span of every story holding an article that happened since `since`, from its articles.
void respan_stories(sql::Connection& db, UnixSeconds since) {
  auto respan = db.prepare(
      "UPDATE stories SET first_seen = (SELECT min(first_seen) FROM articles WHERE story_id = "
      "stories.id), last_seen = (SELECT max(last_seen) FROM articles WHERE story_id = "
      "stories.id) WHERE id IN (SELECT story_id FROM articles a WHERE story_id IS NOT NULL "
      "AND " +
      kHappened + " >= ?)");
  run(*respan, since);
}

}  // namespace

void Store::new_clusterer() {
  clusterer_ = std::make_unique<StoryClusterer>(options_.story_threshold);
  // The terms' document frequencies, from the newest articles, relevant or not; those queued
  // new are counted when the queue is read.
  auto terms = sql_->prepare(
      "SELECT signature FROM articles WHERE signature IS NOT NULL AND id NOT IN "
      "(SELECT article_id FROM cluster_queue WHERE new_article = 1) ORDER BY id DESC LIMIT ?");
  bind_all(*terms, kTermArticles);
  while (terms->step()) {
    if (auto signature = StorySignature::from_json(std::string(terms->text(0))))
      clusterer_->terms().observe(*signature);
  }
}

void Store::load_clusterer() {
  new_clusterer();
  // Only articles recent enough for a new one to join their story: a week before the newest.
  auto recent = sql_->prepare(
      "SELECT id, story_id, signature FROM articles "
      "WHERE signature IS NOT NULL AND story_id IS NOT NULL AND "
      "coalesce(published, first_seen) >= "
      "(SELECT max(coalesce(published, first_seen)) FROM articles) - ? "
      "AND id NOT IN (SELECT article_id FROM cluster_queue)");
  bind_all(*recent, kClusterMemory);
  while (recent->step()) {
    // A signature of an earlier version is not read: `newswatch recluster` rewrites them.
    auto signature = StorySignature::from_json(std::string(recent->text(2)));
    if (signature) clusterer_->add(recent->int64(0), recent->int64(1), std::move(*signature));
  }
}

std::pair<std::vector<std::int64_t>, std::int64_t> Store::take_queue() {
  auto queue = sql_->prepare(
      "SELECT q.seq, q.article_id, q.new_article, a.story_id FROM cluster_queue q "
      "JOIN articles a ON a.id = q.article_id ORDER BY q.seq");
  auto signature_of = sql_->prepare("SELECT signature FROM articles WHERE id = ?");
  auto last = sql_->prepare("SELECT max(seq) FROM cluster_queue");
  std::vector<std::int64_t> relevant;
  std::int64_t through = query_id(*last).value_or(0);
  clusterer_->terms().add(queued_.terms);  // what this process wrote
  while (queue->step()) {
    if (queue->int64(0) > through) break;  // queued since `through` was read: the next time
    std::int64_t article = queue->int64(1);
    bool count_terms = queue->int64(2) == 1 && !queued_.counted.count(article);
    bool in_story = !queue->is_null(3);
    if (!count_terms && !in_story) continue;
    std::optional<StorySignature> signature;
    if (auto known = queued_.relevant.find(article); known != queued_.relevant.end())
      signature = std::move(known->second);
    bind_all(*signature_of, article);
    if (!signature && signature_of->step())
      signature = StorySignature::from_json(std::string(signature_of->text(0)));
    signature_of->reset();
    if (!signature) continue;
    if (count_terms) clusterer_->terms().observe(*signature);
    if (in_story) {
      clusterer_->add(article, queue->int64(3), std::move(*signature));
      relevant.push_back(article);
    }
  }
  queued_ = {};
  return {relevant, through};
}

void Store::merge_story(std::int64_t from, std::int64_t into) {
  clusterer_->merge(from, into);
  story_table().merge(from, into);
}

void Store::stories_changed() {
  sql_->execute("UPDATE clustering SET generation = generation + 1");
  generation_ = -1;  // this process's clusterer too is loaded again
}

int Store::merge_stories(const std::vector<std::int64_t>& articles,
                         const std::function<void()>& finally) {
  auto merges = final_merges(clusterer_->recluster(articles));
  // In transactions of a bounded size, so that the write-ahead log holds each: a first round
  // over many feeds merges thousands of stories. A transaction writes to the log at most
  // half its limit, estimated at the most a merge has written (a page until measured).
  constexpr std::size_t kMergesPerTransaction = 256;
  std::size_t done = 0;
  do {
    if (auto room = make_room_in_wal(); !room) throw std::runtime_error(room.error().message);
    std::uintmax_t wal_before = wal_size();
    sql::Transaction transaction(*sql_, true);
    std::size_t fit = std::max<std::size_t>(1, options_.wal_limit / 2 / log_per_merge_);
    std::size_t count = std::min({merges.size() - done, kMergesPerTransaction, fit});
    for (std::size_t end = done + count; done < end; ++done)
      merge_story(merges[done].first, merges[done].second);
    if (done == merges.size()) finally();
    transaction.commit();
    note_write(wal_before);
    if (count > 0) log_per_merge_ = std::max(log_per_merge_, last_write_ / count);
  } while (done < merges.size());
  clusterer_->forget_older_than(kClusterMemory);
  return static_cast<int>(merges.size());
}

Result<int> Store::recluster(UnixSeconds now) {
  try {
    // The lease: kept by its holder, taken when it lapsed. Its generation grows when it
    // changes hands, and whoever changes stories behind the holder's back grows it too.
    auto lease = sql_->prepare(
        "UPDATE clustering SET generation = CASE WHEN owner = ?1 THEN generation "
        "ELSE generation + 1 END, owner = ?1, until = ?3 "
        "WHERE id = 1 AND (owner IS NULL OR owner = ?1 OR until <= ?2 OR ?4 = 1) "
        "RETURNING generation");
    std::optional<std::int64_t> generation;
    {
      sql::Transaction transaction(*sql_, true);
      generation =
          query_id(*lease, owner_, now, now + kClusterLease, std::int64_t{alone() ? 1 : 0});
      transaction.commit();
    }
    holds_lease_ = generation.has_value();
    if (!generation) {  // another daemon clusters
      clusterer_.reset();
      queued_ = {};
      return 0;
    }
    if (!clusterer_ || *generation != generation_) {
      load_clusterer();
      generation_ = *generation;
    }
    auto queue = take_queue();
    const std::int64_t through = queue.second;
    auto dequeue = sql_->prepare("DELETE FROM cluster_queue WHERE seq <= ?");
    return merge_stories(queue.first, [&] { run(*dequeue, through); });
  } catch (const std::exception& e) {
    // The clusterer is read again from the database, and the queue with it, next time.
    clusterer_.reset();
    queued_ = {};
    return fail(std::string("clustering stories: ") + e.what());
  }
}

Result<Store::ReclusterStats> Store::recluster_stored(
    UnixSeconds since, const std::function<MatchSet(const Item&)>& match) {
  clusterer_.reset();
  queued_ = {};
  ReclusterStats stats;
  try {
    sql::Transaction transaction(*sql_, true);
    StoryTable& stories = story_table();
    UnixSeconds context = since > kClusterMemory ? since - kClusterMemory : 0;
    // Signatures of the articles reclustered, the week before them (what they may join) and
    // the newest (their terms' frequencies).
    sign_again(*sql_, context, kTermArticles, match);
    stats.stories_before = count_stories(*sql_, since);
    split_stories(*sql_, stories, since);
    new_clusterer();
    stats.articles = cluster_in_order(context, since);
    respan_stories(*sql_, since);
    stats.stories_after = count_stories(*sql_, since);
    stories_changed();
    transaction.commit();
    clusterer_.reset();
    return stats;
  } catch (const std::runtime_error& e) {
    clusterer_.reset();
    return fail(std::string("reclustering stories: ") + e.what());
  }
}

int Store::cluster_in_order(UnixSeconds context, UnixSeconds since) {
  // In the order they happened, a day at a time, as the daemon would have met them.
  auto relevant = sql_->prepare("SELECT a.id, a.story_id, a.signature, " + kHappened +
                                " AS t FROM articles a WHERE story_id IS NOT NULL "
                                "AND signature IS NOT NULL AND " +
                                kHappened + " >= ? ORDER BY t, id");
  bind_all(*relevant, context);
  constexpr UnixSeconds kDay = 24 * 3600;
  std::optional<UnixSeconds> day;
  std::vector<std::int64_t> reclustered;
  int articles = 0;
  auto cluster_day = [&] {
    for (const auto& [from, into] : final_merges(clusterer_->recluster(reclustered)))
      merge_story(from, into);
    reclustered.clear();
    clusterer_->forget_older_than(kClusterMemory);
  };
  while (relevant->step()) {
    auto time = static_cast<UnixSeconds>(relevant->int64(3));
    if (day && time / kDay != *day) cluster_day();
    day = time / kDay;
    auto signature = StorySignature::from_json(std::string(relevant->text(2)));
    if (!signature) continue;
    std::int64_t id = relevant->int64(0);
    clusterer_->add(id, relevant->int64(1), std::move(*signature));
    if (time >= since) {
      reclustered.push_back(id);
      ++articles;
    }
  }
  cluster_day();
  return articles;
}

}  // namespace newswatch
