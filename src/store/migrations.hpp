#pragma once
// Versioned SQL migrations, embedded from migrations/ at build time.
//
// File names: NNNN_name.sql for both engines, or NNNN_name.sqlite.sql and
// NNNN_name.postgresql.sql when the dialects differ. Versions are applied in
// order, each exactly once, and recorded in schema_migrations.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/embedded_file.hpp"
#include "core/error.hpp"
#include "store/database.hpp"

namespace samskap::store {

struct Migration {
  int version = 0;
  std::string name;
  std::string sql;
};

// The migrations for `engine`, ordered by version. Errors (invalid_input):
// a badly named file, or two files for the same version and engine.
Result<std::vector<Migration>> load_migrations(std::span<const EmbeddedFile> files, Engine engine);

// The migrations compiled into the binary.
std::span<const EmbeddedFile> embedded_migrations();

// Splits a script into statements at top-level semicolons, honouring
// '…' and "…" quotes, -- and /* */ comments, and PostgreSQL $tag$ bodies.
// Empty statements are dropped.
std::vector<std::string> split_sql(std::string_view script);

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  std::vector<int> applied;
};

// Applies every pending migration. Safe when several processes start at once:
// on PostgreSQL an advisory lock serialises them, on SQLite an IMMEDIATE
// transaction does. A failing migration is rolled back whole and reported
// (unavailable / internal with the version and the database's message); the
// versions before it stay applied. Blocking.
Result<MigrationReport> migrate(Database& db, std::span<const Migration> migrations,
                                const Clock& clock);

// The highest applied version, 0 for an empty database.
Result<int> schema_version(Database& db);

}  // namespace samskap::store
