#include "store/accounts.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <set>

#include "store/repository_support.hpp"
#include "store/secrets.hpp"
#include "store/sql_time.hpp"

namespace samskap::store {
namespace {

using detail::clean_name;
using detail::db_error;
using detail::has_control;
using detail::is_unique_violation;
using detail::new_id;
using detail::parse_time;
using detail::trim;

constexpr std::size_t kMaxNameBytes = 200;
constexpr std::size_t kMaxTokenNameBytes = 100;
constexpr std::size_t kMaxThrottleKeyBytes = 512;
constexpr std::size_t kMaxAuditFieldBytes = 200;
constexpr std::size_t kMaxAuditDetailBytes = 2000;
constexpr int kMaxAuditPage = 500;
// Last use of a session is written at most this often.
constexpr std::chrono::seconds kTouchInterval{60};

// What an anonymised user keeps: placeholders that identify no one.
constexpr const char* kAnonymisedName = "anonymisert";
std::string anonymised_email(const std::string& user_id) {
  return "anonymised-" + user_id + "@anonymised.invalid";
}

std::string_view to_string(TokenKind k) noexcept {
  switch (k) {
    case TokenKind::setup:
      return "setup";
    case TokenKind::invitation:
      return "invitation";
    case TokenKind::password_reset:
      return "password_reset";
  }
  return "setup";
}

UserStatus parse_status(std::string_view s) noexcept {
  if (s == "active") return UserStatus::active;
  if (s == "disabled") return UserStatus::disabled;
  if (s == "anonymised") return UserStatus::anonymised;
  return UserStatus::invited;
}

// One row of users, read with into().
struct UserRow {
  std::string id, org, email, name, role, status, hash, created;
  soci::indicator hash_ind = soci::i_null;

  User user() const {
    User u;
    u.id = id;
    u.organisation_id = org;
    u.email = email;
    u.display_name = name;
    u.role = parse_role(role).value_or(Role::deltaker);
    u.status = parse_status(status);
    u.created_at = parse_time(created);
    return u;
  }
};

constexpr const char* kUserColumns =
    "SELECT id, organisation_id, email, display_name, role, status, password_hash, created_at "
    "FROM users ";

void bind_user(soci::statement& st, UserRow& r) {
  st.exchange(soci::into(r.id));
  st.exchange(soci::into(r.org));
  st.exchange(soci::into(r.email));
  st.exchange(soci::into(r.name));
  st.exchange(soci::into(r.role));
  st.exchange(soci::into(r.status));
  st.exchange(soci::into(r.hash, r.hash_ind));
  st.exchange(soci::into(r.created));
}

// The user `user_id` of `org`, or nullopt (also for a user of another organisation).
std::optional<UserRow> find_user(soci::session& s, const std::string& org,
                                 const std::string& user_id) {
  UserRow r;
  soci::statement st(s);
  bind_user(st, r);
  std::string o = org, u = user_id;
  st.exchange(soci::use(u));
  st.exchange(soci::use(o));
  st.alloc();
  st.prepare(std::string(kUserColumns) + "WHERE id = :u AND organisation_id = :o");
  st.define_and_bind();
  if (!st.execute(true)) return std::nullopt;
  return r;
}

bool organisation_exists(soci::session& s, const std::string& org) {
  long long n = 0;
  std::string o = org;
  s << "SELECT COUNT(*) FROM organisations WHERE id = :o", soci::use(o), soci::into(n);
  return n > 0;
}

long long affected(soci::session& s, const std::string& sql,
                   const std::vector<std::string>& params) {
  soci::statement st(s);
  std::vector<std::string> copy = params;
  for (auto& p : copy)
    st.exchange(soci::use(p));
  st.alloc();
  st.prepare(sql);
  st.define_and_bind();
  st.execute(true);
  return st.get_affected_rows();
}

Error user_not_found() {
  return Error::not_found("account.error.user_unknown");
}

Error user_anonymised() {
  return Error::invalid("account.error.user_anonymised", "an anonymised user cannot change");
}

}  // namespace

std::string_view to_string(OrganisationKind k) noexcept {
  return k == OrganisationKind::usht ? "usht" : "kommune";
}

std::optional<OrganisationKind> parse_organisation_kind(std::string_view s) noexcept {
  if (s == "usht") return OrganisationKind::usht;
  if (s == "kommune") return OrganisationKind::kommune;
  return std::nullopt;
}

std::string_view to_string(UserStatus s) noexcept {
  switch (s) {
    case UserStatus::invited:
      return "invited";
    case UserStatus::active:
      return "active";
    case UserStatus::disabled:
      return "disabled";
    case UserStatus::anonymised:
      return "anonymised";
  }
  return "invited";
}

// ---------------------------------------------------------------- accounts

namespace {

struct OrgRow {
  std::string id, name, kind, created;
  Organisation org() const {
    return {id, name, parse_organisation_kind(kind).value_or(OrganisationKind::kommune),
            parse_time(created)};
  }
};

Result<std::vector<Organisation>> query_orgs(Database& db, const std::string& where,
                                             const std::string& param) {
  try {
    std::vector<Organisation> out;
    db.with_session([&](soci::session& s) {
      OrgRow r;
      std::string p = param;
      soci::statement st(s);
      st.exchange(soci::into(r.id));
      st.exchange(soci::into(r.name));
      st.exchange(soci::into(r.kind));
      st.exchange(soci::into(r.created));
      if (!where.empty()) st.exchange(soci::use(p));
      st.alloc();
      st.prepare("SELECT id, name, kind, created_at FROM organisations " + where);
      st.define_and_bind();
      st.execute();
      while (st.fetch())
        out.push_back(r.org());
    });
    // Sorted here, not by the database: its collation differs between
    // engines and installations; UTF-8 byte order of the folded name does not.
    std::sort(out.begin(), out.end(), [](const Organisation& a, const Organisation& b) {
      auto ka = fold_case(a.name), kb = fold_case(b.name);
      return ka != kb ? ka < kb : a.id < b.id;
    });
    return out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

}  // namespace

Result<Organisation> AccountRepository::create_organisation(const std::string& name,
                                                            OrganisationKind kind) {
  auto clean = clean_name(name, "account.error.organisation_name_invalid");
  if (!clean) return std::move(clean).error();
  Organisation org{new_id(), *clean, kind, clock_.now()};
  try {
    db_.with_session([&](soci::session& s) {
      std::string key = fold_case(org.name), k(to_string(kind)), when = iso_utc(org.created_at);
      s << "INSERT INTO organisations (id, name, name_key, kind, created_at) "
           "VALUES (:i, :n, :k, :t, :c)",
          soci::use(org.id), soci::use(org.name), soci::use(key), soci::use(k), soci::use(when);
    });
  } catch (const std::exception& e) {
    if (is_unique_violation(e))
      return Error{ErrorCode::conflict, "account.error.organisation_exists", org.name};
    return db_error(e);
  }
  org.created_at = parse_time(iso_utc(org.created_at));  // as stored: whole seconds
  return org;
}

Result<bool> AccountRepository::any_organisation() {
  try {
    long long n = 0;
    db_.with_session([&](soci::session& s) {
      s << "SELECT COUNT(*) FROM (SELECT id FROM organisations LIMIT 1) AS o", soci::into(n);
    });
    return n > 0;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<std::vector<Organisation>> AccountRepository::all_organisations() {
  return query_orgs(db_, "", "");
}

Result<Organisation> AccountRepository::organisation_by_name(const std::string& name) {
  auto found = query_orgs(db_, "WHERE name_key = :k", fold_case(trim(name)));
  if (!found) return std::move(found).error();
  if (found->empty()) return Error::not_found("account.error.organisation_unknown");
  return found->front();
}

Result<Organisation> AccountRepository::organisation(const std::string& org) {
  auto found = query_orgs(db_, "WHERE id = :i", org);
  if (!found) return std::move(found).error();
  if (found->empty()) return Error::not_found("account.error.organisation_unknown");
  return found->front();
}

Result<Unit> AccountRepository::create_unit(const std::string& org, const std::string& name) {
  auto clean = clean_name(name, "account.error.unit_name_invalid");
  if (!clean) return std::move(clean).error();
  Unit unit{new_id(), org, *clean};
  bool org_found = false;
  try {
    db_.with_transaction([&](soci::session& s) {
      org_found = organisation_exists(s, org);
      if (!org_found) return;
      std::string key = fold_case(unit.name), when = iso_utc(clock_.now());
      s << "INSERT INTO units (id, organisation_id, name, name_key, created_at) "
           "VALUES (:i, :o, :n, :k, :c)",
          soci::use(unit.id), soci::use(unit.organisation_id), soci::use(unit.name), soci::use(key),
          soci::use(when);
    });
  } catch (const std::exception& e) {
    if (is_unique_violation(e))
      return Error{ErrorCode::conflict, "account.error.unit_exists", unit.name};
    return db_error(e);
  }
  if (!org_found) return Error::not_found("account.error.organisation_unknown");
  return unit;
}

Result<std::vector<Unit>> AccountRepository::units(const std::string& org) {
  try {
    std::vector<Unit> out;
    bool org_found = false;
    db_.with_session([&](soci::session& s) {
      org_found = organisation_exists(s, org);
      if (!org_found) return;
      Unit u;
      std::string o = org;
      soci::statement st =
          (s.prepare << "SELECT id, organisation_id, name FROM units "
                        "WHERE organisation_id = :o ORDER BY name_key, id",
           soci::use(o), soci::into(u.id), soci::into(u.organisation_id), soci::into(u.name));
      st.execute();
      while (st.fetch())
        out.push_back(u);
    });
    if (!org_found) return Error::not_found("account.error.organisation_unknown");
    return out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<User> AccountRepository::create_user(const std::string& org, const std::string& email,
                                            const std::string& display_name, Role role,
                                            const std::string& password_hash) {
  auto normal = normalise_email(email);
  if (!normal) return std::move(normal).error();
  if (*normal != email)
    return Error::invalid("account.error.email_invalid", "the e-mail address is not normalised");
  std::string name = trim(display_name);
  if (name.size() > kMaxNameBytes || !is_valid_utf8(name) || has_control(name))
    return Error::invalid("account.error.name_invalid", "the name is not 0–200 bytes of text");
  User u;
  u.id = new_id();
  u.organisation_id = org;
  u.email = email;
  u.display_name = name;
  u.role = role;
  u.status = password_hash.empty() ? UserStatus::invited : UserStatus::active;
  u.created_at = parse_time(iso_utc(clock_.now()));
  bool org_found = false;
  try {
    db_.with_transaction([&](soci::session& s) {
      org_found = organisation_exists(s, org);
      if (!org_found) return;
      std::string r(to_string(role)), st(to_string(u.status)), when = iso_utc(u.created_at);
      std::string hash = password_hash;
      soci::indicator hash_ind = password_hash.empty() ? soci::i_null : soci::i_ok;
      s << "INSERT INTO users (id, organisation_id, email, display_name, role, status, "
           "password_hash, created_at) VALUES (:i, :o, :e, :n, :r, :s, :h, :c)",
          soci::use(u.id), soci::use(u.organisation_id), soci::use(u.email),
          soci::use(u.display_name), soci::use(r), soci::use(st), soci::use(hash, hash_ind),
          soci::use(when);
    });
  } catch (const std::exception& e) {
    if (is_unique_violation(e))
      return Error{ErrorCode::conflict, "account.error.email_taken", email};
    return db_error(e);
  }
  if (!org_found) return Error::not_found("account.error.organisation_unknown");
  return u;
}

Result<User> AccountRepository::user(const std::string& org, const std::string& user_id) {
  try {
    std::optional<UserRow> row;
    db_.with_session([&](soci::session& s) { row = find_user(s, org, user_id); });
    if (!row) return user_not_found();
    return row->user();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<std::vector<User>> AccountRepository::users(const std::string& org) {
  try {
    std::vector<User> out;
    bool org_found = false;
    db_.with_session([&](soci::session& s) {
      org_found = organisation_exists(s, org);
      if (!org_found) return;
      UserRow r;
      std::string o = org;
      soci::statement st(s);
      bind_user(st, r);
      st.exchange(soci::use(o));
      st.alloc();
      st.prepare(std::string(kUserColumns) + "WHERE organisation_id = :o ORDER BY email");
      st.define_and_bind();
      st.execute();
      while (st.fetch())
        out.push_back(r.user());
    });
    if (!org_found) return Error::not_found("account.error.organisation_unknown");
    return out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<LoginRecord> AccountRepository::find_for_login(const std::string& normalised_email) {
  try {
    std::optional<LoginRecord> rec;
    db_.with_session([&](soci::session& s) {
      UserRow r;
      std::string e = normalised_email;
      soci::statement st(s);
      bind_user(st, r);
      st.exchange(soci::use(e));
      st.alloc();
      st.prepare(std::string(kUserColumns) + "WHERE email = :e");
      st.define_and_bind();
      if (st.execute(true)) rec = LoginRecord{r.user(), r.hash_ind == soci::i_ok ? r.hash : ""};
    });
    if (!rec) return user_not_found();
    return *rec;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<DirectoryEntry> AccountRepository::find_by_email(const std::string& normalised_email) {
  try {
    std::optional<DirectoryEntry> out;
    db_.with_session([&](soci::session& s) {
      DirectoryEntry d;
      std::string e = normalised_email, kind;
      s << "SELECT u.id, u.display_name, o.name, o.kind FROM users u JOIN organisations o ON "
           "o.id = u.organisation_id WHERE u.email = :e AND u.status = 'active'",
          soci::use(e), soci::into(d.user_id), soci::into(d.display_name),
          soci::into(d.organisation_name), soci::into(kind);
      if (!s.got_data()) return;
      d.organisation_kind = parse_organisation_kind(kind).value_or(OrganisationKind::kommune);
      out = std::move(d);
    });
    if (!out) return user_not_found();
    return *out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Status AccountRepository::set_password_hash(const std::string& org, const std::string& user_id,
                                            const std::string& hash) {
  if (hash.empty()) return Error::invalid("account.error.password_invalid", "empty hash");
  try {
    std::optional<Error> err;
    db_.with_transaction([&](soci::session& s) {
      auto row = find_user(s, org, user_id);
      if (!row) {
        err = user_not_found();
        return;
      }
      if (row->status == "anonymised") {
        err = user_anonymised();
        return;
      }
      affected(s,
               "UPDATE users SET password_hash = :h, status = CASE WHEN status = 'invited' "
               "THEN 'active' ELSE status END WHERE id = :u AND organisation_id = :o",
               {hash, user_id, org});
    });
    if (err) return *err;
    return ok_status();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Status AccountRepository::set_role(const std::string& org, const std::string& user_id, Role role) {
  try {
    std::optional<Error> err;
    db_.with_transaction([&](soci::session& s) {
      auto row = find_user(s, org, user_id);
      if (!row) {
        err = user_not_found();
        return;
      }
      if (row->status == "anonymised") {
        err = user_anonymised();
        return;
      }
      affected(s, "UPDATE users SET role = :r WHERE id = :u AND organisation_id = :o",
               {std::string(to_string(role)), user_id, org});
    });
    if (err) return *err;
    return ok_status();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Status AccountRepository::set_status(const std::string& org, const std::string& user_id,
                                     UserStatus status) {
  if (status == UserStatus::anonymised)
    return Error::invalid("account.error.status_invalid", "use anonymise()");
  try {
    std::optional<Error> err;
    db_.with_transaction([&](soci::session& s) {
      auto row = find_user(s, org, user_id);
      if (!row) {
        err = user_not_found();
        return;
      }
      if (row->status == "anonymised") {
        err = user_anonymised();
        return;
      }
      if (status == UserStatus::active && row->hash_ind != soci::i_ok) {
        err = Error::invalid("account.error.status_invalid", "no password set yet");
        return;
      }
      affected(s, "UPDATE users SET status = :s WHERE id = :u AND organisation_id = :o",
               {std::string(to_string(status)), user_id, org});
      if (status != UserStatus::active) {
        // A user who may not log in keeps no way in.
        affected(s, "DELETE FROM sessions WHERE user_id = :u AND organisation_id = :o",
                 {user_id, org});
      }
    });
    if (err) return *err;
    return ok_status();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Status AccountRepository::anonymise(const std::string& org, const std::string& user_id) {
  try {
    bool found = false;
    db_.with_transaction([&](soci::session& s) {
      found = find_user(s, org, user_id).has_value();
      if (!found) return;
      affected(s,
               "UPDATE users SET display_name = :n, email = :e, password_hash = NULL, "
               "status = 'anonymised' WHERE id = :u AND organisation_id = :o",
               {kAnonymisedName, anonymised_email(user_id), user_id, org});
      // mi_analyses: the user's saved MI analyses and their transcripts (issue 7).
      for (const char* table : {"sessions", "api_tokens", "one_time_tokens", "mi_analyses"})
        affected(
            s, std::string("DELETE FROM ") + table + " WHERE user_id = :u AND organisation_id = :o",
            {user_id, org});
      // Messages to the user (issue 13), also those another organisation sent
      // (an invitation to collaborate): user ids are unique across organisations.
      affected(s, "DELETE FROM mail_queue WHERE user_id = :u", {user_id});
    });
    if (!found) return user_not_found();
    return ok_status();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<std::vector<Unit>> AccountRepository::user_units(const std::string& org,
                                                        const std::string& user_id) {
  try {
    std::vector<Unit> out;
    bool found = false;
    db_.with_session([&](soci::session& s) {
      found = find_user(s, org, user_id).has_value();
      if (!found) return;
      Unit u;
      std::string o = org, uid = user_id, o2 = org;
      soci::statement st =
          (s.prepare << "SELECT un.id, un.organisation_id, un.name FROM user_units uu JOIN units "
                        "un ON un.id = uu.unit_id WHERE uu.organisation_id = :o AND uu.user_id "
                        "= :u AND un.organisation_id = :o2 ORDER BY un.name_key, un.id",
           soci::use(o), soci::use(uid), soci::use(o2), soci::into(u.id),
           soci::into(u.organisation_id), soci::into(u.name));
      st.execute();
      while (st.fetch())
        out.push_back(u);
    });
    if (!found) return user_not_found();
    return out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Status AccountRepository::set_user_units(const std::string& org, const std::string& user_id,
                                         const std::vector<std::string>& unit_ids) {
  constexpr std::size_t kMaxUnits = 1000;
  const Error unknown_unit = Error::invalid("account.error.unit_unknown", "not a unit of the org");
  if (unit_ids.size() > kMaxUnits) return unknown_unit;
  std::set<std::string> wanted(unit_ids.begin(), unit_ids.end());
  try {
    std::optional<Error> err;
    db_.with_transaction([&](soci::session& s) {
      auto row = find_user(s, org, user_id);
      if (!row) {
        err = user_not_found();
        return;
      }
      if (row->status == "anonymised") {
        err = user_anonymised();
        return;
      }
      for (const auto& unit : wanted) {
        long long n = 0;
        std::string o = org, u = unit;
        s << "SELECT COUNT(*) FROM units WHERE id = :u AND organisation_id = :o", soci::use(u),
            soci::use(o), soci::into(n);
        if (n == 0) {
          err = unknown_unit;
          return;
        }
      }
      affected(s, "DELETE FROM user_units WHERE organisation_id = :o AND user_id = :u",
               {org, user_id});
      const std::string when = iso_utc(clock_.now());
      for (const auto& unit : wanted)
        affected(s,
                 "INSERT INTO user_units (organisation_id, user_id, unit_id, created_at) "
                 "VALUES (:o, :u, :n, :c)",
                 {org, user_id, unit, when});
    });
    if (err) return *err;
    return ok_status();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

// ---------------------------------------------------------------- sessions

Result<NewSession> SessionRepository::create(const std::string& org, const std::string& user_id) {
  try {
    std::optional<Error> err;
    NewSession out{random_token(), random_token()};
    db_.with_transaction([&](soci::session& s) {
      auto row = find_user(s, org, user_id);
      if (!row) {
        err = user_not_found();
        return;
      }
      if (row->status != "active") {
        err = Error::invalid("account.error.user_inactive", "only active users log in");
        return;
      }
      std::string hash = token_hash(out.raw_id), when = iso_utc(clock_.now());
      std::string o = org, u = user_id;
      s << "INSERT INTO sessions (id_hash, user_id, organisation_id, csrf_token, created_at, "
           "last_seen_at) VALUES (:h, :u, :o, :c, :t, :l)",
          soci::use(hash), soci::use(u), soci::use(o), soci::use(out.csrf_token), soci::use(when),
          soci::use(when);
    });
    if (err) return *err;
    return out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<std::optional<SessionInfo>> SessionRepository::find(const std::string& raw_id) {
  if (raw_id.empty() || raw_id.size() > 256) return std::optional<SessionInfo>{};
  try {
    std::optional<SessionInfo> out;
    db_.with_session([&](soci::session& s) {
      std::string hash = token_hash(raw_id);
      std::string user, org, csrf, created, seen, status;
      s << "SELECT s.user_id, s.organisation_id, s.csrf_token, s.created_at, s.last_seen_at, "
           "u.status FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = :h",
          soci::use(hash), soci::into(user), soci::into(org), soci::into(csrf), soci::into(created),
          soci::into(seen), soci::into(status);
      if (!s.got_data()) return;
      const SystemTime now = clock_.now();
      const SystemTime created_at = parse_time(created), last_seen = parse_time(seen);
      if (status != "active" || session_expired(policy_, created_at, last_seen, now)) {
        s << "DELETE FROM sessions WHERE id_hash = :h", soci::use(hash);
        return;
      }
      if (now - last_seen >= kTouchInterval) {
        std::string when = iso_utc(now);
        s << "UPDATE sessions SET last_seen_at = :t WHERE id_hash = :h", soci::use(when),
            soci::use(hash);
      }
      out = SessionInfo{user, org, csrf, created_at};
    });
    return out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Status SessionRepository::destroy(const std::string& raw_id) {
  try {
    db_.with_session([&](soci::session& s) {
      std::string hash = token_hash(raw_id);
      s << "DELETE FROM sessions WHERE id_hash = :h", soci::use(hash);
    });
    return ok_status();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<int> SessionRepository::destroy_all(const std::string& org, const std::string& user_id) {
  try {
    bool found = false;
    long long n = 0;
    db_.with_transaction([&](soci::session& s) {
      found = find_user(s, org, user_id).has_value();
      if (!found) return;
      n = affected(s, "DELETE FROM sessions WHERE user_id = :u AND organisation_id = :o",
                   {user_id, org});
    });
    if (!found) return user_not_found();
    return static_cast<int>(n);
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

// ---------------------------------------------------------------- one-time tokens

namespace {

struct TokenRow {
  std::string kind, org, user, expires, used;
  soci::indicator org_ind = soci::i_null, user_ind = soci::i_null, used_ind = soci::i_null;
};

std::optional<TokenRow> read_token(soci::session& s, const std::string& hash) {
  TokenRow r;
  std::string h = hash;
  s << "SELECT kind, organisation_id, user_id, expires_at, used_at FROM one_time_tokens "
       "WHERE token_hash = :h",
      soci::use(h), soci::into(r.kind), soci::into(r.org, r.org_ind),
      soci::into(r.user, r.user_ind), soci::into(r.expires), soci::into(r.used, r.used_ind);
  if (!s.got_data()) return std::nullopt;
  return r;
}

// The token, or the error that says why it cannot be used (now).
Result<OneTimeToken> judge(const std::optional<TokenRow>& row, TokenKind kind, SystemTime now) {
  if (!row || row->kind != to_string(kind)) return Error::not_found("account.error.link_unknown");
  if (row->used_ind == soci::i_ok)
    return Error{ErrorCode::conflict, "account.error.link_used", "the link was used"};
  OneTimeToken t;
  t.kind = kind;
  t.organisation_id = row->org_ind == soci::i_ok ? row->org : "";
  t.user_id = row->user_ind == soci::i_ok ? row->user : "";
  t.expires_at = parse_time(row->expires);
  if (now >= t.expires_at) return Error::invalid("account.error.link_expired", "the link expired");
  return t;
}

}  // namespace

Result<std::string> OneTimeTokenRepository::issue(TokenKind kind, const std::string& org,
                                                  const std::string& user_id,
                                                  std::chrono::seconds ttl) {
  if (ttl <= std::chrono::seconds{0} || ttl > std::chrono::hours(24 * 366))
    return Error::invalid("error.bad_request", "a link lives between 1 s and a year");
  if (kind == TokenKind::setup && (!org.empty() || !user_id.empty()))
    return Error::invalid("error.bad_request", "a setup link belongs to no organisation");
  if (kind != TokenKind::setup && (org.empty() || user_id.empty()))
    return Error::invalid("error.bad_request", "this link belongs to a user");
  try {
    std::optional<Error> err;
    std::string raw = random_token();
    db_.with_transaction([&](soci::session& s) {
      if (kind != TokenKind::setup && !find_user(s, org, user_id)) {
        err = user_not_found();
        return;
      }
      const SystemTime now = clock_.now();
      std::string hash = token_hash(raw), k(to_string(kind)), o = org, u = user_id;
      std::string created = iso_utc(now), expires = iso_utc(now + ttl);
      soci::indicator oi = org.empty() ? soci::i_null : soci::i_ok;
      soci::indicator ui = user_id.empty() ? soci::i_null : soci::i_ok;
      s << "INSERT INTO one_time_tokens (token_hash, kind, organisation_id, user_id, "
           "created_at, expires_at) VALUES (:h, :k, :o, :u, :c, :e)",
          soci::use(hash), soci::use(k), soci::use(o, oi), soci::use(u, ui), soci::use(created),
          soci::use(expires);
    });
    if (err) return *err;
    return raw;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<OneTimeToken> OneTimeTokenRepository::peek(TokenKind kind, const std::string& raw) {
  if (raw.empty() || raw.size() > 256) return Error::not_found("account.error.link_unknown");
  try {
    std::optional<TokenRow> row;
    db_.with_session([&](soci::session& s) { row = read_token(s, token_hash(raw)); });
    return judge(row, kind, clock_.now());
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<OneTimeToken> OneTimeTokenRepository::redeem(TokenKind kind, const std::string& raw) {
  if (raw.empty() || raw.size() > 256) return Error::not_found("account.error.link_unknown");
  try {
    const SystemTime now = clock_.now();
    std::optional<TokenRow> row;
    long long won = 0;
    db_.with_transaction([&](soci::session& s) {
      // Write first: the conditional UPDATE takes the write lock (SQLite) or
      // the row lock (PostgreSQL) before anything is read, so of several
      // concurrent redeemers exactly one sees a changed row.
      const std::string hash = token_hash(raw), when = iso_utc(now);
      won = affected(s,
                     "UPDATE one_time_tokens SET used_at = :t WHERE token_hash = :h AND kind = :k "
                     "AND used_at IS NULL AND expires_at > :n",
                     {when, hash, std::string(to_string(kind)), when});
      row = read_token(s, hash);
    });
    if (won == 1 && row) {
      row->used_ind = soci::i_null;  // unused and unexpired when this call took it
      return judge(row, kind, now);
    }
    auto why = judge(row, kind, now);
    if (why.ok())  // unused and valid a moment ago: another redeemer won the race
      return Error{ErrorCode::conflict, "account.error.link_used", "the link was used"};
    return std::move(why).error();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

// ---------------------------------------------------------------- API tokens

namespace {

struct ApiRow {
  std::string id, org, user, name, created, revoked;
  soci::indicator revoked_ind = soci::i_null;
  ApiToken token() const {
    ApiToken t{id, org, user, name, parse_time(created), std::nullopt};
    if (revoked_ind == soci::i_ok) t.revoked_at = parse_time(revoked);
    return t;
  }
};

void bind_api(soci::statement& st, ApiRow& r) {
  st.exchange(soci::into(r.id));
  st.exchange(soci::into(r.org));
  st.exchange(soci::into(r.user));
  st.exchange(soci::into(r.name));
  st.exchange(soci::into(r.created));
  st.exchange(soci::into(r.revoked, r.revoked_ind));
}

constexpr const char* kApiPrefix = "sk_";

}  // namespace

Result<std::pair<ApiToken, std::string>> ApiTokenRepository::create(const std::string& org,
                                                                    const std::string& user_id,
                                                                    const std::string& name) {
  std::string clean = trim(name);
  if (clean.empty() || clean.size() > kMaxTokenNameBytes || !is_valid_utf8(clean) ||
      has_control(clean))
    return Error::invalid("account.error.token_name_invalid", "a token name is 1–100 bytes");
  try {
    std::optional<Error> err;
    ApiToken t{new_id(), org, user_id, clean, parse_time(iso_utc(clock_.now())), std::nullopt};
    std::string raw = kApiPrefix + random_token();
    db_.with_transaction([&](soci::session& s) {
      auto row = find_user(s, org, user_id);
      if (!row) {
        err = user_not_found();
        return;
      }
      if (row->status == "anonymised") {
        err = user_anonymised();
        return;
      }
      std::string hash = token_hash(raw), when = iso_utc(t.created_at);
      s << "INSERT INTO api_tokens (id, organisation_id, user_id, name, token_hash, created_at) "
           "VALUES (:i, :o, :u, :n, :h, :c)",
          soci::use(t.id), soci::use(t.organisation_id), soci::use(t.user_id), soci::use(t.name),
          soci::use(hash), soci::use(when);
    });
    if (err) return *err;
    return std::pair{t, raw};
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<ApiToken> ApiTokenRepository::authenticate(const std::string& raw) {
  const Error refused{ErrorCode::unauthorized, "account.error.token_invalid", {}};
  if (!raw.starts_with(kApiPrefix) || raw.size() > 256) return refused;
  try {
    std::optional<ApiToken> found;
    std::string status;
    db_.with_session([&](soci::session& s) {
      ApiRow r;
      std::string hash = token_hash(raw);
      soci::statement st(s);
      bind_api(st, r);
      st.exchange(soci::into(status));
      st.exchange(soci::use(hash));
      st.alloc();
      st.prepare(
          "SELECT t.id, t.organisation_id, t.user_id, t.name, t.created_at, t.revoked_at, "
          "u.status FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = :h");
      st.define_and_bind();
      if (st.execute(true)) found = r.token();
    });
    if (!found || found->revoked_at || status != "active") return refused;
    return *found;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<std::vector<ApiToken>> ApiTokenRepository::list(const std::string& org,
                                                       const std::string& user_id) {
  try {
    std::vector<ApiToken> out;
    bool found = false;
    db_.with_session([&](soci::session& s) {
      found = find_user(s, org, user_id).has_value();
      if (!found) return;
      ApiRow r;
      std::string o = org, u = user_id;
      soci::statement st(s);
      bind_api(st, r);
      st.exchange(soci::use(o));
      st.exchange(soci::use(u));
      st.alloc();
      st.prepare(
          "SELECT id, organisation_id, user_id, name, created_at, revoked_at FROM api_tokens "
          "WHERE organisation_id = :o AND user_id = :u ORDER BY created_at, id");
      st.define_and_bind();
      st.execute();
      while (st.fetch())
        out.push_back(r.token());
    });
    if (!found) return user_not_found();
    return out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Status ApiTokenRepository::revoke(const std::string& org, const std::string& token_id) {
  try {
    long long exists = 0;
    db_.with_transaction([&](soci::session& s) {
      std::string o = org, i = token_id;
      s << "SELECT COUNT(*) FROM api_tokens WHERE id = :i AND organisation_id = :o", soci::use(i),
          soci::use(o), soci::into(exists);
      if (exists == 0) return;
      affected(s,
               "UPDATE api_tokens SET revoked_at = :t WHERE id = :i AND organisation_id = :o "
               "AND revoked_at IS NULL",
               {iso_utc(clock_.now()), token_id, org});
    });
    if (exists == 0) return Error::not_found("account.error.token_unknown");
    return ok_status();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

// ---------------------------------------------------------------- throttling

namespace {
Status check_key(const std::string& key) {
  if (key.empty() || key.size() > kMaxThrottleKeyBytes)
    return Error::invalid("error.bad_request", "a throttle key is 1–512 bytes");
  return ok_status();
}
}  // namespace

Result<std::chrono::seconds> ThrottleRepository::wait_for(const std::string& key) {
  if (auto st = check_key(key); !st) return std::move(st).error();
  try {
    long long failures = 0;
    std::string last;
    bool found = false;
    db_.with_session([&](soci::session& s) {
      std::string k = key;
      s << "SELECT failures, last_failure_at FROM login_throttle WHERE key = :k", soci::use(k),
          soci::into(failures), soci::into(last);
      found = s.got_data();
    });
    if (!found) return std::chrono::seconds{0};
    const auto delay = throttle_delay(static_cast<int>(std::min<long long>(failures, 1 << 20)));
    const auto until = parse_time(last) + delay;
    const auto now = clock_.now();
    if (now >= until) return std::chrono::seconds{0};
    // Round up: "wait 0 s" must never be said while a wait remains.
    return std::chrono::ceil<std::chrono::seconds>(until - now);
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Status ThrottleRepository::record_failure(const std::string& key) {
  if (auto st = check_key(key); !st) return st;
  try {
    db_.with_session([&](soci::session& s) {
      std::string k = key, when = iso_utc(clock_.now());
      s << "INSERT INTO login_throttle (key, failures, last_failure_at) VALUES (:k, 1, :t) "
           "ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN login_throttle.failures < "
           "1000000 THEN login_throttle.failures + 1 ELSE login_throttle.failures END, "
           "last_failure_at = excluded.last_failure_at",
          soci::use(k), soci::use(when);
    });
    return ok_status();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Status ThrottleRepository::clear(const std::string& key) {
  if (auto st = check_key(key); !st) return st;
  try {
    db_.with_session([&](soci::session& s) {
      std::string k = key;
      s << "DELETE FROM login_throttle WHERE key = :k", soci::use(k);
    });
    return ok_status();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

// ---------------------------------------------------------------- audit log

namespace {

struct AuditRow {
  long long id = 0;
  std::string org, actor, action, type, object, detail, at;
  soci::indicator actor_ind = soci::i_null;
  AuditEntry entry() const {
    return {id,     org,           actor_ind == soci::i_ok ? actor : "", action, type, object,
            detail, parse_time(at)};
  }
};

constexpr const char* kAuditColumns =
    "SELECT id, organisation_id, actor_user_id, action, object_type, object_id, detail, at "
    "FROM audit_log ";

std::vector<AuditEntry> query_audit(soci::session& s, const std::string& where,
                                    std::vector<std::string> params, long long extra_id,
                                    bool with_id, int limit) {
  std::vector<AuditEntry> out;
  AuditRow r;
  soci::statement st(s);
  st.exchange(soci::into(r.id));
  st.exchange(soci::into(r.org));
  st.exchange(soci::into(r.actor, r.actor_ind));
  st.exchange(soci::into(r.action));
  st.exchange(soci::into(r.type));
  st.exchange(soci::into(r.object));
  st.exchange(soci::into(r.detail));
  st.exchange(soci::into(r.at));
  for (auto& p : params)
    st.exchange(soci::use(p));
  if (with_id) st.exchange(soci::use(extra_id));
  st.alloc();
  std::string sql = std::string(kAuditColumns) + where;
  if (limit > 0) sql += " LIMIT " + std::to_string(limit);
  st.prepare(sql);
  st.define_and_bind();
  st.execute();
  while (st.fetch())
    out.push_back(r.entry());
  return out;
}

Status check_audit_field(const std::string& v, bool required, std::size_t max) {
  if (required && v.empty()) return Error::invalid("error.bad_request", "an audit field is empty");
  if (v.size() > max)
    return Error{ErrorCode::too_large, "error.bad_request", "audit field too long"};
  if (!is_valid_utf8(v)) return Error::invalid("error.bad_request", "an audit field is not text");
  return ok_status();
}

}  // namespace

Status AuditLog::record(const std::string& org, const std::string& actor, const std::string& action,
                        const std::string& object_type, const std::string& object_id,
                        const std::string& detail) {
  for (auto st : {check_audit_field(actor, false, kMaxAuditFieldBytes),
                  check_audit_field(action, true, kMaxAuditFieldBytes),
                  check_audit_field(object_type, true, kMaxAuditFieldBytes),
                  check_audit_field(object_id, false, kMaxAuditFieldBytes),
                  check_audit_field(detail, false, kMaxAuditDetailBytes)})
    if (!st) return st;
  try {
    bool org_found = false;
    db_.with_session([&](soci::session& s) {
      org_found = organisation_exists(s, org);
      if (!org_found) return;
      std::string o = org, a = actor, ac = action, t = object_type, i = object_id, d = detail;
      std::string when = iso_utc(clock_.now());
      soci::indicator ai = actor.empty() ? soci::i_null : soci::i_ok;
      s << "INSERT INTO audit_log (organisation_id, actor_user_id, action, object_type, "
           "object_id, detail, at) VALUES (:o, :a, :ac, :t, :i, :d, :w)",
          soci::use(o), soci::use(a, ai), soci::use(ac), soci::use(t), soci::use(i), soci::use(d),
          soci::use(when);
    });
    if (!org_found) return Error::not_found("account.error.organisation_unknown");
    return ok_status();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<std::vector<AuditEntry>> AuditLog::list(const std::string& org, int limit,
                                               std::int64_t before_id) {
  if (limit <= 0 || limit > kMaxAuditPage)
    return Error::invalid("error.bad_request", "a page holds 1–500 entries");
  if (before_id < 0) return Error::invalid("error.bad_request", "negative id");
  try {
    std::vector<AuditEntry> out;
    db_.with_session([&](soci::session& s) {
      if (before_id > 0)
        out = query_audit(s, "WHERE organisation_id = :o AND id < :b ORDER BY id DESC", {org},
                          before_id, true, limit);
      else
        out = query_audit(s, "WHERE organisation_id = :o ORDER BY id DESC", {org}, 0, false, limit);
    });
    return out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<std::vector<AuditEntry>> AuditLog::for_user(const std::string& org,
                                                   const std::string& user_id) {
  try {
    std::vector<AuditEntry> out;
    bool found = false;
    db_.with_session([&](soci::session& s) {
      found = find_user(s, org, user_id).has_value();
      if (!found) return;
      out = query_audit(s,
                        "WHERE organisation_id = :o AND (actor_user_id = :u OR "
                        "(object_type = 'user' AND object_id = :u2)) ORDER BY id",
                        {org, user_id, user_id}, 0, false, 0);
    });
    if (!found) return user_not_found();
    return out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

}  // namespace samskap::store

namespace samskap::store {

Result<PurgeReport> purge_expired(Database& db, const Clock& clock, const RetentionPolicy& policy) {
  // Timestamps are fixed-width ISO 8601 UTC text, so text order is time order.
  const SystemTime now = clock.now();
  const std::string idle = iso_utc(now - policy.sessions.idle);
  const std::string absolute = iso_utc(now - policy.sessions.absolute);
  const std::string links = iso_utc(now - policy.spent_links);
  const std::string audit = iso_utc(now - policy.audit_log);
  const std::string quiet = iso_utc(now - policy.quiet_throttle);
  try {
    PurgeReport r;
    db.with_transaction([&](soci::session& s) {
      r.sessions = affected(s, "DELETE FROM sessions WHERE last_seen_at <= :i OR created_at <= :a",
                            {idle, absolute});
      r.links = affected(s,
                         "DELETE FROM one_time_tokens WHERE (used_at IS NOT NULL AND used_at <= "
                         ":u) OR expires_at <= :e",
                         {links, links});
      r.audit_entries = affected(s, "DELETE FROM audit_log WHERE at < :t", {audit});
      r.throttle_keys =
          affected(s, "DELETE FROM login_throttle WHERE last_failure_at < :t", {quiet});
      // E-mail (issue 13): sent and given-up messages go after 90 days (a
      // sent one has kept no body since it went).
      affected(s, "DELETE FROM mail_queue WHERE status <> 'queued' AND created_at < :t",
               {iso_utc(now - std::chrono::hours(24 * 90))});
    });
    return r;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

}  // namespace samskap::store
