-- E-mail (issue 13): every message the application sends goes through this
-- queue. A request only inserts a row; a worker on some node claims it for a
-- while (claimed_by/claimed_until, so two nodes never send it at the same
-- time), sends it over SMTP and marks it sent, or puts it back with the next
-- attempt further away, or gives up (failed) with the last error, which the
-- organisation's users page shows. A sent message keeps its subject but not
-- its body (the body holds a one-time link). One file for both engines.

CREATE TABLE mail_queue (
  id              TEXT PRIMARY KEY,
  organisation_id TEXT,
  user_id         TEXT,
  kind            TEXT NOT NULL,
  to_address      TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  claimed_by      TEXT,
  claimed_until   TEXT,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT
);
CREATE INDEX mail_queue_due ON mail_queue (status, next_attempt_at);
CREATE INDEX mail_queue_recipient ON mail_queue (organisation_id, user_id);
