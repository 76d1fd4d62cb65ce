-- Schema version 5: alerts. Each [[alert]] hook announces a story once, ever: the firing is
-- recorded before the action runs, so a restart never repeats it and a crash never loses it
-- (a recorded alert not yet sent is sent on the next round).

CREATE TABLE alerts (
  hook            TEXT NOT NULL,     -- the [[alert]] name
  story_id        INTEGER NOT NULL,  -- follows its story through merges
  state           TEXT NOT NULL,     -- 'pending' until its action succeeds, then 'sent'
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  next_attempt_at INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER,
  PRIMARY KEY (hook, story_id)
) WITHOUT ROWID;
CREATE INDEX alerts_due ON alerts(next_attempt_at) WHERE state = 'pending';

-- When a feed first answered: items it published before never raise an alert.
ALTER TABLE feeds ADD COLUMN first_success_at INTEGER;
UPDATE feeds SET first_success_at = last_polled_at WHERE last_status BETWEEN 200 AND 399;
