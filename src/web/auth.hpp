#pragma once
// Authentication for the web layer: sessions from the cookie, API tokens from
// the Authorization header, CSRF checks, login with throttling, and the
// cookies that go with them. Blocking (database, password hashing): worker
// threads only. Thread-safe.

#include <optional>
#include <string>

#include "core/clock.hpp"
#include "store/accounts.hpp"
#include "web/http.hpp"

namespace samskap::web {

inline constexpr const char* kSessionCookie = "samskap_session";
inline constexpr const char* kCsrfCookie = "samskap_csrf";  // for forms shown before login

struct AuthOptions {
  bool secure_cookies = false;
  SessionPolicy sessions{};
};

class Auth {
 public:
  Auth(store::Database& db, const Clock& clock, AuthOptions options);

  // Fills req.principal from the session cookie (or, when `allow_api`, a
  // Bearer token). An unknown or expired session simply leaves it empty.
  Status authenticate(Request& req, bool allow_api);

  // The CSRF token a form on this page must carry: the session's when signed
  // in, otherwise the pre-login cookie's (which `ensure_csrf_cookie` sets).
  std::string csrf_for(const Request& req) const;
  // Sets the pre-login CSRF cookie on `resp` when the request has none;
  // returns the token to embed in the form.
  std::string ensure_csrf_cookie(const Request& req, Response& resp) const;
  // A phone's random token for anonymous answers (check-ins, workshops): the
  // value of cookie `name` when it looks like one of ours (32..128 letters,
  // digits, '-' or '_'), otherwise a new random one, set on `resp` as an
  // HttpOnly, SameSite=Lax cookie for `path` only, living `days` days.
  std::string device_token(const Request& req, Response& resp, const std::string& name,
                           const std::string& path, int days) const;
  // True when a state-changing request carries the right token (form field
  // "csrf" or header X-CSRF-Token), compared in constant time.
  bool csrf_ok(const Request& req) const;

  enum class LoginOutcome { ok, bad_credentials, throttled };
  struct LoginResult {
    LoginOutcome outcome = LoginOutcome::bad_credentials;
    std::chrono::seconds retry_after{0};
    store::NewSession session;
    store::User user;
  };
  // Checks e-mail and password with throttling per account and per address,
  // the same work for unknown accounts, and audit entries; on success ends
  // the old session (the id rotates) and starts a new one.
  Result<LoginResult> login(const Request& req, const std::string& email,
                            const std::string& password);

  // Starts a session for a user who just proved who they are (setup,
  // invitation). Ends the request's old session, if any.
  Result<store::NewSession> start_session(const Request& req, const std::string& org,
                                          const std::string& user_id);

  Status logout(const Request& req);

  // Set-Cookie values.
  std::string session_cookie(const std::string& raw_id) const;
  std::string clear_session_cookie() const;

  store::Database& db() { return db_; }

 private:
  store::Database& db_;
  const Clock& clock_;
  AuthOptions options_;
};

// A safe place to go after login: a local path ("/x", not "//x" or "http:…"),
// else "/".
std::string safe_next(std::string_view next);

}  // namespace samskap::web
