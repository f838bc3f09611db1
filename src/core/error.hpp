#pragma once
// Errors as values for what is expected (bad input, not found, conflict, ...).
// Exceptions are reserved for what aborts the operation (bugs, lost database).
// Only the HTTP layer maps an ErrorCode to a status code.

#include <string>
#include <utility>
#include <variant>

namespace samskap {

enum class ErrorCode {
  invalid_input,  // the caller sent something we cannot accept (HTTP 400)
  not_found,      // no such object in the caller's organisation (HTTP 404)
  conflict,       // the object changed or already exists (HTTP 409)
  too_large,      // over an explicit size limit (HTTP 413)
  unauthorized,   // not logged in (HTTP 401)
  forbidden,      // logged in but not allowed (HTTP 403)
  rate_limited,   // too many attempts (HTTP 429)
  unavailable,    // a dependency (database) does not answer (HTTP 503)
  internal,       // a bug; the message is for the log, not the user (HTTP 500)
};

// Stable, lower-case name of a code ("invalid_input"); used in logs and JSON.
const char* to_string(ErrorCode code) noexcept;

// An expected failure. `message_key` names a message in the catalogues
// (content/messages/*.toml) so the user sees it in their language; `detail`
// is a plain-language detail for logs and developers (may be empty).
struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message_key;
  std::string detail;

  static Error invalid(std::string key, std::string detail = {}) {
    return {ErrorCode::invalid_input, std::move(key), std::move(detail)};
  }
  static Error not_found(std::string key = "error.not_found", std::string detail = {}) {
    return {ErrorCode::not_found, std::move(key), std::move(detail)};
  }
};

// Result<T>: either a value or an Error. Cheap to move; not thread-safe to mutate.
// Accessing value() on an error (or error() on a value) is a bug and throws
// std::bad_variant_access.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Result<void> equivalent.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() {
  return Ok{};
}

}  // namespace samskap
