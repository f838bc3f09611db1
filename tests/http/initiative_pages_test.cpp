// The initiative list, creation, overview, editing, deletion and status
// report over HTTP (issue 5): good input is saved and shown; bad input gives
// field errors in the user's language and saves nothing; a stale version is
// 409 with the saved values; another organisation sees 404 everywhere; a
// deltaker has no access; a collaborator does not see the owner's people.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "content/catalog.hpp"
#include "server_fixture.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "support/browser.hpp"
#include "support/http_client.hpp"

namespace samskap::testing {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

bool has(const std::string& body, const std::string& needle) {
  return body.find(needle) != std::string::npos;
}

std::string text(Language lang, std::string_view key) {
  return std::string(content::Catalog::embedded().text(lang, key));
}

// HTML-escaped as the templates write it (for texts with quotes).
std::string html(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '"')
      out += "&quot;";
    else if (c == '\'')
      out += "&#39;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

class InitiativePagesTest : public SharedAppTest {
 protected:
  void SetUp() override {
    static int n = 0;
    tag_ = std::to_string(++n);
    store::AccountRepository accounts(*server_->db, server_->clock);
    auto org = accounts.create_organisation("Solbygd " + tag_, store::OrganisationKind::kommune);
    ASSERT_TRUE(org.ok());
    org_ = org->id;
    auto unit = accounts.create_unit(org_, "Solsiden sykehjem");
    ASSERT_TRUE(unit.ok());
    unit_ = unit->id;
    email_ = "pv" + tag_ + "@solbygd.no";
    auto u = accounts.create_user(org_, email_, "Per Veileder", Role::prosessveileder,
                                  test_password_hash());
    ASSERT_TRUE(u.ok());
    user_ = u->id;
    auto leader = accounts.create_user(org_, "leder" + tag_ + "@solbygd.no", "Lise Leder",
                                       Role::leder, test_password_hash());
    ASSERT_TRUE(leader.ok());
    leader_ = leader->id;
    auto other =
        accounts.create_organisation("Nabokommune " + tag_, store::OrganisationKind::kommune);
    ASSERT_TRUE(other.ok());
    other_email_ = "admin" + tag_ + "@nabo.no";
    ASSERT_TRUE(accounts
                    .create_user(other->id, other_email_, "Nina Nabo", Role::administrator,
                                 test_password_hash())
                    .ok());
    other_user_ = accounts.find_for_login(other_email_)->user.id;
    other_org_ = other->id;
  }

  store::InitiativeRepository repo() { return {*server_->db, server_->clock}; }
  store::Actor actor() const { return {org_, user_, Role::prosessveileder}; }

  std::string create_direct(const std::string& title) {
    store::InitiativeDraft d;
    d.title = title;
    auto i = repo().create(actor(), d);
    EXPECT_TRUE(i.ok());
    return i.ok() ? i->id : std::string();
  }

  // The id from a 303 to /initiativ/<id>?…
  static std::string id_from(const HttpResult& r) {
    auto loc = r.header("location");
    auto start = loc.find("/initiativ/");
    if (start == std::string::npos) return {};
    start += 11;
    auto end = loc.find_first_of("?/", start);
    return loc.substr(start, end == std::string::npos ? std::string::npos : end - start);
  }

  std::string tag_, org_, unit_, user_, leader_, email_, other_email_, other_user_, other_org_;
};

TEST_F(InitiativePagesTest, CreateShowsInTheListAndTheOverview) {
  Browser b = logged_in_browser(server_, email_);
  auto empty_form = b.get("/initiativ/ny");
  ASSERT_EQ(empty_form.status, 200);
  EXPECT_TRUE(has(empty_form.body, "Solsiden sykehjem")) << "units to choose from";
  EXPECT_TRUE(has(empty_form.body, "Lise Leder")) << "leaders to choose from";

  auto r = b.post("/initiativ/ny", {{"title", "Hverdagsrehabilitering i sone nord"},
                                    {"status", "forankring"},
                                    {"unit", unit_},
                                    {"facilitator", user_},
                                    {"leader", leader_},
                                    {"starts_on", "01.03.2027"},
                                    {"ends_on", "2027-12-31"},
                                    {"vision", "Alle skal mestre hverdagen hjemme."},
                                    {"sdg-3", "1"},
                                    {"sdg-10", "1"}});
  ASSERT_EQ(r.status, 303) << r.body;
  const std::string id = id_from(r);
  ASSERT_FALSE(id.empty()) << r.header("location");

  auto saved = repo().get(actor(), id);
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(saved->title, "Hverdagsrehabilitering i sone nord");
  EXPECT_EQ(saved->status, initiative::Status::forankring);
  EXPECT_EQ(saved->unit_id, unit_);
  EXPECT_EQ(saved->leader_user_id, leader_);
  ASSERT_TRUE(saved->starts_on.has_value());
  EXPECT_EQ(initiative::to_iso(*saved->starts_on), "2027-03-01");
  EXPECT_EQ(saved->sdgs, (std::vector<int>{3, 10}));

  auto overview = b.get("/initiativ/" + id + "?opprettet=1");
  ASSERT_EQ(overview.status, 200);
  EXPECT_TRUE(has(overview.body, "Alle skal mestre hverdagen hjemme."));
  EXPECT_TRUE(has(overview.body, "01.03.2027"));
  EXPECT_TRUE(has(overview.body, text(Language::nb, "initiative.edit.created")));
  EXPECT_TRUE(has(overview.body, "Lise Leder"));
  EXPECT_TRUE(has(overview.body, "aria-current=\"page\"")) << "the overview tab is current";

  auto list = b.get("/initiativ");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(has(list.body, "Hverdagsrehabilitering i sone nord"));
  auto filtered = b.get("/initiativ?status=avsluttet");
  EXPECT_EQ(filtered.status, 200);
  EXPECT_FALSE(has(filtered.body, "Hverdagsrehabilitering i sone nord"));
  EXPECT_EQ(b.get("/initiativ?status=%3Cscript%3E").status, 400);

  bool audited = false;
  auto log = store::AuditLog(*server_->db, server_->clock).list(org_, 50);
  ASSERT_TRUE(log.ok());
  for (const auto& e : *log)
    audited = audited || (e.action == "initiative_created" && e.object_id == id);
  EXPECT_TRUE(audited);
}

TEST_F(InitiativePagesTest, BadInputKeepsWhatWasTypedAndSavesNothing) {
  Browser b = logged_in_browser(server_, email_);
  const auto before = repo().list(actor())->size();
  auto r = b.post("/initiativ/ny", {{"title", "  "},
                                    {"status", "ide"},
                                    {"starts_on", "31.02.2027"},
                                    {"ends_on", "i morgen"},
                                    {"vision", "Visjonen jeg skrev"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has(r.body, text(Language::nb, "initiative.error.title")));
  EXPECT_TRUE(has(r.body, text(Language::nb, "initiative.error.date_invalid")));
  EXPECT_TRUE(has(r.body, text(Language::nb, "initiative.error.date_format")));
  EXPECT_TRUE(has(r.body, "Visjonen jeg skrev")) << "what was typed stays";
  EXPECT_TRUE(has(r.body, "aria-invalid=\"true\""));
  EXPECT_EQ(repo().list(actor())->size(), before);

  auto backwards = b.post("/initiativ/ny", {{"title", "Baklengs"},
                                            {"status", "ide"},
                                            {"starts_on", "01.06.2027"},
                                            {"ends_on", "01.05.2027"}});
  EXPECT_EQ(backwards.status, 400);
  EXPECT_TRUE(has(backwards.body, text(Language::nb, "initiative.error.end_before_start")));

  auto bad_status = b.post("/initiativ/ny", {{"title", "Status"}, {"status", "ferdig"}});
  EXPECT_EQ(bad_status.status, 400);
  EXPECT_TRUE(has(bad_status.body, text(Language::nb, "initiative.error.status")));

  // A unit or a person of another organisation is refused, not linked.
  store::AccountRepository accounts(*server_->db, server_->clock);
  auto foreign_unit = accounts.create_unit(other_org_, "Fremmed enhet");
  ASSERT_TRUE(foreign_unit.ok());
  auto foreign = b.post("/initiativ/ny", {{"title", "Fremmed"},
                                          {"status", "ide"},
                                          {"unit", foreign_unit->id},
                                          {"leader", other_user_}});
  EXPECT_EQ(foreign.status, 400);
  EXPECT_TRUE(has(foreign.body, text(Language::nb, "initiative.error.unit")));

  auto long_title = b.post("/initiativ/ny", {{"title", std::string(300, 'x')}, {"status", "ide"}});
  EXPECT_EQ(long_title.status, 400);
  auto control =
      b.post("/initiativ/ny", {{"title", std::string("a\x01") + "b"}, {"status", "ide"}});
  EXPECT_EQ(control.status, 400);
  EXPECT_EQ(repo().list(actor())->size(), before);
}

TEST_F(InitiativePagesTest, StaleEditIsAConflictShowingTheSavedValues) {
  const std::string id = create_direct("Første tittel");
  Browser b = logged_in_browser(server_, email_);
  auto form = b.get("/initiativ/" + id + "/rediger");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(has(form.body, "name=\"version\" value=\"1\""));

  // Someone else saves first.
  store::InitiativeDraft d;
  d.title = "Tittel fra kollega";
  ASSERT_TRUE(repo().update(actor(), id, 1, d).ok());

  auto r = b.post("/initiativ/" + id + "/rediger",
                  {{"title", "Min tittel"}, {"status", "ide"}, {"version", "1"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_TRUE(has(r.body, html(text(Language::nb, "initiative.edit.conflict"))));
  EXPECT_TRUE(has(r.body, "Tittel fra kollega"));
  EXPECT_EQ(repo().get(actor(), id)->title, "Tittel fra kollega");

  auto ok = b.post("/initiativ/" + id + "/rediger",
                   {{"title", "Min tittel"}, {"status", "gjennomforing"}, {"version", "2"}});
  EXPECT_EQ(ok.status, 303);
  EXPECT_EQ(repo().get(actor(), id)->title, "Min tittel");
  EXPECT_EQ(repo().get(actor(), id)->status, initiative::Status::gjennomforing);
}

TEST_F(InitiativePagesTest, OverviewAndReportShowEveryPart) {
  const std::string id = create_direct("Færre fall");
  initiative::GoalDraft g;
  g.statement = "Vi skal bli bedre på samarbeid";
  ASSERT_TRUE(repo().add_goal(actor(), id, g).ok());
  std::vector<store::AnchoringScore> scores;
  for (auto item : initiative::kAnchoringItems)
    scores.push_back({item, 4, "notat " + std::string(initiative::slug(item))});
  ASSERT_TRUE(repo().add_assessment(actor(), id, {2027, 1, 15}, scores).ok());
  store::Partner p;
  p.type = initiative::PartnerType::parorende;
  p.name = "Pårørendeforeningen";
  ASSERT_TRUE(repo().add_partner(actor(), id, p).ok());
  store::Activity a;
  a.title = "Oppstartsverksted";
  a.type = initiative::ActivityType::verksted;
  a.starts_on = {2099, 1, 10};
  a.milestone = true;
  ASSERT_TRUE(repo().add_activity(actor(), id, a).ok());
  store::Activity old = a;
  old.title = "Gammelt møte";
  old.starts_on = {2000, 1, 1};
  ASSERT_TRUE(repo().add_activity(actor(), id, old).ok());

  Browser b = logged_in_browser(server_, email_);
  auto overview = b.get("/initiativ/" + id);
  ASSERT_EQ(overview.status, 200);
  EXPECT_TRUE(has(overview.body, "Vi skal bli bedre på samarbeid"));
  EXPECT_TRUE(has(overview.body, text(Language::nb, "initiative.smart.vague")))
      << "the SMART advice appears for a vague goal";
  EXPECT_TRUE(has(overview.body, "data-chart=\"chart-anchoring\""));
  EXPECT_TRUE(has(overview.body, "<td>4</td>")) << "the trend table gives the average";
  EXPECT_TRUE(has(overview.body, "Pårørendeforeningen"));
  EXPECT_TRUE(has(overview.body, text(Language::nb, "initiative.partner.politikere")))
      << "politicians are missing against 3.0";
  EXPECT_TRUE(has(overview.body, "Oppstartsverksted"));
  EXPECT_FALSE(has(overview.body, "Gammelt møte")) << "past activities are not upcoming";
  EXPECT_TRUE(has(overview.body, text(Language::nb, "initiative.field.person_none")))
      << "an empty field says so instead of showing nothing";
  EXPECT_TRUE(has(overview.body, text(Language::nb, "initiative.field.unit_none")));
  EXPECT_FALSE(has(overview.body, "10.01.2099–")) << "no dash for an activity without an end";

  auto report = b.get("/initiativ/" + id + "/rapport");
  ASSERT_EQ(report.status, 200);
  EXPECT_TRUE(has(report.body, text(Language::nb, "initiative.report.title")));
  EXPECT_TRUE(has(report.body, "Gammelt møte")) << "the report lists the whole plan";
  EXPECT_TRUE(has(report.body, "notat tydelig-visjon"));

  auto english = b.get("/initiativ/" + id + "?lang=en");
  ASSERT_EQ(english.status, 200);
  EXPECT_TRUE(has(english.body, text(Language::en, "initiative.overview.anchoring")));
  EXPECT_TRUE(has(english.body, "15.01.2027") || has(english.body, "2027-01-15"));
}

TEST_F(InitiativePagesTest, DeleteNeedsConfirmationAndRemovesEverything) {
  const std::string id = create_direct("Skal slettes");
  Browser b = logged_in_browser(server_, email_);
  auto refused = b.post("/initiativ/" + id + "/slett", {});
  EXPECT_EQ(refused.status, 400);
  EXPECT_TRUE(repo().get(actor(), id).ok());
  auto r = b.post("/initiativ/" + id + "/slett", {{"confirm", "1"}});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(repo().get(actor(), id).error().code, ErrorCode::not_found);
  EXPECT_EQ(b.get("/initiativ/" + id).status, 404);
}

TEST_F(InitiativePagesTest, AnotherOrganisationAndADeltakerGetNothing) {
  const std::string id = create_direct("Hemmelig initiativ");
  Browser other = logged_in_browser(server_, other_email_);
  for (const std::string path : {"", "/rediger", "/rapport"}) {
    auto r = other.get("/initiativ/" + id + path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_FALSE(has(r.body, "Hemmelig initiativ")) << path;
  }
  EXPECT_EQ(other
                .post("/initiativ/" + id + "/rediger",
                      {{"title", "Kapret"}, {"status", "ide"}, {"version", "1"}})
                .status,
            404);
  EXPECT_EQ(other.post("/initiativ/" + id + "/slett", {{"confirm", "1"}}).status, 404);
  EXPECT_FALSE(has(other.get("/initiativ").body, "Hemmelig initiativ"));
  EXPECT_EQ(repo().get(actor(), id)->title, "Hemmelig initiativ");

  store::AccountRepository accounts(*server_->db, server_->clock);
  const std::string deltaker = "deltaker" + tag_ + "@solbygd.no";
  ASSERT_TRUE(
      accounts.create_user(org_, deltaker, "Dina Deltaker", Role::deltaker, test_password_hash())
          .ok());
  Browser d = logged_in_browser(server_, deltaker);
  EXPECT_EQ(d.get("/initiativ").status, 403);
  EXPECT_EQ(d.get("/initiativ/" + id).status, 403);
  EXPECT_EQ(d.post("/initiativ/ny", {{"title", "Nei"}, {"status", "ide"}}).status, 403);

  Browser anonymous{server_, {}};
  auto r = anonymous.get("/initiativ/" + id);
  EXPECT_EQ(r.status, 303);
  EXPECT_TRUE(r.header("location").starts_with("/logg-inn"));
}

TEST_F(InitiativePagesTest, ACollaboratorSeesTheInitiativeButNotTheOwnersPeople) {
  const std::string id = create_direct("Felles løft");
  store::AccountRepository accounts(*server_->db, server_->clock);
  auto usht = accounts.create_organisation("USHT Fjord " + tag_, store::OrganisationKind::usht);
  ASSERT_TRUE(usht.ok());
  const std::string email = "usht" + tag_ + "@usht.no";
  auto guest = accounts.create_user(usht->id, email, "Ulla USHT", Role::prosessveileder,
                                    test_password_hash());
  ASSERT_TRUE(guest.ok());
  ASSERT_TRUE(repo().add_collaborator(actor(), id, guest->id).ok());
  const std::string hidden = create_direct("Annet initiativ i kommunen");

  Browser b = logged_in_browser(server_, email);
  auto list = b.get("/initiativ");
  EXPECT_TRUE(has(list.body, "Felles løft"));
  EXPECT_FALSE(has(list.body, "Annet initiativ i kommunen"));
  EXPECT_EQ(b.get("/initiativ/" + hidden).status, 404);

  auto form = b.get("/initiativ/" + id + "/rediger");
  ASSERT_EQ(form.status, 200);
  EXPECT_FALSE(has(form.body, "Lise Leder")) << "the municipality's users are not listed";
  EXPECT_FALSE(has(form.body, "Solsiden sykehjem")) << "nor its units";
  EXPECT_FALSE(has(form.body, text(Language::nb, "initiative.edit.delete_title")));
  auto saved = b.post("/initiativ/" + id + "/rediger",
                      {{"title", "Felles løft 2"}, {"status", "forankring"}, {"version", "1"}});
  EXPECT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(b.post("/initiativ/" + id + "/slett", {{"confirm", "1"}}).status, 404);
  EXPECT_TRUE(repo().get(actor(), id).ok());
}

}  // namespace
}  // namespace samskap::testing
