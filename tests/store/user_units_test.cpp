// Users' units and the leader rule (issue 4), on SQLite and PostgreSQL:
// AccountRepository::set_user_units/user_units scoped by organisation, and a
// leader (Role::leder) reaching only the initiatives of their own units, the
// organisation-wide ones and those they lead — through get, list, the parts
// and create/update — while administrators and facilitators reach them all.

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <set>

#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "store/migrations.hpp"
#include "support/test_db.hpp"

namespace samskap::store {
namespace {

const std::string kFakeHash = "$argon2id$v=19$m=65536,t=2,p=1$not-a-real-hash";

class UserUnitsTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    tdb_ = testing::TestDatabase::create(GetParam(), why_);
    if (!tdb_) return;
    auto db = Database::open({tdb_->url(), 4, std::chrono::milliseconds(10000)});
    ASSERT_TRUE(db.ok()) << db.error().detail;
    db_ = std::move(db).value();
    auto ms = load_migrations(embedded_migrations(), GetParam());
    ASSERT_TRUE(ms.ok());
    auto m = migrate(*db_, *ms, clock_);
    ASSERT_TRUE(m.ok()) << m.error().detail;

    AccountRepository accounts(*db_, clock_);
    org_a_ = accounts.create_organisation("Solbygd kommune", OrganisationKind::kommune)->id;
    org_b_ = accounts.create_organisation("Nordby kommune", OrganisationKind::kommune)->id;
    north_ = accounts.create_unit(org_a_, "Sone nord")->id;
    south_ = accounts.create_unit(org_a_, "Sone sør")->id;
    home_ = accounts.create_unit(org_a_, "Åsheim sykehjem")->id;
    b_unit_ = accounts.create_unit(org_b_, "Nordby hjemmetjeneste")->id;
    auto person = [&](const std::string& org, const std::string& email, Role role) {
      auto u = accounts.create_user(org, email, email, role, kFakeHash);
      EXPECT_TRUE(u.ok()) << u.error().detail;
      return u.ok() ? u->id : std::string();
    };
    admin_ = person(org_a_, "admin@solbygd.no", Role::administrator);
    facilitator_ = person(org_a_, "veileder@solbygd.no", Role::prosessveileder);
    leader_ = person(org_a_, "leder.nord@solbygd.no", Role::leder);
    other_leader_ = person(org_a_, "leder.sor@solbygd.no", Role::leder);
    b_user_ = person(org_b_, "bjorn@nordby.no", Role::leder);
  }

  bool skip() const { return !tdb_; }

  Actor as(const std::string& user, Role role) const { return {org_a_, user, role}; }

  std::string initiative(const std::string& title, const std::string& unit,
                         const std::string& leader = {}) {
    InitiativeDraft d;
    d.title = title;
    d.unit_id = unit;
    d.leader_user_id = leader;
    auto i = InitiativeRepository(*db_, clock_).create(as(facilitator_, Role::prosessveileder), d);
    EXPECT_TRUE(i.ok()) << i.error().detail;
    return i.ok() ? i->id : std::string();
  }

  std::set<std::string> titles(const Actor& who) {
    std::set<std::string> out;
    auto list = InitiativeRepository(*db_, clock_).list(who);
    EXPECT_TRUE(list.ok());
    if (list.ok())
      for (const auto& i : *list)
        out.insert(i.title);
    return out;
  }

  std::vector<std::string> unit_names(const std::string& org, const std::string& user) {
    std::vector<std::string> out;
    auto units = AccountRepository(*db_, clock_).user_units(org, user);
    EXPECT_TRUE(units.ok());
    if (units.ok())
      for (const auto& u : *units)
        out.push_back(u.name);
    return out;
  }

  std::string why_;
  std::unique_ptr<testing::TestDatabase> tdb_;
  std::unique_ptr<Database> db_;
  ManualClock clock_{SystemTime{} + std::chrono::hours(490000)};
  std::string org_a_, org_b_, north_, south_, home_, b_unit_;
  std::string admin_, facilitator_, leader_, other_leader_, b_user_;
};

TEST_P(UserUnitsTest, SetAndListAUsersUnits) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  AccountRepository accounts(*db_, clock_);
  EXPECT_TRUE(unit_names(org_a_, leader_).empty()) << "no units to begin with";
  // Order and repeats do not matter; the list comes back by name.
  ASSERT_TRUE(accounts.set_user_units(org_a_, leader_, {home_, north_, home_}).ok());
  EXPECT_EQ(unit_names(org_a_, leader_),
            (std::vector<std::string>{"Sone nord", "Åsheim sykehjem"}));
  // Replaces, not adds.
  ASSERT_TRUE(accounts.set_user_units(org_a_, leader_, {south_}).ok());
  EXPECT_EQ(unit_names(org_a_, leader_), (std::vector<std::string>{"Sone sør"}));
  // Other users are untouched.
  ASSERT_TRUE(accounts.set_user_units(org_a_, other_leader_, {north_}).ok());
  EXPECT_EQ(unit_names(org_a_, leader_), (std::vector<std::string>{"Sone sør"}));
  // Empty clears.
  ASSERT_TRUE(accounts.set_user_units(org_a_, leader_, {}).ok());
  EXPECT_TRUE(unit_names(org_a_, leader_).empty());
  EXPECT_EQ(unit_names(org_a_, other_leader_), (std::vector<std::string>{"Sone nord"}));
}

TEST_P(UserUnitsTest, ScopedByOrganisationAllOrNothing) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  AccountRepository accounts(*db_, clock_);
  ASSERT_TRUE(accounts.set_user_units(org_a_, leader_, {north_}).ok());

  // A unit of another organisation, or an id that is no unit: refused, nothing changed.
  for (const std::string& bad : {b_unit_, std::string("no-such-unit"), std::string()}) {
    auto st = accounts.set_user_units(org_a_, leader_, {south_, bad});
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(st.error().message_key, "account.error.unit_unknown");
    EXPECT_EQ(unit_names(org_a_, leader_), (std::vector<std::string>{"Sone nord"}));
  }
  // A user of another organisation is not found, in either direction.
  auto foreign = accounts.set_user_units(org_b_, leader_, {b_unit_});
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, ErrorCode::not_found);
  EXPECT_EQ(accounts.user_units(org_b_, leader_).error().code, ErrorCode::not_found);
  EXPECT_EQ(accounts.set_user_units(org_a_, b_user_, {north_}).error().code, ErrorCode::not_found);
  EXPECT_EQ(accounts.user_units(org_a_, "no-such-user").error().code, ErrorCode::not_found);
  // An explicit limit on the number of ids.
  std::vector<std::string> many(1001, north_);
  EXPECT_EQ(accounts.set_user_units(org_a_, leader_, many).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(unit_names(org_a_, leader_), (std::vector<std::string>{"Sone nord"}));
  // An anonymised user cannot change.
  ASSERT_TRUE(accounts.anonymise(org_a_, other_leader_).ok());
  auto anon = accounts.set_user_units(org_a_, other_leader_, {north_});
  ASSERT_FALSE(anon.ok());
  EXPECT_EQ(anon.error().message_key, "account.error.user_anonymised");
}

TEST_P(UserUnitsTest, ALeaderReachesOnlyTheirUnitsTheOrganisationWideAndTheirOwn) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  AccountRepository accounts(*db_, clock_);
  InitiativeRepository repo(*db_, clock_);
  const std::string in_north = initiative("Nord", north_);
  const std::string in_south = initiative("Sør", south_);
  const std::string org_wide = initiative("Hele kommunen", "");
  const std::string led = initiative("Ledet av meg i sør", south_, leader_);
  const std::set<std::string> all = {"Nord", "Sør", "Hele kommunen", "Ledet av meg i sør"};
  const Actor leader = as(leader_, Role::leder);

  // Without units: the organisation-wide one and the one they lead.
  EXPECT_EQ(titles(leader), (std::set<std::string>{"Hele kommunen", "Ledet av meg i sør"}));
  EXPECT_EQ(repo.get(leader, in_north).error().code, ErrorCode::not_found);

  ASSERT_TRUE(accounts.set_user_units(org_a_, leader_, {north_}).ok());
  EXPECT_EQ(titles(leader), (std::set<std::string>{"Nord", "Hele kommunen", "Ledet av meg i sør"}));
  EXPECT_TRUE(repo.get(leader, in_north).ok());
  EXPECT_TRUE(repo.get(leader, org_wide).ok());
  EXPECT_TRUE(repo.get(leader, led).ok());
  // Another unit's initiative is out of reach everywhere, as if it did not exist.
  EXPECT_EQ(repo.get(leader, in_south).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.goals(leader, in_south).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.collaborators(leader, in_south).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.remove(leader, in_south).error().code, ErrorCode::not_found);
  InitiativeDraft rename;
  rename.title = "Overtatt";
  rename.unit_id = south_;
  EXPECT_EQ(repo.update(leader, in_south, 1, rename).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.get(as(admin_, Role::administrator), in_south)->title, "Sør") << "unchanged";

  // The same person as another role reaches everything: the rule is the leader's only.
  EXPECT_EQ(titles(as(admin_, Role::administrator)), all);
  EXPECT_EQ(titles(as(facilitator_, Role::prosessveileder)), all);
  EXPECT_EQ(titles(as(other_leader_, Role::leder)), (std::set<std::string>{"Hele kommunen"}));
  // Units move with the administrator's choice.
  ASSERT_TRUE(accounts.set_user_units(org_a_, leader_, {south_}).ok());
  EXPECT_EQ(titles(leader), (std::set<std::string>{"Sør", "Hele kommunen", "Ledet av meg i sør"}));
  EXPECT_EQ(repo.get(leader, in_north).error().code, ErrorCode::not_found);
  // Another organisation's leader with a unit of the same name sees nothing of A.
  EXPECT_TRUE(titles(Actor{org_b_, b_user_, Role::leder}).empty());
}

TEST_P(UserUnitsTest, ALeaderCannotPlaceAnInitiativeOutOfTheirReach) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  AccountRepository accounts(*db_, clock_);
  InitiativeRepository repo(*db_, clock_);
  ASSERT_TRUE(accounts.set_user_units(org_a_, leader_, {north_}).ok());
  const Actor leader = as(leader_, Role::leder);
  InitiativeDraft d;
  d.title = "I en annen enhet";
  d.unit_id = south_;
  auto refused = repo.create(leader, d);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(refused.error().message_key, "initiative.error.unit");
  EXPECT_TRUE(titles(as(admin_, Role::administrator)).empty()) << "nothing was created";
  // Their own unit, no unit, or another unit with themselves as leader: fine.
  d.unit_id = north_;
  auto own = repo.create(leader, d);
  ASSERT_TRUE(own.ok()) << own.error().detail;
  d.unit_id.clear();
  d.title = "Uten enhet";
  EXPECT_TRUE(repo.create(leader, d).ok());
  d.unit_id = south_;
  d.leader_user_id = leader_;
  d.title = "Jeg leder i sør";
  EXPECT_TRUE(repo.create(leader, d).ok());
  // Moving their own initiative to another unit is refused and changes nothing.
  InitiativeDraft move;
  move.title = own->title;
  move.unit_id = south_;
  auto moved = repo.update(leader, own->id, own->version, move);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().message_key, "initiative.error.unit");
  EXPECT_EQ(repo.get(leader, own->id)->unit_id, north_);
  // A facilitator may place initiatives anywhere in the organisation.
  move.title = "Flyttet av veileder";
  EXPECT_TRUE(
      repo.update(as(facilitator_, Role::prosessveileder), own->id, own->version, move).ok());
  EXPECT_EQ(repo.get(leader, own->id).error().code, ErrorCode::not_found);
}

INSTANTIATE_TEST_SUITE_P(Engines, UserUnitsTest,
                         ::testing::Values(Engine::sqlite, Engine::postgresql),
                         testing::EngineName());

}  // namespace
}  // namespace samskap::store
