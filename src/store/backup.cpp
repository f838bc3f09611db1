#include "store/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "store/database_url.hpp"

namespace samskap::store {

namespace {

Error backup_error(std::string detail) {
  return Error::invalid("error.backup", std::move(detail));
}
Error io_error(std::string detail) {
  return Error{ErrorCode::unavailable, "error.backup", std::move(detail)};
}

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Handle = std::unique_ptr<sqlite3, Closer>;

Result<Handle> open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Handle h(raw);
  if (rc != SQLITE_OK)
    return io_error("cannot open '" + path + "': " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
  sqlite3_busy_timeout(raw, 10000);
  return h;
}

// Copies all of `src` into `dst` in one step (one consistent snapshot).
Status copy(sqlite3* src, sqlite3* dst, const std::string& what) {
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  if (!b) return io_error(what + ": " + sqlite3_errmsg(dst));
  int rc;
  do {
    rc = sqlite3_backup_step(b, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return io_error(what + ": " + sqlite3_errstr(rc));
  return ok_status();
}

Result<std::string> sqlite_path(const std::string& url) {
  auto parsed = parse_database_url(url);
  if (!parsed) return std::move(parsed).error();
  if (parsed->engine != Engine::sqlite)
    return backup_error(
        "backup and restore work on the SQLite database; for PostgreSQL use pg_dump and "
        "pg_restore (docs/deploy.md)");
  return parsed->sqlite_path;
}

std::string single_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    auto* t = sqlite3_column_text(st, 0);
    if (t) out = reinterpret_cast<const char*>(t);
  }
  sqlite3_finalize(st);
  return out;
}

}  // namespace

int hold_shared_lock(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

Status backup_sqlite(const std::string& database_url, const std::string& to) {
  auto path = sqlite_path(database_url);
  if (!path) return std::move(path).error();
  std::error_code ec;
  if (!std::filesystem::exists(*path, ec))
    return io_error("there is no database at '" + *path + "'");
  if (std::filesystem::exists(to, ec))
    return backup_error("'" + to + "' exists already; choose a new file name");
  auto src = open(*path, SQLITE_OPEN_READONLY);
  if (!src) return std::move(src).error();
  const std::string tmp = to + ".partial";
  std::filesystem::remove(tmp, ec);
  {
    auto dst = open(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!dst) return std::move(dst).error();
    auto st = copy(src->get(), dst->get(), "backup to '" + to + "'");
    if (!st.ok()) {
      dst->reset();
      std::filesystem::remove(tmp, ec);
      return st;
    }
    // The copy is a plain rollback-journal file: one file to keep.
    sqlite3_exec(dst->get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
  }
  std::filesystem::rename(tmp, to, ec);
  if (ec) return io_error("cannot move the backup into '" + to + "': " + ec.message());
  return ok_status();
}

Status restore_sqlite(const std::string& from, const std::string& database_url) {
  auto path = sqlite_path(database_url);
  if (!path) return std::move(path).error();
  std::error_code ec;
  if (!std::filesystem::exists(from, ec)) return io_error("there is no backup at '" + from + "'");
  auto src = open(from, SQLITE_OPEN_READONLY);
  if (!src) return std::move(src).error();
  if (single_text(src->get(), "PRAGMA quick_check") != "ok" ||
      single_text(src->get(),
                  "SELECT name FROM sqlite_master WHERE type = 'table' AND name = "
                  "'schema_migrations'")
          .empty())
    return backup_error("'" + from + "' is not a Samskap database (or it is damaged)");

  // No server may have the database open: take the lock every opener shares.
  int fd = -1;
  if (std::filesystem::exists(*path, ec)) {
    fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_error("cannot open '" + *path + "'");
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return Error{ErrorCode::conflict, "error.backup",
                   "the database '" + *path +
                       "' is in use (is samskap serve running?); stop the server first"};
    }
  }
  struct Unlock {
    int fd;
    ~Unlock() {
      if (fd >= 0) ::close(fd);
    }
  } unlock{fd};
  auto dst = open(*path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!dst) return std::move(dst).error();
  return copy(src->get(), dst->get(), "restore into '" + *path + "'");
}

}  // namespace samskap::store
