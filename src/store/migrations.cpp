#include "store/migrations.hpp"

#include <soci/soci.h>
#include <algorithm>
#include <cctype>
#include <map>

#include "store/sql_time.hpp"

namespace samskap::store {

namespace migrations_data {
std::span<const EmbeddedFile> files();
}

std::span<const EmbeddedFile> embedded_migrations() {
  return migrations_data::files();
}

namespace {

constexpr long long kAdvisoryLockKey = 0x53414d534b4150;  // "SAMSKAP"

std::string first_line(std::string s) {
  auto nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  return s;
}

std::string now_iso(const Clock& clock) {
  return iso_utc(clock.now());
}

void ensure_table(soci::session& s) {
  s << "CREATE TABLE IF NOT EXISTS schema_migrations ("
       "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
}

std::vector<int> applied_versions(soci::session& s) {
  std::vector<int> out;
  soci::rowset<int> rows = (s.prepare << "SELECT version FROM schema_migrations ORDER BY version");
  for (int v : rows)
    out.push_back(v);
  return out;
}

void apply_one(soci::session& s, const Migration& m, const std::string& when) {
  for (const auto& stmt : split_sql(m.sql))
    s << stmt;
  s << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)",
      soci::use(m.version), soci::use(m.name), soci::use(when);
}

}  // namespace

Result<std::vector<Migration>> load_migrations(std::span<const EmbeddedFile> files, Engine engine) {
  std::map<int, Migration> generic, specific;
  const std::string mine = engine == Engine::sqlite ? "sqlite" : "postgresql";
  for (const auto& f : files) {
    std::string_view path = f.path;
    if (!path.ends_with(".sql")) continue;
    std::string_view stem = path.substr(0, path.size() - 4);
    std::string variant;
    auto dot = stem.rfind('.');
    if (dot != std::string_view::npos) {
      variant = std::string(stem.substr(dot + 1));
      stem = stem.substr(0, dot);
      if (variant != "sqlite" && variant != "postgresql")
        return Error::invalid("error.migration",
                              std::string(path) + ": unknown dialect '" + variant + "'");
    }
    std::size_t digits = 0;
    while (digits < stem.size() && std::isdigit(static_cast<unsigned char>(stem[digits])))
      ++digits;
    if (digits == 0 || digits > 6 || digits >= stem.size() || stem[digits] != '_')
      return Error::invalid(
          "error.migration",
          std::string(path) + ": a migration is named NNNN_name[.sqlite|.postgresql].sql");
    Migration m{std::stoi(std::string(stem.substr(0, digits))),
                std::string(stem.substr(digits + 1)), std::string(f.data)};
    if (!variant.empty() && variant != mine) continue;
    auto& target = variant.empty() ? generic : specific;
    if (!target.emplace(m.version, m).second)
      return Error::invalid("error.migration", std::string(path) + ": version " +
                                                   std::to_string(m.version) + " appears twice");
  }
  for (auto& [v, m] : specific)
    generic[v] = std::move(m);
  std::vector<Migration> out;
  for (auto& [v, m] : generic)
    out.push_back(std::move(m));
  return out;
}

std::vector<std::string> split_sql(std::string_view sql) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    auto b = cur.find_first_not_of(" \t\r\n");
    if (b != std::string::npos) {
      auto e = cur.find_last_not_of(" \t\r\n");
      out.push_back(cur.substr(b, e - b + 1));
    }
    cur.clear();
  };
  std::size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      auto nl = sql.find('\n', i);
      i = nl == std::string_view::npos ? sql.size() : nl + 1;
      cur += '\n';
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      auto end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
      cur += ' ';
    } else if (c == '\'' || c == '"') {
      auto end = i + 1;
      while (end < sql.size()) {
        if (sql[end] == c) {
          if (end + 1 < sql.size() && sql[end + 1] == c) {
            end += 2;  // doubled quote
            continue;
          }
          break;
        }
        ++end;
      }
      end = std::min(end + 1, sql.size());
      cur.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '$') {
      auto close = sql.find('$', i + 1);
      bool is_tag = close != std::string_view::npos;
      for (auto k = i + 1; is_tag && k < close; ++k)
        if (!std::isalnum(static_cast<unsigned char>(sql[k])) && sql[k] != '_') is_tag = false;
      if (!is_tag) {
        cur += c;
        ++i;
        continue;
      }
      std::string_view tag = sql.substr(i, close - i + 1);
      auto end = sql.find(tag, close + 1);
      end = end == std::string_view::npos ? sql.size() : end + tag.size();
      cur.append(sql.substr(i, end - i));
      i = end;
    } else if (c == ';') {
      flush();
      ++i;
    } else {
      cur += c;
      ++i;
    }
  }
  flush();
  return out;
}

Result<MigrationReport> migrate(Database& db, std::span<const Migration> migrations,
                                const Clock& clock) {
  MigrationReport report;
  int failed_version = 0;
  try {
    db.with_session([&](soci::session& s) {
      const std::string when = now_iso(clock);
      if (db.engine() == Engine::postgresql) {
        long long key = kAdvisoryLockKey;
        s << "SELECT pg_advisory_lock(:k)", soci::use(key);
        struct Unlock {
          soci::session& s;
          long long key;
          ~Unlock() {
            try {
              s << "SELECT pg_advisory_unlock(:k)", soci::use(key);
            } catch (...) {
              // the lock dies with the connection anyway
            }
          }
        } unlock{s, key};
        ensure_table(s);
        auto done = applied_versions(s);
        report.from_version = done.empty() ? 0 : done.back();
        for (const auto& m : migrations) {
          if (std::find(done.begin(), done.end(), m.version) != done.end()) continue;
          failed_version = m.version;
          soci::transaction tx(s);
          apply_one(s, m, when);
          tx.commit();
          report.applied.push_back(m.version);
        }
      } else {
        // IMMEDIATE takes the write lock up front: a second process waits
        // (busy timeout) and then sees the versions the first one applied.
        s << "BEGIN IMMEDIATE";
        try {
          ensure_table(s);
          auto done = applied_versions(s);
          report.from_version = done.empty() ? 0 : done.back();
          for (const auto& m : migrations) {
            if (std::find(done.begin(), done.end(), m.version) != done.end()) continue;
            failed_version = m.version;
            s << "SAVEPOINT migration";
            apply_one(s, m, when);
            s << "RELEASE SAVEPOINT migration";
            report.applied.push_back(m.version);
          }
          s << "COMMIT";
        } catch (...) {
          try {
            s << "ROLLBACK";
          } catch (...) {
          }
          report.applied.clear();
          throw;
        }
      }
    });
  } catch (const std::exception& e) {
    return Error{
        ErrorCode::unavailable, "error.migration",
        "migration " + std::to_string(failed_version) + " failed: " + first_line(e.what())};
  }
  auto v = schema_version(db);
  if (!v) return std::move(v).error();
  report.to_version = *v;
  return report;
}

Result<int> schema_version(Database& db) {
  try {
    int version = 0;
    db.with_session([&](soci::session& s) {
      ensure_table(s);
      soci::indicator ind = soci::i_ok;
      s << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
      if (ind != soci::i_ok) version = 0;
    });
    return version;
  } catch (const std::exception& e) {
    return Error{ErrorCode::unavailable, "error.database_unavailable", first_line(e.what())};
  }
}

}  // namespace samskap::store
