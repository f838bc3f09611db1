-- Which units (enheter) a user belongs to (issue 4). One file for both engines.
--
-- A leader (role 'leder') sees only the initiatives of their own units, the
-- organisation-wide ones (no unit) and those they lead; see
-- docs/permissions.md and detail::reach() in src/store/initiatives.cpp.
-- The organisation is on the row so every query names it, and the foreign key
-- ties user and organisation together as the other tables do; that the unit
-- belongs to the same organisation is checked by the application
-- (AccountRepository::set_user_units), since units has no (organisation_id,
-- id) key to refer to.

CREATE TABLE user_units (
  organisation_id TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  unit_id         TEXT NOT NULL REFERENCES units (id) ON DELETE CASCADE,
  created_at      TEXT NOT NULL,
  PRIMARY KEY (user_id, unit_id),
  FOREIGN KEY (organisation_id, user_id) REFERENCES users (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX user_units_unit ON user_units (unit_id);
CREATE INDEX user_units_org_user ON user_units (organisation_id, user_id);
