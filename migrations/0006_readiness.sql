-- Readiness check-ins (issue 6). One file for both engines.
--
-- A round belongs to an initiative (and through it to an organisation; every
-- facilitator query goes through the initiative) and covers some of that
-- organisation's units. Participants join with the round's short join code
-- (8 characters without look-alikes), unique among open rounds.
--
-- Answers are anonymous. Never add a column for a time of day, an IP
-- address, a user agent or an account to readiness_answers: the row holds
-- the submission day only. The two optional keys are SHA-256 hex digests
-- that only link rows (src/store/readiness.hpp):
--   participant_key  of (initiative id ":" private code), when the
--                    participant chose to keep a private code;
--   device_key       of (round id ":" the phone's random token), so a second
--                    submission from one phone replaces the first.

CREATE TABLE readiness_rounds (
  id              TEXT PRIMARY KEY,
  initiative_id   TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
  title           TEXT NOT NULL,
  join_code       TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  include_oric    INTEGER NOT NULL CHECK (include_oric IN (0, 1)),
  created_by      TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  closed_at       TEXT,
  version         INTEGER NOT NULL
);
CREATE INDEX readiness_rounds_initiative ON readiness_rounds (initiative_id, created_at);
CREATE INDEX readiness_rounds_code ON readiness_rounds (join_code);
CREATE UNIQUE INDEX readiness_rounds_open_code ON readiness_rounds (join_code) WHERE status = 'open';

CREATE TABLE readiness_round_units (
  round_id        TEXT NOT NULL REFERENCES readiness_rounds (id) ON DELETE CASCADE,
  unit_id         TEXT NOT NULL REFERENCES units (id) ON DELETE CASCADE,
  PRIMARY KEY (round_id, unit_id)
);

CREATE TABLE readiness_answers (
  id              TEXT PRIMARY KEY,
  round_id        TEXT NOT NULL REFERENCES readiness_rounds (id) ON DELETE CASCADE,
  unit_id         TEXT REFERENCES units (id) ON DELETE SET NULL,
  staging         TEXT NOT NULL CHECK (staging IN ('ingen-planer', 'innen-6-mnd', 'plan-innen-1-mnd',
                                                   'endrer-na', 'endret-over-6-mnd', 'falt-tilbake')),
  importance      INTEGER CHECK (importance BETWEEN 0 AND 10),
  confidence      INTEGER CHECK (confidence BETWEEN 0 AND 10),
  reflection      TEXT NOT NULL,           -- may be empty
  oric            TEXT NOT NULL CHECK (length(oric) = 12),  -- 12 digits 0..5, 0 = skipped
  participant_key TEXT,
  device_key      TEXT,
  answered_on     TEXT NOT NULL            -- ISO date (UTC day), no time
);
CREATE INDEX readiness_answers_round ON readiness_answers (round_id);
CREATE UNIQUE INDEX readiness_answers_participant ON readiness_answers (round_id, participant_key);
CREATE UNIQUE INDEX readiness_answers_device ON readiness_answers (round_id, device_key);
