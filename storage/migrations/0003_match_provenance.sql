-- Schema version 3: why an article was kept, fully. Each match also records the concept of
-- the phrase (one id for a place or actor in every language, e.g. hormuz_strait for
-- "Strait of Hormuz" and "تنگه هرمز") and the rule that matched ("iran-us.toml:312"), and
-- matches_v reads them with the article's title.

ALTER TABLE matches ADD COLUMN concept TEXT;  -- NULL: a phrase written in the rule itself
ALTER TABLE matches ADD COLUMN rule TEXT;     -- file:line of the rule; NULL before version 3

CREATE INDEX matches_concept ON matches(concept) WHERE concept IS NOT NULL;
