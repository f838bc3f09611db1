-- Readiness check-ins (issue 6), part two. One file for both engines.
--
-- 1. Tallies for the dashboard, kept by ReadinessRepository::submit in the
--    same transaction as the answer (src/store/readiness.cpp), so that the
--    dashboard reads a few dozen rows instead of every answer:
--
--    readiness_tallies  per round and kind, how many answers have `value`:
--                         kind 'stage'       value = the staging slug
--                         kind 'importance'  value = '0'..'10', '' skipped
--                         kind 'confidence'  value = '0'..'10', '' skipped
--                         kind 'unit'        value = the unit id, '' none
--                       The 'stage' tallies of a round add up to its answers.
--    readiness_moves    per pair of CONSECUTIVE rounds of an initiative
--                       (oldest first: created_at, then id descending), how
--                       many participants with a private code answered
--                       from_staging in the earlier and to_staging in the
--                       later one. A pair that stops being consecutive (a
--                       round created in between) loses its rows.
--
--    A row may hold n = 0 after a replaced answer. Tallies hold counts only:
--    nothing that identifies anyone, no keys, no days.
--
-- 2. The head count of each unit a round covers (how many were invited),
--    optional, for the response rate per unit.

CREATE TABLE readiness_tallies (
  round_id        TEXT NOT NULL REFERENCES readiness_rounds (id) ON DELETE CASCADE,
  kind            TEXT NOT NULL CHECK (kind IN ('stage', 'importance', 'confidence', 'unit')),
  value           TEXT NOT NULL,
  n               INTEGER NOT NULL CHECK (n >= 0),
  PRIMARY KEY (round_id, kind, value)
);

CREATE TABLE readiness_moves (
  from_round      TEXT NOT NULL REFERENCES readiness_rounds (id) ON DELETE CASCADE,
  to_round        TEXT NOT NULL REFERENCES readiness_rounds (id) ON DELETE CASCADE,
  from_staging    TEXT NOT NULL,
  to_staging      TEXT NOT NULL,
  n               INTEGER NOT NULL CHECK (n >= 0),
  PRIMARY KEY (from_round, to_round, from_staging, to_staging)
);

-- The answers given so far.
INSERT INTO readiness_tallies (round_id, kind, value, n)
  SELECT round_id, 'stage', staging, COUNT(*) FROM readiness_answers GROUP BY round_id, staging;

INSERT INTO readiness_tallies (round_id, kind, value, n)
  SELECT round_id, 'importance', COALESCE(CAST(importance AS TEXT), ''), COUNT(*)
  FROM readiness_answers GROUP BY round_id, COALESCE(CAST(importance AS TEXT), '');

INSERT INTO readiness_tallies (round_id, kind, value, n)
  SELECT round_id, 'confidence', COALESCE(CAST(confidence AS TEXT), ''), COUNT(*)
  FROM readiness_answers GROUP BY round_id, COALESCE(CAST(confidence AS TEXT), '');

INSERT INTO readiness_tallies (round_id, kind, value, n)
  SELECT round_id, 'unit', COALESCE(unit_id, ''), COUNT(*)
  FROM readiness_answers GROUP BY round_id, COALESCE(unit_id, '');

INSERT INTO readiness_moves (from_round, to_round, from_staging, to_staging, n)
  SELECT p.from_round, p.to_round, a.staging, b.staging, COUNT(*)
  FROM (SELECT LAG(id) OVER (PARTITION BY initiative_id ORDER BY created_at, id DESC) AS from_round,
               id AS to_round
        FROM readiness_rounds) p
  JOIN readiness_answers a ON a.round_id = p.from_round
  JOIN readiness_answers b ON b.round_id = p.to_round AND b.participant_key = a.participant_key
  WHERE p.from_round IS NOT NULL
  GROUP BY p.from_round, p.to_round, a.staging, b.staging;

-- Free texts are read for the dashboard only; most answers have none.
CREATE INDEX readiness_answers_reflection ON readiness_answers (round_id) WHERE reflection <> '';

ALTER TABLE readiness_round_units ADD COLUMN invited INTEGER CHECK (invited BETWEEN 0 AND 100000);
