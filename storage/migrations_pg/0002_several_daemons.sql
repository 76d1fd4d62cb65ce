-- PostgreSQL schema version 2: several daemons on one database (issue 22).
-- Story clustering by one daemon at a time, as SQLite's schema 11 (its comment says how).
CREATE TABLE cluster_queue (
  seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  article_id  BIGINT NOT NULL,
  new_article INTEGER NOT NULL
);
CREATE TABLE clustering (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  owner      TEXT,
  until      BIGINT,
  generation BIGINT NOT NULL DEFAULT 0
);
INSERT INTO clustering (id) VALUES (1);
