-- Live workshops (issue 8): the event sequence number of an answer's last
-- change (given, replaced, hidden, shown, pinned or unpinned), so the live
-- fan-out reads only what changed since the last results it sent instead of
-- every answer of the activity again. One file for both engines.

ALTER TABLE workshop_answers ADD COLUMN changed_seq BIGINT NOT NULL DEFAULT 0;
UPDATE workshop_answers SET changed_seq = created_seq;
CREATE INDEX workshop_answers_changed ON workshop_answers (activity_id, changed_seq);
