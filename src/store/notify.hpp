#pragma once
// Cross-node notifications over PostgreSQL LISTEN/NOTIFY.
//
// A Listener holds its own connection (not one of the pool's), LISTENs on
// one channel and calls `on_notify(payload)` on its own thread for every
// notification, in the order PostgreSQL delivers them. When the connection
// is lost it reconnects (after 1 s, then up to 10 s between tries) and then
// calls `on_reconnect()` — notifications sent while it was away are lost,
// so the caller must catch up from its own log.
//
// On SQLite there is nothing to listen to (one node): start() returns an
// invalid_input error and callers publish locally.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace samskap::store {

class Listener {
 public:
  // `url` is a postgresql:// URL (the database URL the app uses).
  Listener(std::string url, std::string channel, std::function<void(const std::string&)> on_notify,
           std::function<void()> on_reconnect = {});
  ~Listener();  // stops
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Connects and LISTENs, then runs on its own thread. Returns once the
  // first LISTEN is in place, so a NOTIFY sent after start() returns is
  // delivered. Errors: invalid_input (not a PostgreSQL URL, bad channel
  // name), unavailable (cannot connect).
  Status start();
  // Stops the thread and closes the connection. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace samskap::store
