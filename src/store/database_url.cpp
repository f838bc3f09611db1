#include "store/database_url.hpp"

namespace samskap::store {

Result<DatabaseUrl> parse_database_url(std::string_view url) {
  auto bad = [](std::string detail) { return Error::invalid("error.database_url", std::move(detail)); };
  if (url.empty()) return bad("the database URL is empty");
  if (url.size() > 4096) return bad("the database URL is longer than 4096 characters");
  for (char c : url)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return bad("the database URL contains control characters");

  DatabaseUrl out;
  for (std::string_view prefix : {"sqlite://", "sqlite3://", "sqlite:", "sqlite3:"}) {
    if (url.starts_with(prefix)) {
      out.engine = Engine::sqlite;
      out.sqlite_path = std::string(url.substr(prefix.size()));
      if (out.sqlite_path.empty()) return bad("sqlite: needs a file path, e.g. sqlite:var/samskap.db");
      return out;
    }
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    out.engine = Engine::postgresql;
    out.postgres_dsn = std::string(url);
    return out;
  }
  return bad("unknown database URL '" + redact_database_url(url) +
             "': use sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE");
}

std::string redact_database_url(std::string_view url) {
  std::string s(url);
  auto scheme = s.find("://");
  if (scheme == std::string::npos) return s;
  auto at = s.find('@', scheme + 3);
  if (at == std::string::npos) return s;
  auto colon = s.find(':', scheme + 3);
  if (colon != std::string::npos && colon < at) s.replace(colon + 1, at - colon - 1, "***");
  // password=… as a query parameter
  auto pw = s.find("password=");
  if (pw != std::string::npos) {
    auto end = s.find('&', pw);
    s.replace(pw + 9, (end == std::string::npos ? s.size() : end) - pw - 9, "***");
  }
  return s;
}

}  // namespace samskap::store
