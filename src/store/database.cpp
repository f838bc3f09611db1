#include "store/database.hpp"

#include <unistd.h>

#include "store/backup.hpp"

#include <soci/connection-pool.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <filesystem>

namespace samskap::store {
namespace {

std::string first_line(std::string s) {
  auto nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  while (!s.empty() && (s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  return s;
}

std::string quote_param(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

void configure_sqlite(soci::session& s, std::chrono::milliseconds busy) {
  s << "PRAGMA busy_timeout = " + std::to_string(busy.count());
  std::string mode;
  s << "PRAGMA journal_mode = WAL", soci::into(mode);
  s << "PRAGMA foreign_keys = ON";
  s << "PRAGMA synchronous = NORMAL";
}

}  // namespace

Database::Database(DatabaseUrl url, std::string raw_url, std::size_t pool_size)
    : url_(std::move(url)), raw_url_(std::move(raw_url)), pool_size_(pool_size) {}

Database::~Database() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseOptions& options) {
  auto parsed = parse_database_url(options.url);
  if (!parsed) return std::move(parsed).error();
  if (options.pool_size == 0 || options.pool_size > 256)
    return Error::invalid("error.database_url", "the database pool size must be 1–256");

  std::unique_ptr<Database> db(new Database(*parsed, options.url, options.pool_size));
  std::string connect;
  if (parsed->engine == Engine::sqlite) {
    std::filesystem::path file(parsed->sqlite_path);
    std::filesystem::path dir = file.parent_path();
    if (!dir.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(dir, ec);
      if (ec)
        return Error{ErrorCode::unavailable, "error.database_unavailable",
                     "cannot create the data directory '" + dir.string() + "': " + ec.message()};
    }
    auto seconds = std::max<long long>(1, options.busy_timeout.count() / 1000);
    connect = "db=" + quote_param(parsed->sqlite_path) + " timeout=" + std::to_string(seconds);
  } else {
    auto conninfo = postgres_keyword_conninfo(parsed->postgres_dsn);
    if (!conninfo) return std::move(conninfo).error();
    connect = *conninfo;
    if (connect.find("connect_timeout=") == std::string::npos) connect += " connect_timeout='5'";
  }

  db->pool_ = std::make_unique<soci::connection_pool>(options.pool_size);
  try {
    for (std::size_t i = 0; i < options.pool_size; ++i) {
      soci::session& s = db->pool_->at(i);
      if (parsed->engine == Engine::sqlite) {
        s.open(*soci::factory_sqlite3(), connect);
        configure_sqlite(s, options.busy_timeout);
      } else {
        s.open(*soci::factory_postgresql(), connect);
      }
    }
  } catch (const std::exception& e) {
    return Error{ErrorCode::unavailable, "error.database_unavailable",
                 "cannot open the database " + redact_database_url(options.url) + ": " +
                     first_line(e.what())};
  }
  if (parsed->engine == Engine::sqlite) {
    // An unwritable directory or file only shows on the first write.
    try {
      soci::session s(*db->pool_);
      s << "CREATE TABLE IF NOT EXISTS samskap_write_check (x INTEGER)";
      s << "DROP TABLE samskap_write_check";
    } catch (const std::exception& e) {
      return Error{ErrorCode::unavailable, "error.database_unavailable",
                   "the database file '" + parsed->sqlite_path +
                       "' is not writable: " + first_line(e.what())};
    }
    // Tells `samskap restore` that the file is in use.
    db->lock_fd_ = hold_shared_lock(parsed->sqlite_path);
  }
  return db;
}

void Database::with_session(const std::function<void(soci::session&)>& fn) {
  soci::session s(*pool_);
  ++in_use_;
  ++leases_;
  struct Release {
    std::atomic<std::size_t>& n;
    ~Release() { --n; }
  } release{in_use_};
  if (url_.engine == Engine::postgresql && !s.is_connected()) s.reconnect();
  try {
    fn(s);
  } catch (...) {
    if (url_.engine == Engine::postgresql) {
      try {
        if (!s.is_connected()) s.reconnect();
      } catch (...) {
        // still down: the next call tries again
      }
    }
    throw;
  }
}

void Database::with_transaction(const std::function<void(soci::session&)>& fn) {
  with_session([&](soci::session& s) {
    if (url_.engine == Engine::sqlite) {
      // BEGIN IMMEDIATE takes SQLite's write lock at the start. A deferred
      // transaction that reads and then writes fails at once with
      // SQLITE_BUSY when another writer committed in between (the busy
      // timeout cannot help a read lock that must become a write lock), which
      // users would see as "database unavailable" under ordinary concurrent
      // edits. Writers now wait for each other within the busy timeout.
      s << "BEGIN IMMEDIATE";
      try {
        fn(s);
        s << "COMMIT";
      } catch (...) {
        try {
          s << "ROLLBACK";
        } catch (...) {  // the connection is gone; the transaction went with it
        }
        throw;
      }
      return;
    }
    soci::transaction tx(s);
    fn(s);
    tx.commit();
  });
}

Status Database::ping() {
  try {
    int one = 0;
    with_session([&](soci::session& s) { s << "SELECT 1", soci::into(one); });
    if (one != 1)
      return Error{ErrorCode::unavailable, "error.database_unavailable",
                   "SELECT 1 did not return 1"};
    return ok_status();
  } catch (const std::exception& e) {
    return Error{ErrorCode::unavailable, "error.database_unavailable", first_line(e.what())};
  }
}

PoolStats Database::stats() const noexcept {
  return {pool_size_, in_use_.load(), leases_.load()};
}

std::string Database::display_url() const {
  return redact_database_url(raw_url_);
}

}  // namespace samskap::store
