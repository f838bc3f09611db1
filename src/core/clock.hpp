#pragma once
// The injected clock. Production code takes a `const Clock&` instead of calling
// std::chrono directly, so tests can freeze or move time (ManualClock).
// Implementations are thread-safe.

#include <atomic>
#include <chrono>

namespace samskap {

using SystemTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SystemTime now() const = 0;
};

class SystemClock final : public Clock {
 public:
  SystemTime now() const override { return std::chrono::system_clock::now(); }
};

// A clock that stands still until told to move. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(SystemTime start) : t_(start.time_since_epoch().count()) {}
  SystemTime now() const override { return SystemTime(SystemTime::duration(t_.load())); }
  void advance(SystemTime::duration d) { t_ += d.count(); }
  void set(SystemTime t) { t_ = t.time_since_epoch().count(); }

 private:
  std::atomic<SystemTime::rep> t_;
};

}  // namespace samskap
