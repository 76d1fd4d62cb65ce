-- The views of storage/views.sql on PostgreSQL: the same names and columns, so that the
-- README's queries work in psql as in sqlite3. Times are ISO-8601 text (UTC), as there.
-- Created again (CREATE OR REPLACE) whenever newswatch opens the database for writing.

CREATE OR REPLACE FUNCTION newswatch_time(seconds BIGINT) RETURNS TEXT
  LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT to_char(to_timestamp(seconds) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

CREATE OR REPLACE VIEW items_v AS
SELECT a.id AS article_id,
       a.story_id,
       a.title,
       coalesce(a.url, a.canonical_url) AS url,
       newswatch_time(a.published) AS published,
       newswatch_time(a.first_seen) AS first_seen,
       coalesce(nullif(f.title, ''), f.url) AS feed,
       a.outlet,
       (SELECT string_agg(DISTINCT topic, ',' ORDER BY topic)
          FROM matches m WHERE m.article_id = a.id) AS topics,
       a.summary
  FROM articles a
  JOIN feeds f ON f.id = a.feed_id
 WHERE a.story_id IS NOT NULL;  -- the articles kept; sightings_v shows every item seen

CREATE OR REPLACE VIEW stories_v AS
SELECT s.id AS story_id,
       s.title,
       newswatch_time(s.first_seen) AS first_seen,
       newswatch_time(s.last_seen) AS last_seen,
       (SELECT count(*) FROM articles a WHERE a.story_id = s.id) AS articles,
       (SELECT count(DISTINCT x.outlet) FROM sightings x JOIN articles a ON a.id = x.article_id
         WHERE a.story_id = s.id) AS outlets,
       (SELECT string_agg(DISTINCT m.topic, ',' ORDER BY m.topic)
          FROM matches m JOIN articles a ON a.id = m.article_id
         WHERE a.story_id = s.id) AS topics
  FROM stories s;

CREATE OR REPLACE VIEW sightings_v AS
SELECT s.url,
       s.guid,
       f.url AS feed_url,
       newswatch_time(s.seen_at) AS seen_at,
       s.article_id,
       a.story_id,
       s.title,
       s.outlet
  FROM sightings s
  JOIN articles a ON a.id = s.article_id
  JOIN feeds f ON f.id = s.feed_id;

CREATE OR REPLACE VIEW matches_v AS
SELECT m.article_id,
       a.title,
       m.topic,
       m.field,
       m.term,
       m.concept,
       m."offset",
       m.rule
  FROM matches m
  JOIN articles a ON a.id = m.article_id;

CREATE OR REPLACE VIEW feeds_v AS
SELECT id AS feed_id,
       url,
       title,
       last_status,
       last_error,
       error_count,
       newswatch_time(last_polled_at) AS last_polled_at,
       newswatch_time(next_poll_at) AS next_poll_at,
       disabled,
       etag,
       last_modified,
       fetch_url
  FROM feeds;

CREATE OR REPLACE VIEW alerts_v AS
SELECT a.hook,
       a.story_id,
       s.title,
       a.state,
       a.attempts,
       a.last_error,
       newswatch_time(a.created_at) AS created_at,
       newswatch_time(a.sent_at) AS sent_at,
       newswatch_time(a.next_attempt_at) AS next_attempt_at
  FROM alerts a
  LEFT JOIN stories s ON s.id = a.story_id;

CREATE OR REPLACE VIEW tombstones_v AS
SELECT key, title, newswatch_time(deleted_at) AS deleted_at
  FROM tombstones;
