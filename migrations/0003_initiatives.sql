-- Requests and change initiatives (issue 5). One file for both engines.
--
-- Ids are opaque random strings made by the application. Timestamps are ISO
-- 8601 UTC text; calendar dates (deadlines, activity days) are ISO dates
-- "2027-03-01". Slugs (status, types) are checked by the application's enums
-- (src/core/initiative.hpp) and by CHECK constraints here.
-- Rows that users edit side by side carry `version`, raised on every update:
-- an update names the version it started from and fails when it changed.
-- Child tables cascade from their initiative; the owning organisation is on
-- the initiative (and on requests), and every query goes through it.

CREATE TABLE requests (
  id              TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  requester_org   TEXT NOT NULL,          -- who asked: an organisation's name as typed
  contact         TEXT NOT NULL,          -- a name, phone or e-mail as typed (may be empty)
  body            TEXT NOT NULL,          -- what they asked
  received_on     TEXT NOT NULL,          -- ISO date
  tags            TEXT NOT NULL,          -- topic tags, comma-separated, folded
  status          TEXT NOT NULL CHECK (status IN ('open', 'triaged', 'closed')),
  answer_level    TEXT CHECK (answer_level IN ('1.0', '2.0', '3.0')),
  reason          TEXT NOT NULL,
  triaged_by      TEXT,
  triaged_at      TEXT,
  initiative_id   TEXT,                   -- set when a 3.0 answer created one
  created_by      TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  version         INTEGER NOT NULL
);
CREATE INDEX requests_org ON requests (organisation_id, received_on);

CREATE TABLE initiatives (
  id                   TEXT PRIMARY KEY,
  organisation_id      TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  unit_id              TEXT REFERENCES units (id) ON DELETE SET NULL,
  title                TEXT NOT NULL,
  status               TEXT NOT NULL
                       CHECK (status IN ('ide', 'forankring', 'gjennomforing', 'vedlikehold', 'avsluttet')),
  facilitator_user_id  TEXT,
  leader_user_id       TEXT,
  starts_on            TEXT,
  ends_on              TEXT,
  vision               TEXT NOT NULL,
  cynefin_answers      TEXT NOT NULL,     -- five of y/n/u in CynefinQuestion order, or empty
  cynefin_suggested    TEXT,              -- CynefinDomain slug
  cynefin_chosen       TEXT,              -- the facilitator's override, or NULL
  cynefin_note         TEXT NOT NULL,
  request_id           TEXT,
  created_by           TEXT NOT NULL,
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL,
  version              INTEGER NOT NULL
);
CREATE INDEX initiatives_org ON initiatives (organisation_id, status);

-- A facilitator of another organisation (a USHT) invited into one initiative.
CREATE TABLE initiative_collaborators (
  initiative_id   TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
  user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  invited_by      TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  PRIMARY KEY (initiative_id, user_id)
);
CREATE INDEX initiative_collaborators_user ON initiative_collaborators (user_id);

CREATE TABLE initiative_sdgs (
  initiative_id   TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
  goal            INTEGER NOT NULL CHECK (goal BETWEEN 1 AND 17),
  PRIMARY KEY (initiative_id, goal)
);

CREATE TABLE goals (
  id              TEXT PRIMARY KEY,
  initiative_id   TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
  statement       TEXT NOT NULL,
  indicator       TEXT NOT NULL,
  baseline        DOUBLE PRECISION,
  target          DOUBLE PRECISION,
  due_on          TEXT,
  owner           TEXT NOT NULL,
  position        INTEGER NOT NULL,
  created_at      TEXT NOT NULL,
  version         INTEGER NOT NULL
);
CREATE INDEX goals_initiative ON goals (initiative_id, position);

CREATE TABLE goal_progress (
  id              TEXT PRIMARY KEY,
  goal_id         TEXT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
  value           DOUBLE PRECISION NOT NULL,
  measured_on     TEXT NOT NULL,
  note            TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  created_at      TEXT NOT NULL
);
CREATE INDEX goal_progress_goal ON goal_progress (goal_id, measured_on);

-- One self-assessment of the seven anchoring items.
CREATE TABLE anchoring_assessments (
  id              TEXT PRIMARY KEY,
  initiative_id   TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
  assessed_on     TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  created_at      TEXT NOT NULL
);
CREATE INDEX anchoring_assessments_initiative ON anchoring_assessments (initiative_id, assessed_on);

CREATE TABLE anchoring_scores (
  assessment_id   TEXT NOT NULL REFERENCES anchoring_assessments (id) ON DELETE CASCADE,
  item            TEXT NOT NULL CHECK (item IN ('tydelig-visjon', 'smarte-mal', 'eierskap', 'ledelse',
                                                'medbestemmelse', 'tillit-respekt', 'maloppnaelse')),
  score           INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
  note            TEXT NOT NULL,
  PRIMARY KEY (assessment_id, item)
);

CREATE TABLE partners (
  id              TEXT PRIMARY KEY,
  initiative_id   TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
  type            TEXT NOT NULL CHECK (type IN ('ansatte', 'ledere', 'politikere', 'innbyggere',
                                                'brukerorganisasjoner', 'parorende', 'naeringsliv',
                                                'spesialisthelsetjeneste', 'utdanning-forskning',
                                                'frivillige', 'annet')),
  name            TEXT NOT NULL,
  role            TEXT NOT NULL,
  contact         TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  version         INTEGER NOT NULL
);
CREATE INDEX partners_initiative ON partners (initiative_id);

CREATE TABLE evidence (
  id              TEXT PRIMARY KEY,
  initiative_id   TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
  kind            TEXT NOT NULL CHECK (kind IN ('forskning', 'erfaring', 'brukerkunnskap')),
  source          TEXT NOT NULL,
  note            TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  version         INTEGER NOT NULL
);
CREATE INDEX evidence_initiative ON evidence (initiative_id);

CREATE TABLE activities (
  id              TEXT PRIMARY KEY,
  initiative_id   TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
  type            TEXT NOT NULL CHECK (type IN ('mote', 'verksted', 'opplaering', 'samtale', 'evaluering')),
  title           TEXT NOT NULL,
  starts_on       TEXT NOT NULL,
  ends_on         TEXT,
  responsible     TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('planlagt', 'pagar', 'fullfort', 'avlyst')),
  milestone       INTEGER NOT NULL CHECK (milestone IN (0, 1)),
  created_at      TEXT NOT NULL,
  version         INTEGER NOT NULL
);
CREATE INDEX activities_initiative ON activities (initiative_id, starts_on);
