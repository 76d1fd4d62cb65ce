-- Schema version 2: where a feed is fetched from when it has moved. A permanent redirect
-- (301/308) changes the address newswatch polls while the feed keeps its identity (the URL
-- in the configuration), its state and its history.

ALTER TABLE feeds ADD COLUMN fetch_url TEXT;  -- NULL: fetched from url

DROP VIEW feeds_v;
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
