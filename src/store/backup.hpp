#pragma once
// Backup and restore of the embedded SQLite database (issue 13). PostgreSQL
// is backed up with its own tools, pg_dump and pg_restore (docs/deploy.md).

#include <string>

#include "core/error.hpp"

namespace samskap::store {

// Copies the SQLite database at `database_url` ("sqlite:PATH") to a new file
// `to` with SQLite's online backup API: a consistent snapshot, taken while a
// server runs and writes (WAL readers do not block writers). The copy is
// written beside `to` and renamed into place, so `to` is either whole or
// absent. Errors: invalid_input ("error.backup") for a PostgreSQL URL or an
// existing `to`; unavailable with the reason when a file cannot be read or
// written.
Status backup_sqlite(const std::string& database_url, const std::string& to);

// Replaces the SQLite database at `database_url` with the backup `from`.
// Refuses (conflict, "error.backup") while any process has the database open
// (a running `samskap serve` holds a shared lock on it; store::Database
// takes one on open). `from` must be a Samskap database: it passes SQLite's
// integrity check and has the schema_migrations table. Errors as above.
Status restore_sqlite(const std::string& from, const std::string& database_url);

// Takes a shared advisory lock (flock) on the SQLite file at `path`, held
// until the returned descriptor is closed; -1 when it cannot be opened.
int hold_shared_lock(const std::string& path);

}  // namespace samskap::store
