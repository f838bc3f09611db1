#include "store/settings_repository.hpp"

#include <soci/soci.h>

#include "store/sql_time.hpp"

namespace samskap::store {

Result<std::optional<std::string>> SettingsRepository::get(const std::string& key) {
  try {
    std::optional<std::string> out;
    db_.with_session([&](soci::session& s) {
      std::string value;
      soci::indicator ind = soci::i_null;
      s << "SELECT value FROM settings WHERE key = :k", soci::use(key), soci::into(value, ind);
      if (s.got_data() && ind == soci::i_ok) out = value;
    });
    return out;
  } catch (const std::exception& e) {
    return Error{ErrorCode::unavailable, "error.database_unavailable", e.what()};
  }
}

Status SettingsRepository::put(const std::string& key, const std::string& value) {
  if (key.empty() || key.size() > 200)
    return Error::invalid("error.bad_request", "setting key must be 1–200 bytes");
  if (value.size() > 64 * 1024)
    return Error{ErrorCode::too_large, "error.bad_request", "setting value over 64 KiB"};
  try {
    const std::string when = iso_utc(clock_.now());
    db_.with_session([&](soci::session& s) {
      s << "INSERT INTO settings (key, value, updated_at) VALUES (:k, :v, :t) "
           "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = "
           "excluded.updated_at",
          soci::use(key), soci::use(value), soci::use(when);
    });
    return ok_status();
  } catch (const std::exception& e) {
    return Error{ErrorCode::unavailable, "error.database_unavailable", e.what()};
  }
}

}  // namespace samskap::store
