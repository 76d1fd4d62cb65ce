-- Schema version 1: feeds and their polling state, articles (one per article URL), stories,
-- sightings (every fetched copy), matches (why an article was kept), and the views that
-- sqlite3 users and the scoring tools read. Times are Unix seconds (UTC); views render them
-- as ISO-8601 text.

CREATE TABLE feeds (
  id             INTEGER PRIMARY KEY,
  url            TEXT NOT NULL UNIQUE,
  title          TEXT,
  etag           TEXT,
  last_modified  TEXT,
  last_status    INTEGER,
  last_error     TEXT,
  error_count    INTEGER NOT NULL DEFAULT 0,
  last_polled_at INTEGER,
  next_poll_at   INTEGER,
  disabled       INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL
);

CREATE TABLE stories (
  id         INTEGER PRIMARY KEY,
  title      TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL
);

CREATE TABLE articles (
  id            INTEGER PRIMARY KEY,
  canonical_url TEXT NOT NULL UNIQUE,
  title         TEXT NOT NULL,
  summary       TEXT NOT NULL,
  content       TEXT NOT NULL,
  author        TEXT,
  published     INTEGER,
  first_seen    INTEGER NOT NULL,
  last_seen     INTEGER NOT NULL,
  feed_id       INTEGER NOT NULL REFERENCES feeds(id),  -- the feed that saw it first
  story_id      INTEGER NOT NULL REFERENCES stories(id)
);
CREATE INDEX articles_story ON articles(story_id);

CREATE TABLE sightings (
  id         INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  feed_id    INTEGER NOT NULL REFERENCES feeds(id),
  item_key   TEXT NOT NULL,  -- the item's GUID, else its link: what makes it "seen" in a feed
  url        TEXT,
  guid       TEXT,
  title      TEXT NOT NULL,
  seen_at    INTEGER NOT NULL,
  UNIQUE (feed_id, item_key)
);
CREATE INDEX sightings_article ON sightings(article_id);

CREATE TABLE matches (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  topic      TEXT NOT NULL,
  field      TEXT NOT NULL,
  term       TEXT NOT NULL,
  offset     INTEGER NOT NULL,  -- byte offset of the term in the folded field text
  PRIMARY KEY (article_id, topic, field, term)
);

CREATE VIEW items_v AS
SELECT a.id AS article_id,
       a.story_id,
       a.title,
       a.canonical_url AS url,
       strftime('%Y-%m-%dT%H:%M:%SZ', a.published, 'unixepoch') AS published,
       strftime('%Y-%m-%dT%H:%M:%SZ', a.first_seen, 'unixepoch') AS first_seen,
       coalesce(nullif(f.title, ''), f.url) AS feed,
       (SELECT group_concat(topic, ',')
          FROM (SELECT DISTINCT topic FROM matches m WHERE m.article_id = a.id ORDER BY topic))
         AS topics,
       a.summary
  FROM articles a
  JOIN feeds f ON f.id = a.feed_id;

CREATE VIEW sightings_v AS
SELECT s.url,
       s.guid,
       f.url AS feed_url,
       strftime('%Y-%m-%dT%H:%M:%SZ', s.seen_at, 'unixepoch') AS seen_at,
       s.article_id,
       a.story_id,
       s.title
  FROM sightings s
  JOIN articles a ON a.id = s.article_id
  JOIN feeds f ON f.id = s.feed_id;

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
       last_modified
  FROM feeds;
