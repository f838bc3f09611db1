// Storage tests for requests and change initiatives (issue 5), on SQLite and
// PostgreSQL: every method of RequestRepository and InitiativeRepository,
// isolation between organisations, collaborators, versions and text checks.

#include "store/initiatives.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <thread>

#include "store/accounts.hpp"
#include "store/migrations.hpp"
#include "support/test_db.hpp"

namespace samskap::store {
namespace {

using namespace std::chrono_literals;
using initiative::Date;

const std::string kFakeHash = "$argon2id$v=19$m=65536,t=2,p=1$not-a-real-hash";

// Texts every checked field must refuse, whatever its limit (control
// characters other than newline and tab; broken UTF-8).
const std::vector<std::string> kHostileOneLine = {
    std::string("bad \xff utf8"), std::string("ends \xc3"), std::string("nul \0 inside", 13),
    std::string("bell \x07"),     std::string("del \x7f"),  std::string("escape \x1b[31m")};

std::vector<AnchoringScore> all_scores(int score, const std::string& note = {}) {
  std::vector<AnchoringScore> out;
  for (auto item : initiative::kAnchoringItems)
    out.push_back({item, score, note});
  return out;
}

class InitiativesTest : public ::testing::TestWithParam<Engine> {
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
    people();
  }

  std::string user(const std::string& org, const std::string& email, const std::string& name,
                   Role role, bool active = true) {
    AccountRepository accounts(*db_, clock_);
    auto u = accounts.create_user(org, email, name, role, active ? kFakeHash : "");
    EXPECT_TRUE(u.ok()) << u.error().detail;
    return u.ok() ? u->id : std::string();
  }

  std::string org(const std::string& name, OrganisationKind kind) {
    AccountRepository accounts(*db_, clock_);
    auto o = accounts.create_organisation(name, kind);
    EXPECT_TRUE(o.ok()) << o.error().detail;
    return o.ok() ? o->id : std::string();
  }

  // A: a municipality with a facilitator, a leader and a unit. B: another
  // municipality. U, V: two USHT organisations with facilitators and others.
  void people() {
    org_a_ = org("Solbygd kommune", OrganisationKind::kommune);
    org_b_ = org("Nordby kommune", OrganisationKind::kommune);
    org_u_ = org("USHT Nordfjell", OrganisationKind::usht);
    org_v_ = org("USHT Sørdal", OrganisationKind::usht);
    anne_ = user(org_a_, "anne@solbygd.no", "Anne Aas", Role::prosessveileder);
    leif_ = user(org_a_, "leif@solbygd.no", "Leif Li", Role::leder);
    adam_ = user(org_a_, "adam@solbygd.no", "Adam Admin", Role::administrator);
    bjorn_ = user(org_b_, "bjorn@nordby.no", "Bjørn Bø", Role::prosessveileder);
    ulla_ = user(org_u_, "ulla@usht.no", "Ulla Ur", Role::prosessveileder);
    ulf_ = user(org_u_, "ulf@usht.no", "Ulf Leder", Role::leder);
    ida_ = user(org_u_, "ida@usht.no", "Ida Invitert", Role::prosessveileder, false);
    dina_ = user(org_u_, "dina@usht.no", "Dina Deaktivert", Role::prosessveileder);
    vera_ = user(org_v_, "vera@sordal.no", "Vera Ve", Role::prosessveileder);
    AccountRepository accounts(*db_, clock_);
    ASSERT_TRUE(accounts.set_status(org_u_, dina_, UserStatus::disabled).ok());
    auto unit = accounts.create_unit(org_a_, "Hjemmetjenesten");
    ASSERT_TRUE(unit.ok());
    unit_a_ = unit->id;
    auto unit_b = accounts.create_unit(org_b_, "Sykehjemmet");
    ASSERT_TRUE(unit_b.ok());
    unit_b_ = unit_b->id;
    a_ = {org_a_, anne_, Role::prosessveileder};
    b_ = {org_b_, bjorn_, Role::prosessveileder};
    u_ = {org_u_, ulla_, Role::prosessveileder};
    v_ = {org_v_, vera_, Role::prosessveileder};
  }

  long long count(const std::string& sql) {
    long long n = -1;
    db_->with_session([&](soci::session& s) { s << sql, soci::into(n); });
    return n;
  }

  RequestDraft request_draft(const std::string& body = "Vi trenger hjelp med fallforebygging") {
    return {"Solbygd kommune, hjemmetjenesten",
            "Kari Nordmann, 900 00 000",
            body,
            Date{2027, 3, 1},
            {"Fall", "hjemmetjeneste"}};
  }

  InitiativeDraft draft(const std::string& title = "Færre fall i hjemmetjenesten") {
    InitiativeDraft d;
    d.title = title;
    d.status = initiative::Status::forankring;
    d.unit_id = unit_a_;
    d.facilitator_user_id = anne_;
    d.leader_user_id = leif_;
    d.starts_on = Date{2027, 1, 15};
    d.ends_on = Date{2027, 12, 31};
    d.vision = "Trygge hjem.\nFærre fall.";
    d.sdgs = {3, 11};
    return d;
  }

  Initiative make(const Actor& who, const std::string& title = "Færre fall i hjemmetjenesten") {
    InitiativeRepository repo(*db_, clock_);
    InitiativeDraft d;
    d.title = title;
    auto r = repo.create(who, d);
    EXPECT_TRUE(r.ok()) << r.error().detail;
    return r.ok() ? *r : Initiative{};
  }

  ManualClock clock_{SystemTime{} + std::chrono::hours(490000)};
  std::unique_ptr<testing::TestDatabase> tdb_;
  std::unique_ptr<Database> db_;
  std::string why_;
  std::string org_a_, org_b_, org_u_, org_v_, unit_a_, unit_b_;
  std::string anne_, leif_, adam_, bjorn_, ulla_, ulf_, ida_, dina_, vera_;
  Actor a_, b_, u_, v_;
};

// ================================================================ requests

TEST_P(InitiativesTest, RequestIsCreatedReadListedAndUpdated) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  RequestRepository repo(*db_, clock_);
  RequestDraft d = request_draft();
  d.requester_org = "  Solbygd kommune  ";
  d.body = "  Linje én\r\nLinje to  ";
  d.tags = {" Fall ", "fall", "Demens", "", "FALL", "Æresord"};
  auto r = repo.create(a_, d);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->id.size(), 32u);
  EXPECT_EQ(r->organisation_id, org_a_);
  EXPECT_EQ(r->requester_org, "Solbygd kommune") << "trimmed";
  EXPECT_EQ(r->body, "Linje én\nLinje to") << "trimmed, CR LF becomes LF";
  EXPECT_EQ(r->contact, "Kari Nordmann, 900 00 000");
  EXPECT_EQ(r->received_on, (Date{2027, 3, 1}));
  EXPECT_EQ(r->tags, (std::vector<std::string>{"fall", "demens", "æresord"}))
      << "folded, unique, in the order given, empty ones dropped";
  EXPECT_EQ(r->status, initiative::RequestStatus::open);
  EXPECT_FALSE(r->answer_level);
  EXPECT_EQ(r->reason, "");
  EXPECT_FALSE(r->triaged_at);
  EXPECT_EQ(r->initiative_id, "");
  EXPECT_EQ(r->created_by, anne_);
  EXPECT_EQ(r->created_at, clock_.now());
  EXPECT_EQ(r->version, 1);

  auto back = repo.get(a_, r->id);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->body, r->body);
  EXPECT_EQ(back->tags, r->tags);

  // Contact may be empty; tags may be none.
  RequestDraft later = request_draft("Kurs i demensomsorg?");
  later.contact = "";
  later.tags = {};
  later.received_on = Date{2027, 4, 2};
  auto second = repo.create(a_, later);
  ASSERT_TRUE(second.ok()) << second.error().detail;
  EXPECT_TRUE(second->tags.empty());
  EXPECT_EQ(second->contact, "");
  RequestDraft earliest = request_draft("Gammel henvendelse");
  earliest.received_on = Date{2026, 12, 24};
  ASSERT_TRUE(repo.create(a_, earliest).ok());

  auto all = repo.list(a_);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, second->id) << "newest received first";
  EXPECT_EQ((*all)[1].id, r->id);
  EXPECT_EQ((*all)[2].body, "Gammel henvendelse");

  RequestDraft changed = request_draft("Endret tekst");
  changed.tags = {"ny"};
  auto up = repo.update(a_, r->id, 1, changed);
  ASSERT_TRUE(up.ok()) << up.error().detail;
  EXPECT_EQ(up->body, "Endret tekst");
  EXPECT_EQ(up->tags, std::vector<std::string>{"ny"});
  EXPECT_EQ(up->version, 2);

  // An update from the old version is a conflict and changes nothing.
  auto stale = repo.update(a_, r->id, 1, request_draft("Skulle ikke lagres"));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_EQ(stale.error().message_key, "request.error.stale");
  auto still = repo.get(a_, r->id);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->body, "Endret tekst");
  EXPECT_EQ(still->version, 2);

  auto unknown = repo.update(a_, "no-such-id", 1, request_draft());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found) << "missing is not a conflict";
  EXPECT_EQ(repo.get(a_, "no-such-id").error().code, ErrorCode::not_found);
}

TEST_P(InitiativesTest, RequestTextIsChecked) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  RequestRepository repo(*db_, clock_);
  auto refuse = [&](RequestDraft d, const std::string& key, const std::string& why) {
    auto r = repo.create(a_, d);
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_input) << why;
    EXPECT_EQ(r.error().message_key, key) << why;
  };
  RequestDraft d = request_draft();
  d.requester_org = "   ";
  refuse(d, "request.error.requester", "empty requester");
  d = request_draft();
  d.requester_org = std::string(201, 'x');
  refuse(d, "request.error.requester", "requester over 200 bytes");
  d = request_draft();
  d.requester_org = "To\nlinjer";
  refuse(d, "request.error.requester", "newline in a one-line field");
  d = request_draft();
  d.body = " \n ";
  refuse(d, "request.error.body", "empty body");
  d = request_draft(std::string(10001, 'x'));
  refuse(d, "request.error.body", "body over 10,000 bytes");
  d = request_draft();
  d.contact = std::string(201, 'x');
  refuse(d, "request.error.contact", "contact over 200 bytes");
  d = request_draft();
  d.tags = {"a,b"};
  refuse(d, "request.error.tag", "comma in a tag");
  d = request_draft();
  d.tags = {std::string(51, 't')};
  refuse(d, "request.error.tag", "tag over 50 bytes");
  d = request_draft();
  d.tags.clear();
  for (int i = 0; i < 21; ++i)
    d.tags.push_back("tag" + std::to_string(i));
  refuse(d, "request.error.tags", "21 tags");
  for (const auto& bad : kHostileOneLine) {
    d = request_draft();
    d.requester_org = bad;
    refuse(d, "request.error.requester", "requester: " + bad);
    d = request_draft(bad);
    refuse(d, "request.error.body", "body: " + bad);
    d = request_draft();
    d.tags = {bad};
    refuse(d, "request.error.tag", "tag: " + bad);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM requests"), 0) << "nothing was stored";

  // Limits are inclusive; 20 tags after folding duplicates are fine; text
  // that looks like SQL is just text.
  d = request_draft(std::string(10000, 'x'));
  d.requester_org = std::string(200, 'y');
  d.tags.clear();
  for (int i = 0; i < 20; ++i)
    d.tags.push_back("tag" + std::to_string(i));
  d.tags.push_back("TAG0");
  auto max = repo.create(a_, d);
  ASSERT_TRUE(max.ok()) << max.error().detail;
  EXPECT_EQ(max->tags.size(), 20u);
  const std::string hostile = "x'); DROP TABLE requests; --";
  d = request_draft(hostile);
  d.requester_org = hostile;
  auto odd = repo.create(a_, d);
  ASSERT_TRUE(odd.ok()) << odd.error().detail;
  EXPECT_EQ(repo.get(a_, odd->id)->body, hostile);

  // The same checks on update; the stored row stays as it was.
  d = request_draft();
  d.body = "";
  auto up = repo.update(a_, odd->id, odd->version, d);
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(repo.get(a_, odd->id)->body, hostile);
}

TEST_P(InitiativesTest, RequestRefusesDatesThatDoNotExist) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  RequestRepository repo(*db_, clock_);
  for (Date bad : {Date{2027, 2, 31}, Date{2027, 13, 1}, Date{2027, 0, 10}, Date{1800, 1, 1}}) {
    RequestDraft d = request_draft();
    d.received_on = bad;
    auto r = repo.create(a_, d);
    ASSERT_FALSE(r.ok()) << initiative::to_iso(bad);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM requests"), 0);
}

TEST_P(InitiativesTest, TriageRecordsTheAnswerAndCanBeChangedUntilClosed) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  RequestRepository repo(*db_, clock_);
  auto r = repo.create(a_, request_draft());
  ASSERT_TRUE(r.ok());

  for (const std::string& bad : {std::string("  "), std::string(2001, 'x'), kHostileOneLine[0]}) {
    auto t = repo.triage(a_, r->id, 1, initiative::AnswerLevel::course, bad);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(t.error().message_key, "request.error.reason");
  }
  EXPECT_EQ(repo.get(a_, r->id)->status, initiative::RequestStatus::open);

  clock_.advance(1h);
  auto t = repo.triage(a_, r->id, 1, initiative::AnswerLevel::course, "Et kurs\nholder");
  ASSERT_TRUE(t.ok()) << t.error().detail;
  EXPECT_EQ(t->status, initiative::RequestStatus::triaged);
  EXPECT_EQ(t->answer_level, initiative::AnswerLevel::course);
  EXPECT_EQ(t->reason, "Et kurs\nholder");
  EXPECT_EQ(t->triaged_by, anne_);
  ASSERT_TRUE(t->triaged_at);
  EXPECT_EQ(*t->triaged_at, clock_.now());
  EXPECT_EQ(t->version, 2);

  auto stale = repo.triage(a_, r->id, 1, initiative::AnswerLevel::workshop, "Verksted");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_EQ(stale.error().message_key, "request.error.stale");
  EXPECT_EQ(repo.get(a_, r->id)->answer_level, initiative::AnswerLevel::course) << "unchanged";

  auto again = repo.triage(a_, r->id, 2, initiative::AnswerLevel::workshop, "Mange parter");
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(again->answer_level, initiative::AnswerLevel::workshop);
  EXPECT_EQ(again->version, 3);

  auto listed = repo.list(a_, initiative::RequestStatus::triaged);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE(repo.list(a_, initiative::RequestStatus::open)->empty());

  auto closed = repo.set_status(a_, r->id, 3, initiative::RequestStatus::closed);
  ASSERT_TRUE(closed.ok()) << closed.error().detail;
  EXPECT_EQ(closed->status, initiative::RequestStatus::closed);
  EXPECT_EQ(closed->version, 4);
  EXPECT_EQ(repo.list(a_, initiative::RequestStatus::closed)->size(), 1u);

  auto late = repo.triage(a_, r->id, 4, initiative::AnswerLevel::rule, "For sent");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::conflict);
  EXPECT_EQ(late.error().message_key, "request.error.closed");
  auto after = repo.get(a_, r->id);
  EXPECT_EQ(after->status, initiative::RequestStatus::closed);
  EXPECT_EQ(after->answer_level, initiative::AnswerLevel::workshop);
  EXPECT_EQ(after->version, 4);

  auto stale_status = repo.set_status(a_, r->id, 3, initiative::RequestStatus::open);
  ASSERT_FALSE(stale_status.ok());
  EXPECT_EQ(stale_status.error().code, ErrorCode::conflict);
  auto reopened = repo.set_status(a_, r->id, 4, initiative::RequestStatus::open);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->status, initiative::RequestStatus::open);
}

TEST_P(InitiativesTest, TriageByMonthCountsEachLevelPerMonthOfTriage) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  RequestRepository repo(*db_, clock_);
  auto empty = repo.triage_by_month(a_);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());

  auto answer = [&](initiative::AnswerLevel level) {
    auto r = repo.create(a_, request_draft());
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(repo.triage(a_, r->id, 1, level, "Grunn").ok());
  };
  // 490000 h after the epoch is 2025-11-24: two answers in November,
  // three in December (one of them re-triaged: counted once), one in February.
  answer(initiative::AnswerLevel::workshop);
  answer(initiative::AnswerLevel::rule);
  ASSERT_TRUE(repo.create(a_, request_draft()).ok()) << "an open request is not counted";
  clock_.advance(24h * 10);
  answer(initiative::AnswerLevel::workshop);
  answer(initiative::AnswerLevel::workshop);
  {
    auto r = repo.create(a_, request_draft());
    ASSERT_TRUE(repo.triage(a_, r->id, 1, initiative::AnswerLevel::rule, "Først").ok());
    ASSERT_TRUE(repo.triage(a_, r->id, 2, initiative::AnswerLevel::course, "Så").ok());
  }
  clock_.advance(24h * 70);
  answer(initiative::AnswerLevel::course);
  // Another organisation's answers are not counted.
  auto other = repo.create(b_, request_draft());
  ASSERT_TRUE(repo.triage(b_, other->id, 1, initiative::AnswerLevel::workshop, "B").ok());

  auto months = repo.triage_by_month(a_);
  ASSERT_TRUE(months.ok());
  ASSERT_EQ(months->size(), 3u);
  EXPECT_EQ((*months)[0].month, "2025-11");
  EXPECT_EQ((*months)[0].rule, 1);
  EXPECT_EQ((*months)[0].course, 0);
  EXPECT_EQ((*months)[0].workshop, 1);
  EXPECT_EQ((*months)[1].month, "2025-12");
  EXPECT_EQ((*months)[1].rule, 0);
  EXPECT_EQ((*months)[1].course, 1);
  EXPECT_EQ((*months)[1].workshop, 2);
  EXPECT_EQ((*months)[2].month, "2026-02");
  EXPECT_EQ((*months)[2].course, 1);
  auto b_months = repo.triage_by_month(b_);
  ASSERT_EQ(b_months->size(), 1u);
  EXPECT_EQ((*b_months)[0].workshop, 1);
}

TEST_P(InitiativesTest, RequestLinksTheInitiativeItsAnswerCreated) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  RequestRepository requests(*db_, clock_);
  InitiativeRepository initiatives(*db_, clock_);
  auto r = requests.create(a_, request_draft());
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(requests.triage(a_, r->id, 1, initiative::AnswerLevel::workshop, "3.0").ok());
  InitiativeDraft d = draft();
  d.request_id = r->id;
  auto i = initiatives.create(a_, d);
  ASSERT_TRUE(i.ok()) << i.error().detail;
  EXPECT_EQ(i->request_id, r->id);
  auto linked = requests.link_initiative(a_, r->id, i->id);
  ASSERT_TRUE(linked.ok()) << linked.error().detail;
  auto back = requests.get(a_, r->id);
  EXPECT_EQ(back->initiative_id, i->id);
  EXPECT_EQ(back->version, 3) << "a link is a change: an open edit from before it is stale";

  // Neither another organisation's request nor its initiative can be linked.
  auto b_init = make(b_, "B sitt initiativ");
  auto b_req = requests.create(b_, request_draft());
  ASSERT_TRUE(b_req.ok());
  auto foreign_request = requests.link_initiative(a_, b_req->id, i->id);
  ASSERT_FALSE(foreign_request.ok());
  EXPECT_EQ(foreign_request.error().code, ErrorCode::not_found);
  EXPECT_EQ(requests.get(b_, b_req->id)->initiative_id, "");
  auto foreign_initiative = requests.link_initiative(a_, r->id, b_init.id);
  ASSERT_FALSE(foreign_initiative.ok());
  EXPECT_EQ(foreign_initiative.error().code, ErrorCode::not_found);
  EXPECT_EQ(requests.get(a_, r->id)->initiative_id, i->id) << "unchanged";
  EXPECT_FALSE(requests.link_initiative(a_, r->id, "no-such-initiative").ok());

  // An initiative cannot claim another organisation's request as its source.
  InitiativeDraft stolen = draft("Stjålet");
  stolen.request_id = b_req->id;
  auto bad = initiatives.create(a_, stolen);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::not_found);
  EXPECT_EQ(bad.error().message_key, "request.error.not_found");
  stolen.request_id = "no-such-request";
  EXPECT_EQ(initiatives.create(a_, stolen).error().code, ErrorCode::not_found);
  EXPECT_EQ(count("SELECT COUNT(*) FROM initiatives"), 2) << "A's and B's, not the stolen one";
}

TEST_P(InitiativesTest, RequestsOfAnotherOrganisationAreNotFound) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  RequestRepository repo(*db_, clock_);
  auto r = repo.create(a_, request_draft());
  ASSERT_TRUE(r.ok());
  auto i = make(a_);
  // Same user id with another organisation: still out of reach.
  Actor forged{org_b_, anne_, Role::prosessveileder};
  for (const Actor& other : {b_, u_, forged}) {
    EXPECT_EQ(repo.get(other, r->id).error().code, ErrorCode::not_found);
    EXPECT_EQ(repo.update(other, r->id, 1, request_draft("B")).error().code, ErrorCode::not_found);
    EXPECT_EQ(repo.triage(other, r->id, 1, initiative::AnswerLevel::rule, "B").error().code,
              ErrorCode::not_found);
    EXPECT_EQ(repo.set_status(other, r->id, 1, initiative::RequestStatus::closed).error().code,
              ErrorCode::not_found);
    EXPECT_EQ(repo.link_initiative(other, r->id, i.id).error().code, ErrorCode::not_found);
    EXPECT_TRUE(repo.list(other)->empty());
    EXPECT_TRUE(repo.triage_by_month(other)->empty());
  }
  auto mine = repo.get(a_, r->id);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->version, 1);
  EXPECT_EQ(mine->status, initiative::RequestStatus::open);
  EXPECT_EQ(mine->initiative_id, "");
}

// ================================================================ initiatives

TEST_P(InitiativesTest, InitiativeIsCreatedReadListedAndUpdated) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  InitiativeRepository repo(*db_, clock_);
  InitiativeDraft d = draft();
  d.title = "  Færre fall  ";
  d.sdgs = {11, 3, 3, 17, 1};
  auto i = repo.create(a_, d);
  ASSERT_TRUE(i.ok()) << i.error().detail;
  EXPECT_EQ(i->id.size(), 32u);
  EXPECT_EQ(i->organisation_id, org_a_);
  EXPECT_EQ(i->organisation_name, "Solbygd kommune");
  EXPECT_EQ(i->title, "Færre fall");
  EXPECT_EQ(i->status, initiative::Status::forankring);
  EXPECT_EQ(i->unit_id, unit_a_);
  EXPECT_EQ(i->unit_name, "Hjemmetjenesten");
  EXPECT_EQ(i->facilitator_user_id, anne_);
  EXPECT_EQ(i->facilitator_name, "Anne Aas");
  EXPECT_EQ(i->leader_user_id, leif_);
  EXPECT_EQ(i->leader_name, "Leif Li");
  EXPECT_EQ(i->starts_on, (Date{2027, 1, 15}));
  EXPECT_EQ(i->ends_on, (Date{2027, 12, 31}));
  EXPECT_EQ(i->vision, "Trygge hjem.\nFærre fall.");
  EXPECT_EQ(i->sdgs, (std::vector<int>{1, 3, 11, 17})) << "unique and ascending";
  EXPECT_FALSE(i->cynefin_answers);
  EXPECT_FALSE(i->cynefin());
  EXPECT_EQ(i->request_id, "");
  EXPECT_EQ(i->created_by, anne_);
  EXPECT_EQ(i->created_at, clock_.now());
  EXPECT_EQ(i->updated_at, clock_.now());
  EXPECT_EQ(i->version, 1);
  EXPECT_FALSE(i->collaborating);

  // The smallest initiative: a title only.
  clock_.advance(1min);
  auto bare = make(a_, "Bare en tittel");
  EXPECT_EQ(bare.status, initiative::Status::ide);
  EXPECT_EQ(bare.unit_id, "");
  EXPECT_EQ(bare.unit_name, "");
  EXPECT_EQ(bare.facilitator_name, "");
  EXPECT_FALSE(bare.starts_on);
  EXPECT_FALSE(bare.ends_on);
  EXPECT_TRUE(bare.sdgs.empty());

  auto back = repo.get(a_, i->id);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->title, "Færre fall");
  EXPECT_EQ(back->sdgs, i->sdgs);

  auto list = repo.list(a_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, bare.id) << "newest change first";
  EXPECT_EQ((*list)[1].id, i->id);
  EXPECT_EQ((*list)[1].sdgs, (std::vector<int>{1, 3, 11, 17}));

  // Update: every field, status through all values; the change moves it to the top.
  clock_.advance(1min);
  int version = 1;
  for (auto status : initiative::kStatuses) {
    InitiativeDraft u = draft("Endret tittel");
    u.status = status;
    u.unit_id = "";
    u.facilitator_user_id = leif_;
    u.leader_user_id = "";
    u.starts_on = std::nullopt;
    u.ends_on = Date{2028, 1, 1};
    u.vision = "";
    u.sdgs = {};
    auto up = repo.update(a_, i->id, version, u);
    ASSERT_TRUE(up.ok()) << up.error().detail;
    EXPECT_EQ(up->version, version + 1);
    EXPECT_EQ(up->status, status);
    EXPECT_EQ(up->title, "Endret tittel");
    EXPECT_EQ(up->unit_id, "");
    EXPECT_EQ(up->facilitator_user_id, leif_);
    EXPECT_EQ(up->leader_user_id, "");
    EXPECT_FALSE(up->starts_on);
    EXPECT_EQ(up->ends_on, (Date{2028, 1, 1}));
    EXPECT_TRUE(up->sdgs.empty());
    EXPECT_EQ(up->updated_at, clock_.now());
    EXPECT_EQ(up->created_at, i->created_at);
    version = up->version;
  }
  EXPECT_EQ(repo.list(a_)->front().id, i->id);

  // A stale version is a conflict; the row stays as it was.
  auto stale = repo.update(a_, i->id, 1, draft("Gammel"));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_EQ(stale.error().message_key, "initiative.error.stale");
  auto after = repo.get(a_, i->id);
  EXPECT_EQ(after->title, "Endret tittel");
  EXPECT_EQ(after->version, version);
  EXPECT_EQ(after->status, initiative::Status::avsluttet);

  EXPECT_EQ(repo.update(a_, "no-such-id", 1, draft()).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.get(a_, "no-such-id").error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.remove(a_, "no-such-id").error().code, ErrorCode::not_found);
}

TEST_P(InitiativesTest, InitiativeTextDatesAndTagsAreChecked) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  InitiativeRepository repo(*db_, clock_);
  auto refuse = [&](const InitiativeDraft& d, const std::string& key, const std::string& why) {
    auto r = repo.create(a_, d);
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_input) << why;
    EXPECT_EQ(r.error().message_key, key) << why;
  };
  InitiativeDraft d = draft(" \t ");
  refuse(d, "initiative.error.title", "empty title");
  refuse(draft(std::string(201, 'x')), "initiative.error.title", "title over 200 bytes");
  refuse(draft("To\nlinjer"), "initiative.error.title", "newline in the title");
  for (const auto& bad : kHostileOneLine) {
    refuse(draft(bad), "initiative.error.title", "title: " + bad);
    d = draft();
    d.vision = bad;
    refuse(d, "initiative.error.vision", "vision: " + bad);
  }
  d = draft();
  d.vision = std::string(4001, 'v');
  refuse(d, "initiative.error.vision", "vision over 4,000 bytes");
  d = draft();
  d.starts_on = Date{2027, 5, 2};
  d.ends_on = Date{2027, 5, 1};
  refuse(d, "initiative.error.end_before_start", "end before start");
  for (int bad : {0, 18, -3, 1000}) {
    d = draft();
    d.sdgs = {3, bad};
    refuse(d, "initiative.error.sdg", "sdg " + std::to_string(bad));
  }
  d = draft();
  d.unit_id = unit_b_;
  refuse(d, "initiative.error.unit", "a unit of another organisation");
  d = draft();
  d.unit_id = "no-such-unit";
  refuse(d, "initiative.error.unit", "an unknown unit");
  d = draft();
  d.facilitator_user_id = bjorn_;
  refuse(d, "initiative.error.facilitator", "a facilitator of another organisation");
  d = draft();
  d.leader_user_id = ulf_;
  refuse(d, "initiative.error.leader", "a leader of another organisation");
  d = draft();
  d.starts_on = Date{2027, 2, 30};
  d.ends_on = std::nullopt;
  auto bad_date = repo.create(a_, d);
  ASSERT_FALSE(bad_date.ok()) << "30 February";
  EXPECT_EQ(bad_date.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(count("SELECT COUNT(*) FROM initiatives"), 0) << "nothing was stored";

  // Inclusive limits; same day start and end; newlines and tabs in the vision.
  d = draft(std::string(200, 'x'));
  d.vision = std::string(3990, 'v') + "\n\tslutt";
  d.starts_on = d.ends_on = Date{2027, 5, 1};
  auto ok = repo.create(a_, d);
  ASSERT_TRUE(ok.ok()) << ok.error().detail;
  EXPECT_EQ(ok->vision.substr(3990), "\n\tslutt");

  // The same checks on update, which leaves the row as it was.
  InitiativeDraft u = draft();
  u.unit_id = unit_b_;
  auto up = repo.update(a_, ok->id, 1, u);
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.error().message_key, "initiative.error.unit");
  auto up2 = repo.update(a_, ok->id, 1, draft(""));
  ASSERT_FALSE(up2.ok());
  EXPECT_EQ(up2.error().message_key, "initiative.error.title");
  EXPECT_EQ(repo.get(a_, ok->id)->version, 1);
  EXPECT_EQ(repo.get(a_, ok->id)->title, std::string(200, 'x'));
}

TEST_P(InitiativesTest, PeopleOfTheOrganisationMayBeInvitedButNotDisabled) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  InitiativeRepository repo(*db_, clock_);
  std::string invited = user(org_a_, "ny@solbygd.no", "Ny Person", Role::leder, false);
  std::string gone = user(org_a_, "borte@solbygd.no", "Borte Person", Role::leder);
  AccountRepository accounts(*db_, clock_);
  ASSERT_TRUE(accounts.set_status(org_a_, gone, UserStatus::disabled).ok());
  InitiativeDraft d = draft();
  d.leader_user_id = invited;
  auto ok = repo.create(a_, d);
  ASSERT_TRUE(ok.ok()) << "an invited user may already lead: " << ok.error().detail;
  d.leader_user_id = gone;
  auto bad = repo.create(a_, d);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message_key, "initiative.error.leader");
}

TEST_P(InitiativesTest, ComplexityStoresAnswersSuggestionAndOverride) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  InitiativeRepository repo(*db_, clock_);
  auto i = make(a_);
  using initiative::Answer;
  initiative::CynefinAnswers answers{Answer::no, Answer::no, Answer::no, Answer::no, Answer::no};
  auto expected = initiative::suggest_cynefin(answers);
  auto c = repo.set_complexity(a_, i.id, 1, answers, std::nullopt, "Vi vet lite.\nPrøv smått.");
  ASSERT_TRUE(c.ok()) << c.error().detail;
  ASSERT_TRUE(c->cynefin_answers);
  EXPECT_EQ(*c->cynefin_answers, answers);
  EXPECT_EQ(c->cynefin_suggested, expected.domain);
  EXPECT_FALSE(c->cynefin_chosen);
  EXPECT_EQ(c->cynefin(), expected.domain) << "the suggestion rules when nothing is chosen";
  EXPECT_EQ(c->cynefin_note, "Vi vet lite.\nPrøv smått.");
  EXPECT_EQ(c->version, 2);

  initiative::CynefinAnswers mixed{Answer::unsure, Answer::yes, Answer::no, Answer::unsure,
                                   Answer::yes};
  auto o = repo.set_complexity(a_, i.id, 2, mixed, initiative::CynefinDomain::chaotic, "");
  ASSERT_TRUE(o.ok()) << o.error().detail;
  EXPECT_EQ(*o->cynefin_answers, mixed);
  EXPECT_EQ(o->cynefin_suggested, initiative::suggest_cynefin(mixed).domain);
  EXPECT_EQ(o->cynefin_chosen, initiative::CynefinDomain::chaotic);
  EXPECT_EQ(o->cynefin(), initiative::CynefinDomain::chaotic) << "the choice overrides";
  EXPECT_EQ(repo.get(a_, i.id)->cynefin_chosen, initiative::CynefinDomain::chaotic);

  auto stale = repo.set_complexity(a_, i.id, 2, answers, std::nullopt, "");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_EQ(repo.get(a_, i.id)->cynefin_chosen, initiative::CynefinDomain::chaotic);
  auto long_note = repo.set_complexity(a_, i.id, 3, answers, std::nullopt, std::string(2001, 'n'));
  ASSERT_FALSE(long_note.ok());
  EXPECT_EQ(long_note.error().code, ErrorCode::invalid_input);

  // The complexity version and the edit form's version are one: an edit
  // started before the complexity was set is stale.
  auto edit = repo.update(a_, i.id, 1, draft());
  EXPECT_EQ(edit.error().code, ErrorCode::conflict);
}

// ---------------------------------------------------------------- isolation

TEST_P(InitiativesTest, AnotherOrganisationReachesNothingOfAnInitiative) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  InitiativeRepository repo(*db_, clock_);
  auto i = repo.create(a_, draft());
  ASSERT_TRUE(i.ok());
  auto goal =
      repo.add_goal(a_, i->id, {"Færre fall", "fall per måned", 12, 6, Date{2027, 6, 1}, "Leif"});
  ASSERT_TRUE(goal.ok()) << goal.error().detail;
  auto progress = repo.add_progress(a_, i->id, goal->id, 10, Date{2027, 2, 1}, "");
  ASSERT_TRUE(progress.ok());
  ASSERT_TRUE(repo.add_assessment(a_, i->id, Date{2027, 2, 1}, all_scores(3)).ok());
  auto partner = repo.add_partner(
      a_, i->id, {"", initiative::PartnerType::ansatte, "Sykepleiere", "deltar", "", 1});
  ASSERT_TRUE(partner.ok());
  auto ev =
      repo.add_evidence(a_, i->id, {"", initiative::EvidenceKind::forskning, "Studie", "", 1});
  ASSERT_TRUE(ev.ok());
  auto act =
      repo.add_activity(a_, i->id,
                        {"", initiative::ActivityType::mote, "Oppstart", Date{2027, 2, 1},
                         std::nullopt, "Anne", initiative::ActivityStatus::planlagt, false, 1});
  ASSERT_TRUE(act.ok());
  initiative::CynefinAnswers answers{};

  // B's own initiative, to try A's part ids through it.
  auto mine = make(b_, "B sitt");

  Actor forged{org_b_, anne_, Role::prosessveileder};  // A's user id, B's organisation
  for (const Actor& other : {b_, u_, v_}) {
    auto nf = [&](ErrorCode c, const char* what) {
      EXPECT_EQ(c, ErrorCode::not_found) << what << " as " << other.user_id;
    };
    nf(repo.get(other, i->id).error().code, "get");
    nf(repo.update(other, i->id, i->version, draft("B")).error().code, "update");
    nf(repo.remove(other, i->id).error().code, "remove");
    nf(repo.set_complexity(other, i->id, i->version, answers, std::nullopt, "").error().code,
       "set_complexity");
    nf(repo.collaborators(other, i->id).error().code, "collaborators");
    nf(repo.add_collaborator(other, i->id, vera_).error().code, "add_collaborator");
    nf(repo.goals(other, i->id).error().code, "goals");
    nf(repo.add_goal(other, i->id, {"Mål", "", {}, {}, {}, ""}).error().code, "add_goal");
    nf(repo.update_goal(other, i->id, goal->id, goal->version, {"Mål", "", {}, {}, {}, ""})
           .error()
           .code,
       "update_goal");
    nf(repo.remove_goal(other, i->id, goal->id).error().code, "remove_goal");
    nf(repo.add_progress(other, i->id, goal->id, 1, Date{2027, 3, 1}, "").error().code,
       "add_progress");
    nf(repo.remove_progress(other, i->id, goal->id, progress->id).error().code, "remove_progress");
    nf(repo.add_assessment(other, i->id, Date{2027, 3, 1}, all_scores(5)).error().code,
       "add_assessment");
    nf(repo.assessments(other, i->id).error().code, "assessments");
    nf(repo.partners(other, i->id).error().code, "partners");
    nf(repo.add_partner(other, i->id, *partner).error().code, "add_partner");
    nf(repo.update_partner(other, i->id, *partner).error().code, "update_partner");
    nf(repo.remove_partner(other, i->id, partner->id).error().code, "remove_partner");
    nf(repo.evidence(other, i->id).error().code, "evidence");
    nf(repo.add_evidence(other, i->id, *ev).error().code, "add_evidence");
    nf(repo.update_evidence(other, i->id, *ev).error().code, "update_evidence");
    nf(repo.remove_evidence(other, i->id, ev->id).error().code, "remove_evidence");
    nf(repo.activities(other, i->id).error().code, "activities");
    nf(repo.add_activity(other, i->id, *act).error().code, "add_activity");
    nf(repo.update_activity(other, i->id, *act).error().code, "update_activity");
    nf(repo.remove_activity(other, i->id, act->id).error().code, "remove_activity");
    auto listed = repo.list(other);
    ASSERT_TRUE(listed.ok());
    for (const auto& l : *listed)
      EXPECT_NE(l.id, i->id);
  }
  EXPECT_EQ(repo.get(forged, i->id).error().code, ErrorCode::not_found)
      << "the organisation, not the user id, decides ownership";

  // A's parts through B's own initiative: not found, and untouched.
  EXPECT_EQ(repo.update_goal(b_, mine.id, goal->id, 1, {"Mål", "", {}, {}, {}, ""}).error().code,
            ErrorCode::not_found);
  EXPECT_EQ(repo.remove_goal(b_, mine.id, goal->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.add_progress(b_, mine.id, goal->id, 1, Date{2027, 3, 1}, "").error().code,
            ErrorCode::not_found);
  EXPECT_EQ(repo.remove_progress(b_, mine.id, goal->id, progress->id).error().code,
            ErrorCode::not_found);
  EXPECT_EQ(repo.update_partner(b_, mine.id, *partner).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.remove_partner(b_, mine.id, partner->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.update_evidence(b_, mine.id, *ev).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.remove_evidence(b_, mine.id, ev->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.update_activity(b_, mine.id, *act).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.remove_activity(b_, mine.id, act->id).error().code, ErrorCode::not_found);

  // Everything of A is as it was.
  auto still = repo.get(a_, i->id);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->version, 1);
  EXPECT_EQ(still->title, i->title);
  auto goals = repo.goals(a_, i->id);
  ASSERT_EQ(goals->size(), 1u);
  EXPECT_EQ((*goals)[0].version, 1);
  EXPECT_EQ((*goals)[0].progress.size(), 1u);
  EXPECT_EQ(repo.assessments(a_, i->id)->size(), 1u);
  EXPECT_EQ(repo.partners(a_, i->id)->size(), 1u);
  EXPECT_EQ(repo.partners(a_, i->id)->front().version, 1);
  EXPECT_EQ(repo.evidence(a_, i->id)->size(), 1u);
  EXPECT_EQ(repo.activities(a_, i->id)->size(), 1u);
  EXPECT_TRUE(repo.collaborators(a_, i->id)->empty());
  EXPECT_TRUE(repo.goals(b_, mine.id)->empty());
}

// ---------------------------------------------------------------- collaborators

TEST_P(InitiativesTest, OnlyAnActiveFacilitatorOfAnotherUshtCanCollaborate) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  InitiativeRepository repo(*db_, clock_);
  auto i = make(a_);
  auto refuse = [&](const std::string& user_id, const char* why) {
    auto r = repo.add_collaborator(a_, i.id, user_id);
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_input) << why;
    EXPECT_EQ(r.error().message_key, "initiative.error.collaborator") << why;
  };
  refuse(bjorn_, "a facilitator of a municipality");
  refuse(ulf_, "a leader of a USHT");
  refuse(ida_, "an invited (not yet active) facilitator");
  refuse(dina_, "a disabled facilitator");
  refuse(leif_, "someone of the owning organisation");
  refuse("no-such-user", "an unknown user");
  EXPECT_EQ(count("SELECT COUNT(*) FROM initiative_collaborators"), 0);

  // A USHT's own initiative: its own facilitators are members, not collaborators.
  auto usht_own = make(u_, "USHT-prosjekt");
  auto own = repo.add_collaborator(u_, usht_own.id, ulla_);
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.error().code, ErrorCode::invalid_input);
  ASSERT_TRUE(repo.add_collaborator(u_, usht_own.id, vera_).ok()) << "another USHT's facilitator";

  clock_.advance(1h);
  ASSERT_TRUE(repo.add_collaborator(a_, i.id, ulla_).ok());
  auto twice = repo.add_collaborator(a_, i.id, ulla_);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);
  auto list = repo.collaborators(a_, i.id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].user_id, ulla_);
  EXPECT_EQ((*list)[0].display_name, "Ulla Ur");
  EXPECT_EQ((*list)[0].email, "ulla@usht.no");
  EXPECT_EQ((*list)[0].organisation_name, "USHT Nordfjell");
  EXPECT_EQ((*list)[0].since, clock_.now());
}

TEST_P(InitiativesTest, CollaboratorReachesThatInitiativeOnlyUntilRemoved) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  InitiativeRepository repo(*db_, clock_);
  auto shared = repo.create(a_, draft("Delt initiativ"));
  ASSERT_TRUE(shared.ok());
  auto other = make(a_, "Ikke delt");
  ASSERT_TRUE(repo.add_collaborator(a_, shared->id, ulla_).ok());

  // Ulla sees it, marked as collaborating, and works in it.
  auto seen = repo.get(u_, shared->id);
  ASSERT_TRUE(seen.ok()) << seen.error().detail;
  EXPECT_TRUE(seen->collaborating);
  EXPECT_EQ(seen->organisation_name, "Solbygd kommune");
  EXPECT_FALSE(repo.get(a_, shared->id)->collaborating) << "the owner is not collaborating";
  auto list = repo.list(u_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u) << "the shared one only, not the other of the same organisation";
  EXPECT_EQ((*list)[0].id, shared->id);
  EXPECT_TRUE((*list)[0].collaborating);
  EXPECT_EQ((*list)[0].sdgs, (std::vector<int>{3, 11}));
  auto owned = repo.list(a_);
  ASSERT_EQ(owned->size(), 2u);
  for (const auto& mine : *owned)
    EXPECT_FALSE(mine.collaborating);

  auto goal = repo.add_goal(u_, shared->id, {"Mål fra USHT", "", {}, {}, {}, ""});
  ASSERT_TRUE(goal.ok()) << goal.error().detail;
  ASSERT_TRUE(repo.add_progress(u_, shared->id, goal->id, 1, Date{2027, 1, 1}, "").ok());
  ASSERT_TRUE(repo.add_assessment(u_, shared->id, Date{2027, 1, 1}, all_scores(4)).ok());
  auto partner = repo.add_partner(
      u_, shared->id, {"", initiative::PartnerType::innbyggere, "Brukerråd", "", "", 1});
  ASSERT_TRUE(partner.ok());
  ASSERT_TRUE(
      repo.add_evidence(u_, shared->id, {"", initiative::EvidenceKind::erfaring, "Erfaring", "", 1})
          .ok());
  ASSERT_TRUE(
      repo.add_activity(u_, shared->id,
                        {"", initiative::ActivityType::verksted, "Verksted", Date{2027, 2, 1},
                         std::nullopt, "", initiative::ActivityStatus::planlagt, true, 1})
          .ok());
  auto up = repo.update(u_, shared->id, shared->version, draft("Delt, endret av USHT"));
  ASSERT_TRUE(up.ok()) << up.error().detail;
  EXPECT_TRUE(up->collaborating);
  EXPECT_EQ(repo.collaborators(u_, shared->id)->size(), 1u);

  // Not the other initiative of the same organisation.
  EXPECT_EQ(repo.get(u_, other.id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.goals(u_, other.id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.add_partner(u_, other.id, *partner).error().code, ErrorCode::not_found);
  // Not a colleague of the same USHT.
  Actor colleague{org_u_, ulf_, Role::leder};
  EXPECT_EQ(repo.get(colleague, shared->id).error().code, ErrorCode::not_found);
  EXPECT_TRUE(repo.list(colleague)->empty());

  // Only the owner manages collaborators, and only the owner deletes.
  auto by_collaborator = repo.add_collaborator(u_, shared->id, vera_);
  ASSERT_FALSE(by_collaborator.ok());
  EXPECT_EQ(by_collaborator.error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.remove_collaborator(u_, shared->id, ulla_).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.remove(u_, shared->id).error().code, ErrorCode::not_found);
  ASSERT_TRUE(repo.get(a_, shared->id).ok()) << "still there";
  EXPECT_EQ(repo.collaborators(a_, shared->id)->size(), 1u);

  // Removal takes access away.
  ASSERT_TRUE(repo.remove_collaborator(a_, shared->id, ulla_).ok());
  EXPECT_EQ(repo.remove_collaborator(a_, shared->id, ulla_).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.get(u_, shared->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.goals(u_, shared->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.add_goal(u_, shared->id, {"Igjen", "", {}, {}, {}, ""}).error().code,
            ErrorCode::not_found);
  EXPECT_TRUE(repo.list(u_)->empty());
  // What the collaborator added stays with the initiative.
  EXPECT_EQ(repo.goals(a_, shared->id)->size(), 1u);
}

// ---------------------------------------------------------------- goals

TEST_P(InitiativesTest, GoalsKeepTheirNumbersDatesAndProgress) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  InitiativeRepository repo(*db_, clock_);
  auto i = make(a_);
  auto empty = repo.goals(a_, i.id);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());

  clock_.advance(1h);
  auto bare = repo.add_goal(a_, i.id, {"  Bedre samarbeid\nmed pårørende ", "", {}, {}, {}, ""});
  ASSERT_TRUE(bare.ok()) << bare.error().detail;
  EXPECT_EQ(bare->statement, "Bedre samarbeid\nmed pårørende");
  EXPECT_EQ(bare->initiative_id, i.id);
  EXPECT_FALSE(bare->baseline);
  EXPECT_FALSE(bare->target);
  EXPECT_FALSE(bare->due);
  EXPECT_EQ(bare->version, 1);
  EXPECT_TRUE(bare->progress.empty());
  auto after_goal = repo.get(a_, i.id);
  EXPECT_EQ(after_goal->updated_at, clock_.now()) << "a new part touches the initiative";
  EXPECT_EQ(after_goal->version, 1) << "but does not make an open edit of the initiative stale";

  auto full = repo.add_goal(
      a_, i.id, {"Færre fall", "fall per måned", 12.5, 0.0, Date{2027, 6, 30}, "Leif Li"});
  ASSERT_TRUE(full.ok()) << full.error().detail;
  ASSERT_TRUE(full->baseline);
  EXPECT_DOUBLE_EQ(*full->baseline, 12.5);
  ASSERT_TRUE(full->target);
  EXPECT_DOUBLE_EQ(*full->target, 0.0) << "zero is a value, not a missing one";
  EXPECT_EQ(full->due, (Date{2027, 6, 30}));
  EXPECT_EQ(full->indicator, "fall per måned");
  EXPECT_EQ(full->owner, "Leif Li");
  auto negative = repo.add_goal(a_, i.id, {"Kortere ventetid", "dager", -1.25, {}, {}, ""});
  ASSERT_TRUE(negative.ok());
  EXPECT_DOUBLE_EQ(*negative->baseline, -1.25);
  EXPECT_FALSE(negative->target);

  auto goals = repo.goals(a_, i.id);
  ASSERT_TRUE(goals.ok());
  ASSERT_EQ(goals->size(), 3u);
  EXPECT_EQ((*goals)[0].id, bare->id) << "in the order added";
  EXPECT_EQ((*goals)[1].id, full->id);
  EXPECT_EQ((*goals)[2].id, negative->id);

  // Progress, shown oldest measurement first whatever the order of entry.
  ASSERT_TRUE(repo.add_progress(a_, i.id, full->id, 9, Date{2027, 3, 1}, "mars").ok());
  ASSERT_TRUE(repo.add_progress(a_, i.id, full->id, 12, Date{2027, 1, 1}, "januar").ok());
  auto feb = repo.add_progress(a_, i.id, full->id, 10.5, Date{2027, 2, 1}, "");
  ASSERT_TRUE(feb.ok());
  EXPECT_EQ(feb->id.size(), 32u);
  EXPECT_DOUBLE_EQ(feb->value, 10.5);
  auto with_progress = repo.goals(a_, i.id);
  const auto& p = (*with_progress)[1].progress;
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].measured_on, (Date{2027, 1, 1}));
  EXPECT_EQ(p[0].note, "januar");
  EXPECT_DOUBLE_EQ(p[0].value, 12);
  EXPECT_EQ(p[1].measured_on, (Date{2027, 2, 1}));
  EXPECT_EQ(p[2].measured_on, (Date{2027, 3, 1}));
  EXPECT_TRUE((*with_progress)[0].progress.empty()) << "progress belongs to its goal";

  // Update with versions; nulls can be set and cleared.
  auto up = repo.update_goal(a_, i.id, full->id, 1, {"Færre fall", "fall", {}, 3.0, {}, ""});
  ASSERT_TRUE(up.ok()) << up.error().detail;
  EXPECT_FALSE(up->baseline);
  EXPECT_DOUBLE_EQ(*up->target, 3.0);
  EXPECT_FALSE(up->due);
  EXPECT_EQ(up->version, 2);
  EXPECT_EQ(up->progress.size(), 3u) << "progress survives an edit of the goal";
  auto stale = repo.update_goal(a_, i.id, full->id, 1, {"Gammel", "", 1.0, 2.0, {}, ""});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_EQ(stale.error().message_key, "initiative.error.stale");
  EXPECT_EQ(repo.goals(a_, i.id)->at(1).statement, "Færre fall");
  EXPECT_EQ(repo.update_goal(a_, i.id, "no-such-goal", 1, {"X", "", {}, {}, {}, ""}).error().code,
            ErrorCode::not_found);

  // Numbers that cannot be stored, and bad text, are refused.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (double bad : {nan, inf, -inf, 1e300}) {
    auto g = repo.add_goal(a_, i.id, {"Mål", "", bad, {}, {}, ""});
    ASSERT_FALSE(g.ok()) << bad;
    EXPECT_EQ(g.error().code, ErrorCode::invalid_input);
    auto t = repo.add_goal(a_, i.id, {"Mål", "", {}, bad, {}, ""});
    ASSERT_FALSE(t.ok()) << bad;
    auto pr = repo.add_progress(a_, i.id, full->id, bad, Date{2027, 4, 1}, "");
    ASSERT_FALSE(pr.ok()) << bad;
    EXPECT_EQ(pr.error().code, ErrorCode::invalid_input);
  }
  auto no_statement = repo.add_goal(a_, i.id, {"  ", "x", 1.0, 2.0, {}, ""});
  ASSERT_FALSE(no_statement.ok());
  EXPECT_EQ(no_statement.error().message_key, "initiative.error.goal_statement");
  auto long_statement = repo.add_goal(a_, i.id, {std::string(1001, 's'), "", {}, {}, {}, ""});
  EXPECT_EQ(long_statement.error().message_key, "initiative.error.goal_statement");
  auto bad_indicator = repo.add_goal(a_, i.id, {"Mål", "to\nlinjer", {}, {}, {}, ""});
  EXPECT_EQ(bad_indicator.error().message_key, "initiative.error.goal_indicator");
  auto bad_owner = repo.add_goal(a_, i.id, {"Mål", "", {}, {}, {}, kHostileOneLine[0]});
  EXPECT_EQ(bad_owner.error().message_key, "initiative.error.goal_owner");
  auto bad_due = repo.add_goal(a_, i.id, {"Mål", "", {}, {}, Date{2027, 4, 31}, ""});
  ASSERT_FALSE(bad_due.ok()) << "31 April";
  EXPECT_EQ(bad_due.error().code, ErrorCode::invalid_input);
  auto bad_note = repo.add_progress(a_, i.id, full->id, 1, Date{2027, 4, 1}, "a\x01");
  EXPECT_EQ(bad_note.error().code, ErrorCode::invalid_input);
  auto bad_measured = repo.add_progress(a_, i.id, full->id, 1, Date{2027, 2, 29}, "");
  ASSERT_FALSE(bad_measured.ok()) << "2027 is not a leap year";
  EXPECT_EQ(bad_measured.error().code, ErrorCode::invalid_input);
  auto bad_update = repo.update_goal(a_, i.id, full->id, 2, {"", "", {}, {}, {}, ""});
  EXPECT_EQ(bad_update.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(repo.goals(a_, i.id)->size(), 3u);
  EXPECT_EQ(repo.goals(a_, i.id)->at(1).progress.size(), 3u);
  EXPECT_EQ(repo.goals(a_, i.id)->at(1).version, 2);

  // Progress on an unknown goal; removing progress and goals.
  EXPECT_EQ(repo.add_progress(a_, i.id, "no-such-goal", 1, Date{2027, 1, 1}, "").error().code,
            ErrorCode::not_found);
  ASSERT_TRUE(repo.remove_progress(a_, i.id, full->id, feb->id).ok());
  EXPECT_EQ(repo.remove_progress(a_, i.id, full->id, feb->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.goals(a_, i.id)->at(1).progress.size(), 2u);
  EXPECT_EQ(repo.remove_progress(a_, i.id, bare->id, p[0].id).error().code, ErrorCode::not_found)
      << "progress is removed through its own goal only";
  ASSERT_TRUE(repo.remove_goal(a_, i.id, full->id).ok());
  EXPECT_EQ(repo.remove_goal(a_, i.id, full->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(count("SELECT COUNT(*) FROM goal_progress"), 0) << "its progress went with it";
  auto left = repo.goals(a_, i.id);
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ((*left)[0].id, bare->id);
  EXPECT_EQ((*left)[1].id, negative->id);
  auto later = repo.add_goal(a_, i.id, {"Sist", "", {}, {}, {}, ""});
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(repo.goals(a_, i.id)->back().id, later->id) << "a new goal goes last";
}

// ---------------------------------------------------------------- anchoring

TEST_P(InitiativesTest, AnchoringAssessmentsNeedAllSevenItemsScoredOneToFive) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  InitiativeRepository repo(*db_, clock_);
  auto i = make(a_);
  auto refuse = [&](const std::vector<AnchoringScore>& scores, const std::string& key,
                    const std::string& why) {
    auto r = repo.add_assessment(a_, i.id, Date{2027, 1, 1}, scores);
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_input) << why;
    EXPECT_EQ(r.error().message_key, key) << why;
  };
  refuse({}, "initiative.error.anchoring_missing", "no scores");
  auto six = all_scores(3);
  six.pop_back();
  refuse(six, "initiative.error.anchoring_missing", "six items");
  auto twice = all_scores(3);
  twice.back().item = twice.front().item;
  refuse(twice, "initiative.error.anchoring_missing", "an item twice, one missing");
  auto eight = all_scores(3);
  eight.push_back(eight.front());
  refuse(eight, "initiative.error.anchoring_missing", "eight scores");
  for (int bad : {0, 6, -1, 100}) {
    auto s = all_scores(3);
    s[2].score = bad;
    refuse(s, "initiative.error.anchoring_score", "score " + std::to_string(bad));
  }
  auto bad_note = all_scores(3, std::string(2001, 'n'));
  refuse(bad_note, "initiative.error.note", "note over 2,000 bytes");
  auto ctrl_note = all_scores(3, "a\x02");
  refuse(ctrl_note, "initiative.error.note", "control character in a note");
  auto bad_day = repo.add_assessment(a_, i.id, Date{2027, 6, 31}, all_scores(3));
  ASSERT_FALSE(bad_day.ok()) << "31 June";
  EXPECT_EQ(bad_day.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(count("SELECT COUNT(*) FROM anchoring_assessments"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM anchoring_scores"), 0);

  // Given in reverse order with different scores: kept in the seed's order.
  std::vector<AnchoringScore> scores;
  for (std::size_t k = initiative::kAnchoringItems.size(); k-- > 0;)
    scores.push_back({initiative::kAnchoringItems[k], static_cast<int>(k % 5) + 1,
                      "Notat " + std::to_string(k) + "\nlinje to"});
  auto later = repo.add_assessment(a_, i.id, Date{2027, 6, 1}, scores);
  ASSERT_TRUE(later.ok()) << later.error().detail;
  EXPECT_EQ(later->assessed_on, (Date{2027, 6, 1}));
  EXPECT_EQ(later->created_by_name, "Anne Aas");
  ASSERT_EQ(later->scores.size(), 7u);
  for (std::size_t k = 0; k < 7; ++k) {
    EXPECT_EQ(later->scores[k].item, initiative::kAnchoringItems[k]);
    EXPECT_EQ(later->scores[k].score, static_cast<int>(k % 5) + 1);
    EXPECT_EQ(later->scores[k].note, "Notat " + std::to_string(k) + "\nlinje to");
  }
  // 1+2+3+4+5+1+2 = 18 over 7.
  EXPECT_NEAR(later->average(), 18.0 / 7.0, 1e-9);

  // An earlier assessment entered afterwards goes first: a history by date.
  auto earlier = repo.add_assessment(a_, i.id, Date{2027, 1, 10}, all_scores(1));
  ASSERT_TRUE(earlier.ok());
  EXPECT_DOUBLE_EQ(earlier->average(), 1.0);
  auto ok5 = repo.add_assessment(a_, i.id, Date{2027, 9, 1}, all_scores(5));
  ASSERT_TRUE(ok5.ok());
  auto history = repo.assessments(a_, i.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].id, earlier->id);
  EXPECT_EQ((*history)[1].id, later->id);
  EXPECT_EQ((*history)[2].id, ok5->id);
  EXPECT_EQ((*history)[1].created_by_name, "Anne Aas");
  ASSERT_EQ((*history)[1].scores.size(), 7u);
  for (std::size_t k = 0; k < 7; ++k) {
    EXPECT_EQ((*history)[1].scores[k].item, initiative::kAnchoringItems[k]);
    EXPECT_EQ((*history)[1].scores[k].score, later->scores[k].score);
    EXPECT_EQ((*history)[1].scores[k].note, later->scores[k].note);
  }
  EXPECT_DOUBLE_EQ((*history)[2].average(), 5.0);
}

// ---------------------------------------------------------------- partners, evidence, plan

TEST_P(InitiativesTest, PartnersAreAddedUpdatedWithVersionsAndRemoved) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  InitiativeRepository repo(*db_, clock_);
  auto i = make(a_);
  for (auto type : initiative::kPartnerTypes) {
    clock_.advance(1s);
    auto p = repo.add_partner(
        a_, i.id,
        {"ignored", type, " " + std::string(initiative::slug(type)), "rolle", "kontakt", 7});
    ASSERT_TRUE(p.ok()) << p.error().detail;
    EXPECT_EQ(p->id.size(), 32u) << "a new id, whatever was given";
    EXPECT_NE(p->id, "ignored");
    EXPECT_EQ(p->version, 1);
    EXPECT_EQ(p->type, type);
    EXPECT_EQ(p->name, std::string(initiative::slug(type)));
  }
  auto all = repo.partners(a_, i.id);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), initiative::kPartnerTypes.size());
  for (std::size_t k = 0; k < all->size(); ++k)
    EXPECT_EQ((*all)[k].type, initiative::kPartnerTypes[k]) << "in the order added";

  Partner p = (*all)[0];
  p.type = initiative::PartnerType::parorende;
  p.name = "Pårørendeforeningen";
  p.role = "";
  p.contact = "";
  auto up = repo.update_partner(a_, i.id, p);
  ASSERT_TRUE(up.ok()) << up.error().detail;
  EXPECT_EQ(up->version, 2);
  EXPECT_EQ(up->type, initiative::PartnerType::parorende);
  EXPECT_EQ(up->name, "Pårørendeforeningen");
  EXPECT_EQ(up->role, "");
  auto stale = repo.update_partner(a_, i.id, p);  // still version 1
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_EQ(stale.error().message_key, "initiative.error.stale");
  EXPECT_EQ(repo.partners(a_, i.id)->at(0).version, 2);

  Partner bad = *up;
  bad.name = "";
  EXPECT_EQ(repo.add_partner(a_, i.id, bad).error().message_key, "initiative.error.partner_name");
  EXPECT_EQ(repo.update_partner(a_, i.id, bad).error().message_key,
            "initiative.error.partner_name");
  bad.name = std::string(201, 'n');
  EXPECT_EQ(repo.add_partner(a_, i.id, bad).error().message_key, "initiative.error.partner_name");
  bad = *up;
  bad.role = "rolle\nto";
  EXPECT_EQ(repo.add_partner(a_, i.id, bad).error().message_key, "initiative.error.partner_role");
  bad = *up;
  bad.contact = kHostileOneLine[1];
  EXPECT_EQ(repo.add_partner(a_, i.id, bad).error().message_key,
            "initiative.error.partner_contact");
  EXPECT_EQ(repo.partners(a_, i.id)->size(), initiative::kPartnerTypes.size());
  EXPECT_EQ(repo.partners(a_, i.id)->at(0).name, "Pårørendeforeningen");

  Partner ghost = *up;
  ghost.id = "no-such-partner";
  EXPECT_EQ(repo.update_partner(a_, i.id, ghost).error().code, ErrorCode::not_found);
  ASSERT_TRUE(repo.remove_partner(a_, i.id, up->id).ok());
  EXPECT_EQ(repo.remove_partner(a_, i.id, up->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.update_partner(a_, i.id, *up).error().code, ErrorCode::not_found)
      << "a removed partner is missing, not stale";
  EXPECT_EQ(repo.partners(a_, i.id)->size(), initiative::kPartnerTypes.size() - 1);
}

TEST_P(InitiativesTest, EvidenceIsAddedUpdatedWithVersionsAndRemoved) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  InitiativeRepository repo(*db_, clock_);
  auto i = make(a_);
  auto research = repo.add_evidence(
      a_, i.id,
      {"", initiative::EvidenceKind::forskning, " Cochrane 2020 ", "Fall\nforebygging", 0});
  ASSERT_TRUE(research.ok()) << research.error().detail;
  EXPECT_EQ(research->source, "Cochrane 2020");
  EXPECT_EQ(research->note, "Fall\nforebygging");
  EXPECT_EQ(research->version, 1);
  clock_.advance(1s);
  ASSERT_TRUE(
      repo.add_evidence(a_, i.id,
                        {"", initiative::EvidenceKind::brukerkunnskap, "Brukerrådet", "", 1})
          .ok());
  clock_.advance(1s);
  ASSERT_TRUE(
      repo.add_evidence(a_, i.id, {"", initiative::EvidenceKind::erfaring, "Teamet", "", 1}).ok());
  auto all = repo.evidence(a_, i.id);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].kind, initiative::EvidenceKind::forskning);
  EXPECT_EQ((*all)[1].kind, initiative::EvidenceKind::brukerkunnskap);
  EXPECT_EQ((*all)[2].kind, initiative::EvidenceKind::erfaring);

  Evidence e = *research;
  e.kind = initiative::EvidenceKind::erfaring;
  e.source = "Egen erfaring";
  auto up = repo.update_evidence(a_, i.id, e);
  ASSERT_TRUE(up.ok()) << up.error().detail;
  EXPECT_EQ(up->version, 2);
  EXPECT_EQ(up->kind, initiative::EvidenceKind::erfaring);
  EXPECT_EQ(up->source, "Egen erfaring");
  auto stale = repo.update_evidence(a_, i.id, e);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_EQ(repo.evidence(a_, i.id)->at(0).source, "Egen erfaring");

  Evidence bad = *up;
  bad.source = "";
  EXPECT_EQ(repo.add_evidence(a_, i.id, bad).error().message_key,
            "initiative.error.evidence_source");
  bad.source = std::string(501, 's');
  EXPECT_EQ(repo.add_evidence(a_, i.id, bad).error().message_key,
            "initiative.error.evidence_source");
  bad = *up;
  bad.note = std::string(4001, 'n');
  EXPECT_EQ(repo.update_evidence(a_, i.id, bad).error().message_key, "initiative.error.note");
  bad.note = kHostileOneLine[0];
  EXPECT_EQ(repo.add_evidence(a_, i.id, bad).error().message_key, "initiative.error.note");
  EXPECT_EQ(repo.evidence(a_, i.id)->size(), 3u);
  EXPECT_EQ(repo.evidence(a_, i.id)->at(0).version, 2);

  ASSERT_TRUE(repo.remove_evidence(a_, i.id, up->id).ok());
  EXPECT_EQ(repo.remove_evidence(a_, i.id, up->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.evidence(a_, i.id)->size(), 2u);
}

TEST_P(InitiativesTest, ActivitiesAreOrderedByDateAndRefuseEndingBeforeTheyStart) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  InitiativeRepository repo(*db_, clock_);
  auto i = make(a_);
  using initiative::ActivityStatus;
  using initiative::ActivityType;
  auto add = [&](ActivityType t, const std::string& title, Date start, std::optional<Date> end,
                 bool milestone = false) {
    auto r = repo.add_activity(
        a_, i.id, {"", t, title, start, end, "Anne", ActivityStatus::planlagt, milestone, 1});
    EXPECT_TRUE(r.ok()) << title << ": " << r.error().detail;
    return r.ok() ? *r : Activity{};
  };
  auto eval = add(ActivityType::evaluering, "Evaluering", Date{2027, 9, 1}, std::nullopt, true);
  auto b = add(ActivityType::verksted, "B-verksted", Date{2027, 3, 1}, Date{2027, 3, 2});
  auto a = add(ActivityType::opplaering, "A-kurs", Date{2027, 3, 1}, Date{2027, 3, 1});
  auto first = add(ActivityType::mote, "Oppstartsmøte", Date{2027, 1, 10}, std::nullopt);
  EXPECT_TRUE(eval.milestone);
  EXPECT_EQ(eval.version, 1);
  EXPECT_FALSE(eval.ends_on);
  auto all = repo.activities(a_, i.id);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].id, first.id);
  EXPECT_EQ((*all)[1].id, a.id) << "same day: by title";
  EXPECT_EQ((*all)[2].id, b.id);
  EXPECT_EQ((*all)[3].id, eval.id);
  EXPECT_TRUE((*all)[3].milestone);
  EXPECT_FALSE((*all)[0].milestone);
  EXPECT_EQ((*all)[2].ends_on, (Date{2027, 3, 2}));
  EXPECT_EQ((*all)[2].type, ActivityType::verksted);

  Activity bad{"",
               ActivityType::mote,
               "Baklengs",
               Date{2027, 5, 2},
               Date{2027, 5, 1},
               "",
               ActivityStatus::planlagt,
               false,
               1};
  auto backwards = repo.add_activity(a_, i.id, bad);
  ASSERT_FALSE(backwards.ok());
  EXPECT_EQ(backwards.error().message_key, "initiative.error.end_before_start");
  bad = first;
  bad.title = "";
  EXPECT_EQ(repo.add_activity(a_, i.id, bad).error().message_key,
            "initiative.error.activity_title");
  bad.title = "Ny\nlinje";
  EXPECT_EQ(repo.add_activity(a_, i.id, bad).error().message_key,
            "initiative.error.activity_title");
  bad = first;
  bad.responsible = std::string(201, 'r');
  EXPECT_EQ(repo.add_activity(a_, i.id, bad).error().message_key,
            "initiative.error.activity_responsible");
  bad = first;
  bad.starts_on = Date{2027, 11, 31};
  auto bad_start = repo.add_activity(a_, i.id, bad);
  ASSERT_FALSE(bad_start.ok()) << "31 November";
  EXPECT_EQ(bad_start.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(repo.activities(a_, i.id)->size(), 4u);

  // Update: status through all values, dates moved, then a stale version.
  Activity moved = first;
  for (auto status : initiative::kActivityStatuses) {
    moved.status = status;
    moved.starts_on = Date{2027, 12, 1};
    moved.ends_on = Date{2027, 12, 3};
    moved.milestone = true;
    auto up = repo.update_activity(a_, i.id, moved);
    ASSERT_TRUE(up.ok()) << up.error().detail;
    EXPECT_EQ(up->status, status);
    EXPECT_EQ(up->version, moved.version + 1);
    EXPECT_TRUE(up->milestone);
    moved = *up;
  }
  EXPECT_EQ(repo.activities(a_, i.id)->back().id, first.id) << "moved last by its new date";
  Activity old = first;
  old.title = "Gammel";
  auto stale = repo.update_activity(a_, i.id, old);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  Activity backwards_up = moved;
  backwards_up.ends_on = Date{2027, 11, 30};
  EXPECT_EQ(repo.update_activity(a_, i.id, backwards_up).error().message_key,
            "initiative.error.end_before_start");
  EXPECT_EQ(repo.activities(a_, i.id)->back().title, "Oppstartsmøte");
  EXPECT_EQ(repo.activities(a_, i.id)->back().version, moved.version);

  ASSERT_TRUE(repo.remove_activity(a_, i.id, first.id).ok());
  EXPECT_EQ(repo.remove_activity(a_, i.id, first.id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.activities(a_, i.id)->size(), 3u);
}

// ---------------------------------------------------------------- deletion

TEST_P(InitiativesTest, DeletingAnInitiativeDeletesAllItsParts) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  InitiativeRepository repo(*db_, clock_);
  RequestRepository requests(*db_, clock_);
  auto keep = repo.create(a_, draft("Beholdes"));
  ASSERT_TRUE(keep.ok());
  auto req = requests.create(a_, request_draft());
  ASSERT_TRUE(req.ok());
  InitiativeDraft d = draft("Slettes");
  d.request_id = req->id;
  auto gone = repo.create(a_, d);
  ASSERT_TRUE(gone.ok()) << gone.error().detail;
  ASSERT_TRUE(requests.link_initiative(a_, req->id, gone->id).ok());
  for (const auto& id : {keep->id, gone->id}) {
    auto g = repo.add_goal(a_, id, {"Mål", "", 1.0, 2.0, {}, ""});
    ASSERT_TRUE(g.ok());
    ASSERT_TRUE(repo.add_progress(a_, id, g->id, 1.5, Date{2027, 1, 1}, "").ok());
    ASSERT_TRUE(repo.add_assessment(a_, id, Date{2027, 1, 1}, all_scores(2)).ok());
    ASSERT_TRUE(
        repo.add_partner(a_, id, {"", initiative::PartnerType::ledere, "Ledere", "", "", 1}).ok());
    ASSERT_TRUE(
        repo.add_evidence(a_, id, {"", initiative::EvidenceKind::forskning, "Kilde", "", 1}).ok());
    ASSERT_TRUE(
        repo.add_activity(a_, id,
                          {"", initiative::ActivityType::mote, "Møte", Date{2027, 1, 1},
                           std::nullopt, "", initiative::ActivityStatus::planlagt, false, 1})
            .ok());
    ASSERT_TRUE(repo.add_collaborator(a_, id, ulla_).ok());
  }
  const std::vector<std::string> tables = {
      "goals",    "goal_progress", "anchoring_assessments",    "anchoring_scores", "partners",
      "evidence", "activities",    "initiative_collaborators", "initiative_sdgs"};
  std::map<std::string, long long> before;
  for (const auto& t : tables) {
    before[t] = count("SELECT COUNT(*) FROM " + t);
    EXPECT_GT(before[t], 0) << t;
  }

  ASSERT_TRUE(repo.remove(a_, gone->id).ok());
  EXPECT_EQ(repo.get(a_, gone->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.remove(a_, gone->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(count("SELECT COUNT(*) FROM initiatives"), 1);
  for (const auto& t : tables)
    EXPECT_EQ(count("SELECT COUNT(*) FROM " + t) * 2, before[t]) << t << ": half went";
  EXPECT_EQ(repo.goals(a_, keep->id)->front().progress.size(), 1u) << "the other keeps its parts";
  EXPECT_EQ(repo.assessments(a_, keep->id)->front().scores.size(), 7u);
  auto unlinked = requests.get(a_, req->id);
  ASSERT_TRUE(unlinked.ok());
  EXPECT_EQ(unlinked->initiative_id, "") << "the request no longer points at a deleted initiative";
}

// ---------------------------------------------------------------- concurrency

TEST_P(InitiativesTest, ConcurrentEditsFromOneVersionExactlyOneWins) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  InitiativeRepository repo(*db_, clock_);
  RequestRepository requests(*db_, clock_);
  auto i = make(a_);
  auto partner =
      repo.add_partner(a_, i.id, {"", initiative::PartnerType::ansatte, "Ansatte", "", "", 1});
  ASSERT_TRUE(partner.ok());
  auto goal = repo.add_goal(a_, i.id, {"Mål", "", {}, {}, {}, ""});
  ASSERT_TRUE(goal.ok());
  auto req = requests.create(a_, request_draft());
  ASSERT_TRUE(req.ok());

  // Each round: 2 threads (as the issue describes) and then 6, all from the
  // same version, through each kind of versioned update.
  using Attempt = std::function<ErrorCode(int thread, int version)>;
  auto race = [&](const std::string& what, int threads, int version, const Attempt& attempt) {
    std::atomic<int> wins{0}, conflicts{0};
    std::atomic<bool> go{false};
    std::vector<std::string> others(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        while (!go.load())
          std::this_thread::yield();
        ErrorCode c = attempt(t, version);
        if (c == ErrorCode::internal)  // stands for success here
          ++wins;
        else if (c == ErrorCode::conflict)
          ++conflicts;
        else
          others[t] = to_string(c);
      });
    go = true;
    for (auto& th : pool)
      th.join();
    EXPECT_EQ(wins.load(), 1) << what << " with " << threads << " threads";
    EXPECT_EQ(conflicts.load(), threads - 1) << what << " with " << threads << " threads";
    for (const auto& o : others)
      EXPECT_EQ(o, "") << what;
  };
  auto code = [](const auto& r) { return r.ok() ? ErrorCode::internal : r.error().code; };

  int v = 1;
  for (int n : {2, 6}) {
    race("initiative update", n, v, [&](int t, int ver) {
      return code(repo.update(a_, i.id, ver, draft("Tråd " + std::to_string(t))));
    });
    auto now = repo.get(a_, i.id);
    ASSERT_TRUE(now.ok());
    EXPECT_EQ(now->version, v + 1) << "one update, one new version";
    EXPECT_TRUE(now->title.starts_with("Tråd "));
    v = now->version;
  }
  initiative::CynefinAnswers answers{};
  race("complexity", 4, v, [&](int, int ver) {
    return code(repo.set_complexity(a_, i.id, ver, answers, std::nullopt, ""));
  });
  int pv = 1;
  for (int n : {2, 6}) {
    race("partner update", n, pv, [&](int t, int ver) {
      Partner p = *partner;
      p.version = ver;
      p.name = "Tråd " + std::to_string(t);
      return code(repo.update_partner(a_, i.id, p));
    });
    pv = repo.partners(a_, i.id)->front().version;
    EXPECT_EQ(pv, n == 2 ? 2 : 3);
  }
  race("goal update", 4, 1, [&](int t, int ver) {
    return code(repo.update_goal(a_, i.id, goal->id, ver,
                                 {"Tråd " + std::to_string(t), "", {}, {}, {}, ""}));
  });
  EXPECT_EQ(repo.goals(a_, i.id)->front().version, 2);
  int rv = 1;
  for (int n : {2, 6}) {
    race("request update", n, rv, [&](int t, int ver) {
      return code(requests.update(a_, req->id, ver, request_draft("Tråd " + std::to_string(t))));
    });
    rv = requests.get(a_, req->id)->version;
    EXPECT_EQ(rv, n == 2 ? 2 : 3);
  }
  race("triage", 4, rv, [&](int, int ver) {
    return code(requests.triage(a_, req->id, ver, initiative::AnswerLevel::workshop, "Grunn"));
  });
  EXPECT_EQ(requests.get(a_, req->id)->version, rv + 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, InitiativesTest,
                         ::testing::Values(Engine::sqlite, Engine::postgresql),
                         testing::EngineName());

}  // namespace
}  // namespace samskap::store
