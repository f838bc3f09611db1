#pragma once
// Rules for what people type to get in: e-mail addresses, passwords, and how
// failed logins slow down. Pure functions, no I/O.

#include <chrono>
#include <set>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace samskap {

// Normalises an e-mail address for comparison (trimmed, lower-case ASCII;
// the local part keeps its characters) and validates its shape: one '@', a
// non-empty local part, a domain with a dot, no spaces or control characters,
// at most 254 bytes, valid UTF-8. Errors: invalid_input with key
// "account.error.email_invalid".
Result<std::string> normalise_email(std::string_view email);

inline constexpr std::size_t kMinPasswordLength = 12;   // Unicode code points
inline constexpr std::size_t kMaxPasswordBytes = 1024;  // hashing cost is bounded

// Checks a new password: at least kMinPasswordLength code points, at most
// kMaxPasswordBytes bytes, valid UTF-8, not in `common` (compared
// case-insensitively, also with trailing digits removed), and not the e-mail
// address or its local part. Errors (invalid_input) with keys
// "account.error.password_too_short", "…password_too_long",
// "…password_common", "…password_like_email", "…password_invalid".
Status check_new_password(std::string_view password, std::string_view email,
                          const std::set<std::string, std::less<>>& common);

// Growing delays after failed logins, per account and per client address:
// no delay for the first kFreeAttempts failures, then 1 s, 2 s, 4 s, … capped
// at kMaxDelay. Returns the time that must pass after the last failure before
// another attempt is checked at all.
inline constexpr int kFreeAttempts = 3;
inline constexpr std::chrono::seconds kMaxDelay{15 * 60};
std::chrono::seconds throttle_delay(int consecutive_failures) noexcept;

// Helpers shared by the rules above and the store (additions to the contract
// above; nothing else in this header depends on them).
// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code
// points above U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;
// Lower-cases ASCII, Latin-1 and Latin Extended-A letters (so Æ/æ, Ø/ø, Å/å
// and the Sámi Č, Đ, Ŋ, Š, Ŧ, Ž compare equal to their small forms) and keeps
// every other byte. For case-insensitive comparison of names and passwords;
// `text` should be valid UTF-8 (invalid bytes are copied unchanged).
std::string fold_case(std::string_view text);

// Session lifetime: a session ends after `idle` without use or `absolute`
// after login, whichever comes first.
struct SessionPolicy {
  std::chrono::seconds idle{std::chrono::hours(2)};
  std::chrono::seconds absolute{std::chrono::hours(12)};
};
template <typename TimePoint>
bool session_expired(const SessionPolicy& p, TimePoint created, TimePoint last_seen,
                     TimePoint now) {
  return now - last_seen >= p.idle || now - created >= p.absolute;
}

}  // namespace samskap
