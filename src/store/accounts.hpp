#pragma once
// Organisations, units, users, sessions, one-time links, API tokens, login
// throttling and the audit log.
//
// Isolation: every method that touches organisation-owned data takes the
// caller's organisation id (`org`) and treats an object of another
// organisation exactly like a missing one: ErrorCode::not_found. The few
// methods without `org` (login lookup, token redemption, first-run checks)
// say so.
//
// All methods block (database); call them from worker threads. Thread-safe.
// Expected failures are values: not_found, conflict (duplicate),
// invalid_input, unavailable (database down).

#include <optional>
#include <string>
#include <vector>

#include "core/access.hpp"
#include "core/clock.hpp"
#include "core/credentials.hpp"
#include "core/error.hpp"
#include "store/database.hpp"

namespace samskap::store {

enum class OrganisationKind { usht, kommune };
std::string_view to_string(OrganisationKind k) noexcept;
std::optional<OrganisationKind> parse_organisation_kind(std::string_view s) noexcept;

enum class UserStatus { invited, active, disabled, anonymised };
std::string_view to_string(UserStatus s) noexcept;

struct Organisation {
  std::string id;  // opaque random id
  std::string name;
  OrganisationKind kind = OrganisationKind::kommune;
  SystemTime created_at;
};

struct Unit {
  std::string id;
  std::string organisation_id;
  std::string name;
};

struct User {
  std::string id;
  std::string organisation_id;
  std::string email;  // normalised
  std::string display_name;
  Role role = Role::deltaker;
  UserStatus status = UserStatus::invited;
  SystemTime created_at;
};

// A user as another organisation may see them when inviting them
// (AccountRepository::find_by_email).
struct DirectoryEntry {
  std::string user_id;
  std::string display_name;
  std::string organisation_name;
  OrganisationKind organisation_kind = OrganisationKind::kommune;
};

// What login needs: the user and their password hash (empty when none set).
struct LoginRecord {
  User user;
  std::string password_hash;
};

class AccountRepository {
 public:
  AccountRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Not scoped (operators and first-run). conflict when the name is taken
  // (case-insensitively); invalid_input for an empty name or over 200 bytes.
  Result<Organisation> create_organisation(const std::string& name, OrganisationKind kind);
  // Not scoped: true when at least one organisation exists.
  Result<bool> any_organisation();
  // Not scoped (operators): all organisations by name.
  Result<std::vector<Organisation>> all_organisations();
  // Not scoped (operators): by exact name, case-insensitively.
  Result<Organisation> organisation_by_name(const std::string& name);

  Result<Organisation> organisation(const std::string& org);

  Result<Unit> create_unit(const std::string& org, const std::string& name);
  Result<std::vector<Unit>> units(const std::string& org);

  // `email` must already be normalised (normalise_email). conflict when an
  // account with that e-mail exists in any organisation. The status is
  // active when a password hash is given, invited otherwise.
  Result<User> create_user(const std::string& org, const std::string& email,
                           const std::string& display_name, Role role,
                           const std::string& password_hash = {});
  Result<User> user(const std::string& org, const std::string& user_id);
  Result<std::vector<User>> users(const std::string& org);

  // Not scoped (login happens before the organisation is known).
  Result<LoginRecord> find_for_login(const std::string& normalised_email);

  // Not scoped, on purpose: inviting a facilitator of a USHT into one
  // initiative (issue 4) starts from an e-mail address in another
  // organisation, which no organisation-scoped query can reach. To keep what
  // crosses the boundary small it returns only an *active* user's id, name
  // and organisation (name and kind) — no e-mail, role or status — and
  // not_found for anything else. Callers must not show the result before
  // their own rule has accepted the user (see initiative_work_pages.cpp),
  // so the answer does not tell whether an address exists elsewhere.
  Result<DirectoryEntry> find_by_email(const std::string& normalised_email);

  // Sets the hash and makes an invited user active.
  Status set_password_hash(const std::string& org, const std::string& user_id,
                           const std::string& hash);
  Status set_role(const std::string& org, const std::string& user_id, Role role);
  Status set_status(const std::string& org, const std::string& user_id, UserStatus status);
  // Replaces name and e-mail with placeholders, removes the password, ends all
  // sessions and API tokens; the user's id stays so aggregates remain.
  Status anonymise(const std::string& org, const std::string& user_id);

  // The units `user_id` belongs to, by name (a leader's reach depends on
  // them: docs/permissions.md). not_found when the user is not of `org`.
  Result<std::vector<Unit>> user_units(const std::string& org, const std::string& user_id);
  // Replaces the units `user_id` belongs to with `unit_ids` (order and
  // repeats do not matter; empty: none), all or nothing. Errors: not_found
  // when the user is not of `org`; invalid_input "account.error.unit_unknown"
  // when an id is not a unit of `org` or there are more than 1000 ids;
  // invalid_input "account.error.user_anonymised" for an anonymised user.
  Status set_user_units(const std::string& org, const std::string& user_id,
                        const std::vector<std::string>& unit_ids);

 private:
  Database& db_;
  const Clock& clock_;
};

struct SessionInfo {
  std::string user_id;
  std::string organisation_id;
  std::string csrf_token;
  SystemTime created_at;
};

struct NewSession {
  std::string raw_id;  // goes into the cookie; only its hash is stored
  std::string csrf_token;
};

class SessionRepository {
 public:
  SessionRepository(Database& db, const Clock& clock, SessionPolicy policy = {})
      : db_(db), clock_(clock), policy_(policy) {}

  // A new session with a fresh random id and CSRF token.
  Result<NewSession> create(const std::string& org, const std::string& user_id);
  // The live session for a raw id, or nullopt when unknown or expired (an
  // expired one is deleted). Updates last use at most once a minute.
  Result<std::optional<SessionInfo>> find(const std::string& raw_id);
  Status destroy(const std::string& raw_id);
  // "Log out everywhere". Returns how many sessions ended.
  Result<int> destroy_all(const std::string& org, const std::string& user_id);

 private:
  Database& db_;
  const Clock& clock_;
  SessionPolicy policy_;
};

enum class TokenKind { setup, invitation, password_reset };

struct OneTimeToken {
  TokenKind kind = TokenKind::setup;
  std::string organisation_id;  // empty for setup
  std::string user_id;          // empty for setup
  SystemTime expires_at;
};

class OneTimeTokenRepository {
 public:
  OneTimeTokenRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Returns the raw token (for the link); stores its hash.
  Result<std::string> issue(TokenKind kind, const std::string& org, const std::string& user_id,
                            std::chrono::seconds ttl);
  // Not scoped. Errors: not_found ("account.error.link_unknown"), conflict
  // ("account.error.link_used"), invalid_input ("account.error.link_expired").
  Result<OneTimeToken> peek(TokenKind kind, const std::string& raw);
  // As peek, and marks the token used in the same transaction, so it works once.
  Result<OneTimeToken> redeem(TokenKind kind, const std::string& raw);

 private:
  Database& db_;
  const Clock& clock_;
};

struct ApiToken {
  std::string id;
  std::string organisation_id;
  std::string user_id;
  std::string name;
  SystemTime created_at;
  std::optional<SystemTime> revoked_at;
};

class ApiTokenRepository {
 public:
  ApiTokenRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}
  // Returns the raw token once ("sk_" + random); stores its hash.
  Result<std::pair<ApiToken, std::string>> create(const std::string& org,
                                                  const std::string& user_id,
                                                  const std::string& name);
  // Not scoped. The token's owner, or unauthorized for unknown or revoked tokens.
  Result<ApiToken> authenticate(const std::string& raw);
  Result<std::vector<ApiToken>> list(const std::string& org, const std::string& user_id);
  Status revoke(const std::string& org, const std::string& token_id);

 private:
  Database& db_;
  const Clock& clock_;
};

class ThrottleRepository {
 public:
  ThrottleRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}
  // Keys: "account:<normalised email>" and "address:<client address>".
  // How long the caller must still wait before an attempt is checked (zero when none).
  Result<std::chrono::seconds> wait_for(const std::string& key);
  Status record_failure(const std::string& key);
  Status clear(const std::string& key);

 private:
  Database& db_;
  const Clock& clock_;
};

struct AuditEntry {
  std::int64_t id = 0;
  std::string organisation_id;
  std::string actor_user_id;  // empty for the system or an operator
  std::string action;         // "login", "login_failed", "role_changed", …
  std::string object_type;    // "user", "organisation", …
  std::string object_id;
  std::string detail;  // short, no secrets
  SystemTime at;
};

class AuditLog {
 public:
  AuditLog(Database& db, const Clock& clock) : db_(db), clock_(clock) {}
  // Append-only: there is no update or delete.
  Status record(const std::string& org, const std::string& actor, const std::string& action,
                const std::string& object_type, const std::string& object_id,
                const std::string& detail = {});
  // Newest first; `before_id` pages back (0: from the newest).
  Result<std::vector<AuditEntry>> list(const std::string& org, int limit,
                                       std::int64_t before_id = 0);
  // Everything recorded about or by one user, for their data export.
  Result<std::vector<AuditEntry>> for_user(const std::string& org, const std::string& user_id);

 private:
  Database& db_;
  const Clock& clock_;
};

// Data retention (docs/retention.md). The defaults are the documented ones.
struct RetentionPolicy {
  SessionPolicy sessions;  // sessions past their idle or absolute timeout go
  // Used or expired one-time links are kept this long (for support questions).
  std::chrono::seconds spent_links{std::chrono::days(30)};
  // Audit entries older than this go.
  std::chrono::seconds audit_log{std::chrono::days(730)};
  // A throttle count with no failure for this long is forgotten.
  std::chrono::seconds quiet_throttle{std::chrono::days(1)};
};

struct PurgeReport {
  long long sessions = 0;
  long long links = 0;
  long long audit_entries = 0;
  long long throttle_keys = 0;
};

// Not scoped (a background job over every organisation): deletes what
// `policy` says has run out, in one transaction, and says how much. Users are
// never deleted here. Blocking; run it from a worker, e.g. hourly. Errors:
// unavailable.
Result<PurgeReport> purge_expired(Database& db, const Clock& clock,
                                  const RetentionPolicy& policy = {});

}  // namespace samskap::store
