#pragma once
// Instance-wide settings (key/value), such as the instance id and the
// first-run state. Not scoped to an organisation: only operators and the
// server itself use it. Blocking; thread-safe (each call leases a connection).

#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/database.hpp"

namespace samskap::store {

class SettingsRepository {
 public:
  SettingsRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // The value, or nullopt when unset. unavailable when the database fails.
  Result<std::optional<std::string>> get(const std::string& key);

  // Inserts or replaces. invalid_input for an empty key or a key over 200
  // bytes, or a value over 64 KiB.
  Status put(const std::string& key, const std::string& value);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace samskap::store
