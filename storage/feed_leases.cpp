#include "storage/feed_leases.h"

#include <nlohmann/json.hpp>
#include <unordered_set>

#include "storage/bind.h"
#include "storage/database_name.h"
#include "storage/pg_connection.h"
#include "storage/store.h"

namespace newswatch {
namespace {

// ?1 the holder, ?2 its lease, ?3 the hosts as a JSON array, ?4 now, ?5 how many at most
// (NULL: all): those no other daemon holds, in a random order, so that daemons claiming at
// once take different ones rather than queue on the same rows.
constexpr const char* kClaimHosts = R"sql(
    INSERT INTO host_leases (host, owner, until)
    SELECT free.host, ?1, CAST(?2 AS BIGINT) FROM (
      SELECT DISTINCT h.host FROM jsonb_array_elements_text(CAST(?3 AS jsonb)) AS h(host)
       WHERE h.host NOT IN (SELECT host FROM host_leases
                             WHERE owner <> ?1 AND until > CAST(?4 AS BIGINT))) free
     ORDER BY random() LIMIT CAST(?5 AS BIGINT)
    ON CONFLICT (host) DO UPDATE SET owner = excluded.owner, until = excluded.until
     WHERE host_leases.owner = excluded.owner OR host_leases.until <= CAST(?4 AS BIGINT))sql";

// ?1 the wanted feeds as JSON [{url, host, until}], ?2 the holder, ?3 now, ?4 1 to ignore
// the schedule.
std::string claim_feeds_sql() {
  return std::string(R"sql(
    WITH wanted AS (
      SELECT * FROM jsonb_to_recordset(CAST(?1 AS jsonb)) AS w(feed text, host text, lease bigint)),
    mine AS (
      SELECT f.id, w.lease FROM feeds f
        JOIN wanted w ON w.feed = f.url
        JOIN host_leases h ON h.host = w.host AND h.owner = ?2
       WHERE f.disabled = 0
         AND (?4 = 1 OR f.next_poll_at IS NULL OR f.next_poll_at <= CAST(?3 AS BIGINT))
         AND (f.lease_until IS NULL OR f.lease_until <= CAST(?3 AS BIGINT) OR f.lease_owner = ?2)
         FOR UPDATE OF f SKIP LOCKED)
    UPDATE feeds SET lease_owner = ?2, lease_until = mine.lease FROM mine
     WHERE feeds.id = mine.id RETURNING )sql") +
         kFeedStateColumns;
}

// When to ask again for each feed of ?1 (as above), for ?2 at ?3: a host another daemon
// holds is asked for again within a minute (its round is likely over by then).
std::string later_sql() {
  return std::string("SELECT ") + kFeedStateColumns + R"sql(, greatest(coalesce(f.next_poll_at, 0),
                           CASE WHEN f.lease_owner <> ?2 AND f.lease_until > CAST(?3 AS BIGINT)
                                THEN f.lease_until ELSE 0 END,
                           CASE WHEN h.owner <> ?2 THEN least(h.until, CAST(?3 AS BIGINT) + 60)
                                ELSE 0 END)
      FROM jsonb_to_recordset(CAST(?1 AS jsonb)) AS w(feed text, host text, lease bigint)
      JOIN feeds f ON f.url = w.feed
      LEFT JOIN host_leases h ON h.host = w.host)sql";
}

}  // namespace

FeedLeases::FeedLeases(std::unique_ptr<sql::Connection> db, std::string holder)
    : db_(std::move(db)), holder_(std::move(holder)) {}
FeedLeases::~FeedLeases() {
  // A daemon stopping hands back what it claimed and did not poll: another polls it now, not
  // a lease later.
  try {
    run(*db_->prepare(
            "UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?"),
        holder_);
  } catch (const sql::Error&) {
    // The connection is gone: the leases lapse instead.
  }
  (void)release_hosts();
}

Result<std::unique_ptr<FeedLeases>> FeedLeases::open(const std::string& database) {
  auto connection = PgConnection::open(database);
  if (!connection) return fail(redacted_database(database) + ": " + connection.error().message);
  return std::unique_ptr<FeedLeases>(new FeedLeases(std::move(*connection), new_lease_holder()));
}

Result<FeedLeases::Claim> FeedLeases::claim(const std::vector<Wanted>& wanted, UnixSeconds now,
                                            bool ignore_schedule, int max_hosts) {
  Claim claim;
  if (wanted.empty()) return claim;
  nlohmann::json feeds = nlohmann::json::array(), hosts = nlohmann::json::array();
  UnixSeconds host_until = now;
  for (const Wanted& feed : wanted) {
    feeds.push_back({{"feed", feed.url}, {"host", feed.host}, {"lease", feed.until}});
    hosts.push_back(feed.host);
    host_until = std::max(host_until, feed.until);
  }
  const std::string feeds_json = feeds.dump(), hosts_json = hosts.dump();
  try {
    // Not the store's write lock: claims of different daemons wait only for one another, on
    // the rows they both want.
    db_->execute("BEGIN");
    sql::Transaction transaction(*db_, sql::Transaction::Begun{});
    std::optional<std::int64_t> most;
    if (max_hosts > 0) most = max_hosts;
    run(*db_->prepare(kClaimHosts), holder_, host_until, hosts_json, now, most);
    auto feeds_claimed = db_->prepare(claim_feeds_sql());
    bind_all(*feeds_claimed, feeds_json, holder_, now, std::int64_t{ignore_schedule ? 1 : 0});
    std::unordered_set<std::string> taken;
    while (feeds_claimed->step()) {
      claim.claimed.push_back(stored_feed_state(*feeds_claimed));
      taken.insert(claim.claimed.back().url);
    }
    auto later = db_->prepare(later_sql());
    bind_all(*later, feeds_json, holder_, now);
    while (later->step()) {
      if (!taken.count(std::string(later->text(0))))
        claim.later.emplace_back(stored_feed_state(*later), later->int64(11));
    }
    transaction.commit();
    return claim;
  } catch (const sql::Error& e) {
    return fail(std::string("claiming feeds: ") + e.what());
  }
}

Result<void> FeedLeases::release_hosts() {
  try {
    run(*db_->prepare("DELETE FROM host_leases WHERE owner = ?"), holder_);
    return {};
  } catch (const sql::Error& e) {
    return fail(std::string("releasing hosts: ") + e.what());
  }
}

}  // namespace newswatch
