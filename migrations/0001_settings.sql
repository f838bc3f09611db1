-- Instance-wide settings (key/value), e.g. the instance id and the first-run setup state.
CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
