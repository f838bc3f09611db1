#include "web/auth.hpp"

#include <cctype>

#include "store/secrets.hpp"

namespace samskap::web {

Auth::Auth(store::Database& db, const Clock& clock, AuthOptions options)
    : db_(db), clock_(clock), options_(options) {}

Status Auth::authenticate(Request& req, bool allow_api) {
  store::AccountRepository accounts(db_, clock_);
  auto fill = [&](const std::string& org, const std::string& user_id, std::string csrf,
                  std::string raw, bool api) -> Status {
    auto user = accounts.user(org, user_id);
    if (!user)
      return user.error().code == ErrorCode::not_found ? ok_status()
                                                       : Status(std::move(user).error());
    if (user->status != store::UserStatus::active) return ok_status();
    auto organisation = accounts.organisation(org);
    if (!organisation) return std::move(organisation).error();
    Principal p;
    p.user_id = user->id;
    p.organisation_id = org;
    p.organisation_name = organisation->name;
    p.display_name = user->display_name;
    p.email = user->email;
    p.role = user->role;
    p.csrf_token = std::move(csrf);
    p.session_raw = std::move(raw);
    p.via_api_token = api;
    req.principal = std::move(p);
    return ok_status();
  };

  if (allow_api) {
    auto authz = req.header("authorization");
    if (authz.starts_with("Bearer ")) {
      store::ApiTokenRepository tokens(db_, clock_);
      auto t = tokens.authenticate(std::string(authz.substr(7)));
      if (!t)
        return t.error().code == ErrorCode::unavailable ? Status(std::move(t).error())
                                                        : ok_status();
      return fill(t->organisation_id, t->user_id, {}, {}, true);
    }
  }
  auto it = req.cookies.find(kSessionCookie);
  if (it == req.cookies.end() || it->second.empty() || it->second.size() > 128) return ok_status();
  store::SessionRepository sessions(db_, clock_, options_.sessions);
  auto s = sessions.find(it->second);
  if (!s) return std::move(s).error();
  if (!s->has_value()) return ok_status();
  return fill((*s)->organisation_id, (*s)->user_id, (*s)->csrf_token, it->second, false);
}

std::string Auth::csrf_for(const Request& req) const {
  if (req.principal && !req.principal->via_api_token) return req.principal->csrf_token;
  auto it = req.cookies.find(kCsrfCookie);
  return it == req.cookies.end() ? std::string{} : it->second;
}

std::string Auth::device_token(const Request& req, Response& resp, const std::string& name,
                               const std::string& path, int days) const {
  const auto it = req.cookies.find(name);
  if (it != req.cookies.end() && it->second.size() >= 32 && it->second.size() <= 128) {
    bool ok = true;
    for (unsigned char c : it->second)
      ok = ok && (std::isalnum(c) || c == '-' || c == '_');
    if (ok) return it->second;
  }
  std::string token = store::random_token();
  resp.header("Set-Cookie",
              name + "=" + token + "; Path=" + path + "; Max-Age=" + std::to_string(days * 86400) +
                  "; HttpOnly; SameSite=Lax" + (options_.secure_cookies ? "; Secure" : ""));
  return token;
}

std::string Auth::ensure_csrf_cookie(const Request& req, Response& resp) const {
  std::string token = csrf_for(req);
  if (token.size() >= 32) return token;
  token = store::random_token();
  resp.header("Set-Cookie", std::string(kCsrfCookie) + "=" + token +
                                "; Path=/; HttpOnly; SameSite=Lax" +
                                (options_.secure_cookies ? "; Secure" : ""));
  return token;
}

bool Auth::csrf_ok(const Request& req) const {
  if (req.principal && req.principal->via_api_token) return true;  // no ambient credentials
  std::string expected = csrf_for(req);
  if (expected.size() < 32) return false;
  std::string given;
  if (auto h = req.header("x-csrf-token"); !h.empty()) {
    given = std::string(h);
  } else if (auto f = req.form.find("csrf"); f != req.form.end()) {
    given = f->second;
  }
  return store::constant_time_equals(expected, given);
}

Result<Auth::LoginResult> Auth::login(const Request& req, const std::string& email_in,
                                      const std::string& password) {
  LoginResult result;
  store::ThrottleRepository throttle(db_, clock_);
  store::AccountRepository accounts(db_, clock_);
  store::AuditLog audit(db_, clock_);
  auto email = normalise_email(email_in);
  const std::string account_key = "account:" + (email ? *email : email_in.substr(0, 254));
  const std::string address_key = "address:" + req.remote_address;
  for (const auto& key : {account_key, address_key}) {
    auto wait = throttle.wait_for(key);
    if (!wait) return std::move(wait).error();
    if (wait->count() > 0) {
      result.outcome = LoginOutcome::throttled;
      result.retry_after = std::max(result.retry_after, *wait);
    }
  }
  if (result.outcome == LoginOutcome::throttled) return result;

  std::optional<store::LoginRecord> record;
  if (email) {
    auto r = accounts.find_for_login(*email);
    if (r)
      record = std::move(r).value();
    else if (r.error().code != ErrorCode::not_found)
      return std::move(r).error();
  }
  bool ok = false;
  if (record && !record->password_hash.empty() &&
      record->user.status == store::UserStatus::active) {
    ok = store::verify_password(record->password_hash, password);
  } else {
    store::verify_dummy_password(password);  // same work, same time
  }
  if (!ok) {
    for (const auto& key : {account_key, address_key}) {
      auto st = throttle.record_failure(key);
      if (!st) return std::move(st).error();
    }
    if (record)
      (void)audit.record(record->user.organisation_id, record->user.id, "login_failed", "user",
                         record->user.id);
    result.outcome = LoginOutcome::bad_credentials;
    return result;
  }
  (void)throttle.clear(account_key);
  (void)throttle.clear(address_key);
  auto session = start_session(req, record->user.organisation_id, record->user.id);
  if (!session) return std::move(session).error();
  (void)audit.record(record->user.organisation_id, record->user.id, "login", "user",
                     record->user.id);
  result.outcome = LoginOutcome::ok;
  result.session = std::move(session).value();
  result.user = record->user;
  return result;
}

Result<store::NewSession> Auth::start_session(const Request& req, const std::string& org,
                                              const std::string& user_id) {
  store::SessionRepository sessions(db_, clock_, options_.sessions);
  if (auto it = req.cookies.find(kSessionCookie); it != req.cookies.end() && !it->second.empty())
    (void)sessions.destroy(it->second);
  return sessions.create(org, user_id);
}

Status Auth::logout(const Request& req) {
  store::SessionRepository sessions(db_, clock_, options_.sessions);
  if (req.principal && !req.principal->session_raw.empty()) {
    (void)store::AuditLog(db_, clock_)
        .record(req.principal->organisation_id, req.principal->user_id, "logout", "user",
                req.principal->user_id);
    return sessions.destroy(req.principal->session_raw);
  }
  return ok_status();
}

std::string Auth::session_cookie(const std::string& raw_id) const {
  return std::string(kSessionCookie) + "=" + raw_id + "; Path=/; HttpOnly; SameSite=Lax" +
         (options_.secure_cookies ? "; Secure" : "");
}

std::string Auth::clear_session_cookie() const {
  return std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" +
         (options_.secure_cookies ? "; Secure" : "");
}

std::string safe_next(std::string_view next) {
  if (next.empty() || next.size() > 2000 || next[0] != '/' ||
      (next.size() > 1 && (next[1] == '/' || next[1] == '\\')))
    return "/";
  for (char c : next)
    if (static_cast<unsigned char>(c) < 0x20) return "/";
  return std::string(next);
}

}  // namespace samskap::web
