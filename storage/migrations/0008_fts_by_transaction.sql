-- Schema version 8: a relevant article goes into articles_fts with the others of its write
-- transaction, in one statement the writer runs before it commits (ArticleWriter), not by a
-- trigger per article. FTS5 writes what it holds in memory to a new segment of the index at
-- the end of every statement that changes it, so the trigger wrote one segment an article:
-- 870,000 instructions an article, 29% of a cold round's writing (bench/RESULTS.md). The
-- index holds the same rows; promotions and edits keep their triggers.
DROP TRIGGER articles_fts_insert;
