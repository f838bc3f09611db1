-- Live co-creation workshops (issue 8). One file for both engines.
--
-- A workshop belongs to an initiative (every facilitator query goes through
-- the initiative) and is a list of activities run one at a time. The run
-- state lives on the workshop row; event_seq is the number of the last event
-- in workshop_events, incremented under the row's lock in the same
-- transaction as the change, so events commit in sequence order.
--
-- Answers are anonymous. Never add a column for a time of day, an IP
-- address, a user agent or an account to workshop_answers: the row holds the
-- submission day only. device_key is SHA-256 hex of (workshop id ":" the
-- phone's random token): it links one phone's answers within one workshop
-- (so a changed answer replaces the earlier one) and nothing else.
-- created_seq is the workshop's event number when the answer was first
-- given: a stable "oldest first" order that tells no time.

CREATE TABLE workshops (
  id              TEXT PRIMARY KEY,
  initiative_id   TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
  title           TEXT NOT NULL,
  join_code       TEXT NOT NULL,
  current_index   INTEGER NOT NULL CHECK (current_index >= -1),
  is_open         INTEGER NOT NULL CHECK (is_open IN (0, 1)),
  revealed        INTEGER NOT NULL CHECK (revealed IN (0, 1)),
  ended           INTEGER NOT NULL CHECK (ended IN (0, 1)),
  event_seq       BIGINT NOT NULL CHECK (event_seq >= 0),
  created_by      TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  version         INTEGER NOT NULL
);
CREATE INDEX workshops_initiative ON workshops (initiative_id, created_at);
CREATE INDEX workshops_code ON workshops (join_code);
CREATE UNIQUE INDEX workshops_live_code ON workshops (join_code) WHERE ended = 0;

CREATE TABLE workshop_activities (
  id              TEXT PRIMARY KEY,
  workshop_id     TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
  position        INTEGER NOT NULL CHECK (position >= 0),
  type            TEXT NOT NULL CHECK (type IN ('refleksjon', 'ordsky', 'skala', 'flervalg',
                                                'rangering', 'innsjekk', 'sortering')),
  prompt          TEXT NOT NULL,
  options         TEXT NOT NULL,           -- JSON array of strings
  multiple        INTEGER NOT NULL CHECK (multiple IN (0, 1)),
  scale_min_label TEXT NOT NULL,
  scale_max_label TEXT NOT NULL,
  source_id       TEXT NOT NULL            -- may be empty
);
CREATE INDEX workshop_activities_workshop ON workshop_activities (workshop_id, position);

CREATE TABLE workshop_answers (
  id              TEXT PRIMARY KEY,
  workshop_id     TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
  activity_id     TEXT NOT NULL REFERENCES workshop_activities (id) ON DELETE CASCADE,
  device_key      TEXT NOT NULL,
  answer          TEXT NOT NULL,           -- JSON object (workshop::AnswerInput)
  hidden          INTEGER NOT NULL CHECK (hidden IN (0, 1)),
  pinned          INTEGER NOT NULL CHECK (pinned IN (0, 1)),
  answered_on     TEXT NOT NULL,           -- ISO date (UTC day), no time
  created_seq     BIGINT NOT NULL
);
CREATE INDEX workshop_answers_activity ON workshop_answers (activity_id, created_seq);
CREATE INDEX workshop_answers_device ON workshop_answers (activity_id, device_key);
CREATE INDEX workshop_answers_workshop ON workshop_answers (workshop_id, created_seq);

CREATE TABLE workshop_events (
  workshop_id     TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
  seq             BIGINT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('state', 'answer', 'moderation')),
  activity_id     TEXT NOT NULL,           -- empty for a state event with no current activity
  PRIMARY KEY (workshop_id, seq)
);
