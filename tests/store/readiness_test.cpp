// Readiness check-ins (issue 6) on SQLite and PostgreSQL: rounds reached
// only through their initiative (another organisation gets not_found, an
// invited collaborator gets through), join codes, the participant side by
// code with every check (nothing saved on error), replacement of a second
// answer from one phone or one private code, linking by private code within
// one initiative only, the dashboard's rows without identifying data, free
// text only at the minimum group size, the columns of the answer table
// (the day only; no time, address or user agent), the dashboard's tallies
// kept at submit against a plain recount (random answers with replacements,
// rounds created between others, and the migration's count of answers given
// before it), and the head counts per unit.

#include "store/readiness.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "store/migrations.hpp"
#include "store/sql_time.hpp"
#include "support/test_db.hpp"

namespace samskap::store {
namespace {

const std::string kFakeHash = "$argon2id$v=19$m=65536,t=2,p=1$not-a-real-hash";

class ReadinessStoreTest : public ::testing::TestWithParam<Engine> {
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
    org_u_ = accounts.create_organisation("USHT Nordfjell", OrganisationKind::usht)->id;
    north_ = accounts.create_unit(org_a_, "Sone nord")->id;
    south_ = accounts.create_unit(org_a_, "Sone sør")->id;
    b_unit_ = accounts.create_unit(org_b_, "Nordby sykehjem")->id;
    auto person = [&](const std::string& org, const std::string& email, Role role) {
      auto u = accounts.create_user(org, email, email, role, kFakeHash);
      EXPECT_TRUE(u.ok()) << u.error().detail;
      return u.ok() ? u->id : std::string();
    };
    a_ = {org_a_, person(org_a_, "anne@solbygd.no", Role::prosessveileder), Role::prosessveileder};
    b_ = {org_b_, person(org_b_, "bjorn@nordby.no", Role::administrator), Role::administrator};
    u_ = {org_u_, person(org_u_, "ulla@usht.no", Role::prosessveileder), Role::prosessveileder};

    InitiativeRepository initiatives(*db_, clock_);
    InitiativeDraft d;
    d.title = "Fallforebygging i hjemmetjenesten";
    auto i = initiatives.create(a_, d);
    ASSERT_TRUE(i.ok()) << i.error().detail;
    initiative_ = i->id;
    d.title = "Ernæring på sykehjem";
    auto j = initiatives.create(a_, d);
    ASSERT_TRUE(j.ok());
    other_initiative_ = j->id;
  }

  ReadinessRepository repo() { return ReadinessRepository(*db_, clock_); }

  ReadinessRound new_round(const std::string& title = "Innsjekk mars", bool oric = true,
                           const std::string& initiative = {}) {
    auto r = repo().create_round(a_, initiative.empty() ? initiative_ : initiative,
                                 {title, {north_, south_}, oric});
    EXPECT_TRUE(r.ok()) << r.error().message_key << " " << r.error().detail;
    return r.ok() ? *r : ReadinessRound{};
  }

  static Submission answer(readiness::StagingAnswer a = readiness::StagingAnswer::changing_now) {
    Submission s;
    s.staging = a;
    s.importance = 8;
    s.confidence = 6;
    return s;
  }

  long long count(const std::string& sql) {
    long long n = -1;
    db_->with_session([&](soci::session& s) { s << sql, soci::into(n); });
    return n;
  }
  long long answer_rows() { return count("SELECT COUNT(*) FROM readiness_answers"); }

  std::string why_;
  std::unique_ptr<testing::TestDatabase> tdb_;
  std::unique_ptr<Database> db_;
  ManualClock clock_{SystemTime{} + std::chrono::hours(490000) + std::chrono::minutes(754)};
  std::string org_a_, org_b_, org_u_, north_, south_, b_unit_, initiative_, other_initiative_;
  Actor a_, b_, u_;
};

// ---------------------------------------------------------------- codes

TEST(ReadinessCodes, JoinCodesAreReadableAndRandom) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const auto c = new_join_code();
    ASSERT_EQ(c.size(), kJoinCodeLength);
    for (char ch : c)
      ASSERT_NE(kJoinCodeAlphabet.find(ch), std::string_view::npos) << c;
    seen.insert(c);
  }
  EXPECT_EQ(seen.size(), 2000u);
  for (char look_alike : std::string("01OIL"))
    EXPECT_EQ(kJoinCodeAlphabet.find(look_alike), std::string_view::npos);
  // As typed: spaces, hyphens and lower case are fine; anything else is no code.
  EXPECT_EQ(normalise_join_code("abcd-efgh"), "ABCDEFGH");
  EXPECT_EQ(normalise_join_code(" AB CD EF GH "), "ABCDEFGH");
  for (const char* bad : {"", "ABCDEFG", "ABCDEFGHJ", "ABCDEFG0", "ABCDEFGI", "ABCDÆFGH",
                          "ABCD\nEFGH", "ABC'; --", "ABCD\xff\xfe"})
    EXPECT_EQ(normalise_join_code(bad), "") << bad;
}

TEST(ReadinessCodes, PrivateCodesAndTheirKeys) {
  std::set<std::string> seen;
  const std::regex shape("[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}");
  for (int i = 0; i < 500; ++i) {
    const auto c = new_private_code();
    ASSERT_TRUE(std::regex_match(c, shape)) << c;
    seen.insert(c);
  }
  EXPECT_EQ(seen.size(), 500u);
  const auto k = participant_key("init1", "K7QM-3XPA-9RWD");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->size(), 64u);
  EXPECT_TRUE(std::regex_match(*k, std::regex("[0-9a-f]{64}")));
  EXPECT_EQ(k->find("K7QM"), std::string::npos);
  // The same code as typed differently gives the same key …
  EXPECT_EQ(*participant_key("init1", "k7qm 3xpa 9rwd"), *k);
  EXPECT_EQ(*participant_key("init1", "K7QM3XPA9RWD"), *k);
  // … but another initiative or another code does not.
  EXPECT_NE(*participant_key("init2", "K7QM-3XPA-9RWD"), *k);
  EXPECT_NE(*participant_key("init1", "K7QM-3XPA-9RWE"), *k);
  for (const char* bad :
       {"", "short", "----------------", "K7QM-3XPA-9RW\n", "K7QM-3XPA-9RWÆ", "K7QM_3XPA_9RWD",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    auto r = participant_key("init1", bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().message_key, "readiness.error.private_code");
  }
}

// ---------------------------------------------------------------- facilitator

TEST_P(ReadinessStoreTest, CreateListGetCloseAndReopen) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto r = new_round("  Innsjekk mars  ");
  EXPECT_EQ(r.title, "Innsjekk mars");
  EXPECT_EQ(r.initiative_id, initiative_);
  EXPECT_EQ(r.organisation_id, org_a_);
  EXPECT_TRUE(r.open);
  EXPECT_TRUE(r.include_oric);
  EXPECT_EQ(r.version, 1);
  EXPECT_EQ(r.answer_count, 0);
  EXPECT_EQ(r.created_by, a_.user_id);
  EXPECT_EQ(normalise_join_code(r.join_code), r.join_code);
  ASSERT_EQ(r.units.size(), 2u);
  EXPECT_EQ(r.units[0].name, "Sone nord");
  EXPECT_EQ(r.units[1].name, "Sone sør");

  clock_.advance(std::chrono::hours(24 * 30));
  auto r2 = repo().create_round(a_, initiative_, {"Innsjekk april", {north_}, false});
  ASSERT_TRUE(r2.ok());
  EXPECT_NE(r2->join_code, r.join_code);
  ASSERT_TRUE(repo().submit(r.join_code, answer()).ok());
  ASSERT_TRUE(repo().submit(r.join_code, answer()).ok());

  auto list = repo().rounds(a_, initiative_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].title, "Innsjekk april");  // newest first
  EXPECT_EQ((*list)[0].answer_count, 0);
  EXPECT_EQ((*list)[1].answer_count, 2);
  EXPECT_EQ((*list)[1].units.size(), 2u);
  EXPECT_TRUE(repo().rounds(a_, other_initiative_)->empty());

  auto got = repo().round(a_, initiative_, r.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->join_code, r.join_code);
  EXPECT_EQ(got->answer_count, 2);
  // A round is reached only through its own initiative.
  EXPECT_EQ(repo().round(a_, other_initiative_, r.id).error().code, ErrorCode::not_found);

  auto closed = repo().set_open(a_, initiative_, r.id, 1, false);
  ASSERT_TRUE(closed.ok());
  EXPECT_FALSE(closed->open);
  EXPECT_TRUE(closed->closed_at.has_value());
  EXPECT_EQ(closed->version, 2);
  // The version the form started from has changed: conflict, nothing changes.
  auto stale = repo().set_open(a_, initiative_, r.id, 1, true);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_EQ(stale.error().message_key, "readiness.error.stale");
  EXPECT_FALSE(repo().round(a_, initiative_, r.id)->open);
  auto reopened = repo().set_open(a_, initiative_, r.id, 2, true);
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE(reopened->open);
  EXPECT_FALSE(reopened->closed_at.has_value());
  EXPECT_EQ(reopened->join_code, r.join_code);
}

TEST_P(ReadinessStoreTest, RoundChecks) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto bad = [&](const RoundDraft& d, const char* key) {
    auto r = repo().create_round(a_, initiative_, d);
    ASSERT_FALSE(r.ok()) << key;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(r.error().message_key, key);
  };
  bad({"", {north_}, false}, "readiness.error.title");
  bad({"   ", {north_}, false}, "readiness.error.title");
  bad({std::string(201, 'a'), {north_}, false}, "readiness.error.title");
  bad({"To\nlinjer", {north_}, false}, "readiness.error.title");
  bad({"Ugyldig \xc3\x28", {north_}, false}, "readiness.error.title");
  // Another organisation's unit, a made-up one, hostile ids.
  bad({"Innsjekk", {north_, b_unit_}, false}, "readiness.error.units");
  bad({"Innsjekk", {"finnes-ikke"}, false}, "readiness.error.units");
  bad({"Innsjekk", {"\xff\xfe"}, false}, "readiness.error.units");
  bad({"Innsjekk", {"x' OR '1'='1"}, false}, "readiness.error.units");
  std::vector<std::string> many;
  for (int i = 0; i < 201; ++i)
    many.push_back("u" + std::to_string(i));
  bad({"Innsjekk", many, false}, "readiness.error.units");
  EXPECT_EQ(count("SELECT COUNT(*) FROM readiness_rounds"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM readiness_round_units"), 0);
  // Repeats are one; no units at all is allowed (the whole organisation).
  auto r = repo().create_round(a_, initiative_, {"Innsjekk", {south_, south_}, false});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->units.size(), 1u);
  EXPECT_TRUE(repo().create_round(a_, initiative_, {"Alle", {}, false}).ok());
}

TEST_P(ReadinessStoreTest, AnotherOrganisationGetsNotFound) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto r = new_round();
  ASSERT_TRUE(repo().submit(r.join_code, answer()).ok());
  auto nf = [](const auto& res) {
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.error().code, ErrorCode::not_found);
  };
  for (const Actor& who : {b_, u_}) {  // u_ is not invited (yet)
    nf(repo().create_round(who, initiative_, {"Kapret", {}, false}));
    nf(repo().rounds(who, initiative_));
    nf(repo().round(who, initiative_, r.id));
    nf(repo().set_open(who, initiative_, r.id, r.version, false));
    nf(repo().answers(who, initiative_));
    nf(repo().answers(who, initiative_, r.id));
    nf(repo().reflections(who, initiative_, 3));
  }
  // B cannot create a round in A's initiative even with its own unit.
  nf(repo().create_round(b_, initiative_, {"Kapret", {b_unit_}, false}));
  // Unknown or hostile ids are not found, not errors.
  for (const std::string& id : {std::string("finnes-ikke"), std::string("\xff\xfe"),
                                std::string(5000, 'a'), std::string("'; DROP TABLE units; --")}) {
    nf(repo().round(a_, initiative_, id));
    nf(repo().rounds(a_, id));
    nf(repo().answers(a_, initiative_, id));
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM readiness_rounds"), 1);
  EXPECT_TRUE(repo().round(a_, initiative_, r.id)->open);
}

TEST_P(ReadinessStoreTest, AnInvitedCollaboratorReachesTheRounds) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto r = new_round();
  ASSERT_TRUE(
      InitiativeRepository(*db_, clock_).add_collaborator(a_, initiative_, u_.user_id).ok());
  auto list = repo().rounds(u_, initiative_);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
  // The collaborator runs rounds with the owner's units, not their own.
  auto own = repo().create_round(u_, initiative_, {"Fra USHT", {north_}, false});
  ASSERT_TRUE(own.ok()) << own.error().message_key;
  EXPECT_EQ(own->organisation_id, org_a_);
  ASSERT_TRUE(repo().submit(r.join_code, answer()).ok());
  EXPECT_EQ(repo().answers(u_, initiative_)->size(), 1u);
  EXPECT_TRUE(repo().set_open(u_, initiative_, r.id, r.version, false).ok());
  // Only this initiative: not the organisation's other one.
  EXPECT_EQ(repo().rounds(u_, other_initiative_).error().code, ErrorCode::not_found);
}

// ---------------------------------------------------------------- participant

TEST_P(ReadinessStoreTest, ThePublicRoundByCode) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto r = new_round();
  std::string typed = r.join_code.substr(0, 4) + "-" + r.join_code.substr(4);
  std::transform(typed.begin(), typed.end(), typed.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  auto p = repo().public_round(typed);
  ASSERT_TRUE(p.ok()) << typed;
  EXPECT_EQ(p->join_code, r.join_code);
  EXPECT_EQ(p->title, "Innsjekk mars");
  EXPECT_EQ(p->initiative_title, "Fallforebygging i hjemmetjenesten");
  EXPECT_EQ(p->units.size(), 2u);
  EXPECT_TRUE(p->include_oric);
  EXPECT_TRUE(p->open);
  for (const std::string& bad :
       {std::string("ZZZZZZZZ"), std::string(""), std::string("\xff\xfe\xfd"),
        std::string(100000, 'A'), std::string("' OR 1=1 --")}) {
    auto u = repo().public_round(bad);
    ASSERT_FALSE(u.ok());
    EXPECT_EQ(u.error().code, ErrorCode::not_found);
    EXPECT_EQ(u.error().message_key, "readiness.error.code_unknown");
    auto s = repo().submit(bad, answer());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message_key, "readiness.error.code_unknown");
  }
  ASSERT_TRUE(repo().set_open(a_, initiative_, r.id, 1, false).ok());
  p = repo().public_round(r.join_code);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->open);
  auto s = repo().submit(r.join_code, answer());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::conflict);
  EXPECT_EQ(s.error().message_key, "readiness.error.round_closed");
  EXPECT_EQ(answer_rows(), 0);
}

TEST_P(ReadinessStoreTest, SubmitStoresTheAnswerAndReturnsTheStage) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto r = new_round();
  Submission s = answer(readiness::StagingAnswer::changing_now);
  s.unit_id = south_;
  s.importance = 2;
  s.confidence = 1;
  s.reflection = "  Å se at det virker for brukerne.\r\nOg tid til å lære.  ";
  s.oric = {5, 4, 0, 3, 5, 1, 2, 3, 4, 5, 0, 1};
  auto done = repo().submit(r.join_code, s);
  ASSERT_TRUE(done.ok()) << done.error().message_key << " " << done.error().detail;
  EXPECT_EQ(done->staging.stage, readiness::Stage::handling);
  EXPECT_EQ(done->staging.flags,
            (std::vector<readiness::Flag>{readiness::Flag::relapse_risk,
                                          readiness::Flag::external_pressure}));
  EXPECT_FALSE(done->replaced);
  // Skipped rulers and no unit.
  Submission bare;
  bare.staging = readiness::StagingAnswer::no_plans;
  ASSERT_TRUE(repo().submit(r.join_code, bare).ok());

  auto rows = repo().answers(a_, initiative_, r.id);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  const auto full = std::find_if(rows->begin(), rows->end(), [](const auto& x) {
    return x.staging == readiness::StagingAnswer::changing_now;
  });
  const auto skip = std::find_if(rows->begin(), rows->end(), [](const auto& x) {
    return x.staging == readiness::StagingAnswer::no_plans;
  });
  ASSERT_NE(full, rows->end());
  ASSERT_NE(skip, rows->end());
  EXPECT_EQ(full->round_id, r.id);
  EXPECT_EQ(full->unit_id, south_);
  EXPECT_EQ(full->importance, 2);
  EXPECT_EQ(full->confidence, 1);
  EXPECT_EQ(full->oric, s.oric);
  EXPECT_TRUE(full->has_reflection);
  EXPECT_EQ(full->participant, 0);
  EXPECT_EQ(initiative::to_iso(full->answered_on), iso_utc(clock_.now()).substr(0, 10));
  EXPECT_EQ(skip->unit_id, "");
  EXPECT_EQ(skip->importance, std::nullopt);
  EXPECT_EQ(skip->confidence, std::nullopt);
  EXPECT_FALSE(skip->has_reflection);
  EXPECT_EQ(count("SELECT COUNT(*) FROM readiness_answers WHERE reflection = "
                  "'Å se at det virker for brukerne.\nOg tid til å lære.'"),
            1);
}

TEST_P(ReadinessStoreTest, BadAnswersAreRefusedAndNothingIsSaved) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto r = new_round();
  auto no_oric = new_round("Uten ORIC", false, other_initiative_);
  auto other = new_round("Annen runde", true, other_initiative_);
  auto refused = [&](const std::string& code, Submission s, const char* key) {
    auto res = repo().submit(code, s);
    ASSERT_FALSE(res.ok()) << key;
    EXPECT_EQ(res.error().code, ErrorCode::invalid_input) << key;
    EXPECT_EQ(res.error().message_key, key);
  };
  Submission s = answer();
  s.staging.reset();
  refused(r.join_code, s, "readiness.error.staging");
  for (int bad : {-1, 11, 100, INT_MIN, INT_MAX}) {
    s = answer();
    s.importance = bad;
    refused(r.join_code, s, "readiness.error.ruler");
    s = answer();
    s.confidence = bad;
    refused(r.join_code, s, "readiness.error.ruler");
  }
  for (int bad : {-1, 6, 48, INT_MIN}) {
    s = answer();
    s.oric[7] = bad;
    refused(r.join_code, s, "readiness.error.oric");
  }
  s = answer();
  s.oric[0] = 3;
  refused(no_oric.join_code, s, "readiness.error.oric");  // that round does not ask
  // Units: another round's, another organisation's, made up, hostile.
  for (const std::string& u : {b_unit_, std::string("finnes-ikke"), std::string("\xc3\x28"),
                               std::string(5000, 'u'), std::string("x' OR '1'='1")}) {
    s = answer();
    s.unit_id = u;
    refused(r.join_code, s, "readiness.error.unit");
  }
  auto solo = repo().create_round(a_, initiative_, {"Bare nord", {north_}, false});
  ASSERT_TRUE(solo.ok());
  s = answer();
  s.unit_id = south_;
  refused(solo->join_code, s, "readiness.error.unit");
  // Text: too long, invalid UTF-8, control characters, NUL.
  for (const std::string& t :
       {std::string(2001, 'a'), std::string(1000, 'a') + std::string(1001, 'b'),
        std::string("ugyldig \xc3\x28"), std::string("\xff\xfe"), std::string("bell\x07"),
        std::string("nul\0byte", 8), std::string("esc\x1b[31m"),
        std::string(1000, '\xc3') /* truncated sequences */}) {
    s = answer();
    s.reflection = t;
    refused(r.join_code, s, "readiness.error.text");
  }
  s = answer();
  s.private_code = "kort";
  refused(r.join_code, s, "readiness.error.private_code");
  s.private_code = std::string("K7QM-3XPA-9RW\xc3\xa6");
  refused(r.join_code, s, "readiness.error.private_code");
  s = answer();
  s.device_token = std::string(201, 't');
  refused(r.join_code, s, "readiness.error.device");
  EXPECT_EQ(answer_rows(), 0);
  // Exactly at the limits is fine: 2,000 bytes, with æøå.
  s = answer();
  s.reflection = std::string(1994, 'a') + "æøå";
  ASSERT_EQ(s.reflection.size(), 2000u);
  EXPECT_TRUE(repo().submit(r.join_code, s).ok());
  (void)other;
}

TEST_P(ReadinessStoreTest, ASecondAnswerFromOnePhoneOrCodeReplacesTheFirst) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto r = new_round();
  auto r2 = new_round("Neste runde");
  Submission s = answer(readiness::StagingAnswer::within_6_months);
  s.device_token = "phone-token-1";
  auto first = repo().submit(r.join_code, s);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->replaced);
  s.staging = readiness::StagingAnswer::plan_within_1_month;
  auto second = repo().submit(r.join_code, s);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->replaced);
  auto rows = repo().answers(a_, initiative_, r.id);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].staging, readiness::StagingAnswer::plan_within_1_month);
  // Another phone counts on its own; the same phone in another round too.
  s.device_token = "phone-token-2";
  EXPECT_FALSE(repo().submit(r.join_code, s)->replaced);
  s.device_token = "phone-token-1";
  EXPECT_FALSE(repo().submit(r2.join_code, s)->replaced);
  EXPECT_EQ(repo().answers(a_, initiative_, r.id)->size(), 2u);
  // The same private code within a round replaces too, from any phone.
  Submission p = answer();
  p.private_code = "K7QM-3XPA-9RWD";
  EXPECT_FALSE(repo().submit(r.join_code, p)->replaced);
  p.private_code = "k7qm3xpa9rwd";
  EXPECT_TRUE(repo().submit(r.join_code, p)->replaced);
  EXPECT_EQ(repo().answers(a_, initiative_, r.id)->size(), 3u);
  // Without a token or code, every submission counts.
  EXPECT_FALSE(repo().submit(r.join_code, answer())->replaced);
  EXPECT_FALSE(repo().submit(r.join_code, answer())->replaced);
  EXPECT_EQ(repo().answers(a_, initiative_, r.id)->size(), 5u);
}

// Submissions at the same moment: one phone pressing "send" repeatedly ends
// as one answer; different phones all count. None fails.
TEST_P(ReadinessStoreTest, ConcurrentSubmissions) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto r = new_round();
  auto run = [&](auto token_of) {
    std::vector<std::thread> threads;
    std::atomic<int> failed{0};
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&, t] {
        Submission s = answer();
        s.device_token = token_of(t);
        auto res = repo().submit(r.join_code, s);
        if (!res.ok()) ++failed;
      });
    for (auto& th : threads)
      th.join();
    return failed.load();
  };
  EXPECT_EQ(run([](int) { return std::string("same-phone"); }), 0);
  EXPECT_EQ(answer_rows(), 1);
  EXPECT_EQ(run([](int t) { return "phone-" + std::to_string(t); }), 0);
  EXPECT_EQ(answer_rows(), 9);
}

TEST_P(ReadinessStoreTest, PrivateCodesLinkRoundsOfOneInitiativeOnly) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto march = new_round("Mars");
  auto april = new_round("April");
  auto elsewhere = new_round("Annet initiativ", true, other_initiative_);
  const std::string kari = new_private_code(), per = new_private_code();
  auto send = [&](const std::string& code, const std::string& priv, readiness::StagingAnswer a) {
    Submission s = answer(a);
    s.private_code = priv;
    ASSERT_TRUE(repo().submit(code, s).ok());
  };
  send(march.join_code, kari, readiness::StagingAnswer::within_6_months);
  send(april.join_code, kari, readiness::StagingAnswer::changing_now);
  send(march.join_code, per, readiness::StagingAnswer::no_plans);
  send(april.join_code, "", readiness::StagingAnswer::no_plans);
  send(elsewhere.join_code, kari, readiness::StagingAnswer::fell_back);

  auto rows = repo().answers(a_, initiative_);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 4u);
  std::map<readiness::StagingAnswer, std::vector<int>> by;
  for (const auto& row : *rows)
    by[row.staging].push_back(row.participant);
  const int k1 = by[readiness::StagingAnswer::within_6_months].at(0);
  EXPECT_GT(k1, 0);
  EXPECT_EQ(by[readiness::StagingAnswer::changing_now].at(0), k1);  // Kari in April
  ASSERT_EQ(by[readiness::StagingAnswer::no_plans].size(), 2u);
  std::set<int> no_plans(by[readiness::StagingAnswer::no_plans].begin(),
                         by[readiness::StagingAnswer::no_plans].end());
  EXPECT_TRUE(no_plans.count(0));  // the anonymous one
  EXPECT_EQ(no_plans.size(), 2u);
  EXPECT_FALSE(no_plans.count(k1));  // Per is someone else
  // One round's rows number people as the whole initiative does.
  auto april_rows = repo().answers(a_, initiative_, april.id);
  for (const auto& row : *april_rows)
    if (row.staging == readiness::StagingAnswer::changing_now) {
      EXPECT_EQ(row.participant, k1);
    }
  // The same code in another initiative is a different key: nothing links.
  EXPECT_EQ(count("SELECT COUNT(DISTINCT participant_key) FROM readiness_answers WHERE "
                  "participant_key IS NOT NULL"),
            3);
  // The code itself is stored nowhere.
  std::string stripped = kari;
  stripped.erase(std::remove(stripped.begin(), stripped.end(), '-'), stripped.end());
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM readiness_answers WHERE participant_key LIKE '%" +
            stripped.substr(0, 4) + "%' OR reflection LIKE '%" + stripped.substr(0, 4) + "%'"),
      0);
}

TEST_P(ReadinessStoreTest, ReflectionsOnlyAtTheMinimumGroupSize) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto r = new_round();
  auto r2 = new_round("April");
  const char* texts[] = {"Tid", "At lederen er med", "", "Bedre opplæring"};
  for (const char* t : texts) {
    Submission s = answer();
    s.reflection = t;
    ASSERT_TRUE(repo().submit(r.join_code, s).ok());
  }
  // 4 answers: under 5; a setting of 2 counts as the floor 3, which 4 meets.
  EXPECT_TRUE(repo().reflections(a_, initiative_, 5)->empty());
  EXPECT_EQ(repo().reflections(a_, initiative_, 2)->size(), 3u);
  // The same four people again in April: 8 answers, but still a group of 4.
  Submission s = answer();
  s.reflection = "Å få prøve selv";
  ASSERT_TRUE(repo().submit(r2.join_code, s).ok());
  for (int k = 0; k < 3; ++k)
    ASSERT_TRUE(repo().submit(r2.join_code, answer()).ok());
  EXPECT_TRUE(repo().reflections(a_, initiative_, 5)->empty());
  // A fifth person in March.
  ASSERT_TRUE(repo().submit(r.join_code, answer()).ok());
  auto five = repo().reflections(a_, initiative_, 5);
  ASSERT_TRUE(five.ok());
  // Sorted by text, across rounds, without empty ones.
  EXPECT_EQ(*five, (std::vector<std::string>{"At lederen er med", "Bedre opplæring", "Tid",
                                             "Å få prøve selv"}));
  EXPECT_TRUE(repo().reflections(a_, initiative_, 6)->empty());
  EXPECT_TRUE(repo().reflections(a_, other_initiative_, 3)->empty());
}

// The answer table holds the day only: no time of day, no address, no user
// agent, no account. A new column fails this test on purpose.
TEST_P(ReadinessStoreTest, TheAnswerRowHasNoTimeOfDayAndNoAddress) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  std::set<std::string> columns;
  db_->with_session([&](soci::session& s) {
    std::string name;
    soci::statement st =
        GetParam() == Engine::sqlite
            ? (s.prepare << "SELECT name FROM pragma_table_info('readiness_answers')",
               soci::into(name))
            : (s.prepare << "SELECT column_name FROM information_schema.columns WHERE "
                            "table_name = 'readiness_answers' AND table_schema = current_schema()",
               soci::into(name));
    st.execute();
    while (st.fetch())
      columns.insert(name);
  });
  EXPECT_EQ(columns, (std::set<std::string>{"id", "round_id", "unit_id", "staging", "importance",
                                            "confidence", "reflection", "oric", "participant_key",
                                            "device_key", "answered_on"}));
  auto r = new_round();
  Submission s = answer();
  s.device_token = "tok";
  s.private_code = new_private_code();
  ASSERT_TRUE(repo().submit(r.join_code, s).ok());
  std::string day, pkey, dkey;
  db_->with_session([&](soci::session& sess) {
    sess << "SELECT answered_on, participant_key, device_key FROM readiness_answers",
        soci::into(day), soci::into(pkey), soci::into(dkey);
  });
  EXPECT_TRUE(std::regex_match(day, std::regex("\\d{4}-\\d{2}-\\d{2}"))) << day;
  EXPECT_EQ(day, iso_utc(clock_.now()).substr(0, 10));
  EXPECT_TRUE(std::regex_match(pkey, std::regex("[0-9a-f]{64}")));
  EXPECT_TRUE(std::regex_match(dkey, std::regex("[0-9a-f]{64}")));
  EXPECT_EQ(dkey.find("tok"), std::string::npos);
}

TEST_P(ReadinessStoreTest, DeletingTheInitiativeDeletesItsRounds) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto r = new_round();
  ASSERT_TRUE(repo().submit(r.join_code, answer()).ok());
  auto r2 = new_round("Neste");
  Submission linked = answer();
  linked.private_code = new_private_code();
  ASSERT_TRUE(repo().submit(r.join_code, linked).ok());
  ASSERT_TRUE(repo().submit(r2.join_code, linked).ok());
  ASSERT_GT(count("SELECT COUNT(*) FROM readiness_moves"), 0);
  ASSERT_TRUE(InitiativeRepository(*db_, clock_).remove(a_, initiative_).ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM readiness_rounds"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM readiness_round_units"), 0);
  EXPECT_EQ(answer_rows(), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM readiness_tallies"), 0) << "the counts go too";
  EXPECT_EQ(count("SELECT COUNT(*) FROM readiness_moves"), 0);
  EXPECT_EQ(repo().public_round(r.join_code).error().message_key, "readiness.error.code_unknown");
}

// ---------------------------------------------------------------- tallies

// The dashboard's counts as the store keeps them at submit time must equal a
// plain recomputation from every answer (readiness::count), raw and after
// the privacy rules, and come in the dashboard's round order (the order the
// page used before: created_at, then the newest-first list reversed).
void expect_counts_equal_recount(ReadinessRepository repo, const Actor& who,
                                 const std::string& initiative) {
  auto c = repo.counts(who, initiative);
  ASSERT_TRUE(c.ok()) << c.error().detail;
  auto list = repo.rounds(who, initiative);
  ASSERT_TRUE(list.ok());
  std::reverse(list->begin(), list->end());
  std::stable_sort(list->begin(), list->end(),
                   [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  ASSERT_EQ(c->rounds.size(), list->size());
  for (std::size_t k = 0; k < list->size(); ++k) {
    EXPECT_EQ(c->rounds[k].id, (*list)[k].id) << k;
    ASSERT_EQ(c->rounds[k].unit_ids.size(), (*list)[k].units.size());
    for (std::size_t u = 0; u < c->rounds[k].unit_ids.size(); ++u) {
      EXPECT_EQ(c->rounds[k].unit_ids[u], (*list)[k].units[u].id);
      EXPECT_EQ(c->rounds[k].invited[u], (*list)[k].units[u].invited);
    }
  }
  auto rows = repo.answers(who, initiative);
  ASSERT_TRUE(rows.ok());
  std::vector<readiness::DashboardAnswer> answers;
  for (const auto& a : *rows)
    answers.push_back({a.round_id, a.unit_id, readiness::stage_for(a.staging), a.importance,
                       a.confidence, a.participant});
  const auto plain = readiness::count(c->rounds, answers);
  ASSERT_EQ(c->counts.rounds.size(), plain.rounds.size());
  for (std::size_t k = 0; k < plain.rounds.size(); ++k) {
    EXPECT_EQ(c->counts.rounds[k].stages, plain.rounds[k].stages) << "round " << k;
    EXPECT_EQ(c->counts.rounds[k].importance, plain.rounds[k].importance) << "round " << k;
    EXPECT_EQ(c->counts.rounds[k].confidence, plain.rounds[k].confidence) << "round " << k;
    EXPECT_EQ(c->counts.rounds[k].units, plain.rounds[k].units) << "round " << k;
  }
  ASSERT_EQ(c->counts.transitions.size(), plain.transitions.size());
  for (std::size_t k = 0; k < plain.transitions.size(); ++k)
    EXPECT_EQ(c->counts.transitions[k], plain.transitions[k]) << "transition " << k;
  EXPECT_TRUE(c->counts == plain);
  for (int m : {3, 5})
    EXPECT_TRUE(readiness::aggregate(c->rounds, c->counts, m) ==
                readiness::aggregate(c->rounds, answers, m));
}

TEST_P(ReadinessStoreTest, TalliesKeptAtSubmitEqualAPlainRecount) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  // Rounds created in the same second are ordered by id, so a new round can
  // fall between two others; a round from a clock behind lands earlier.
  std::vector<ReadinessRound> rounds;
  rounds.push_back(new_round("R1"));
  rounds.push_back(new_round("R2"));
  clock_.advance(std::chrono::minutes(1));
  rounds.push_back(new_round("R3"));
  std::mt19937 rng(7);
  std::vector<std::string> codes;
  for (int p = 0; p < 24; ++p)
    codes.push_back(new_private_code());
  auto pick = [&](int n) { return static_cast<std::size_t>(rng() % static_cast<unsigned>(n)); };
  auto some_answers = [&](int n) {
    for (int k = 0; k < n; ++k) {
      const auto& r = rounds[pick(static_cast<int>(rounds.size()))];
      Submission s;
      s.staging = readiness::kStagingAnswers[pick(6)];
      if (pick(5) > 0) s.importance = static_cast<int>(pick(11));
      if (pick(5) > 0) s.confidence = static_cast<int>(pick(11));
      const auto u = pick(3);
      s.unit_id = u == 0 ? north_ : u == 1 ? south_ : std::string();
      // Most keep a code (some reuse it: a replaced answer); some phones
      // answer again with another code or none (replaced by the device).
      if (pick(4) > 0) s.private_code = codes[pick(static_cast<int>(codes.size()))];
      if (pick(3) == 0) s.device_token = "phone-" + std::to_string(pick(8));
      auto done = repo().submit(r.join_code, s);
      ASSERT_TRUE(done.ok()) << done.error().detail;
    }
  };
  some_answers(150);
  expect_counts_equal_recount(repo(), a_, initiative_);
  // A round created in between (same second as R3, or earlier by the clock)
  // breaks a pair of consecutive rounds that already has moves.
  clock_.advance(std::chrono::seconds(-30));
  rounds.push_back(new_round("R between"));
  expect_counts_equal_recount(repo(), a_, initiative_);
  clock_.advance(std::chrono::minutes(5));
  rounds.push_back(new_round("R5"));
  some_answers(200);
  expect_counts_equal_recount(repo(), a_, initiative_);
  // Closing a round changes nothing; another initiative's answers stay out.
  auto closed = repo().set_open(a_, initiative_, rounds[0].id, rounds[0].version, false);
  ASSERT_TRUE(closed.ok());
  auto other = new_round("Annet", false, other_initiative_);
  Submission s = answer();
  s.private_code = codes[0];
  ASSERT_TRUE(repo().submit(other.join_code, s).ok());
  expect_counts_equal_recount(repo(), a_, initiative_);
  expect_counts_equal_recount(repo(), a_, other_initiative_);
  // Out of reach: not_found, like a missing round.
  EXPECT_EQ(repo().counts(b_, initiative_).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo().counts(a_, "no-such-initiative").error().code, ErrorCode::not_found);
  EXPECT_EQ(repo().counts(a_, "bad\xff").error().code, ErrorCode::not_found);
  // The tallies hold counts only.
  EXPECT_EQ(count("SELECT COUNT(*) FROM readiness_tallies WHERE n < 0"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM readiness_moves WHERE n < 0"), 0);
}

TEST_P(ReadinessStoreTest, MigrationCountsTheAnswersGivenBefore) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  // A second database at the schema before the tallies, with answers
  // written as 0006 knew them, then migrated.
  std::string why;
  auto old_db = testing::TestDatabase::create(GetParam(), why);
  ASSERT_TRUE(old_db) << why;
  auto opened = Database::open({old_db->url(), 2, std::chrono::milliseconds(10000)});
  ASSERT_TRUE(opened.ok());
  auto& db = **opened;
  auto all = load_migrations(embedded_migrations(), GetParam());
  ASSERT_TRUE(all.ok());
  std::vector<Migration> before;
  for (const auto& m : *all)
    if (m.version <= 6) before.push_back(m);
  ASSERT_TRUE(migrate(db, before, clock_).ok());
  AccountRepository accounts(db, clock_);
  auto org = accounts.create_organisation("Solbygd kommune", OrganisationKind::kommune)->id;
  auto unit = accounts.create_unit(org, "Sone nord")->id;
  Actor who{org,
            accounts.create_user(org, "x@solbygd.no", "X", Role::prosessveileder, kFakeHash)->id,
            Role::prosessveileder};
  InitiativeDraft d;
  d.title = "Før tallene";
  auto ini = InitiativeRepository(db, clock_).create(who, d);
  ASSERT_TRUE(ini.ok());
  std::mt19937 rng(11);
  db.with_transaction([&](soci::session& s) {
    // Three rounds, two in the same second (ordered by id descending).
    for (int r = 0; r < 3; ++r) {
      std::string id = "round" + std::to_string(r), i = ini->id, code = new_join_code(),
                  by = who.user_id, at = r == 0 ? "2026-03-01T10:00:00Z" : "2026-04-01T10:00:00Z";
      s << "INSERT INTO readiness_rounds (id, initiative_id, title, join_code, status, "
           "include_oric, created_by, created_at, closed_at, version) VALUES (:id, :i, 'R', :c, "
           "'closed', 0, :by, :at, NULL, 1)",
          soci::use(id), soci::use(i), soci::use(code), soci::use(by), soci::use(at);
      s << "INSERT INTO readiness_round_units (round_id, unit_id) VALUES (:r, :u)", soci::use(id),
          soci::use(unit);
      for (int p = 0; p < 40; ++p) {
        if (rng() % 4 == 0) continue;
        std::string aid = "a" + std::to_string(r) + "-" + std::to_string(p),
                    staging(readiness::slug(readiness::kStagingAnswers[rng() % 6])),
                    key = "k" + std::to_string(p % 30), u = unit;
        int imp = static_cast<int>(rng() % 11), conf = static_cast<int>(rng() % 11);
        soci::indicator key_ind = p % 7 == 0 ? soci::i_null : soci::i_ok;
        soci::indicator unit_ind = p % 5 == 0 ? soci::i_null : soci::i_ok;
        soci::indicator imp_ind = p % 6 == 0 ? soci::i_null : soci::i_ok;
        if (p >= 30) key_ind = soci::i_null;
        s << "INSERT INTO readiness_answers (id, round_id, unit_id, staging, importance, "
             "confidence, reflection, oric, participant_key, device_key, answered_on) VALUES "
             "(:id, :r, :u, :st, :im, :co, '', '000000000000', :k, NULL, '2026-04-01')",
            soci::use(aid), soci::use(id), soci::use(u, unit_ind), soci::use(staging),
            soci::use(imp, imp_ind), soci::use(conf), soci::use(key, key_ind);
      }
    }
  });
  auto m = migrate(db, *all, clock_);
  ASSERT_TRUE(m.ok()) << m.error().detail;
  ReadinessRepository repo(db, clock_);
  auto c = repo.counts(who, ini->id);
  ASSERT_TRUE(c.ok());
  int linked = 0;
  for (const auto& t : c->counts.transitions)
    for (const auto& row : t)
      for (int n : row)
        linked += n;
  EXPECT_GT(linked, 10);  // the moves were counted, not just left empty
  expect_counts_equal_recount(repo, who, ini->id);
}

TEST_P(ReadinessStoreTest, HeadCountsPerUnit) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  RoundDraft d{"Med antall", {north_, south_}, false};
  d.invited[north_] = 40;
  auto r = repo().create_round(a_, initiative_, d);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  auto got = repo().round(a_, initiative_, r->id);
  ASSERT_TRUE(got.ok());
  std::map<std::string, std::optional<int>> invited;
  for (const auto& u : got->units)
    invited[u.id] = u.invited;
  EXPECT_EQ(invited[north_], 40);
  EXPECT_EQ(invited[south_], std::nullopt);
  auto c = repo().counts(a_, initiative_);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->rounds.size(), 1u);
  ASSERT_EQ(c->rounds[0].invited.size(), 2u);
  const auto north_at =
      std::find(c->rounds[0].unit_ids.begin(), c->rounds[0].unit_ids.end(), north_) -
      c->rounds[0].unit_ids.begin();
  EXPECT_EQ(c->rounds[0].invited[static_cast<std::size_t>(north_at)], 40);
  EXPECT_EQ(c->rounds[0].invited[static_cast<std::size_t>(1 - north_at)], std::nullopt);

  // 0 and the maximum are allowed; below 0, above the maximum and a unit the
  // round does not cover are refused, and nothing is saved.
  for (int ok : {0, kMaxInvited}) {
    RoundDraft e{"Grense", {south_}, false};
    e.invited[south_] = ok;
    EXPECT_TRUE(repo().create_round(a_, initiative_, e).ok()) << ok;
  }
  const auto rounds_before = count("SELECT COUNT(*) FROM readiness_rounds");
  for (auto [unit, n] : std::vector<std::pair<std::string, int>>{{south_, -1},
                                                                 {south_, kMaxInvited + 1},
                                                                 {south_, INT_MIN},
                                                                 {north_, 10},
                                                                 {b_unit_, 10}}) {
    RoundDraft e{"Feil", {south_}, false};
    e.invited[unit] = n;
    auto bad = repo().create_round(a_, initiative_, e);
    ASSERT_FALSE(bad.ok()) << n;
    EXPECT_EQ(bad.error().message_key, "readiness.error.invited") << n;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM readiness_rounds"), rounds_before);

  // Changed afterwards, with the round's version: set, cleared, refused.
  auto set = repo().set_invited(a_, initiative_, r->id, got->version, {{south_, 12}});
  ASSERT_TRUE(set.ok()) << set.error().detail;
  EXPECT_EQ(set->version, got->version + 1);
  for (const auto& u : set->units)
    EXPECT_EQ(u.invited, u.id == south_ ? std::optional<int>(12) : std::nullopt) << u.name;
  EXPECT_EQ(repo().set_invited(a_, initiative_, r->id, got->version, {}).error().code,
            ErrorCode::conflict);
  for (auto [unit, n] : std::vector<std::pair<std::string, int>>{
           {south_, -1}, {south_, kMaxInvited + 1}, {b_unit_, 3}, {"x\xff", 3}}) {
    auto bad = repo().set_invited(a_, initiative_, r->id, set->version, {{unit, n}});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message_key, "readiness.error.invited") << n;
  }
  EXPECT_EQ(repo().set_invited(b_, initiative_, r->id, set->version, {}).error().code,
            ErrorCode::not_found)
      << "another organisation";
  auto cleared = repo().set_invited(a_, initiative_, r->id, set->version, {});
  ASSERT_TRUE(cleared.ok());
  for (const auto& u : cleared->units)
    EXPECT_EQ(u.invited, std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Engines, ReadinessStoreTest,
                         ::testing::Values(Engine::sqlite, Engine::postgresql),
                         testing::EngineName());

}  // namespace
}  // namespace samskap::store
