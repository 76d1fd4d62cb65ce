-- Schema version 2: where a feed is fetched from when it has moved. A permanent redirect
-- (301/308) changes the address newswatch polls while the feed keeps its identity (the URL
-- in the configuration), its state and its history.

ALTER TABLE feeds ADD COLUMN fetch_url TEXT;  -- NULL: fetched from url
