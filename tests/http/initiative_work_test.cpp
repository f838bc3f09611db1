// The initiative tabs Partnere, Kunnskapsgrunnlag, Plan and Samarbeid over
// HTTP (issue 5, and the collaborator of issue 4): each renders in both
// languages after the header; parts are added, edited with their version and
// removed, each change audited; bad input gives field errors and saves
// nothing; a stale version is 409; another organisation gets 404 on every
// GET and POST. A facilitator of a USHT invited into one initiative sees that
// initiative and its tabs and nothing else of the municipality, until the
// invitation is removed; leaders and municipal employees cannot be invited,
// and the answer does not tell whether an address exists.

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "server_fixture.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "support/browser.hpp"
#include "support/http_client.hpp"
#include "web/initiative_common.hpp"

namespace samskap::testing {
namespace {

namespace ini = initiative;
using Fields = std::vector<std::pair<std::string, std::string>>;

bool has(const std::string& body, const std::string& needle) {
  return body.find(needle) != std::string::npos;
}

// How often `needle` occurs in `body`.
std::size_t count(const std::string& body, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = body.find(needle); p != std::string::npos; p = body.find(needle, p + 1))
    ++n;
  return n;
}

// The text of the first element with class `cls` (tags stripped).
std::string text_of_class(const std::string& body, const std::string& cls) {
  std::smatch m;
  if (!std::regex_search(body, m, std::regex("class=\"" + cls + "[^\"]*\"[^>]*>([\\s\\S]*?)</p>")))
    return {};
  return std::regex_replace(std::string(m[1]), std::regex("<[^>]+>"), "");
}

class InitiativeWorkTest : public SharedAppTest {
 protected:
  void SetUp() override {
    const std::string tag = std::to_string(++n_);
    tag_ = tag;
    store::AccountRepository accounts(*server_->db, server_->clock);
    auto org = accounts.create_organisation("Kommune W" + tag, store::OrganisationKind::kommune);
    ASSERT_TRUE(org.ok());
    org_ = org->id;
    email_ = "veileder-w" + tag + "@kommune.no";
    auto u = accounts.create_user(org_, email_, "Vera Veileder", Role::prosessveileder,
                                  test_password_hash());
    ASSERT_TRUE(u.ok());
    actor_ = {org_, u->id, Role::prosessveileder};
    store::InitiativeDraft draft;
    draft.title = "Hverdagsrehabilitering i sone nord";
    auto i = repo().create(actor_, draft);
    ASSERT_TRUE(i.ok()) << i.error().detail;
    id_ = i->id;
  }
  store::InitiativeRepository repo() { return {*server_->db, server_->clock}; }
  store::AccountRepository accounts() { return {*server_->db, server_->clock}; }
  Browser browser() { return logged_in_browser(server_, email_); }
  std::string path(const std::string& tab) const { return "/initiativ/" + id_ + "/" + tab; }
  std::vector<store::Partner> partners() { return repo().partners(actor_, id_).value(); }
  std::vector<store::Evidence> evidence() { return repo().evidence(actor_, id_).value(); }
  std::vector<store::Activity> activities() { return repo().activities(actor_, id_).value(); }
  // The audit entries of the initiative's organisation, oldest first, as "action actor".
  std::vector<store::AuditEntry> audit() {
    auto list = store::AuditLog(*server_->db, server_->clock).list(org_, 200).value();
    std::reverse(list.begin(), list.end());
    return list;
  }
  bool audited(const std::string& action, const std::string& actor = {}) {
    for (const auto& e : audit())
      if (e.action == action && e.object_id == id_ &&
          (actor.empty() ? e.actor_user_id == actor_.user_id : e.actor_user_id == actor))
        return true;
    return false;
  }
  // A user in a new organisation of `kind`.
  store::User user_in(const std::string& org_name, store::OrganisationKind kind,
                      const std::string& email, const std::string& name, Role role,
                      bool active = true) {
    auto org = accounts().organisation_by_name(org_name);
    std::string org_id;
    if (org) {
      org_id = org->id;
    } else {
      auto created = accounts().create_organisation(org_name, kind);
      EXPECT_TRUE(created.ok());
      org_id = created->id;
    }
    auto u = accounts().create_user(org_id, email, name, role,
                                    active ? test_password_hash() : std::string{});
    EXPECT_TRUE(u.ok()) << email;
    return *u;
  }

  static inline int n_ = 0;
  std::string tag_, org_, email_, id_;
  store::Actor actor_;
};

// ------------------------------------------------------------------ all tabs

TEST_F(InitiativeWorkTest, EachTabRendersInBothLanguagesAfterTheHeader) {
  Browser b = browser();
  struct Case {
    std::string tab, nb, en;
  };
  const std::vector<Case> cases = {
      {"partnere", "Samskaping: partnere", "Co-creation: partners"},
      {"kunnskapsgrunnlag", "Balansen mellom de tre", "The balance of the three"},
      {"plan", "Tidslinje", "Timeline"},
      {"samarbeid", "Inviter en prosessveileder", "Invite a facilitator"},
  };
  for (const auto& c : cases) {
    auto nb = b.get(path(c.tab) + "?lang=nb");
    ASSERT_EQ(nb.status, 200) << c.tab << nb.body;
    EXPECT_TRUE(has(nb.body, c.nb)) << c.tab;
    const auto header = nb.body.find("<header class=\"initiative-header\"");
    ASSERT_NE(header, std::string::npos) << c.tab;
    EXPECT_NE(nb.body.find("Hverdagsrehabilitering i sone nord", header), std::string::npos);
    EXPECT_LT(header, nb.body.find("id=\"tab-title\"")) << c.tab << ": the header comes first";
    EXPECT_TRUE(has(nb.body, "href=\"" + path(c.tab) + "\" aria-current=\"page\""))
        << c.tab << ": its tab is current";
    EXPECT_FALSE(has(nb.body, "work.")) << c.tab << ": no catalogue key left untranslated";
    EXPECT_FALSE(has(nb.body, "initiative.")) << c.tab;
    EXPECT_TRUE(has(nb.body, "name=\"csrf\"")) << c.tab;
    auto en = b.get(path(c.tab) + "?lang=en");
    ASSERT_EQ(en.status, 200) << c.tab;
    EXPECT_TRUE(has(en.body, c.en)) << c.tab;
    EXPECT_FALSE(has(en.body, c.nb)) << c.tab;
    EXPECT_FALSE(has(en.body, "work.")) << c.tab;
    EXPECT_FALSE(has(en.body, "initiative.")) << c.tab;
  }
}

TEST_F(InitiativeWorkTest, ParticipantsCannotOpenTheTabs) {
  auto u = accounts().create_user(org_, "deltaker-w" + tag_ + "@kommune.no", "Dina Deltaker",
                                  Role::deltaker, test_password_hash());
  ASSERT_TRUE(u.ok());
  Browser d = logged_in_browser(server_, u->email);
  for (const auto& tab : {"partnere", "kunnskapsgrunnlag", "plan", "samarbeid"})
    EXPECT_EQ(d.get(path(tab)).status, 403) << tab;
  EXPECT_EQ(d.post(path("partnere"), {{"type", "ansatte"}, {"name", "X"}}).status, 403);
  EXPECT_TRUE(partners().empty());
}

// ------------------------------------------------------------------ partners

TEST_F(InitiativeWorkTest, PartnersAreAddedEditedAndRemovedAndTheMissingTypesFollow) {
  Browser b = browser();
  auto page = b.get(path("partnere"));
  EXPECT_TRUE(has(page.body,
                  "Mangler: ansatte, ledere, politikere, innbyggere og brukere, "
                  "brukerorganisasjoner, pårørende"))
      << text_of_class(page.body, "coverage-verdict");
  EXPECT_TRUE(has(page.body, "0 av 10 partnertyper"));
  EXPECT_TRUE(has(page.body, "href=\"/kunnskap/samskaping\"")) << "the knowledge base link";
  EXPECT_TRUE(has(page.body, "Samskaping er å skape og utvikle")) << "the topic's summary";
  EXPECT_TRUE(has(page.body, "Partnere foredraget nevner:"));
  EXPECT_TRUE(has(page.body, "Brukerorganisasjoner"));

  auto added = b.post(path("partnere"), {{"type", "politikere"},
                                         {"name", "Helse- og omsorgsutvalget"},
                                         {"role", "Forankrer tiltakene politisk"},
                                         {"contact", "utvalgsleder@kommune.no"}});
  ASSERT_EQ(added.status, 303) << added.body;
  EXPECT_EQ(added.header("location"), path("partnere") + "?melding=lagt-til");
  auto saved = partners();
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].type, ini::PartnerType::politikere);
  EXPECT_EQ(saved[0].role, "Forankrer tiltakene politisk");
  EXPECT_TRUE(audited("partner_added"));

  page = b.get(added.header("location"));
  EXPECT_TRUE(has(page.body, "role=\"status\">Lagt til."));
  EXPECT_TRUE(has(page.body, "Helse- og omsorgsutvalget"));
  EXPECT_TRUE(has(page.body, "utvalgsleder@kommune.no"));
  EXPECT_TRUE(has(page.body, "1 av 10 partnertyper"));
  const std::string verdict = text_of_class(page.body, "coverage-verdict");
  EXPECT_TRUE(has(verdict, "Mangler:")) << verdict;
  EXPECT_FALSE(has(verdict, "politikere")) << verdict;
  EXPECT_TRUE(has(verdict, "pårørende")) << verdict;
  // Present and missing are said in words, not by colour only.
  EXPECT_TRUE(has(page.body, "Politikere <span class=\"coverage-state\">(med: 1)</span>"));
  EXPECT_TRUE(has(page.body, "Pårørende <span class=\"coverage-state\">(mangler)</span>"));

  // Edit with the version the form started from.
  const std::string edit = path("partnere") + "/" + saved[0].id + "/endre";
  auto form = b.get(edit);
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(has(form.body, "name=\"version\" value=\"1\""));
  EXPECT_TRUE(has(form.body, "value=\"Helse- og omsorgsutvalget\""));
  EXPECT_TRUE(has(form.body, "<option value=\"politikere\" selected>"));
  auto updated = b.post(edit, {{"version", "1"},
                               {"type", "politikere"},
                               {"name", "Helse- og omsorgsutvalget"},
                               {"role", "Vedtar planen"},
                               {"contact", ""}});
  ASSERT_EQ(updated.status, 303) << updated.body;
  EXPECT_EQ(updated.header("location"), path("partnere") + "?melding=lagret");
  saved = partners();
  EXPECT_EQ(saved[0].role, "Vedtar planen");
  EXPECT_EQ(saved[0].contact, "");
  EXPECT_EQ(saved[0].version, 2);
  EXPECT_TRUE(audited("partner_updated"));

  // Saving again from the old form is a conflict: what was typed stays,
  // what is saved now is shown, and nothing changes.
  auto stale = b.post(edit, {{"version", "1"},
                             {"type", "ansatte"},
                             {"name", "Noe annet"},
                             {"role", "Gammel rolle"},
                             {"contact", ""}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_TRUE(has(stale.body, "Noen andre har lagret endringer her"));
  EXPECT_TRUE(has(stale.body, "value=\"Noe annet\"")) << "what the user typed is kept";
  EXPECT_TRUE(has(stale.body, "<dd>Vedtar planen</dd>")) << "what is saved now is shown";
  EXPECT_TRUE(has(stale.body, "name=\"version\" value=\"2\"")) << "saving again is deliberate";
  EXPECT_EQ(partners()[0].name, "Helse- og omsorgsutvalget");

  auto removed = b.post(path("partnere") + "/" + saved[0].id + "/slett", {});
  ASSERT_EQ(removed.status, 303);
  EXPECT_EQ(removed.header("location"), path("partnere") + "?melding=fjernet");
  EXPECT_TRUE(partners().empty());
  EXPECT_TRUE(audited("partner_removed"));
  EXPECT_EQ(b.post(path("partnere") + "/" + saved[0].id + "/slett", {}).status, 404)
      << "removing twice finds nothing";
  EXPECT_EQ(b.get(edit).status, 404);
}

TEST_F(InitiativeWorkTest, AllPartnerTypesMakeTheOverviewComplete) {
  Browser b = browser();
  for (auto t : ini::kPartnerTypes) {
    if (t == ini::PartnerType::annet) continue;
    ASSERT_EQ(b.post(path("partnere"), {{"type", std::string(ini::slug(t))}, {"name", "P"}}).status,
              303);
  }
  auto page = b.get(path("partnere") + "?lang=en");
  EXPECT_TRUE(has(page.body, "Every partner type of a 3.0 answer takes part."));
  EXPECT_TRUE(has(page.body, "10 of 10 partner types"));
  EXPECT_FALSE(has(page.body, "(missing)"));
}

TEST_F(InitiativeWorkTest, BadPartnerInputGivesFieldErrorsAndSavesNothing) {
  Browser b = browser();
  auto r = b.post(path("partnere"), {{"type", "hackere"},
                                     {"name", "   "},
                                     {"role", std::string(201, 'r')},
                                     {"contact", "tlf\t99"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has(r.body, "Velg en partnertype fra listen."));
  EXPECT_TRUE(has(r.body, "Skriv partnerens navn (høyst 200 tegn)."));
  EXPECT_TRUE(has(r.body, "Rollen kan være på høyst 200 tegn."));
  EXPECT_TRUE(has(r.body, "Kontaktinformasjonen kan være på høyst 200 tegn."));
  for (const auto& f : {"type", "name", "role", "contact"})
    EXPECT_TRUE(has(r.body, "href=\"#" + std::string(f) + "\"")) << f;
  EXPECT_EQ(count(r.body, "aria-invalid=\"true\""), 4u);
  EXPECT_TRUE(has(r.body, "value=\"" + std::string(201, 'r') + "\"")) << "typed text kept";
  auto long_name = b.post(path("partnere"), {{"type", "ansatte"}, {"name", std::string(201, 'n')}});
  EXPECT_EQ(long_name.status, 400);
  auto no_type = b.post(path("partnere"), {{"name", "Uten type"}});
  EXPECT_EQ(no_type.status, 400);
  EXPECT_TRUE(has(no_type.body, "value=\"Uten type\""));
  EXPECT_TRUE(partners().empty());

  // Exactly at the limit is fine.
  ASSERT_EQ(b.post(path("partnere"), {{"type", "ansatte"}, {"name", std::string(200, 'n')}}).status,
            303);
  const auto p = partners().at(0);
  const std::string edit = path("partnere") + "/" + p.id + "/endre";
  EXPECT_EQ(b.post(edit, {{"type", "ansatte"}, {"name", "Uten versjon"}}).status, 400);
  EXPECT_EQ(b.post(edit, {{"version", "x"}, {"type", "ansatte"}, {"name", "X"}}).status, 400);
  auto bad_edit = b.post(edit, {{"version", "1"}, {"type", "ansatte"}, {"name", ""}});
  EXPECT_EQ(bad_edit.status, 400);
  EXPECT_TRUE(has(bad_edit.body, "name=\"version\" value=\"1\""));
  EXPECT_EQ(partners().at(0).name, std::string(200, 'n'));
  EXPECT_EQ(partners().at(0).version, 1);
  EXPECT_EQ(b.get(path("partnere") + "/finnes-ikke/endre").status, 404);
}

// ------------------------------------------------------------------ evidence

TEST_F(InitiativeWorkTest, EvidenceBalanceIsCountedChartedAndTabled) {
  Browser b = browser();
  auto empty = b.get(path("kunnskapsgrunnlag"));
  EXPECT_TRUE(has(empty.body, "Ingen kunnskap er ført opp ennå."));
  EXPECT_TRUE(has(empty.body, "href=\"/kunnskap/kunnskapsbasert-praksis\""));
  EXPECT_TRUE(has(empty.body, "tre likeverdige deler")) << "the topic's summary";

  ASSERT_EQ(b.post(path("kunnskapsgrunnlag"),
                   {{"kind", "forskning"},
                    {"source", "Cochrane-oversikt om fallforebygging (2018)"},
                    {"note", "Trening reduserer fall.\r\nGjelder hjemmeboende."}})
                .status,
            303);
  ASSERT_EQ(b.post(path("kunnskapsgrunnlag"),
                   {{"kind", "forskning"}, {"source", "Nasjonal faglig retningslinje"}})
                .status,
            303);
  ASSERT_EQ(b.post(path("kunnskapsgrunnlag"),
                   {{"kind", "erfaring"}, {"source", "Erfaringer fra sone sør"}})
                .status,
            303);
  EXPECT_TRUE(audited("evidence_added"));
  auto page = b.get(path("kunnskapsgrunnlag"));
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "Mangler: brukerkunnskap."));
  EXPECT_TRUE(has(page.body, "<th scope=\"row\">Forskningsbasert kunnskap</th><td>2</td>"));
  EXPECT_TRUE(has(page.body, "<th scope=\"row\">Erfaringsbasert kunnskap</th><td>1</td>"));
  EXPECT_TRUE(has(page.body, "<th scope=\"row\">Brukerkunnskap</th><td>0 <span"));
  EXPECT_TRUE(has(page.body, "data-chart=\"chart-evidence-balance\""));
  EXPECT_TRUE(has(page.body, "\"type\":\"bar\""));
  EXPECT_TRUE(has(page.body, "\"data\":[2.0,1.0,0.0]") || has(page.body, "\"data\":[2,1,0]"))
      << "the chart's figures are the table's";
  EXPECT_TRUE(has(page.body, "Trening reduserer fall.\nGjelder hjemmeboende."));

  ASSERT_EQ(b.post(path("kunnskapsgrunnlag"),
                   {{"kind", "brukerkunnskap"}, {"source", "Samtaler med brukerrådet"}})
                .status,
            303);
  page = b.get(path("kunnskapsgrunnlag") + "?lang=en");
  EXPECT_TRUE(has(page.body, "All three kinds of knowledge are there, in good balance."))
      << "2 of 4 is half, not more than half";
  ASSERT_EQ(
      b.post(path("kunnskapsgrunnlag"), {{"kind", "forskning"}, {"source", "Ny studie"}}).status,
      303);
  page = b.get(path("kunnskapsgrunnlag") + "?lang=nb");
  EXPECT_TRUE(has(page.body, "Alle tre er med, men én kunnskapstype står for mer enn halvparten"))
      << "3 of 5";
  EXPECT_TRUE(has(page.body, "<th scope=\"row\">Forskningsbasert kunnskap</th><td>3</td>"));
}

TEST_F(InitiativeWorkTest, EvidenceIsEditedWithItsVersionAndRemoved) {
  Browser b = browser();
  ASSERT_EQ(
      b.post(path("kunnskapsgrunnlag"), {{"kind", "erfaring"}, {"source", "Ansattmøte"}}).status,
      303);
  const auto e = evidence().at(0);
  const std::string edit = path("kunnskapsgrunnlag") + "/" + e.id + "/endre";
  auto form = b.get(edit + "?lang=en");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(has(form.body, "Edit «Ansattmøte»"));
  EXPECT_TRUE(has(form.body, "<option value=\"erfaring\" selected>"));
  ASSERT_EQ(b.post(edit, {{"version", "1"},
                          {"kind", "brukerkunnskap"},
                          {"source", "Brukerrådet"},
                          {"note", "Møte 3. mars"}})
                .status,
            303);
  EXPECT_EQ(evidence().at(0).kind, ini::EvidenceKind::brukerkunnskap);
  EXPECT_EQ(evidence().at(0).note, "Møte 3. mars");
  EXPECT_TRUE(audited("evidence_updated"));
  auto stale = b.post(edit, {{"version", "1"}, {"kind", "forskning"}, {"source", "Min versjon"}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_TRUE(has(stale.body, "<dd>Brukerrådet</dd>"));
  EXPECT_TRUE(has(stale.body, "value=\"Min versjon\""));
  EXPECT_EQ(evidence().at(0).source, "Brukerrådet");
  ASSERT_EQ(b.post(path("kunnskapsgrunnlag") + "/" + e.id + "/slett", {}).status, 303);
  EXPECT_TRUE(evidence().empty());
  EXPECT_TRUE(audited("evidence_removed"));
}

TEST_F(InitiativeWorkTest, BadEvidenceInputGivesFieldErrorsAndSavesNothing) {
  Browser b = browser();
  auto r = b.post(path("kunnskapsgrunnlag"),
                  {{"kind", "synsing"}, {"source", ""}, {"note", std::string(4001, 'x')}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has(r.body, "Velg forskning, erfaring eller brukerkunnskap fra listen."));
  EXPECT_TRUE(has(r.body, "Skriv kilden (høyst 500 tegn)."));
  EXPECT_TRUE(has(r.body, "Notatet er for langt"));
  EXPECT_TRUE(has(r.body, "href=\"#note\""));
  auto long_source =
      b.post(path("kunnskapsgrunnlag"), {{"kind", "forskning"}, {"source", std::string(501, 's')}});
  EXPECT_EQ(long_source.status, 400);
  auto control = b.post(path("kunnskapsgrunnlag"),
                        {{"kind", "forskning"}, {"source", "Kilde\nmed linjeskift"}});
  EXPECT_EQ(control.status, 400) << "a source is one line";
  EXPECT_TRUE(evidence().empty());
}

// ---------------------------------------------------------------------- plan

TEST_F(InitiativeWorkTest, ThePlanTimelineGroupsByMonthAndMarksTodayMilestonesAndOverdue) {
  // The test clock's today is 24.11.2025.
  Browser b = browser();
  auto add = [&](Fields f) {
    auto r = b.post(path("plan"), f);
    EXPECT_EQ(r.status, 303) << r.body;
  };
  add({{"type", "verksted"},
       {"title", "Oppstartsverksted"},
       {"starts_on", "03.02.2026"},
       {"ends_on", "2026-02-04"},
       {"responsible", "Vera"},
       {"status", "planlagt"},
       {"milestone", "1"}});
  add({{"type", "mote"},
       {"title", "Forankringsmøte"},
       {"starts_on", "10.11.2025"},
       {"status", "planlagt"}});
  add({{"type", "samtale"},
       {"title", "Samtale med brukerrådet"},
       {"starts_on", "2025-10-01"},
       {"status", "fullfort"}});
  add({{"type", "evaluering"},
       {"title", "Evaluering"},
       {"starts_on", "15.02.2026"},
       {"status", "planlagt"}});
  EXPECT_TRUE(audited("activity_added"));
  auto acts = activities();
  ASSERT_EQ(acts.size(), 4u);
  EXPECT_EQ(acts[0].title, "Samtale med brukerrådet");
  EXPECT_EQ(acts[2].starts_on, (ini::Date{2026, 2, 3}));
  EXPECT_EQ(acts[2].ends_on, (ini::Date{2026, 2, 4}));
  EXPECT_TRUE(acts[2].milestone);

  auto page = b.get(path("plan") + "?lang=nb");
  ASSERT_EQ(page.status, 200);
  const auto& body = page.body;
  // Months in date order, today's month with its marker among them.
  const auto oct = body.find(">oktober 2025<"), nov = body.find(">november 2025<"),
             feb = body.find(">februar 2026<");
  ASSERT_NE(oct, std::string::npos);
  ASSERT_NE(nov, std::string::npos);
  ASSERT_NE(feb, std::string::npos);
  EXPECT_LT(oct, nov);
  EXPECT_LT(nov, feb);
  EXPECT_EQ(count(body, "class=\"timeline__month\""), 3u);
  const auto today = body.find("<strong>I dag</strong> <time datetime=\"2025-11-24\">24.11.2025");
  ASSERT_NE(today, std::string::npos);
  EXPECT_LT(body.find("Forankringsmøte"), today);
  EXPECT_LT(today, feb);
  EXPECT_LT(body.find("Oppstartsverksted"), body.find(">Evaluering<"));
  EXPECT_TRUE(has(body, "03.02.2026 – 04.02.2026"));
  // The milestone in words, not by colour only.
  EXPECT_TRUE(has(body, "Milepæl:</span> Oppstartsverksted"));
  EXPECT_EQ(count(body, "Milepæl:</span>"), 1u);
  // Overdue: planned, and the start date has passed; a completed one is not.
  EXPECT_EQ(count(body, "Forsinket:</strong>"), 1u);
  const auto overdue = body.find("Forsinket:</strong>");
  EXPECT_LT(body.find("Forankringsmøte"), overdue);
  EXPECT_LT(overdue, today);
  EXPECT_TRUE(has(body, "Aktiviteter: 4 · Milepæler: 1 · Forsinket: 1"));
  EXPECT_TRUE(has(body, "Status: Fullført"));

  auto en = b.get(path("plan") + "?lang=en");
  EXPECT_TRUE(has(en.body, ">February 2026<"));
  EXPECT_TRUE(has(en.body, "2026-02-03 – 2026-02-04"));
  EXPECT_TRUE(has(en.body, "Overdue:</strong>"));
}

TEST_F(InitiativeWorkTest, AnEmptyPlanStillShowsToday) {
  Browser b = browser();
  auto page = b.get(path("plan"));
  EXPECT_TRUE(has(page.body, "Ingen aktiviteter er planlagt ennå."));
  EXPECT_TRUE(has(page.body, ">november 2025<"));
  EXPECT_TRUE(has(page.body, "<strong>I dag</strong>"));
}

TEST_F(InitiativeWorkTest, ActivitiesAreEditedWithTheirVersionAndRemoved) {
  Browser b = browser();
  ASSERT_EQ(b.post(path("plan"), {{"type", "mote"},
                                  {"title", "Ledermøte"},
                                  {"starts_on", "01.12.2025"},
                                  {"status", "planlagt"}})
                .status,
            303);
  const auto a = activities().at(0);
  const std::string edit = path("plan") + "/" + a.id + "/endre";
  auto form = b.get(edit);
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(has(form.body, "value=\"01.12.2025\""));
  EXPECT_TRUE(has(form.body, "aria-describedby=\"milestone-hint\">"));
  EXPECT_FALSE(has(form.body, "aria-describedby=\"milestone-hint\" checked>"));
  ASSERT_EQ(b.post(edit, {{"version", "1"},
                          {"type", "mote"},
                          {"title", "Ledermøte"},
                          {"starts_on", "01.12.2025"},
                          {"status", "fullfort"},
                          {"milestone", "1"}})
                .status,
            303);
  EXPECT_EQ(activities().at(0).status, ini::ActivityStatus::fullfort);
  EXPECT_TRUE(activities().at(0).milestone);
  EXPECT_TRUE(audited("activity_updated"));
  EXPECT_TRUE(has(b.get(edit).body, "aria-describedby=\"milestone-hint\" checked>"));
  auto stale = b.post(edit, {{"version", "1"},
                             {"type", "mote"},
                             {"title", "Ledermøte flyttet"},
                             {"starts_on", "02.12.2025"},
                             {"status", "avlyst"}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_TRUE(has(stale.body, "value=\"Ledermøte flyttet\""));
  EXPECT_TRUE(has(stale.body, "<dd>Fullført</dd>"));
  EXPECT_EQ(activities().at(0).title, "Ledermøte");
  ASSERT_EQ(b.post(path("plan") + "/" + a.id + "/slett", {}).status, 303);
  EXPECT_TRUE(activities().empty());
  EXPECT_TRUE(audited("activity_removed"));
}

TEST_F(InitiativeWorkTest, BadPlanInputGivesFieldErrorsAndSavesNothing) {
  Browser b = browser();
  struct Case {
    Fields fields;
    std::string field, message;
  };
  const Fields ok = {
      {"type", "mote"}, {"title", "Møte"}, {"starts_on", "01.03.2027"}, {"status", "planlagt"}};
  auto with = [&](const std::string& name, const std::string& value) {
    Fields f;
    for (const auto& [k, v] : ok)
      if (k != name) f.emplace_back(k, v);
    f.emplace_back(name, value);
    return f;
  };
  const std::vector<Case> cases = {
      {with("title", ""), "title", "Skriv hva aktiviteten heter"},
      {with("title", std::string(201, 't')), "title", "Skriv hva aktiviteten heter"},
      {with("type", "fest"), "type", "Velg en type aktivitet fra listen."},
      {with("status", "kanskje"), "status", "Velg en status fra listen."},
      {with("starts_on", ""), "starts_on", "Skriv en dato."},
      {with("starts_on", "31.02.2027"), "starts_on", "Datoen finnes ikke."},
      {with("starts_on", "i morgen"), "starts_on", "Skriv datoen som dd.mm.åååå"},
      {with("starts_on", "2027-13-01"), "starts_on", "Datoen finnes ikke."},
      {with("ends_on", "28.02.2027"), "ends_on", "Sluttdatoen kan ikke være før startdatoen."},
      {with("ends_on", "01-03-2027"), "ends_on", "Skriv datoen som dd.mm.åååå"},
      {with("responsible", std::string(201, 'r')), "responsible", "Ansvarlig kan være på høyst"},
      {with("responsible", "Kari\tNordmann"), "responsible", "Ansvarlig kan være på høyst"},
  };
  for (const auto& c : cases) {
    auto r = b.post(path("plan"), c.fields);
    EXPECT_EQ(r.status, 400) << c.field << " " << c.message;
    EXPECT_TRUE(has(r.body, c.message)) << c.field;
    EXPECT_TRUE(has(r.body, "href=\"#" + c.field + "\"")) << c.field;
    EXPECT_TRUE(has(r.body, "id=\"" + c.field + "-error\"")) << c.field;
  }
  auto kept = b.post(path("plan"), with("starts_on", "32.13.2027"));
  EXPECT_TRUE(has(kept.body, "value=\"32.13.2027\"")) << "the typed date is kept";
  EXPECT_TRUE(has(kept.body, "value=\"Møte\""));
  EXPECT_TRUE(activities().empty());
  // The same day as start and end is fine; so is ISO.
  EXPECT_EQ(b.post(path("plan"), with("ends_on", "2027-03-01")).status, 303);
}

// ------------------------------------------------ another organisation: 404

TEST_F(InitiativeWorkTest, AnotherOrganisationGets404OnEveryGetAndPost) {
  Browser a = browser();
  ASSERT_EQ(a.post(path("partnere"), {{"type", "ansatte"}, {"name", "Hemmelig partner"}}).status,
            303);
  ASSERT_EQ(a.post(path("kunnskapsgrunnlag"), {{"kind", "erfaring"}, {"source", "Hemmelig kilde"}})
                .status,
            303);
  ASSERT_EQ(a.post(path("plan"), {{"type", "mote"},
                                  {"title", "Hemmelig møte"},
                                  {"starts_on", "01.12.2025"},
                                  {"status", "planlagt"}})
                .status,
            303);
  auto facilitator = user_in("USHT Isolasjon " + tag_, store::OrganisationKind::usht,
                             "usht-iso" + tag_ + "@usht.no", "Ulla Usht", Role::prosessveileder);
  ASSERT_TRUE(repo().add_collaborator(actor_, id_, facilitator.id).ok());
  const std::string part_ids[] = {partners().at(0).id, evidence().at(0).id, activities().at(0).id};

  auto intruder = user_in("Inntrenger kommune " + tag_, store::OrganisationKind::kommune,
                          "admin-w" + tag_ + "@annen.no", "Annen Admin", Role::administrator);
  Browser b = logged_in_browser(server_, intruder.email);
  // B's own initiative, to try A's part ids through it.
  store::Actor b_actor{intruder.organisation_id, intruder.id, Role::administrator};
  store::InitiativeDraft draft;
  draft.title = "B sitt initiativ";
  auto own = repo().create(b_actor, draft);
  ASSERT_TRUE(own.ok());

  // Every route of this file, from the server's own table.
  int walked = 0;
  for (const auto& route : server_->server->routes()) {
    const std::string& p = route.pattern;
    const bool mine = p.starts_with("/initiativ/:id/partnere") ||
                      p.starts_with("/initiativ/:id/kunnskapsgrunnlag") ||
                      p.starts_with("/initiativ/:id/plan") ||
                      p.starts_with("/initiativ/:id/samarbeid");
    if (!mine) continue;
    std::string part = p.find("partnere") != std::string::npos   ? part_ids[0]
                       : p.find("kunnskap") != std::string::npos ? part_ids[1]
                                                                 : part_ids[2];
    for (const std::string& initiative : {id_, own->id}) {
      std::string url = std::regex_replace(p, std::regex(":id"), initiative);
      url = std::regex_replace(url, std::regex(":part"), part);
      url = std::regex_replace(url, std::regex(":user"), facilitator.id);
      if (initiative == own->id && url.find(part) == std::string::npos &&
          url.find(facilitator.id) == std::string::npos)
        continue;  // B's own tab pages are B's business
      HttpResult r;
      if (route.method == web::Method::get) {
        r = b.get(url);
      } else {
        r = b.post(url, {{"version", "1"},
                         {"type", "ansatte"},
                         {"kind", "forskning"},
                         {"name", "Inntrenger"},
                         {"source", "Inntrenger"},
                         {"title", "Inntrenger"},
                         {"starts_on", "01.01.2026"},
                         {"status", "planlagt"},
                         {"email", "admin-w" + tag_ + "@annen.no"}});
      }
      EXPECT_EQ(r.status, 404) << to_string(route.method) << " " << url;
      for (const auto& secret : {"Hemmelig", "Hverdagsrehabilitering", "Ulla Usht"})
        EXPECT_FALSE(has(r.body, secret)) << url << " shows " << secret;
      ++walked;
    }
  }
  EXPECT_GE(walked, 20);
  EXPECT_EQ(partners().at(0).name, "Hemmelig partner");
  EXPECT_EQ(partners().at(0).version, 1);
  EXPECT_EQ(evidence().at(0).source, "Hemmelig kilde");
  EXPECT_EQ(activities().at(0).title, "Hemmelig møte");
  EXPECT_EQ(repo().collaborators(actor_, id_).value().size(), 1u);
  EXPECT_TRUE(repo().partners(b_actor, own->id).value().empty());
  EXPECT_EQ(a.get(path("partnere")).status, 200) << "A still sees its own";
}

// ------------------------------------------------- collaborators (issue 4)

TEST_F(InitiativeWorkTest, AnInvitedUshtFacilitatorSeesThisInitiativeAndNothingElse) {
  // Municipality A: this initiative, another one and a request.
  store::InitiativeDraft other_draft;
  other_draft.title = "Annet hemmelig initiativ";
  auto other = repo().create(actor_, other_draft);
  ASSERT_TRUE(other.ok());
  store::RequestDraft rd;
  rd.requester_org = "Sykehjemmet";
  rd.body = "Hemmelig henvendelse om ALS";
  rd.received_on = {2025, 11, 1};
  auto request = store::RequestRepository(*server_->db, server_->clock).create(actor_, rd);
  ASSERT_TRUE(request.ok());
  auto colleague = accounts().create_user(org_, "kollega-w" + tag_ + "@kommune.no",
                                          "Hemmelig Kollega", Role::leder, test_password_hash());
  ASSERT_TRUE(colleague.ok());

  const std::string usht = "USHT Vestfold " + tag_;
  auto facilitator = user_in(usht, store::OrganisationKind::usht, "ulla" + tag_ + "@usht.no",
                             "Ulla Utvikler", Role::prosessveileder);
  Browser owner = browser();
  auto invited = owner.post(path("samarbeid"), {{"email", "  ULLA" + tag_ + "@Usht.no "}});
  ASSERT_EQ(invited.status, 303) << invited.body;
  EXPECT_EQ(invited.header("location"), path("samarbeid") + "?melding=invitert");
  auto list = owner.get(invited.header("location"));
  EXPECT_TRUE(has(list.body, "Prosessveilederen er invitert"));
  EXPECT_TRUE(has(list.body, "Ulla Utvikler"));
  EXPECT_TRUE(has(list.body, usht));
  EXPECT_TRUE(has(list.body, "ulla" + tag_ + "@usht.no")) << "the owner sees the address";
  bool logged = false;
  for (const auto& e : audit())
    logged |= e.action == "collaborator_invited" && e.object_id == facilitator.id &&
              e.actor_user_id == actor_.user_id && has(e.detail, id_);
  EXPECT_TRUE(logged) << "the invitation is in A's audit log";

  Browser f = logged_in_browser(server_, facilitator.email);
  // This initiative and all its tabs.
  EXPECT_EQ(f.get("/initiativ/" + id_).status, 200);
  for (const auto& t : web::kInitiativeTabs) {
    auto r = f.get("/initiativ/" + id_ + (t.slug.empty() ? "" : "/" + std::string(t.slug)));
    EXPECT_EQ(r.status, 200) << t.slug;
    EXPECT_TRUE(has(r.body, "Hverdagsrehabilitering i sone nord")) << t.slug;
    EXPECT_FALSE(has(r.body, "Hemmelig")) << t.slug << ": nothing else of A";
  }
  auto collab_tab = f.get(path("samarbeid"));
  EXPECT_TRUE(has(collab_tab.body, "Du er invitert inn i dette initiativet."));
  EXPECT_FALSE(has(collab_tab.body, "Inviter en prosessveileder")) << "no invite form";
  // The list of initiatives shows this one and not A's other.
  auto mine = f.get("/initiativ");
  EXPECT_EQ(mine.status, 200);
  EXPECT_TRUE(has(mine.body, "Hverdagsrehabilitering i sone nord"));
  EXPECT_FALSE(has(mine.body, "Annet hemmelig initiativ"));
  // Nothing else of the municipality.
  EXPECT_EQ(f.get("/initiativ/" + other->id).status, 404);
  EXPECT_EQ(f.get("/initiativ/" + other->id + "/partnere").status, 404);
  EXPECT_EQ(f.get("/initiativ/" + other->id + "/samarbeid").status, 404);
  EXPECT_EQ(f.get("/henvendelser/" + request->id).status, 404);
  EXPECT_FALSE(has(f.get("/henvendelser").body, "Hemmelig henvendelse"));
  EXPECT_FALSE(has(f.get("/admin/brukere").body, "Hemmelig Kollega"));
  store::Actor f_actor{facilitator.organisation_id, facilitator.id, Role::prosessveileder};
  EXPECT_EQ(
      store::RequestRepository(*server_->db, server_->clock).get(f_actor, request->id).error().code,
      ErrorCode::not_found);
  // The collaborator works in the tabs; the change is in A's audit log under their name.
  ASSERT_EQ(
      f.post(path("partnere"), {{"type", "utdanning-forskning"}, {"name", "USHT Vestfold"}}).status,
      303);
  EXPECT_EQ(partners().size(), 1u);
  EXPECT_TRUE(audited("partner_added", facilitator.id));
  // …but does not manage who else comes in.
  EXPECT_EQ(f.post(path("samarbeid"), {{"email", "ulla" + tag_ + "@usht.no"}}).status, 404);
  EXPECT_EQ(f.post(path("samarbeid") + "/" + facilitator.id + "/fjern", {}).status, 404);
  EXPECT_EQ(repo().collaborators(actor_, id_).value().size(), 1u);

  // Removing them takes the access away.
  auto removed = owner.post(path("samarbeid") + "/" + facilitator.id + "/fjern", {});
  ASSERT_EQ(removed.status, 303);
  EXPECT_EQ(removed.header("location"), path("samarbeid") + "?melding=tilgang-fjernet");
  EXPECT_TRUE(repo().collaborators(actor_, id_).value().empty());
  bool removal_logged = false;
  for (const auto& e : audit())
    removal_logged |= e.action == "collaborator_removed" && e.object_id == facilitator.id;
  EXPECT_TRUE(removal_logged);
  EXPECT_EQ(f.get("/initiativ/" + id_).status, 404);
  for (const auto& tab : {"partnere", "kunnskapsgrunnlag", "plan", "samarbeid"})
    EXPECT_EQ(f.get(path(tab)).status, 404) << tab;
  EXPECT_EQ(f.post(path("partnere"), {{"type", "ansatte"}, {"name", "Etterpå"}}).status, 404);
  EXPECT_FALSE(has(f.get("/initiativ").body, "Hverdagsrehabilitering i sone nord"));
  EXPECT_EQ(owner.post(path("samarbeid") + "/" + facilitator.id + "/fjern", {}).status, 404)
      << "removing twice finds nobody";
}

TEST_F(InitiativeWorkTest, OnlyActiveUshtFacilitatorsCanBeInvitedAndRefusalsLookAlike) {
  const std::string usht = "USHT Telemark " + tag_;
  auto leader = user_in(usht, store::OrganisationKind::usht, "leder" + tag_ + "@usht.no",
                        "Lise Leder", Role::leder);
  auto admin = user_in(usht, store::OrganisationKind::usht, "admin" + tag_ + "@usht.no",
                       "Arne Admin", Role::administrator);
  auto pending = user_in(usht, store::OrganisationKind::usht, "ny" + tag_ + "@usht.no", "Nora Ny",
                         Role::prosessveileder, /*active=*/false);
  auto municipal = user_in("Nabokommune " + tag_, store::OrganisationKind::kommune,
                           "pv" + tag_ + "@nabo.kommune.no", "Kim Kommune", Role::prosessveileder);
  auto same_org = accounts().create_user(org_, "egen-pv" + tag_ + "@kommune.no", "Egen Veileder",
                                         Role::prosessveileder, test_password_hash());
  ASSERT_TRUE(same_org.ok());
  Browser owner = browser();
  std::string refusal;
  for (const std::string& email : {leader.email, admin.email, pending.email, municipal.email,
                                   same_org->email, "finnes-ikke" + tag_ + "@usht.no"}) {
    auto r = owner.post(path("samarbeid"), {{"email", email}});
    EXPECT_EQ(r.status, 400) << email;
    const std::string message = text_of_class(r.body, "field-error");
    EXPECT_TRUE(has(message, "Bare en aktiv prosessveileder i et annet utviklingssenter (USHT)"))
        << email << ": " << message;
    if (refusal.empty()) refusal = message;
    EXPECT_EQ(message, refusal) << email << ": every refusal is the same";
    EXPECT_TRUE(has(r.body, "value=\"" + email + "\"")) << "the typed address is kept";
    EXPECT_FALSE(has(r.body, "Lise Leder") || has(r.body, "Kim Kommune") || has(r.body, "Nora Ny"))
        << email << ": nothing about the person is shown";
  }
  auto malformed = owner.post(path("samarbeid"), {{"email", "ikke en adresse"}});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_TRUE(has(malformed.body, "Skriv en gyldig e-postadresse"));
  auto empty = owner.post(path("samarbeid"), {{"email", ""}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(has(empty.body, "Skriv e-postadressen til prosessveilederen."));
  auto long_address = owner.post(path("samarbeid"), {{"email", std::string(300, 'a') + "@x.no"}});
  EXPECT_EQ(long_address.status, 400);
  EXPECT_TRUE(repo().collaborators(actor_, id_).value().empty());
  for (const auto& e : audit())
    EXPECT_NE(e.action, "collaborator_invited") << "nothing was logged as invited";

  // Inviting the same facilitator twice says so.
  auto ok = user_in(usht, store::OrganisationKind::usht, "pv" + tag_ + "@usht.no", "Per Veileder",
                    Role::prosessveileder);
  ASSERT_EQ(owner.post(path("samarbeid"), {{"email", ok.email}}).status, 303);
  auto twice = owner.post(path("samarbeid"), {{"email", ok.email}});
  EXPECT_EQ(twice.status, 409);
  EXPECT_TRUE(has(twice.body, "Personen er allerede med i initiativet."));
  EXPECT_EQ(repo().collaborators(actor_, id_).value().size(), 1u);
  // A leader of the owning organisation may invite too (Permission::invite_collaborators).
  EXPECT_EQ(owner.post(path("samarbeid") + "/" + ok.id + "/fjern", {}).status, 303);
}

// The lookup behind the invitation is the one query that crosses
// organisations: it answers only for active users and says only who and where.
TEST_F(InitiativeWorkTest, FindByEmailAnswersOnlyForActiveUsers) {
  const std::string usht = "USHT Agder " + tag_;
  auto active = user_in(usht, store::OrganisationKind::usht, "aktiv" + tag_ + "@usht.no",
                        "Aktiv Person", Role::prosessveileder);
  auto pending = user_in(usht, store::OrganisationKind::usht, "venter" + tag_ + "@usht.no",
                         "Venter Person", Role::prosessveileder, /*active=*/false);
  auto found = accounts().find_by_email(active.email);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->user_id, active.id);
  EXPECT_EQ(found->display_name, "Aktiv Person");
  EXPECT_EQ(found->organisation_name, usht);
  EXPECT_EQ(found->organisation_kind, store::OrganisationKind::usht);
  EXPECT_EQ(accounts().find_by_email(pending.email).error().code, ErrorCode::not_found);
  EXPECT_EQ(accounts().find_by_email("ingen" + tag_ + "@usht.no").error().code,
            ErrorCode::not_found);
  EXPECT_EQ(accounts().find_by_email("").error().code, ErrorCode::not_found);
  ASSERT_TRUE(
      accounts().set_status(active.organisation_id, active.id, store::UserStatus::disabled).ok());
  EXPECT_EQ(accounts().find_by_email(active.email).error().code, ErrorCode::not_found)
      << "a disabled user is not found";
}

// The lookup and the invitation on both engines: the same answers from
// SQLite and PostgreSQL, and an unknown address refused like a leader.
class InitiativeWorkEngineTest : public ::testing::TestWithParam<store::Engine> {};

TEST_P(InitiativeWorkEngineTest, LookupAndInvitationBehaveTheSame) {
  std::string why;
  auto s = AppServer::start(GetParam(), why);
  SAMSKAP_REQUIRE_DB(s, why);
  store::AccountRepository accounts(*s->db, s->clock);
  auto kommune = accounts.create_organisation("Kommune E", store::OrganisationKind::kommune);
  auto usht = accounts.create_organisation("USHT E", store::OrganisationKind::usht);
  ASSERT_TRUE(kommune.ok() && usht.ok());
  auto owner = accounts.create_user(kommune->id, "eier@e.no", "Eier", Role::prosessveileder,
                                    test_password_hash());
  auto facilitator = accounts.create_user(usht->id, "pv@usht-e.no", "Per Veileder",
                                          Role::prosessveileder, test_password_hash());
  auto leader = accounts.create_user(usht->id, "leder@usht-e.no", "Lea Leder", Role::leder,
                                     test_password_hash());
  ASSERT_TRUE(owner.ok() && facilitator.ok() && leader.ok());
  auto found = accounts.find_by_email("pv@usht-e.no");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->user_id, facilitator->id);
  EXPECT_EQ(found->organisation_name, "USHT E");
  EXPECT_EQ(found->organisation_kind, store::OrganisationKind::usht);
  EXPECT_EQ(accounts.find_by_email("PV@usht-e.no").error().code, ErrorCode::not_found)
      << "the caller normalises";

  store::Actor actor{kommune->id, owner->id, Role::prosessveileder};
  store::InitiativeRepository repo(*s->db, s->clock);
  store::InitiativeDraft draft;
  draft.title = "Motor";
  auto i = repo.create(actor, draft);
  ASSERT_TRUE(i.ok());
  Browser b = logged_in_browser(s.get(), "eier@e.no");
  const std::string tab = "/initiativ/" + i->id + "/samarbeid";
  auto unknown = b.post(tab, {{"email", "ukjent@usht-e.no"}});
  auto refused = b.post(tab, {{"email", "leder@usht-e.no"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(text_of_class(unknown.body, "field-error"), text_of_class(refused.body, "field-error"));
  ASSERT_EQ(b.post(tab, {{"email", "Pv@Usht-E.no"}}).status, 303);
  auto list = repo.collaborators(actor, i->id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->at(0).user_id, facilitator->id);
  Browser f = logged_in_browser(s.get(), "pv@usht-e.no");
  EXPECT_EQ(f.get(tab).status, 200);
  EXPECT_EQ(b.post(tab + "/" + facilitator->id + "/fjern", {}).status, 303);
  EXPECT_EQ(f.get(tab).status, 404);
}

INSTANTIATE_TEST_SUITE_P(Engines, InitiativeWorkEngineTest,
                         ::testing::Values(store::Engine::sqlite, store::Engine::postgresql),
                         EngineName());

}  // namespace
}  // namespace samskap::testing
