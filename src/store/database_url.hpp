#pragma once
// Parsing of the --database setting. Pure; no I/O.

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace samskap::store {

enum class Engine { sqlite, postgresql };

struct DatabaseUrl {
  Engine engine = Engine::sqlite;
  std::string sqlite_path;   // engine == sqlite: the file (relative to the working directory)
  std::string postgres_dsn;  // engine == postgresql: the URL as given, passed to libpq
};

// Accepts "sqlite:PATH" (also "sqlite://PATH" and "sqlite3:PATH") and
// "postgresql://…" / "postgres://…" (libpq connection URIs). Errors
// (invalid_input, key "error.database_url"): empty, unknown scheme, empty
// path, control characters, or longer than 4 KiB.
Result<DatabaseUrl> parse_database_url(std::string_view url);

// Converts a postgresql:// URL to libpq's keyword/value form
// ("host='h' port='5432' dbname='d'"), which SOCI passes through unchanged
// (SOCI 4.0 mangles URIs). Percent-escapes are decoded; only libpq's common
// parameters are accepted in the query. invalid_input otherwise.
Result<std::string> postgres_keyword_conninfo(std::string_view url);

// The URL with any password replaced by "***", safe for logs and messages.
std::string redact_database_url(std::string_view url);

}  // namespace samskap::store
