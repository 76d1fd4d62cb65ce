-- Schema version 6: what a feed held when newswatch first read it is known by identity, not
-- by date. A sighting is news when it brought an item its feed had not shown before, after
-- that feed's first successful poll, whatever its pubDate says: publishers surface items
-- hours old (scheduled posts, aggregators, wire copy). Only news raises an alert.
ALTER TABLE sightings ADD COLUMN news INTEGER NOT NULL DEFAULT 0;

-- Version 5 took an item seen after its feed's first successful poll for news.
UPDATE sightings SET news = 1
 WHERE seen_at > (SELECT f.first_success_at FROM feeds f WHERE f.id = sightings.feed_id)
   AND NOT EXISTS (SELECT 1 FROM sightings earlier
                    WHERE earlier.feed_id = sightings.feed_id
                      AND earlier.item_key = sightings.item_key
                      AND earlier.id < sightings.id);
CREATE INDEX sightings_news ON sightings(article_id) WHERE news = 1;
