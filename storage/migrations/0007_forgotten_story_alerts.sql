-- Schema version 7: a story that `forget` empties takes its alerts with it. SQLite gives the
-- id of a deleted row back to the next story when it was the largest; the new story then
-- found its predecessor's alert recorded as sent and never fired. Stories merged keep their
-- alerts (merge_story moves them before the old story goes), and rematch keeps an announced
-- story even when it empties, so only this trigger deletes a story for good.
DROP TRIGGER articles_forgotten;
CREATE TRIGGER articles_forgotten AFTER DELETE ON articles BEGIN
  DELETE FROM sightings WHERE article_id = OLD.id;
  DELETE FROM matches WHERE article_id = OLD.id;
  DELETE FROM article_keys WHERE article_id = OLD.id;
  DELETE FROM alerts WHERE story_id = OLD.story_id
    AND NOT EXISTS (SELECT 1 FROM articles WHERE story_id = OLD.story_id);
  DELETE FROM stories WHERE id = OLD.story_id
    AND NOT EXISTS (SELECT 1 FROM articles WHERE story_id = OLD.story_id);
END;
