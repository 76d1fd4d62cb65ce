-- Schema version 4: one article however many addresses it is published under, one story per
-- event across outlets, every fetched copy kept, deletions remembered, full-text search.

-- Articles are rebuilt: an item no topic matched is recorded too (its story is NULL), so that
-- it is recognised when seen again and the copies of one article collapse whether it is
-- relevant or not; it is kept for retention_days.
CREATE TABLE articles_4 (
  id            INTEGER PRIMARY KEY,
  canonical_url TEXT NOT NULL UNIQUE,  -- its first key (see article_keys)
  url           TEXT,                  -- the link as first published, tracking removed
  title         TEXT NOT NULL,
  summary       TEXT NOT NULL,
  content       TEXT NOT NULL,
  author        TEXT,
  published     INTEGER,
  first_seen    INTEGER NOT NULL,
  last_seen     INTEGER NOT NULL,
  updated_at    INTEGER,               -- when its publisher last changed it
  feed_id       INTEGER NOT NULL REFERENCES feeds(id),  -- the feed that saw it first
  story_id      INTEGER REFERENCES stories(id),         -- NULL: no topic matched
  outlet        TEXT,                  -- who published it (not an aggregator)
  signature     TEXT                   -- what story clustering compares (JSON)
);
INSERT INTO articles_4 (id, canonical_url, url, title, summary, content, author, published,
                        first_seen, last_seen, feed_id, story_id)
SELECT id, canonical_url, canonical_url, title, summary, content, author, published,
       first_seen, last_seen, feed_id, story_id
  FROM articles;
DROP TABLE articles;
ALTER TABLE articles_4 RENAME TO articles;
CREATE INDEX articles_story ON articles(story_id) WHERE story_id IS NOT NULL;
CREATE INDEX articles_unmatched ON articles(last_seen) WHERE story_id IS NULL;

-- Every key an article is known by: its canonical URL, a GUID that is a permalink, and a
-- key of its text (for items without either). Version 3 keyed articles by the link as
-- published; those keys are kept, so nothing stored comes back as new.
CREATE TABLE article_keys (
  key        TEXT PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX article_keys_article ON article_keys(article_id);
INSERT INTO article_keys (key, article_id) SELECT canonical_url, id FROM articles;

-- Sightings no longer stop at one per item and feed: an item seen again with an edited
-- title or a new link is a new sighting of the same article.
CREATE TABLE sightings_4 (
  id         INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  feed_id    INTEGER NOT NULL REFERENCES feeds(id),
  item_key   TEXT NOT NULL,  -- the item's GUID, else its link, else its text key
  url        TEXT,
  guid       TEXT,
  title      TEXT NOT NULL,
  outlet     TEXT,
  seen_at    INTEGER NOT NULL
);
INSERT INTO sightings_4 (id, article_id, feed_id, item_key, url, guid, title, outlet, seen_at)
SELECT s.id, s.article_id, s.feed_id, s.item_key, s.url, s.guid, s.title,
       (SELECT coalesce(nullif(f.title, ''), f.url) FROM feeds f WHERE f.id = s.feed_id), s.seen_at
  FROM sightings s;
DROP TABLE sightings;
ALTER TABLE sightings_4 RENAME TO sightings;
CREATE INDEX sightings_item ON sightings(feed_id, item_key);
CREATE INDEX sightings_article ON sightings(article_id);
UPDATE articles SET outlet = (SELECT s.outlet FROM sightings s WHERE s.article_id = articles.id
                               ORDER BY s.id LIMIT 1);

-- What a user deleted, by every key it was known by: it never comes back.
CREATE TABLE tombstones (
  key        TEXT PRIMARY KEY,
  title      TEXT,
  deleted_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Deleting an article (newswatch forget, or DELETE FROM articles in sqlite3, with or without
-- PRAGMA foreign_keys) leaves its tombstones and takes its sightings, matches and keys, and
-- its story when it was the story's last article. Unmatched articles leave no tombstone:
-- they are what retention removes.
CREATE TRIGGER articles_forget BEFORE DELETE ON articles WHEN OLD.story_id IS NOT NULL BEGIN
  INSERT OR IGNORE INTO tombstones (key, title, deleted_at)
    SELECT key, OLD.title, CAST(strftime('%s', 'now') AS INTEGER)
      FROM article_keys WHERE article_id = OLD.id;
  INSERT OR IGNORE INTO tombstones (key, title, deleted_at)
    VALUES (OLD.canonical_url, OLD.title, CAST(strftime('%s', 'now') AS INTEGER));
END;
CREATE TRIGGER articles_forgotten AFTER DELETE ON articles BEGIN
  DELETE FROM sightings WHERE article_id = OLD.id;
  DELETE FROM matches WHERE article_id = OLD.id;
  DELETE FROM article_keys WHERE article_id = OLD.id;
  DELETE FROM stories WHERE id = OLD.story_id
    AND NOT EXISTS (SELECT 1 FROM articles WHERE story_id = OLD.story_id);
END;

-- Full-text search over the articles kept (those a topic matched), e.g.
--   SELECT rowid, title FROM articles_fts WHERE articles_fts MATCH 'hormuz AND tanker*'
CREATE VIRTUAL TABLE articles_fts USING fts5(
  title, summary, content, content = 'articles', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO articles_fts (rowid, title, summary, content)
  SELECT id, title, summary, content FROM articles WHERE story_id IS NOT NULL;
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles WHEN NEW.story_id IS NOT NULL BEGIN
  INSERT INTO articles_fts (rowid, title, summary, content)
    VALUES (NEW.id, NEW.title, NEW.summary, NEW.content);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles WHEN OLD.story_id IS NOT NULL BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, summary, content)
    VALUES ('delete', OLD.id, OLD.title, OLD.summary, OLD.content);
END;
CREATE TRIGGER articles_fts_promote AFTER UPDATE OF story_id ON articles
WHEN OLD.story_id IS NULL AND NEW.story_id IS NOT NULL BEGIN
  INSERT INTO articles_fts (rowid, title, summary, content)
    VALUES (NEW.id, NEW.title, NEW.summary, NEW.content);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, summary, content ON articles
WHEN OLD.story_id IS NOT NULL BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, summary, content)
    VALUES ('delete', OLD.id, OLD.title, OLD.summary, OLD.content);
  INSERT INTO articles_fts (rowid, title, summary, content)
    VALUES (NEW.id, NEW.title, NEW.summary, NEW.content);
END;
