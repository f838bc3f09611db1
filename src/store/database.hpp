#pragma once
// The database: a fixed pool of SOCI sessions over SQLite or PostgreSQL.
//
// Every call blocks; call it from a worker thread, never from an HTTP I/O
// thread. A Database is thread-safe: each with_session() call leases its own
// connection from the pool (waiting when all are in use).

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "store/database_url.hpp"

namespace soci {
class session;
class connection_pool;
}  // namespace soci

namespace samskap::store {

struct DatabaseOptions {
  std::string url = "sqlite:var/samskap.db";
  std::size_t pool_size = 8;                     // connections held open
  std::chrono::milliseconds busy_timeout{5000};  // SQLite: wait for a writer lock this long
};

struct PoolStats {
  std::size_t size = 0;
  std::size_t in_use = 0;
  std::uint64_t leases = 0;  // total since start
};

class Database {
 public:
  // Opens pool_size connections. For SQLite, creates the file's directory if
  // missing and turns on WAL, foreign keys and the busy timeout on every
  // connection. Errors: invalid_input (bad URL), unavailable (cannot connect,
  // directory not writable) with a one-line detail fit for an operator.
  static Result<std::unique_ptr<Database>> open(const DatabaseOptions& options);

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Engine engine() const noexcept { return url_.engine; }

  // Runs `fn` with a leased session. Exceptions from `fn` (soci::soci_error on
  // SQL failure) propagate after the session is returned to the pool; when
  // the connection itself was lost, the session is reconnected on next use.
  void with_session(const std::function<void(soci::session&)>& fn);

  // Runs `fn` inside a transaction (committed when fn returns, rolled back
  // when it throws).
  void with_transaction(const std::function<void(soci::session&)>& fn);

  // SELECT 1. unavailable when the database does not answer.
  Status ping();

  PoolStats stats() const noexcept;

  // The URL with the password hidden.
  std::string display_url() const;
  // The URL as given, password included: for a component that needs its own
  // connection (store::Listener). Never log it.
  const std::string& connection_url() const noexcept { return raw_url_; }

 private:
  Database(DatabaseUrl url, std::string raw_url, std::size_t pool_size);

  DatabaseUrl url_;
  std::string raw_url_;
  std::size_t pool_size_;
  std::unique_ptr<soci::connection_pool> pool_;
  int lock_fd_ = -1;  // SQLite: a shared flock on the file while open (store/backup.hpp)
  std::atomic<std::size_t> in_use_{0};
  std::atomic<std::uint64_t> leases_{0};
};

}  // namespace samskap::store
