-- The views sqlite3 users, the README's queries and the scoring tools read: their names and
-- columns are a contract (every backend keeps them). This file holds them as they are now,
-- once; the migrations change tables only. On opening a database for writing, newswatch
-- recreates the views when what is stored differs from this file (after migrations, or after
-- an edit here), so a change to a view needs no migration. Times are Unix seconds in the
-- tables and ISO-8601 text (UTC) here.

CREATE VIEW items_v AS
SELECT a.id AS article_id,
       a.story_id,
       a.title,
       coalesce(a.url, a.canonical_url) AS url,
       strftime('%Y-%m-%dT%H:%M:%SZ', a.published, 'unixepoch') AS published,
       strftime('%Y-%m-%dT%H:%M:%SZ', a.first_seen, 'unixepoch') AS first_seen,
       coalesce(nullif(f.title, ''), f.url) AS feed,
       a.outlet,
       (SELECT group_concat(topic, ',')
          FROM (SELECT DISTINCT topic FROM matches m WHERE m.article_id = a.id ORDER BY topic))
         AS topics,
       a.summary
  FROM articles a
  JOIN feeds f ON f.id = a.feed_id
 WHERE a.story_id IS NOT NULL;  -- the articles kept; sightings_v shows every item seen

CREATE VIEW stories_v AS
SELECT s.id AS story_id,
       s.title,
       strftime('%Y-%m-%dT%H:%M:%SZ', s.first_seen, 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', s.last_seen, 'unixepoch') AS last_seen,
       (SELECT count(*) FROM articles a WHERE a.story_id = s.id) AS articles,
       (SELECT count(DISTINCT x.outlet) FROM sightings x JOIN articles a ON a.id = x.article_id
         WHERE a.story_id = s.id) AS outlets,
       (SELECT group_concat(topic, ',')
          FROM (SELECT DISTINCT m.topic FROM matches m JOIN articles a ON a.id = m.article_id
                 WHERE a.story_id = s.id ORDER BY m.topic)) AS topics
  FROM stories s;

CREATE VIEW sightings_v AS
SELECT s.url,
       s.guid,
       f.url AS feed_url,
       strftime('%Y-%m-%dT%H:%M:%SZ', s.seen_at, 'unixepoch') AS seen_at,
       s.article_id,
       a.story_id,
       s.title,
       s.outlet
  FROM sightings s
  JOIN articles a ON a.id = s.article_id
  JOIN feeds f ON f.id = s.feed_id;

CREATE VIEW matches_v AS
SELECT m.article_id,
       a.title,
       m.topic,
       m.field,
       m.term,
       m.concept,
       m.offset,
       m.rule
  FROM matches m
  JOIN articles a ON a.id = m.article_id;

CREATE VIEW feeds_v AS
SELECT id AS feed_id,
       url,
       title,
       last_status,
       last_error,
       error_count,
       strftime('%Y-%m-%dT%H:%M:%SZ', last_polled_at, 'unixepoch') AS last_polled_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', next_poll_at, 'unixepoch') AS next_poll_at,
       disabled,
       etag,
       last_modified,
       fetch_url
  FROM feeds;

CREATE VIEW alerts_v AS
SELECT a.hook,
       a.story_id,
       s.title,
       a.state,
       a.attempts,
       a.last_error,
       strftime('%Y-%m-%dT%H:%M:%SZ', a.created_at, 'unixepoch') AS created_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', a.sent_at, 'unixepoch') AS sent_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', a.next_attempt_at, 'unixepoch') AS next_attempt_at
  FROM alerts a
  LEFT JOIN stories s ON s.id = a.story_id;

CREATE VIEW tombstones_v AS
SELECT key, title, strftime('%Y-%m-%dT%H:%M:%SZ', deleted_at, 'unixepoch') AS deleted_at
  FROM tombstones;
