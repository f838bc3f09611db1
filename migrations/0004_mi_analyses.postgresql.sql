-- Saved MI conversation analyses (issue 7). Private to their author: every
-- query names the organisation and the user. Saving is the user's explicit
-- choice; the user deletes them, and anonymising the user deletes them all.
--
-- The transcript is kept so the analysis can be shown again; the summary
-- figures are kept beside it for the trend over time. The two dialect files
-- differ only in the type of the ratio columns (REAL / DOUBLE PRECISION).
-- A NULL figure could not be computed (e.g. no questions: no ratio).

CREATE TABLE mi_analyses (
  id                     TEXT PRIMARY KEY,
  organisation_id        TEXT NOT NULL,
  user_id                TEXT NOT NULL,
  title                  TEXT NOT NULL,
  created_at             TEXT NOT NULL,
  language               TEXT NOT NULL CHECK (language IN ('nb', 'en')),
  language_choice        TEXT NOT NULL CHECK (language_choice IN ('auto', 'nb', 'en')),
  facilitator            TEXT NOT NULL,
  transcript             TEXT NOT NULL,
  utterances             INTEGER NOT NULL,
  reflection_to_question DOUBLE PRECISION,
  percent_complex        DOUBLE PRECISION,
  percent_open           DOUBLE PRECISION,
  adherent               INTEGER NOT NULL,
  non_adherent           INTEGER NOT NULL,
  change_talk            INTEGER NOT NULL,
  sustain_talk           INTEGER NOT NULL,
  FOREIGN KEY (organisation_id, user_id) REFERENCES users (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX mi_analyses_owner ON mi_analyses (organisation_id, user_id, created_at);
