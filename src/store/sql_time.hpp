#pragma once
// Timestamps are stored as ISO 8601 UTC text ("2026-11-22T20:08:24Z") in
// both engines: sortable, readable, and free of time-zone surprises.

#include <chrono>
#include <ctime>
#include <string>

#include "core/clock.hpp"

namespace samskap::store {

inline std::string iso_utc(SystemTime t) {
  auto tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace samskap::store
