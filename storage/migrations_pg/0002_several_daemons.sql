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

-- Polling: a daemon claims the due feeds it will fetch, each with a lease until one interval
-- from the claim (so that a dead daemon's feeds return within one interval), cleared when it
-- saves the feed's state; and each host it fetches from, so that one daemon at a time talks
-- to a host, within its own per_host limit, until its round ends.
ALTER TABLE feeds ADD COLUMN lease_owner TEXT, ADD COLUMN lease_until BIGINT;
CREATE TABLE host_leases (
  host  TEXT PRIMARY KEY,              -- host:port, as libcurl counts connections
  owner TEXT NOT NULL,
  until BIGINT NOT NULL
);
