// Readiness check-ins over HTTP (issue 6): the facilitator's rounds (create
// with units and the ORIC flag, the short link, the QR code inline and as
// SVG, the poster, close and reopen with a version), another organisation's
// 404, an invited collaborator who sees the rounds but not the
// municipality's units, and the participant's side without an account: a
// plain form POST (no JavaScript), the feedback with their own numbers, a
// second answer from the same phone replacing the first, a private code
// linking two rounds, unknown and closed codes, and hostile form input that
// is refused with 400 and saves nothing.

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "server_fixture.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "store/readiness.hpp"
#include "support/browser.hpp"
#include "support/http_client.hpp"
#include "web/readiness_pages.hpp"

namespace samskap::testing {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

bool has(const std::string& body, const std::string& needle) {
  return body.find(needle) != std::string::npos;
}

std::string header_of(const HttpResult& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string{} : it->second;
}

class ReadinessPagesTest : public SharedAppTest {
 protected:
  void SetUp() override {
    const std::string tag = std::to_string(++n_);
    store::AccountRepository accounts(*server_->db, server_->clock);
    auto org = accounts.create_organisation("Kommune R" + tag, store::OrganisationKind::kommune);
    ASSERT_TRUE(org.ok());
    org_ = org->id;
    auto north = accounts.create_unit(org_, "Hjemmetjenesten nord " + tag);
    auto east = accounts.create_unit(org_, "Hemmelig sone øst " + tag);
    ASSERT_TRUE(north.ok() && east.ok());
    north_ = north->id;
    north_name_ = north->name;
    east_ = east->id;
    east_name_ = east->name;
    email_ = "veileder-r" + tag + "@kommune.no";
    auto u = accounts.create_user(org_, email_, "Rita Veileder", Role::prosessveileder,
                                  test_password_hash());
    ASSERT_TRUE(u.ok());
    actor_ = {org_, u->id, Role::prosessveileder};
    store::InitiativeDraft draft;
    draft.title = "Pasientforløp for eldre " + tag;
    auto i = store::InitiativeRepository(*server_->db, server_->clock).create(actor_, draft);
    ASSERT_TRUE(i.ok()) << i.error().detail;
    id_ = i->id;
    tag_ = tag;
  }
  store::ReadinessRepository repo() { return {*server_->db, server_->clock}; }
  Browser browser() { return logged_in_browser(server_, email_); }
  std::string path(const std::string& rest = {}) const {
    return "/initiativ/" + id_ + "/innsjekk" + rest;
  }
  std::vector<store::ReadinessRound> rounds() { return repo().rounds(actor_, id_).value(); }
  // A round made through the store (for the participant tests).
  store::ReadinessRound make_round(bool oric = false, std::vector<std::string> units = {}) {
    store::RoundDraft d;
    d.title = "Runde " + std::to_string(++rounds_made_);
    d.unit_ids = std::move(units);
    d.include_oric = oric;
    auto r = repo().create_round(actor_, id_, d);
    EXPECT_TRUE(r.ok()) << r.error().detail;
    return *r;
  }
  int answers_in(const std::string& round_id) {
    return repo().round(actor_, id_, round_id).value().answer_count;
  }
  // A phone without an account that has opened the questionnaire.
  Browser phone(const std::string& code) {
    Browser b{server_, {}};
    auto r = b.get("/i/" + code);
    EXPECT_EQ(r.status, 200) << r.body;
    return b;
  }

  static inline int n_ = 0;
  int rounds_made_ = 0;
  std::string tag_, org_, email_, id_, north_, north_name_, east_, east_name_;
  store::Actor actor_;
};

// ------------------------------------------------------------------ facilitator

TEST_F(ReadinessPagesTest, RoundsTabListsUnitsAndCreatesARoundWithLinkAndQrCode) {
  Browser b = browser();
  auto page = b.get(path());
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(has(page.body, "href=\"" + path() + "\" aria-current=\"page\"")) << "its tab";
  EXPECT_TRUE(has(page.body, "Ingen runder ennå."));
  EXPECT_TRUE(has(page.body, north_name_)) << "the organisation's units as checkboxes";
  EXPECT_TRUE(has(page.body, "name=\"enhet_" + north_ + "\""));
  EXPECT_FALSE(has(page.body, "checkin.")) << "no catalogue key left untranslated";

  auto created = b.post(path(), {{"tittel", "Oppstart, mars"},
                                 {"enhet_" + north_, "1"},
                                 {"enhet_" + east_, "1"},
                                 {"oric", "1"}});
  ASSERT_EQ(created.status, 303) << created.body;
  auto list = rounds();
  ASSERT_EQ(list.size(), 1u);
  const auto& r = list[0];
  EXPECT_EQ(r.title, "Oppstart, mars");
  EXPECT_TRUE(r.include_oric);
  EXPECT_EQ(r.units.size(), 2u);
  EXPECT_EQ(header_of(created, "location"), path("/" + r.id + "?melding=opprettet"));

  auto details = b.get(path("/" + r.id + "?melding=opprettet"));
  ASSERT_EQ(details.status, 200) << details.body;
  const std::string link = "http://127.0.0.1:8080/i/" + r.join_code;
  EXPECT_TRUE(has(details.body, "value=\"" + link + "\" class=\"checkin-link\""))
      << "the short link in a copyable field";
  EXPECT_TRUE(has(details.body, "role=\"status\">Innsjekken er opprettet."));
  EXPECT_TRUE(has(details.body, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\""));
  EXPECT_TRUE(has(details.body, "role=\"img\" aria-label=\"QR-kode til innsjekken: " + link));
  EXPECT_FALSE(has(details.body, "style=")) << "no inline style under the strict CSP";

  auto svg = b.get(path("/" + r.id + "/qr.svg"));
  ASSERT_EQ(svg.status, 200);
  EXPECT_EQ(header_of(svg, "content-type"), "image/svg+xml");
  EXPECT_TRUE(svg.body.starts_with("<?xml"));
  EXPECT_TRUE(has(svg.body, "<path fill=\"#000\" d=\"M"));

  auto poster = b.get(path("/" + r.id + "/plakat"));
  ASSERT_EQ(poster.status, 200);
  EXPECT_TRUE(has(poster.body, "Hvor står du i endringen?"));
  EXPECT_TRUE(has(poster.body, r.join_code));

  auto again = b.get(path());
  EXPECT_TRUE(has(again.body, "Oppstart, mars"));
  EXPECT_TRUE(has(again.body, r.join_code));

  auto audit = store::AuditLog(*server_->db, server_->clock).list(org_, 50).value();
  EXPECT_TRUE(std::any_of(audit.begin(), audit.end(), [&](const store::AuditEntry& e) {
    return e.action == "readiness.round_created" && e.object_id == r.id;
  }));
}

TEST_F(ReadinessPagesTest, PagesRenderInEnglish) {
  auto r = make_round(true, {north_});
  Browser b = browser();
  for (const std::string& p : {path(), path("/" + r.id), path("/" + r.id + "/plakat")}) {
    auto page = b.get(p + "?lang=en");
    ASSERT_EQ(page.status, 200) << p;
    EXPECT_TRUE(has(page.body, "Check-in") || has(page.body, "check-in")) << p;
    EXPECT_FALSE(has(page.body, "checkin.")) << p;
  }
  Browser phone{server_, {}};
  auto q = phone.get("/i/" + r.join_code + "?lang=en");
  ASSERT_EQ(q.status, 200);
  EXPECT_TRUE(has(q.body, "Your answers are anonymous."));
  EXPECT_FALSE(has(q.body, "checkin.")) << q.body;
  EXPECT_FALSE(has(q.body, "readiness.")) << q.body;
}

TEST_F(ReadinessPagesTest, BadRoundInputIsShownAgainAndSavesNothing) {
  Browser b = browser();
  auto empty = b.post(path(), {{"tittel", ""}, {"enhet_" + north_, "1"}, {"oric", "1"}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(has(empty.body, "Gi innsjekken et navn"));
  EXPECT_TRUE(has(empty.body,
                  "id=\"enhet_" + north_ + "\" name=\"enhet_" + north_ + "\" value=\"1\" checked"))
      << "the checked unit is kept";
  auto longer = b.post(path(), {{"tittel", std::string(201, 'x')}});
  EXPECT_EQ(longer.status, 400);
  auto line = b.post(path(), {{"tittel", "to\nlinjer"}});
  EXPECT_EQ(line.status, 400);
  auto foreign =
      b.post(path(), {{"tittel", "Fremmed enhet"}, {"enhet_" + std::string(32, 'a'), "1"}});
  EXPECT_EQ(foreign.status, 400) << "a unit of no one's";
  EXPECT_TRUE(has(foreign.body, "Velg én eller flere enheter"));
  EXPECT_TRUE(rounds().empty());
  auto status = b.post(path("/" + std::string(32, 'b') + "/status"),
                       {{"version", "1"}, {"handling", "lukk"}});
  EXPECT_EQ(status.status, 404);
}

TEST_F(ReadinessPagesTest, HeadCountsPerUnitAreOptionalAndHostileOnesAreRefused) {
  Browser b = browser();
  auto page = b.get(path());
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "<label for=\"antall_" + north_ + "\">Antall invitert (valgfritt)"))
      << "a labelled field beside each unit";
  EXPECT_TRUE(has(page.body, "inputmode=\"numeric\""));

  // Hostile numbers: each is refused with the field named, the typed text
  // kept, and nothing saved.
  const std::vector<std::string> hostile = {"-5",
                                            "100001",
                                            "99999999999999999999",
                                            "tolv",
                                            "12,5",
                                            "1e3",
                                            "0x10",
                                            "+7",
                                            "4 0 0 0 0 0",
                                            "1\xc2\xa0"
                                            "2",
                                            std::string(60, '9')};
  for (const std::string& bad : hostile) {
    auto r = b.post(
        path(), {{"tittel", "Med antall"}, {"enhet_" + north_, "1"}, {"antall_" + north_, bad}});
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_TRUE(has(r.body, "Skriv antallet som et helt tall fra 0 til 100 000")) << bad;
    EXPECT_TRUE(has(r.body, "href=\"#antall_" + north_ + "\"")) << "in the error summary";
    EXPECT_TRUE(
        has(r.body, "aria-invalid=\"true\" aria-describedby=\"antall_" + north_ + "-error\""))
        << bad;
    if (bad.size() < 10) {
      EXPECT_TRUE(has(r.body, "value=\"" + bad + "\"")) << "kept: " << bad;
    }
  }
  // A number for a unit that is not ticked, and for a unit of no one's.
  auto unticked = b.post(path(), {{"tittel", "Uten kryss"}, {"antall_" + east_, "12"}});
  EXPECT_EQ(unticked.status, 400);
  EXPECT_TRUE(has(unticked.body, "Kryss av for enheten, eller fjern antallet."));
  auto foreign = b.post(path(), {{"tittel", "Fremmed"},
                                 {"enhet_" + std::string(32, 'a'), "1"},
                                 {"antall_" + std::string(32, 'a'), "3"}});
  EXPECT_EQ(foreign.status, 400);
  EXPECT_TRUE(rounds().empty()) << "nothing saved";

  // Valid: one unit with a head count (spaces allowed), one without.
  auto created = b.post(path(), {{"tittel", "Med antall"},
                                 {"enhet_" + north_, "1"},
                                 {"antall_" + north_, " 1 200 "},
                                 {"enhet_" + east_, "1"},
                                 {"antall_" + east_, ""}});
  ASSERT_EQ(created.status, 303) << created.body;
  auto list = rounds();
  ASSERT_EQ(list.size(), 1u);
  for (const auto& u : list[0].units)
    EXPECT_EQ(u.invited, u.id == north_ ? std::optional<int>(1200) : std::nullopt) << u.name;
  auto details = b.get(path("/" + list[0].id));
  EXPECT_TRUE(has(details.body, north_name_ + " (1200 invitert)"));
  EXPECT_TRUE(has(details.body, ">" + east_name_ + "<")) << "no head count, no number";
  // 0 is a head count too.
  auto zero =
      b.post(path(), {{"tittel", "Null"}, {"enhet_" + east_, "1"}, {"antall_" + east_, "0"}});
  EXPECT_EQ(zero.status, 303);
}

TEST_F(ReadinessPagesTest, AnswerCountsBelowTheMinimumGroupSayOnlyFewerThan) {
  auto r = make_round();
  Browser b = browser();
  auto count_on = [&](const std::string& p) {
    auto page = b.get(p);
    EXPECT_EQ(page.status, 200);
    const std::string mark = "<dt>Svar</dt><dd>";
    const auto at = page.body.find(mark);
    if (at == std::string::npos) return std::string("(none)");
    const auto start = at + mark.size();
    return page.body.substr(start, page.body.find("</dd>", start) - start);
  };
  EXPECT_EQ(count_on(path()), "0");
  EXPECT_EQ(count_on(path("/" + r.id)), "0");
  for (int k = 1; k <= 5; ++k) {
    store::Submission s;
    s.staging = readiness::StagingAnswer::changing_now;
    ASSERT_TRUE(repo().submit(r.join_code, s).ok());
    const std::string want = k < 5 ? "færre enn 5" : "5";
    EXPECT_EQ(count_on(path()), want) << k;
    EXPECT_EQ(count_on(path("/" + r.id)), want) << k;
  }
  auto few = make_round();
  store::Submission s;
  s.staging = readiness::StagingAnswer::no_plans;
  ASSERT_TRUE(repo().submit(few.join_code, s).ok());
  auto en = b.get(path("/" + few.id + "?lang=en"));
  EXPECT_TRUE(has(en.body, "<dd>fewer than 5</dd>"));
  EXPECT_FALSE(has(en.body, "<dd>1</dd>"));
}

TEST_F(ReadinessPagesTest, HeadCountsCanBeChangedOnTheRoundPage) {
  auto r = make_round(false, {north_, east_});
  Browser b = browser();
  auto page = b.get(path("/" + r.id));
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "action=\"" + path("/" + r.id + "/antall") + "\""));
  EXPECT_TRUE(has(page.body, "<label for=\"antall_" + north_ + "\">" + north_name_ + "</label>"));
  const std::string v = std::to_string(r.version);

  // Hostile numbers: 400 with the field named, the typed text kept, nothing saved.
  for (const std::string bad : {"-1", "100001", "12345678901234567890", "mange", "3.5"}) {
    auto res = b.post(path("/" + r.id + "/antall"), {{"version", v}, {"antall_" + north_, bad}});
    EXPECT_EQ(res.status, 400) << bad;
    EXPECT_TRUE(has(res.body, "Skriv antallet som et helt tall")) << bad;
    EXPECT_TRUE(has(res.body, "value=\"" + bad + "\"")) << bad;
  }
  auto other_unit = b.post(path("/" + r.id + "/antall"),
                           {{"version", v}, {"antall_" + std::string(32, 'c'), "4"}});
  EXPECT_EQ(other_unit.status, 400) << "a unit the round does not cover";
  EXPECT_EQ(b.post(path("/" + r.id + "/antall"), {{"antall_" + north_, "4"}}).status, 400)
      << "no version";
  {
    const auto now = repo().round(actor_, id_, r.id).value();
    for (const auto& u : now.units)
      EXPECT_EQ(u.invited, std::nullopt);
  }

  auto saved = b.post(path("/" + r.id + "/antall"), {{"version", v}, {"antall_" + north_, "40"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(header_of(saved, "location"), path("/" + r.id + "?melding=antall"));
  auto after = b.get(path("/" + r.id + "?melding=antall"));
  EXPECT_TRUE(has(after.body, "Antallet inviterte er lagret."));
  EXPECT_TRUE(has(after.body, north_name_ + " (40 invitert)"));
  EXPECT_TRUE(has(after.body, "id=\"antall_" + north_ + "\" name=\"antall_" + north_ +
                                  "\" type=\"text\" inputmode=\"numeric\" size=\"7\" "
                                  "maxlength=\"7\" autocomplete=\"off\" value=\"40\""))
      << "the saved number in its field";
  // The version moved on: the old form is stale (409), and nothing changes.
  auto stale = b.post(path("/" + r.id + "/antall"), {{"version", v}, {"antall_" + north_, "7"}});
  EXPECT_EQ(stale.status, 409);
  // An emptied field clears the head count.
  const std::string v2 = std::to_string(repo().round(actor_, id_, r.id)->version);
  ASSERT_EQ(
      b.post(path("/" + r.id + "/antall"), {{"version", v2}, {"antall_" + north_, ""}}).status,
      303);
  {
    const auto now = repo().round(actor_, id_, r.id).value();
    for (const auto& u : now.units)
      EXPECT_EQ(u.invited, std::nullopt);
  }
}

TEST_F(ReadinessPagesTest, CloseAndReopenWithVersionsAndTheParticipantSeesIt) {
  auto r = make_round();
  Browser p = phone(r.join_code);  // the form is open on a phone while the round closes
  Browser b = browser();
  auto closed = b.post(path("/" + r.id + "/status"),
                       {{"version", std::to_string(r.version)}, {"handling", "lukk"}});
  ASSERT_EQ(closed.status, 303) << closed.body;
  EXPECT_FALSE(repo().round(actor_, id_, r.id)->open);
  auto stale = b.post(path("/" + r.id + "/status"),
                      {{"version", std::to_string(r.version)}, {"handling", "apne"}});
  EXPECT_EQ(stale.status, 409) << "the version the page was loaded with has changed";
  auto garbled = b.post(path("/" + r.id + "/status"), {{"version", "x"}, {"handling", "apne"}});
  EXPECT_EQ(garbled.status, 400);

  auto page = p.get("/i/" + r.join_code);
  EXPECT_EQ(page.status, 410);
  EXPECT_TRUE(has(page.body, "Denne innsjekken er avsluttet"));
  auto post = p.post("/i/" + r.join_code, {{"stadium", "endrer-na"}});
  EXPECT_EQ(post.status, 410);
  EXPECT_EQ(answers_in(r.id), 0);

  const int v = repo().round(actor_, id_, r.id)->version;
  auto reopened =
      b.post(path("/" + r.id + "/status"), {{"version", std::to_string(v)}, {"handling", "apne"}});
  ASSERT_EQ(reopened.status, 303);
  auto now = repo().round(actor_, id_, r.id).value();
  EXPECT_TRUE(now.open);
  EXPECT_EQ(p.get("/i/" + now.join_code).status, 200);
}

TEST_F(ReadinessPagesTest, AnotherOrganisationGetsNotFoundEverywhere) {
  auto r = make_round(false, {east_});
  store::AccountRepository accounts(*server_->db, server_->clock);
  auto other =
      accounts.create_organisation("Annen kommune " + tag_, store::OrganisationKind::kommune);
  ASSERT_TRUE(other.ok());
  const std::string email = "fremmed-r" + tag_ + "@annen.no";
  ASSERT_TRUE(
      accounts.create_user(other->id, email, "Fremmed", Role::administrator, test_password_hash())
          .ok());
  Browser b = logged_in_browser(server_, email);
  for (const std::string& p :
       {path(), path("/" + r.id), path("/" + r.id + "/qr.svg"), path("/" + r.id + "/plakat")}) {
    auto page = b.get(p);
    EXPECT_EQ(page.status, 404) << p;
    EXPECT_FALSE(has(page.body, r.join_code)) << p;
    EXPECT_FALSE(has(page.body, east_name_)) << p;
  }
  EXPECT_EQ(b.post(path(), {{"tittel", "Inntrenger"}}).status, 404);
  EXPECT_EQ(b.post(path("/" + r.id + "/status"), {{"version", "1"}, {"handling", "lukk"}}).status,
            404);
  EXPECT_EQ(rounds().size(), 1u);
  EXPECT_TRUE(repo().round(actor_, id_, r.id)->open);
}

// An invited facilitator from a USHT works on the initiative, so they see
// its rounds and can open one; the municipality's list of units is the
// municipality's own business and is neither shown to them nor settable by
// them. The units a round covers are shown, as every participant sees them.
TEST_F(ReadinessPagesTest, CollaboratorSeesRoundsButNotTheMunicipalitysUnits) {
  auto r = make_round(false, {north_});
  store::AccountRepository accounts(*server_->db, server_->clock);
  auto usht = accounts.create_organisation("USHT R" + tag_, store::OrganisationKind::usht);
  ASSERT_TRUE(usht.ok());
  const std::string email = "usht-r" + tag_ + "@usht.no";
  auto guest = accounts.create_user(usht->id, email, "Gjest Veileder", Role::prosessveileder,
                                    test_password_hash());
  ASSERT_TRUE(guest.ok());
  ASSERT_TRUE(store::InitiativeRepository(*server_->db, server_->clock)
                  .add_collaborator(actor_, id_, guest->id)
                  .ok());
  Browser g = logged_in_browser(server_, email);
  auto page = g.get(path());
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(has(page.body, r.title));
  EXPECT_TRUE(has(page.body, r.join_code));
  EXPECT_FALSE(has(page.body, east_name_)) << "the municipality's unit list stays hidden";
  EXPECT_FALSE(has(page.body, "name=\"enhet_")) << "no unit checkboxes";
  EXPECT_TRUE(has(page.body, "Enhetene i kommunen vises bare"));
  auto details = g.get(path("/" + r.id));
  EXPECT_EQ(details.status, 200);
  EXPECT_FALSE(has(details.body, east_name_));
  EXPECT_FALSE(has(details.body, "/antall\"")) << "no head-count form for a collaborator";
  auto counted = g.post(path("/" + r.id + "/antall"),
                        {{"version", std::to_string(r.version)}, {"antall_" + north_, "5"}});
  EXPECT_EQ(counted.status, 403);
  EXPECT_EQ(repo().round(actor_, id_, r.id)->units[0].invited, std::nullopt);

  // Unit ids sent anyway are ignored: the round covers the whole initiative.
  auto created = g.post(path(), {{"tittel", "USHT-runde"}, {"enhet_" + east_, "1"}});
  ASSERT_EQ(created.status, 303) << created.body;
  auto list = rounds();
  auto it = std::find_if(list.begin(), list.end(),
                         [](const store::ReadinessRound& x) { return x.title == "USHT-runde"; });
  ASSERT_NE(it, list.end());
  EXPECT_TRUE(it->units.empty());
}

// ------------------------------------------------------------------ participant

TEST_F(ReadinessPagesTest, ParticipantAnswersWithoutAnAccountByAPlainFormPost) {
  auto r = make_round(false, {north_, east_});
  Browser p{server_, {}};
  auto form = p.get("/i/" + r.join_code);
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_TRUE(has(form.body, "<form method=\"post\" action=\"/i/" + r.join_code + "\""))
      << "a plain form: no JavaScript needed";
  EXPECT_TRUE(has(form.body, "Svarene dine er anonyme"));
  EXPECT_TRUE(has(form.body, "IP-adressen"));
  EXPECT_TRUE(has(form.body, "<legend>Hvor står du akkurat nå i denne endringen?</legend>"));
  EXPECT_EQ(std::count(form.body.begin(), form.body.end(), '\n') > 0, true);
  EXPECT_TRUE(has(form.body, "name=\"stadium\" value=\"falt-tilbake\""));
  EXPECT_TRUE(has(form.body, "id=\"viktighet-10\""));
  EXPECT_TRUE(has(form.body, north_name_) && has(form.body, east_name_)) << "choose the unit";
  EXPECT_FALSE(has(form.body, "oric_1")) << "the round does not ask ORIC";
  ASSERT_TRUE(p.cookies.count("samskap_innsjekk_" + r.join_code)) << "the phone's token";
  const auto set_cookie = form.headers.equal_range("set-cookie");
  bool http_only = false;
  for (auto it = set_cookie.first; it != set_cookie.second; ++it)
    if (it->second.starts_with("samskap_innsjekk_"))
      http_only = has(it->second, "HttpOnly") && has(it->second, "SameSite=Lax") &&
                  has(it->second, "Path=/i/" + r.join_code);
  EXPECT_TRUE(http_only);

  auto done = p.post("/i/" + r.join_code, {{"enhet", east_},
                                           {"stadium", "innen-6-mnd"},
                                           {"viktighet", "6"},
                                           {"mestring", "0"},
                                           {"refleksjon", "Mer tid til opplæring"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_TRUE(has(done.body, "Overveielse")) << "the stage's name";
  EXPECT_TRUE(has(done.body, "Hvorfor et 6 og ikke 0?"));
  EXPECT_TRUE(has(done.body, "Hva skal til for å komme fra 6 til 7?"));
  EXPECT_TRUE(has(done.body, "Hva skal til for å komme fra 0 til 1?"));
  EXPECT_FALSE(has(done.body, "Hvorfor et 0 og ikke 0?")) << "no silly question for 0";
  EXPECT_TRUE(has(done.body, "Du bestemmer selv"));
  EXPECT_FALSE(has(done.body, "Din private kode"));
  EXPECT_EQ(answers_in(r.id), 1);
  auto rows = repo().answers(actor_, id_, r.id).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].unit_id, east_);
  EXPECT_EQ(rows[0].importance, 6);
  EXPECT_EQ(rows[0].confidence, 0);
  EXPECT_EQ(rows[0].participant, 0) << "anonymous";
}

TEST_F(ReadinessPagesTest, ASecondAnswerFromTheSamePhoneReplacesTheFirst) {
  auto r = make_round();
  Browser p = phone(r.join_code);
  ASSERT_EQ(p.post("/i/" + r.join_code, {{"stadium", "ingen-planer"}}).status, 200);
  auto second = p.post("/i/" + r.join_code, {{"stadium", "endrer-na"}, {"viktighet", "9"}});
  ASSERT_EQ(second.status, 200);
  EXPECT_TRUE(has(second.body, "erstatter det gamle"));
  EXPECT_EQ(answers_in(r.id), 1);
  auto rows = repo().answers(actor_, id_, r.id).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].staging, readiness::StagingAnswer::changing_now);

  Browser other = phone(r.join_code);
  ASSERT_EQ(other.post("/i/" + r.join_code, {{"stadium", "ingen-planer"}}).status, 200);
  EXPECT_EQ(answers_in(r.id), 2) << "another phone is another answer";
  for (int n = 0; n < 5; ++n)
    ASSERT_EQ(other.post("/i/" + r.join_code, {{"stadium", "falt-tilbake"}}).status, 200);
  EXPECT_EQ(answers_in(r.id), 2) << "flooding from one phone stays one answer";
}

TEST_F(ReadinessPagesTest, APrivateCodeLinksTwoRounds) {
  auto first = make_round();
  Browser p = phone(first.join_code);
  auto done = p.post("/i/" + first.join_code, {{"stadium", "innen-6-mnd"}, {"ta_vare_kode", "1"}});
  ASSERT_EQ(done.status, 200);
  std::smatch m;
  const std::string body = done.body;
  ASSERT_TRUE(
      std::regex_search(body, m, std::regex("checkin-private-code__value\"><strong>([A-Z0-9-]+)<")))
      << body;
  const std::string code = m[1];
  EXPECT_EQ(code.size(), 14u);
  EXPECT_TRUE(has(body, "Har du en privat kode fra før?"));

  auto second = make_round();
  Browser later = phone(second.join_code);  // another phone, even
  auto again = later.post("/i/" + second.join_code,
                          {{"stadium", "plan-innen-1-mnd"}, {"privat_kode", code}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(has(again.body, "koblet til den private koden din"));
  EXPECT_FALSE(has(again.body, code)) << "a code typed in is not shown back";
  Browser stranger = phone(second.join_code);
  ASSERT_EQ(stranger.post("/i/" + second.join_code, {{"stadium", "ingen-planer"}}).status, 200);

  auto rows = repo().answers(actor_, id_).value();
  ASSERT_EQ(rows.size(), 3u);
  std::vector<int> linked;
  for (const auto& row : rows)
    if (row.participant != 0) linked.push_back(row.participant);
  ASSERT_EQ(linked.size(), 2u);
  EXPECT_EQ(linked[0], linked[1]) << "the same person in both rounds";
}

TEST_F(ReadinessPagesTest, UnknownAndMistypedCodes) {
  auto r = make_round();
  Browser p{server_, {}};
  auto unknown = p.get("/i/ZZZZZZZZ");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_TRUE(has(unknown.body, "Vi finner ingen innsjekk med denne koden"));
  EXPECT_TRUE(has(unknown.body, "name=\"kode\"")) << "a field to try another code";
  EXPECT_EQ(p.get("/i/%3Cscript%3E").status, 404);
  EXPECT_FALSE(has(p.get("/i/%3Cscript%3E").body, "<script>"));
  EXPECT_EQ(p.get("/i/" + std::string(300, 'A')).status, 404);
  std::string lower = r.join_code;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  auto typed = p.get("/i/" + lower);
  EXPECT_EQ(typed.status, 303);
  EXPECT_EQ(header_of(typed, "location"), "/i/" + r.join_code);
  auto entry = p.get("/i?kode=" + lower);
  EXPECT_EQ(entry.status, 303);
  EXPECT_EQ(header_of(entry, "location"), "/i/" + r.join_code);
  EXPECT_EQ(p.get("/i").status, 200);
  Browser q = phone(r.join_code);
  EXPECT_EQ(q.post("/i/ZZZZZZZZ", {{"stadium", "ingen-planer"}}).status, 404);
}

TEST_F(ReadinessPagesTest, HostileAnswersAreRefusedAndNothingIsSaved) {
  auto r = make_round(false, {north_});
  auto oric = make_round(true);
  Browser p = phone(r.join_code);
  const std::string at = "/i/" + r.join_code;

  // A missing staging answer: the field error, with everything typed kept.
  auto missing = p.post(at, {{"viktighet", "7"}, {"refleksjon", "Mer tid <b>sammen</b>"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(has(missing.body, "Velg det svaret som passer best for deg."));
  EXPECT_TRUE(has(missing.body, "id=\"viktighet-7\" name=\"viktighet\" value=\"7\" checked"));
  EXPECT_TRUE(has(missing.body, "Mer tid &lt;b&gt;sammen&lt;/b&gt;"));

  const std::vector<Fields> hostile = {
      {{"stadium", "kanskje"}},
      {{"stadium", "ingen-planer"}, {"viktighet", "11"}},
      {{"stadium", "ingen-planer"}, {"viktighet", "-1"}},
      {{"stadium", "ingen-planer"}, {"mestring", "1e3"}},
      {{"stadium", "ingen-planer"}, {"mestring", "99999999999999999999"}},
      {{"stadium", "ingen-planer"}, {"oric_3", "4"}},   // the round does not ask ORIC
      {{"stadium", "ingen-planer"}, {"enhet", east_}},  // not one of the round's units
      {{"stadium", "ingen-planer"}, {"refleksjon", std::string(2001, 'x')}},
      {{"stadium", "ingen-planer"}, {"privat_kode", "<script>"}},
      {{"stadium", "ingen-planer"}, {"privat_kode", "kort"}},
  };
  for (const auto& fields : hostile) {
    auto res = p.post(at, fields);
    EXPECT_EQ(res.status, 400) << fields.back().first << "=" << fields.back().second.substr(0, 20);
    EXPECT_TRUE(has(res.body, "class=\"field-error\"")) << fields.back().first;
    EXPECT_FALSE(has(res.body, "<script>")) << fields.back().first;
  }
  // Invalid UTF-8 never reaches the form.
  auto bad_utf8 =
      http_request("POST", url(at), p.headers({"Content-Type: application/x-www-form-urlencoded"}),
                   "stadium=ingen-planer&refleksjon=%FF%FE&csrf=" + p.csrf());
  EXPECT_EQ(bad_utf8.status, 400);
  auto control =
      p.post(at, {{"stadium", "ingen-planer"}, {"refleksjon", std::string("tekst\x01", 6)}});
  EXPECT_EQ(control.status, 400) << "control characters never reach the form either";
  auto tab = p.post(at, {{"stadium", "ingen-planer"}, {"refleksjon", std::string("tekst\x7f", 6)}});
  EXPECT_EQ(tab.status, 400) << "DEL is refused by the store";
  // No CSRF token: refused.
  EXPECT_EQ(p.post(at, {{"stadium", "ingen-planer"}}, false).status, 403);
  EXPECT_EQ(answers_in(r.id), 0);

  Browser q = phone(oric.join_code);
  const std::string at2 = "/i/" + oric.join_code;
  auto form = q.get(at2);
  EXPECT_TRUE(has(form.body, "name=\"oric_12\" value=\"5\""));
  EXPECT_TRUE(has(form.body, "vår egen oversettelse"));
  EXPECT_EQ(q.post(at2, {{"stadium", "endrer-na"}, {"oric_1", "6"}}).status, 400);
  EXPECT_EQ(q.post(at2, {{"stadium", "endrer-na"}, {"oric_1", "0"}}).status, 400);
  EXPECT_EQ(answers_in(oric.id), 0);
  auto ok = q.post(at2, {{"stadium", "endrer-na"}, {"oric_1", "5"}, {"oric_12", "2"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto rows = repo().answers(actor_, id_, oric.id).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].oric[0], 5);
  EXPECT_EQ(rows[0].oric[11], 2);
  EXPECT_EQ(rows[0].oric[5], 0);
}

TEST(ReadinessQr, SvgIsMadeOfOnePathWithoutStyle) {
  const std::string a = web::qr_svg("https://samskap.example/i/K7QM3XPA", "QR <a>");
  ASSERT_FALSE(a.empty());
  EXPECT_TRUE(a.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(has(a, "role=\"img\" aria-label=\"QR &lt;a&gt;\""));
  EXPECT_FALSE(has(a, "style"));
  // Version 3 (29 modules) for a 34-byte link at level M, plus the quiet zone.
  EXPECT_TRUE(has(a, "viewBox=\"0 0 37 37\"")) << a.substr(0, 200);
  const std::string b = web::qr_svg("https://samskap.example/i/K7QM3XPB", "QR");
  EXPECT_NE(a.substr(a.find(" d=")), b.substr(b.find(" d="))) << "different links, different codes";
  EXPECT_TRUE(web::qr_svg(std::string(8000, 'x'), "QR").empty()) << "too long for a QR code";
}

}  // namespace
}  // namespace samskap::testing
