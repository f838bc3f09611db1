#include "store/accounts.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <set>
#include <thread>

#include "store/migrations.hpp"
#include "store/secrets.hpp"
#include "store/sql_time.hpp"
#include "support/test_db.hpp"

namespace samskap::store {
namespace {

using namespace std::chrono_literals;

// Stands in for a real hash where hashing cost is not the point of the test.
const std::string kFakeHash = "$argon2id$v=19$m=65536,t=2,p=1$not-a-real-hash";

class AccountsTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    tdb_ = testing::TestDatabase::create(GetParam(), why_);
    if (!tdb_) return;
    auto db = Database::open({tdb_->url(), 8, std::chrono::milliseconds(10000)});
    ASSERT_TRUE(db.ok()) << db.error().detail;
    db_ = std::move(db).value();
    auto ms = load_migrations(embedded_migrations(), GetParam());
    ASSERT_TRUE(ms.ok());
    auto m = migrate(*db_, *ms, clock_);
    ASSERT_TRUE(m.ok()) << m.error().detail;
  }

  // Two organisations with an active administrator each.
  void two_orgs() {
    AccountRepository accounts(*db_, clock_);
    auto a = accounts.create_organisation("Solbygd kommune", OrganisationKind::kommune);
    auto b = accounts.create_organisation("USHT Nordfjell", OrganisationKind::usht);
    ASSERT_TRUE(a.ok()) << a.error().detail;
    ASSERT_TRUE(b.ok()) << b.error().detail;
    org_a_ = a->id;
    org_b_ = b->id;
    auto ua = accounts.create_user(org_a_, "anne@solbygd.kommune.no", "Anne A", Role::administrator,
                                   kFakeHash);
    auto ub = accounts.create_user(org_b_, "bjorn@usht.example.no", "Bjørn B", Role::administrator,
                                   kFakeHash);
    ASSERT_TRUE(ua.ok()) << ua.error().detail;
    ASSERT_TRUE(ub.ok()) << ub.error().detail;
    user_a_ = ua->id;
    user_b_ = ub->id;
  }

  long long count(const std::string& sql) {
    long long n = -1;
    db_->with_session([&](soci::session& s) { s << sql, soci::into(n); });
    return n;
  }

  ManualClock clock_{SystemTime{} + std::chrono::hours(490000)};
  std::unique_ptr<testing::TestDatabase> tdb_;
  std::unique_ptr<Database> db_;
  std::string why_;
  std::string org_a_, org_b_, user_a_, user_b_;
};

// ---------------------------------------------------------------- organisations and units

TEST_P(AccountsTest, OrganisationsHaveUniqueNamesWhateverTheCase) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  AccountRepository accounts(*db_, clock_);
  auto none = accounts.any_organisation();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);

  auto first = accounts.create_organisation("  Ålesund kommune ", OrganisationKind::kommune);
  ASSERT_TRUE(first.ok()) << first.error().detail;
  EXPECT_EQ(first->name, "Ålesund kommune") << "trimmed";
  EXPECT_EQ(first->id.size(), 32u);
  EXPECT_EQ(first->created_at, clock_.now());

  for (const char* dup : {"Ålesund kommune", "ÅLESUND KOMMUNE", "ålesund Kommune"}) {
    auto again = accounts.create_organisation(dup, OrganisationKind::usht);
    ASSERT_FALSE(again.ok()) << dup;
    EXPECT_EQ(again.error().code, ErrorCode::conflict) << dup;
  }
  for (const std::string& bad : {std::string(""), std::string("   "), std::string(201, 'x'),
                                 std::string("Ny\nlinje"), std::string("bad \xff utf8")}) {
    auto r = accounts.create_organisation(bad, OrganisationKind::kommune);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
  }
  ASSERT_TRUE(accounts.create_organisation("Bodø kommune", OrganisationKind::kommune).ok());
  const std::string hostile = "x'); DROP TABLE users; --";
  auto odd = accounts.create_organisation(hostile, OrganisationKind::usht);
  ASSERT_TRUE(odd.ok()) << odd.error().detail;
  auto odd_back = accounts.organisation_by_name(hostile);
  ASSERT_TRUE(odd_back.ok()) << "names are data, never SQL";
  EXPECT_EQ(odd_back->name, hostile);
  EXPECT_EQ(odd_back->kind, OrganisationKind::usht);

  auto any = accounts.any_organisation();
  ASSERT_TRUE(any.ok());
  EXPECT_TRUE(*any);
  auto all = accounts.all_organisations();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].name, "Bodø kommune");
  EXPECT_EQ((*all)[1].name, hostile);
  EXPECT_EQ((*all)[2].name, "Ålesund kommune") << "Å sorts after x in UTF-8 byte order";

  auto by_name = accounts.organisation_by_name("ÅLESUND kommune");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->id, first->id);
  EXPECT_EQ(by_name->kind, OrganisationKind::kommune);
  EXPECT_EQ(accounts.organisation_by_name("Ålesund").error().code, ErrorCode::not_found);
  auto by_id = accounts.organisation(first->id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->name, "Ålesund kommune");
  EXPECT_EQ(accounts.organisation("no-such-id").error().code, ErrorCode::not_found);
}

TEST_P(AccountsTest, UnitsAreUniquePerOrganisationAndScoped) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  two_orgs();
  AccountRepository accounts(*db_, clock_);
  auto u = accounts.create_unit(org_a_, "Solsiden sykehjem");
  ASSERT_TRUE(u.ok()) << u.error().detail;
  EXPECT_EQ(u->organisation_id, org_a_);
  EXPECT_EQ(accounts.create_unit(org_a_, "SOLSIDEN SYKEHJEM").error().code, ErrorCode::conflict);
  ASSERT_TRUE(accounts.create_unit(org_a_, "Hjemmetjenesten sone nord").ok());
  ASSERT_TRUE(accounts.create_unit(org_b_, "Solsiden sykehjem").ok()) << "same name, other org";
  EXPECT_EQ(accounts.create_unit("no-such-org", "X").error().code, ErrorCode::not_found);
  EXPECT_EQ(accounts.create_unit(org_a_, "").error().code, ErrorCode::invalid_input);

  auto a_units = accounts.units(org_a_);
  ASSERT_TRUE(a_units.ok());
  ASSERT_EQ(a_units->size(), 2u);
  EXPECT_EQ((*a_units)[0].name, "Hjemmetjenesten sone nord");
  auto b_units = accounts.units(org_b_);
  ASSERT_TRUE(b_units.ok());
  ASSERT_EQ(b_units->size(), 1u);
  EXPECT_NE((*b_units)[0].id, u->id) << "org B sees its own unit, not A's";
  EXPECT_EQ(accounts.units("no-such-org").error().code, ErrorCode::not_found);
}

// ---------------------------------------------------------------- users

TEST_P(AccountsTest, EmailIsUniqueAcrossOrganisations) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  two_orgs();
  AccountRepository accounts(*db_, clock_);
  auto dup = accounts.create_user(org_b_, "anne@solbygd.kommune.no", "Anne igjen", Role::deltaker);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::conflict);
  EXPECT_EQ(dup.error().message_key, "account.error.email_taken");

  auto not_normal = accounts.create_user(org_a_, "Per@Solbygd.no", "Per", Role::leder);
  ASSERT_FALSE(not_normal.ok());
  EXPECT_EQ(not_normal.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(accounts.create_user(org_a_, "per", "Per", Role::leder).error().code,
            ErrorCode::invalid_input);
  EXPECT_EQ(accounts.create_user("no-such-org", "per@solbygd.no", "Per", Role::leder).error().code,
            ErrorCode::not_found);

  auto invited = accounts.create_user(org_a_, "per@solbygd.no", "Per", Role::leder);
  ASSERT_TRUE(invited.ok());
  EXPECT_EQ(invited->status, UserStatus::invited);
  EXPECT_EQ(invited->role, Role::leder);
  auto users = accounts.users(org_a_);
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 2u);
  for (const auto& u : *users)
    EXPECT_EQ(u.organisation_id, org_a_);

  auto login = accounts.find_for_login("per@solbygd.no");
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->user.id, invited->id);
  EXPECT_TRUE(login->password_hash.empty());
  EXPECT_EQ(accounts.find_for_login("nobody@solbygd.no").error().code, ErrorCode::not_found);

  ASSERT_TRUE(accounts.set_password_hash(org_a_, invited->id, kFakeHash).ok());
  auto now_active = accounts.find_for_login("per@solbygd.no");
  ASSERT_TRUE(now_active.ok());
  EXPECT_EQ(now_active->user.status, UserStatus::active);
  EXPECT_EQ(now_active->password_hash, kFakeHash);

  ASSERT_TRUE(accounts.set_role(org_a_, invited->id, Role::prosessveileder).ok());
  ASSERT_TRUE(accounts.set_status(org_a_, invited->id, UserStatus::disabled).ok());
  auto changed = accounts.user(org_a_, invited->id);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->role, Role::prosessveileder);
  EXPECT_EQ(changed->status, UserStatus::disabled);
  EXPECT_EQ(accounts.set_status(org_a_, invited->id, UserStatus::anonymised).error().code,
            ErrorCode::invalid_input)
      << "anonymising goes through anonymise()";
}

TEST_P(AccountsTest, ObjectsOfAnotherOrganisationAreNotFound) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  two_orgs();
  AccountRepository accounts(*db_, clock_);
  SessionRepository sessions(*db_, clock_);
  ApiTokenRepository api(*db_, clock_);
  OneTimeTokenRepository links(*db_, clock_);
  AuditLog audit(*db_, clock_);

  auto session_a = sessions.create(org_a_, user_a_);
  ASSERT_TRUE(session_a.ok());
  auto token_a = api.create(org_a_, user_a_, "integrasjon");
  ASSERT_TRUE(token_a.ok());
  ASSERT_TRUE(accounts.create_unit(org_a_, "Solsiden").ok());
  ASSERT_TRUE(audit.record(org_a_, user_a_, "role_changed", "user", user_a_, "secret detail").ok());

  auto nf = [](const auto& r) { return !r.ok() && r.error().code == ErrorCode::not_found; };
  // A's user, addressed as if it were B's.
  EXPECT_TRUE(nf(accounts.user(org_b_, user_a_)));
  EXPECT_TRUE(nf(accounts.set_role(org_b_, user_a_, Role::deltaker)));
  EXPECT_TRUE(nf(accounts.set_status(org_b_, user_a_, UserStatus::disabled)));
  EXPECT_TRUE(nf(accounts.set_password_hash(org_b_, user_a_, "x")));
  EXPECT_TRUE(nf(accounts.anonymise(org_b_, user_a_)));
  EXPECT_TRUE(nf(sessions.destroy_all(org_b_, user_a_)));
  EXPECT_TRUE(nf(sessions.create(org_b_, user_a_)));
  EXPECT_TRUE(nf(api.create(org_b_, user_a_, "stjålet")));
  EXPECT_TRUE(nf(api.list(org_b_, user_a_)));
  EXPECT_TRUE(nf(api.revoke(org_b_, token_a->first.id)));
  EXPECT_TRUE(nf(links.issue(TokenKind::invitation, org_b_, user_a_, 24h)));
  EXPECT_TRUE(nf(audit.for_user(org_b_, user_a_)));

  // Lists of B show nothing of A.
  auto b_users = accounts.users(org_b_);
  ASSERT_TRUE(b_users.ok());
  ASSERT_EQ(b_users->size(), 1u);
  EXPECT_EQ((*b_users)[0].id, user_b_);
  auto b_units = accounts.units(org_b_);
  ASSERT_TRUE(b_units.ok());
  EXPECT_TRUE(b_units->empty());
  auto b_audit = audit.list(org_b_, 100);
  ASSERT_TRUE(b_audit.ok());
  EXPECT_TRUE(b_audit->empty());

  // And nothing of A changed.
  auto a = accounts.user(org_a_, user_a_);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->role, Role::administrator);
  EXPECT_EQ(a->status, UserStatus::active);
  EXPECT_EQ(a->email, "anne@solbygd.kommune.no");
  auto still = sessions.find(session_a->raw_id);
  ASSERT_TRUE(still.ok());
  EXPECT_TRUE(still->has_value());
  EXPECT_TRUE(api.authenticate(token_a->second).ok());
  auto a_audit = audit.list(org_a_, 100);
  ASSERT_TRUE(a_audit.ok());
  EXPECT_EQ(a_audit->size(), 1u);
}

// ---------------------------------------------------------------- sessions

TEST_P(AccountsTest, SessionLivesUntilDestroyed) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  two_orgs();
  SessionRepository sessions(*db_, clock_);
  auto s = sessions.create(org_a_, user_a_);
  ASSERT_TRUE(s.ok()) << s.error().detail;
  EXPECT_EQ(s->raw_id.size(), 43u);
  EXPECT_EQ(s->csrf_token.size(), 43u);
  EXPECT_NE(s->raw_id, s->csrf_token);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions WHERE id_hash = '" + token_hash(s->raw_id) + "'"),
            1)
      << "only the hash of the id is stored";

  auto found = sessions.find(s->raw_id);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->user_id, user_a_);
  EXPECT_EQ((*found)->organisation_id, org_a_);
  EXPECT_EQ((*found)->csrf_token, s->csrf_token);
  EXPECT_EQ((*found)->created_at, clock_.now());

  for (const std::string& unknown : {std::string(), std::string("nope"), s->csrf_token}) {
    auto none = sessions.find(unknown);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value()) << unknown;
  }
  ASSERT_TRUE(sessions.destroy(s->raw_id).ok());
  auto gone = sessions.find(s->raw_id);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

TEST_P(AccountsTest, SessionEndsAfterTwoIdleHours) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  two_orgs();
  SessionRepository sessions(*db_, clock_);
  auto s = sessions.create(org_a_, user_a_);
  ASSERT_TRUE(s.ok());
  clock_.advance(1h + 59min);
  auto used = sessions.find(s->raw_id);  // use refreshes the idle timer
  ASSERT_TRUE(used.ok());
  ASSERT_TRUE(used->has_value());
  clock_.advance(1h + 59min);
  auto still = sessions.find(s->raw_id);
  ASSERT_TRUE(still.ok());
  ASSERT_TRUE(still->has_value()) << "used 1 h 59 min ago";
  clock_.advance(2h);
  auto idle = sessions.find(s->raw_id);
  ASSERT_TRUE(idle.ok());
  EXPECT_FALSE(idle->has_value()) << "idle for 2 h";
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 0) << "an expired session is deleted";
}

TEST_P(AccountsTest, SessionEndsTwelveHoursAfterLoginHoweverBusy) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  two_orgs();
  SessionRepository sessions(*db_, clock_);
  auto s = sessions.create(org_a_, user_a_);
  ASSERT_TRUE(s.ok());
  for (int i = 0; i < 11; ++i) {
    clock_.advance(1h);
    auto r = sessions.find(s->raw_id);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->has_value()) << "hour " << i + 1;
  }
  clock_.advance(59min + 59s);
  auto last = sessions.find(s->raw_id);
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(last->has_value()) << "11 h 59 min 59 s after login";
  clock_.advance(1s);
  auto ended = sessions.find(s->raw_id);
  ASSERT_TRUE(ended.ok());
  EXPECT_FALSE(ended->has_value()) << "12 h after login";
}

TEST_P(AccountsTest, LastUseIsWrittenAtMostOnceAMinute) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  two_orgs();
  SessionRepository sessions(*db_, clock_);
  auto s = sessions.create(org_a_, user_a_);
  ASSERT_TRUE(s.ok());
  auto last_seen = [&] {
    std::string v;
    db_->with_session(
        [&](soci::session& ss) { ss << "SELECT last_seen_at FROM sessions", soci::into(v); });
    return v;
  };
  const std::string at_login = last_seen();
  clock_.advance(59s);
  ASSERT_TRUE(sessions.find(s->raw_id).ok());
  EXPECT_EQ(last_seen(), at_login);
  clock_.advance(1s);
  ASSERT_TRUE(sessions.find(s->raw_id).ok());
  EXPECT_EQ(last_seen(), iso_utc(clock_.now()));
}

TEST_P(AccountsTest, LogOutEverywhere) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  two_orgs();
  AccountRepository accounts(*db_, clock_);
  SessionRepository sessions(*db_, clock_);
  auto other = accounts.create_user(org_a_, "kari@solbygd.no", "Kari", Role::leder, kFakeHash);
  ASSERT_TRUE(other.ok());
  std::vector<std::string> mine;
  for (int i = 0; i < 3; ++i) {
    auto s = sessions.create(org_a_, user_a_);
    ASSERT_TRUE(s.ok());
    mine.push_back(s->raw_id);
  }
  auto theirs = sessions.create(org_a_, other->id);
  ASSERT_TRUE(theirs.ok());

  auto n = sessions.destroy_all(org_a_, user_a_);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 3);
  for (const auto& id : mine) {
    auto r = sessions.find(id);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->has_value());
  }
  auto kept = sessions.find(theirs->raw_id);
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(kept->has_value()) << "another user's session stays";
  auto again = sessions.destroy_all(org_a_, user_a_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

TEST_P(AccountsTest, DisabledUsersLoseTheirSessionsAndCannotStartNew) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  two_orgs();
  AccountRepository accounts(*db_, clock_);
  SessionRepository sessions(*db_, clock_);
  auto s = sessions.create(org_a_, user_a_);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(accounts.set_status(org_a_, user_a_, UserStatus::disabled).ok());
  auto r = sessions.find(s->raw_id);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(sessions.create(org_a_, user_a_).error().code, ErrorCode::invalid_input);
  ASSERT_TRUE(accounts.set_status(org_a_, user_a_, UserStatus::active).ok());
  EXPECT_TRUE(sessions.create(org_a_, user_a_).ok());
}

// ---------------------------------------------------------------- one-time links

TEST_P(AccountsTest, OneTimeLinkWorksOnce) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  two_orgs();
  AccountRepository accounts(*db_, clock_);
  OneTimeTokenRepository links(*db_, clock_);
  auto invited = accounts.create_user(org_a_, "ny@solbygd.no", "Ny", Role::deltaker);
  ASSERT_TRUE(invited.ok());
  auto raw = links.issue(TokenKind::invitation, org_a_, invited->id, 7 * 24h);
  ASSERT_TRUE(raw.ok()) << raw.error().detail;
  EXPECT_EQ(raw->size(), 43u);

  auto peeked = links.peek(TokenKind::invitation, *raw);
  ASSERT_TRUE(peeked.ok());
  EXPECT_EQ(peeked->user_id, invited->id);
  EXPECT_EQ(peeked->organisation_id, org_a_);
  EXPECT_EQ(peeked->expires_at, clock_.now() + 7 * 24h);
  EXPECT_TRUE(links.peek(TokenKind::invitation, *raw).ok()) << "peeking does not use it";

  EXPECT_EQ(links.redeem(TokenKind::password_reset, *raw).error().code, ErrorCode::not_found)
      << "a link of another kind";
  auto first = links.redeem(TokenKind::invitation, *raw);
  ASSERT_TRUE(first.ok()) << first.error().detail;
  EXPECT_EQ(first->user_id, invited->id);
  auto second = links.redeem(TokenKind::invitation, *raw);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::conflict);
  EXPECT_EQ(second.error().message_key, "account.error.link_used");
  EXPECT_EQ(links.peek(TokenKind::invitation, *raw).error().code, ErrorCode::conflict);

  auto unknown = links.redeem(TokenKind::invitation, "no-such-link");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
  EXPECT_EQ(unknown.error().message_key, "account.error.link_unknown");
  EXPECT_EQ(links.redeem(TokenKind::invitation, "").error().code, ErrorCode::not_found);
}

TEST_P(AccountsTest, ExpiredLinkIsRefusedAndStaysUnused) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  OneTimeTokenRepository links(*db_, clock_);
  auto raw = links.issue(TokenKind::setup, "", "", 24h);
  ASSERT_TRUE(raw.ok()) << raw.error().detail;
  clock_.advance(23h + 59min);
  auto ok = links.peek(TokenKind::setup, *raw);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->organisation_id.empty());
  EXPECT_TRUE(ok->user_id.empty());
  clock_.advance(1min);
  for (int i = 0; i < 2; ++i) {
    auto late = links.redeem(TokenKind::setup, *raw);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(late.error().message_key, "account.error.link_expired");
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM one_time_tokens WHERE used_at IS NULL"), 1);

  EXPECT_EQ(links.issue(TokenKind::setup, "", "", 0s).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(links.issue(TokenKind::invitation, "", "", 1h).error().code, ErrorCode::invalid_input);
}

TEST_P(AccountsTest, ConcurrentRedeemersExactlyOneWins) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  OneTimeTokenRepository links(*db_, clock_);
  for (int round = 0; round < 3; ++round) {
    auto raw = links.issue(TokenKind::setup, "", "", 24h);
    ASSERT_TRUE(raw.ok());
    std::atomic<int> wins{0}, conflicts{0}, others{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        while (!go.load())
          std::this_thread::yield();
        auto r = links.redeem(TokenKind::setup, *raw);
        if (r.ok())
          ++wins;
        else if (r.error().code == ErrorCode::conflict)
          ++conflicts;
        else
          ++others;
      });
    }
    go = true;
    for (auto& t : threads)
      t.join();
    EXPECT_EQ(wins.load(), 1) << "round " << round;
    EXPECT_EQ(conflicts.load(), 7) << "round " << round;
    EXPECT_EQ(others.load(), 0) << "round " << round;
  }
}

// ---------------------------------------------------------------- API tokens

TEST_P(AccountsTest, ApiTokensAuthenticateUntilRevoked) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  two_orgs();
  ApiTokenRepository api(*db_, clock_);
  auto created = api.create(org_a_, user_a_, " rapportering ");
  ASSERT_TRUE(created.ok()) << created.error().detail;
  const auto& [token, raw] = *created;
  EXPECT_TRUE(raw.starts_with("sk_"));
  EXPECT_EQ(token.name, "rapportering");
  EXPECT_EQ(count("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '" + token_hash(raw) + "'"),
            1);

  auto who = api.authenticate(raw);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->id, token.id);
  EXPECT_EQ(who->user_id, user_a_);
  EXPECT_EQ(who->organisation_id, org_a_);
  for (const std::string& bad : {std::string(), std::string("sk_"), std::string("sk_nope"),
                                 raw.substr(3), raw + "x", std::string(300, 's')}) {
    auto r = api.authenticate(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::unauthorized);
  }
  EXPECT_EQ(api.create(org_a_, user_a_, "").error().code, ErrorCode::invalid_input);
  EXPECT_EQ(api.create(org_a_, user_a_, std::string(101, 'n')).error().code,
            ErrorCode::invalid_input);

  auto second = api.create(org_a_, user_a_, "annen");
  ASSERT_TRUE(second.ok());
  clock_.advance(5min);
  ASSERT_TRUE(api.revoke(org_a_, token.id).ok());
  ASSERT_TRUE(api.revoke(org_a_, token.id).ok()) << "revoking twice is harmless";
  EXPECT_EQ(api.authenticate(raw).error().code, ErrorCode::unauthorized);
  EXPECT_TRUE(api.authenticate(second->second).ok()) << "the other token still works";
  EXPECT_EQ(api.revoke(org_a_, "no-such-token").error().code, ErrorCode::not_found);

  auto list = api.list(org_a_, user_a_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  auto revoked =
      std::find_if(list->begin(), list->end(), [&](const ApiToken& t) { return t.id == token.id; });
  ASSERT_NE(revoked, list->end());
  ASSERT_TRUE(revoked->revoked_at.has_value());
  EXPECT_EQ(*revoked->revoked_at, clock_.now());
  auto b_list = api.list(org_b_, user_b_);
  ASSERT_TRUE(b_list.ok());
  EXPECT_TRUE(b_list->empty());
}

// ---------------------------------------------------------------- throttling

TEST_P(AccountsTest, ThrottleGrowsWithFailuresAndClears) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  ThrottleRepository throttle(*db_, clock_);
  const std::string key = "account:kari@solbygd.no";
  auto wait = [&](const std::string& k) {
    auto w = throttle.wait_for(k);
    EXPECT_TRUE(w.ok());
    return w.ok() ? *w : std::chrono::seconds{-1};
  };
  EXPECT_EQ(wait(key), 0s);
  for (int i = 1; i <= kFreeAttempts; ++i) {
    ASSERT_TRUE(throttle.record_failure(key).ok());
    EXPECT_EQ(wait(key), 0s) << "failure " << i << " is free";
  }
  ASSERT_TRUE(throttle.record_failure(key).ok());
  EXPECT_EQ(wait(key), 1s);
  ASSERT_TRUE(throttle.record_failure(key).ok());
  EXPECT_EQ(wait(key), 2s);
  ASSERT_TRUE(throttle.record_failure(key).ok());
  EXPECT_EQ(wait(key), 4s);
  clock_.advance(3s);
  EXPECT_EQ(wait(key), 1s) << "time since the last failure counts";
  clock_.advance(1s);
  EXPECT_EQ(wait(key), 0s);

  for (int i = 0; i < 30; ++i)
    ASSERT_TRUE(throttle.record_failure(key).ok());
  EXPECT_EQ(wait(key), kMaxDelay) << "capped";
  EXPECT_EQ(wait("address:192.0.2.7"), 0s) << "keys are independent";

  ASSERT_TRUE(throttle.clear(key).ok());
  EXPECT_EQ(wait(key), 0s);
  ASSERT_TRUE(throttle.record_failure(key).ok());
  EXPECT_EQ(wait(key), 0s) << "counting starts again after a clear";

  EXPECT_EQ(throttle.wait_for("").error().code, ErrorCode::invalid_input);
  EXPECT_EQ(throttle.record_failure(std::string(513, 'k')).error().code, ErrorCode::invalid_input);
}

// ---------------------------------------------------------------- audit log

TEST_P(AccountsTest, AuditLogIsOrderedAndPaged) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  two_orgs();
  AuditLog audit(*db_, clock_);
  for (int i = 0; i < 7; ++i) {
    clock_.advance(1s);
    ASSERT_TRUE(audit
                    .record(org_a_, i % 2 ? user_a_ : "", "action_" + std::to_string(i), "user",
                            user_b_, "nr " + std::to_string(i))
                    .ok());
  }
  ASSERT_TRUE(audit.record(org_b_, user_b_, "login", "user", user_b_).ok());

  auto page1 = audit.list(org_a_, 3);
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->size(), 3u);
  EXPECT_EQ((*page1)[0].action, "action_6") << "newest first";
  EXPECT_EQ((*page1)[2].action, "action_4");
  EXPECT_GT((*page1)[0].id, (*page1)[1].id);
  EXPECT_EQ((*page1)[0].at, clock_.now());
  EXPECT_EQ((*page1)[0].actor_user_id, "") << "the system acted";
  EXPECT_EQ((*page1)[1].actor_user_id, user_a_);
  EXPECT_EQ((*page1)[0].detail, "nr 6");

  std::vector<std::string> all;
  std::int64_t before = 0;
  for (;;) {
    auto page = audit.list(org_a_, 3, before);
    ASSERT_TRUE(page.ok());
    if (page->empty()) break;
    for (const auto& e : *page) {
      EXPECT_EQ(e.organisation_id, org_a_);
      all.push_back(e.action);
    }
    before = page->back().id;
  }
  ASSERT_EQ(all.size(), 7u) << "the pages together hold every entry once";
  for (int i = 0; i < 7; ++i)
    EXPECT_EQ(all[static_cast<std::size_t>(i)], "action_" + std::to_string(6 - i));

  auto mine = audit.for_user(org_a_, user_a_);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 3u) << "entries 1, 3 and 5 were by user A";
  EXPECT_EQ((*mine)[0].action, "action_1") << "oldest first";
  auto theirs = audit.for_user(org_b_, user_b_);
  ASSERT_TRUE(theirs.ok());
  ASSERT_EQ(theirs->size(), 1u) << "B's entries about user_b_ in org A are not B's to see";

  EXPECT_EQ(audit.list(org_a_, 0).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(audit.list(org_a_, 501).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(audit.record(org_a_, "", "", "user", "x").error().code, ErrorCode::invalid_input);
  EXPECT_EQ(audit.record(org_a_, "", "a", "user", "x", std::string(5000, 'd')).error().code,
            ErrorCode::too_large);
  EXPECT_EQ(audit.record("no-such-org", "", "a", "user", "x").error().code, ErrorCode::not_found);
}

// ---------------------------------------------------------------- anonymising

TEST_P(AccountsTest, AnonymiseKeepsOnlyTheId) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  two_orgs();
  AccountRepository accounts(*db_, clock_);
  SessionRepository sessions(*db_, clock_);
  ApiTokenRepository api(*db_, clock_);
  OneTimeTokenRepository links(*db_, clock_);
  auto s = sessions.create(org_a_, user_a_);
  auto t = api.create(org_a_, user_a_, "skript");
  auto reset = links.issue(TokenKind::password_reset, org_a_, user_a_, 1h);
  ASSERT_TRUE(s.ok() && t.ok() && reset.ok());

  ASSERT_TRUE(accounts.anonymise(org_a_, user_a_).ok());
  auto u = accounts.user(org_a_, user_a_);
  ASSERT_TRUE(u.ok()) << "the id stays, so aggregates keep their counts";
  EXPECT_EQ(u->status, UserStatus::anonymised);
  EXPECT_EQ(u->email.find("anne"), std::string::npos);
  EXPECT_EQ(u->display_name.find("Anne"), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM users WHERE password_hash IS NOT NULL AND id = '" +
                  user_a_ + "'"),
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM users WHERE email LIKE '%anne%' OR display_name LIKE "
                  "'%Anne%'"),
            0);

  EXPECT_EQ(accounts.find_for_login("anne@solbygd.kommune.no").error().code, ErrorCode::not_found);
  auto gone = sessions.find(s->raw_id);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_EQ(api.authenticate(t->second).error().code, ErrorCode::unauthorized);
  EXPECT_EQ(links.redeem(TokenKind::password_reset, *reset).error().code, ErrorCode::not_found);
  EXPECT_EQ(accounts.set_role(org_a_, user_a_, Role::administrator).error().code,
            ErrorCode::invalid_input);
  EXPECT_EQ(accounts.set_status(org_a_, user_a_, UserStatus::active).error().code,
            ErrorCode::invalid_input);
  EXPECT_EQ(sessions.create(org_a_, user_a_).error().code, ErrorCode::invalid_input);

  // The address is free again for a new account.
  EXPECT_TRUE(accounts.create_user(org_b_, "anne@solbygd.kommune.no", "Anne", Role::deltaker).ok());
  // Anonymising twice is harmless.
  EXPECT_TRUE(accounts.anonymise(org_a_, user_a_).ok());
}

// ---------------------------------------------------------------- real password hashes

TEST_P(AccountsTest, StoredPasswordHashVerifies) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  two_orgs();
  AccountRepository accounts(*db_, clock_);
  const std::string hash = hash_password("Tre gule sykler i Tromsø");
  ASSERT_TRUE(accounts.set_password_hash(org_a_, user_a_, hash).ok());
  auto rec = accounts.find_for_login("anne@solbygd.kommune.no");
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->password_hash, hash);
  EXPECT_TRUE(verify_password(rec->password_hash, "Tre gule sykler i Tromsø"));
  EXPECT_FALSE(verify_password(rec->password_hash, "tre gule sykler i tromsø"));
}

// ---------------------------------------------------------------- retention

TEST_P(AccountsTest, PurgeDeletesWhatHasRunOutAndNothingElse) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  two_orgs();
  SessionRepository sessions(*db_, clock_);
  OneTimeTokenRepository links(*db_, clock_);
  ThrottleRepository throttle(*db_, clock_);
  AuditLog audit(*db_, clock_);

  ASSERT_TRUE(audit.record(org_a_, user_a_, "login", "user", user_a_).ok());  // will be 2 y old
  auto old_session = sessions.create(org_a_, user_a_);
  auto used_link = links.issue(TokenKind::setup, "", "", 24h);
  auto expiring_link = links.issue(TokenKind::setup, "", "", 24h);
  ASSERT_TRUE(old_session.ok() && used_link.ok() && expiring_link.ok());
  ASSERT_TRUE(links.redeem(TokenKind::setup, *used_link).ok());
  ASSERT_TRUE(throttle.record_failure("address:192.0.2.1").ok());

  clock_.advance(std::chrono::days(730) - std::chrono::days(29));
  auto fresh_link = links.issue(TokenKind::setup, "", "", 24h);
  ASSERT_TRUE(fresh_link.ok());
  ASSERT_TRUE(audit.record(org_a_, user_a_, "logout", "user", user_a_).ok());
  clock_.advance(std::chrono::days(29) + 1s);  // the first entry is now 2 years and 1 s old
  auto fresh_session = sessions.create(org_a_, user_a_);
  ASSERT_TRUE(fresh_session.ok());
  ASSERT_TRUE(throttle.record_failure("address:192.0.2.2").ok());

  auto r = purge_expired(*db_, clock_);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->sessions, 1) << "only the old session";
  EXPECT_EQ(r->links, 2) << "the used and the expired link, both long past";
  EXPECT_EQ(r->audit_entries, 1) << "only the entry older than two years";
  EXPECT_EQ(r->throttle_keys, 1) << "only the quiet throttle key";

  auto fresh = sessions.find(fresh_session->raw_id);
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(fresh->has_value()) << "a live session stays";
  auto still_throttled = throttle.wait_for("address:192.0.2.2");
  ASSERT_TRUE(still_throttled.ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM login_throttle"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM one_time_tokens"), 1);
  EXPECT_EQ(links.peek(TokenKind::setup, *fresh_link).error().code, ErrorCode::invalid_input)
      << "expired 28 days ago: still there to say so";
  auto left = audit.list(org_a_, 10);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].action, "logout");
  EXPECT_EQ(count("SELECT COUNT(*) FROM users"), 2) << "users are never purged";

  auto again = purge_expired(*db_, clock_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->links + again->audit_entries + again->throttle_keys, 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, AccountsTest,
                         ::testing::Values(Engine::sqlite, Engine::postgresql),
                         testing::EngineName());

// ---------------------------------------------------------------- secrets (no database)

TEST(Secrets, PasswordHashRoundTrip) {
  const std::string pw = "blåbærsyltetøy på brødskiva";
  const std::string h = hash_password(pw);
  EXPECT_TRUE(h.starts_with("$argon2id$v=19$m=65536,t=2,p=1$")) << h;
  EXPECT_TRUE(verify_password(h, pw));
  EXPECT_FALSE(verify_password(h, pw + " "));
  EXPECT_FALSE(verify_password(h, ""));
  // Malformed hashes are a plain "no", never a crash.
  for (const std::string& bad :
       {std::string(), std::string("$argon2id$"), h.substr(0, h.size() / 2), std::string(1000, '$'),
        std::string("$2y$10$abcdefghijklmnopqrstuv"), std::string(h).insert(5, 1, '\0'),
        kFakeHash}) {
    EXPECT_FALSE(verify_password(bad, pw)) << bad;
  }
  verify_dummy_password(pw);  // must not throw; takes the time of a real check
}

TEST(Secrets, TokensAreRandomUrlSafeAndHashedAsHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto t = random_token();
    ASSERT_EQ(t.size(), 43u);
    for (char c : t) {
      ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << t;
    }
    EXPECT_TRUE(seen.insert(t).second) << "a repeated token";
  }
  // SHA-256 test vector (FIPS 180-2, "abc").
  EXPECT_EQ(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(token_hash("").size(), 64u);
  EXPECT_NE(token_hash("a"), token_hash("b"));
}

TEST(Secrets, ConstantTimeEquals) {
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_TRUE(constant_time_equals("csrf-token", "csrf-token"));
  EXPECT_FALSE(constant_time_equals("csrf-token", "csrf-tokeN"));
  EXPECT_FALSE(constant_time_equals("csrf-token", "csrf-token2"));
  EXPECT_FALSE(constant_time_equals("", "x"));
  EXPECT_FALSE(constant_time_equals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

}  // namespace
}  // namespace samskap::store
