-- Schema version 10: the index of kept articles by first-seen time also holds what the report
-- and the web page show of each (its feed, time published, language, title, link and outlet),
-- so that reading a period's articles reads the index alone, not the rows with their 1-3 KB of
-- text. A month's report of a 30-day database of 50,000 articles read ~180 MB of pages for
-- 45,000 titles; the index is ~230 bytes an article. The language is the story signature's,
-- as an expression the report's query repeats word for word.
DROP INDEX articles_kept_seen;
CREATE INDEX articles_kept_seen ON articles(
  first_seen, story_id, feed_id, published,
  (CASE WHEN json_valid(signature) THEN json_extract(signature, '$.language') END),
  title, url, outlet) WHERE story_id IS NOT NULL;
