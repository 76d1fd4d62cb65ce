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
