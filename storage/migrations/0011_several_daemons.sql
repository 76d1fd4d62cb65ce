-- Schema 11: story clustering by one daemon at a time, and feed leases (issue 22, several daemons on one
-- PostgreSQL; the same on SQLite, where the daemon is alone). The writer queues every article
-- it inserts, or that gains its first topic, in cluster_queue; the daemon that holds the
-- clustering lease reads the queue in order, counts the new articles' terms, clusters the
-- relevant ones with what it holds, writes the merges and empties the queue. Only it merges,
-- so what it holds in memory stays true; `generation` grows whenever another process took
-- the lease or changed stories behind it (rematch, recluster), and the holder then reloads.
-- A crash between writing articles and clustering them leaves them queued, not unclustered.
CREATE TABLE cluster_queue (
  seq         INTEGER PRIMARY KEY,   -- the order they were written in
  article_id  INTEGER NOT NULL,      -- no foreign key: a forgotten one is skipped, then dropped
  new_article INTEGER NOT NULL       -- 1: inserted (its terms not yet counted); 0: gained a topic
);
CREATE TABLE clustering (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  owner      TEXT,                   -- the process that clusters: host:pid:start
  until      INTEGER,                -- its lease, renewed at each round's end
  generation INTEGER NOT NULL DEFAULT 0
);
INSERT INTO clustering (id) VALUES (1);
-- A feed's lease: which daemon is polling it, until when (PostgreSQL's daemons claim due feeds
-- with it; a SQLite database has one daemon, and saving a feed's state only clears it).
ALTER TABLE feeds ADD COLUMN lease_owner TEXT;
ALTER TABLE feeds ADD COLUMN lease_until INTEGER;
