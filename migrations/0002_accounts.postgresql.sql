-- Accounts (issue 4): organisations, units, users, sessions, one-time links,
-- API tokens, login throttling and the audit log.
--
-- The two dialect files are identical except for the audit log's id column.
-- Ids are opaque random strings made by the application, except audit_log.id,
-- which only orders entries. Timestamps are ISO 8601 UTC text.
-- name_key columns hold the case-folded name (computed by the application with
-- samskap::fold_case, so that "Ålesund" and "ÅLESUND" collide on both engines;
-- SQLite's lower() folds ASCII only).

CREATE TABLE organisations (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  name_key   TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('usht', 'kommune')),
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX organisations_name_key ON organisations (name_key);

CREATE TABLE units (
  id              TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  name_key        TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  UNIQUE (organisation_id, name_key)
);

CREATE TABLE users (
  id              TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  email           TEXT NOT NULL UNIQUE,
  display_name    TEXT NOT NULL,
  role            TEXT NOT NULL
                  CHECK (role IN ('administrator', 'prosessveileder', 'leder', 'deltaker')),
  status          TEXT NOT NULL CHECK (status IN ('invited', 'active', 'disabled', 'anonymised')),
  password_hash   TEXT,
  created_at      TEXT NOT NULL,
  -- lets the tables below tie a user and an organisation together
  UNIQUE (organisation_id, id)
);

CREATE TABLE sessions (
  id_hash         TEXT PRIMARY KEY,
  user_id         TEXT NOT NULL,
  organisation_id TEXT NOT NULL,
  csrf_token      TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  last_seen_at    TEXT NOT NULL,
  FOREIGN KEY (organisation_id, user_id) REFERENCES users (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE one_time_tokens (
  token_hash      TEXT PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('setup', 'invitation', 'password_reset')),
  organisation_id TEXT REFERENCES organisations (id) ON DELETE CASCADE,
  user_id         TEXT,
  created_at      TEXT NOT NULL,
  expires_at      TEXT NOT NULL,
  used_at         TEXT,
  FOREIGN KEY (organisation_id, user_id) REFERENCES users (organisation_id, id) ON DELETE CASCADE,
  CHECK ((user_id IS NULL) OR (organisation_id IS NOT NULL))
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id);

CREATE TABLE api_tokens (
  id              TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  name            TEXT NOT NULL,
  token_hash      TEXT NOT NULL UNIQUE,
  created_at      TEXT NOT NULL,
  revoked_at      TEXT,
  FOREIGN KEY (organisation_id, user_id) REFERENCES users (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX api_tokens_user ON api_tokens (organisation_id, user_id);

-- Keys are "account:<e-mail>" or "address:<client address>": not tied to a
-- user row on purpose (unknown accounts are throttled too).
CREATE TABLE login_throttle (
  key             TEXT PRIMARY KEY,
  failures        INTEGER NOT NULL CHECK (failures >= 0),
  last_failure_at TEXT NOT NULL
);

-- Append-only history. actor_user_id and object_id have no foreign keys on
-- purpose: the history outlives the rows it talks about.
CREATE TABLE audit_log (
  id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  actor_user_id   TEXT,
  action          TEXT NOT NULL,
  object_type     TEXT NOT NULL,
  object_id       TEXT NOT NULL,
  detail          TEXT NOT NULL,
  at              TEXT NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (organisation_id, id);
CREATE INDEX audit_log_actor ON audit_log (organisation_id, actor_user_id);
CREATE INDEX audit_log_object ON audit_log (organisation_id, object_type, object_id);
