-- Schema version 9: the kept articles by when they were first seen, and each story's articles
-- by the same time, for `newswatch report` and the web page, which read a period's articles,
-- their matches and their stories. Without them each of those reads walked every kept article
-- and read its row (text and all) to test first_seen: 0.6 s for a day of a 30-day database of
-- 50,000 articles, 0.03 s with them (bench/RESULTS.md). The story index replaces
-- articles_story, whose lookups by story it serves as well.
CREATE INDEX articles_kept_seen ON articles(first_seen, story_id) WHERE story_id IS NOT NULL;
DROP INDEX articles_story;
CREATE INDEX articles_story ON articles(story_id, first_seen) WHERE story_id IS NOT NULL;
