// The initiative tabs Mål, Forankring and Kompleksitet over HTTP (issue 5):
// each renders in both languages; the SMART check advises and never blocks;
// progress entries, anchoring assessments and the Cynefin choice are saved
// and shown; bad input gives field errors and saves nothing; a stale version
// is 409; another organisation's initiative is 404 on every route.

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "server_fixture.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "support/browser.hpp"
#include "support/http_client.hpp"

namespace samskap::testing {
namespace {

namespace ini = initiative;
using Fields = std::vector<std::pair<std::string, std::string>>;

bool has(const std::string& body, const std::string& needle) {
  return body.find(needle) != std::string::npos;
}

class InitiativePartsTest : public SharedAppTest {
 protected:
  void SetUp() override {
    static int n = 0;
    const std::string tag = std::to_string(++n);
    store::AccountRepository accounts(*server_->db, server_->clock);
    auto org = accounts.create_organisation("Kommune " + tag, store::OrganisationKind::kommune);
    ASSERT_TRUE(org.ok());
    org_ = org->id;
    email_ = "veileder" + tag + "@kommune.no";
    auto u = accounts.create_user(org_, email_, "Vera Veileder", Role::prosessveileder,
                                  test_password_hash());
    ASSERT_TRUE(u.ok());
    actor_ = {org_, u->id, Role::prosessveileder};
    store::InitiativeDraft draft;
    draft.title = "Færre fall på sykehjemmet";
    draft.vision = "Trygge beboere som kan bevege seg fritt.";
    auto i = repo().create(actor_, draft);
    ASSERT_TRUE(i.ok()) << i.error().detail;
    id_ = i->id;
  }
  store::InitiativeRepository repo() { return {*server_->db, server_->clock}; }
  Browser browser() { return logged_in_browser(server_, email_); }
  std::string path(const std::string& tab) const { return "/initiativ/" + id_ + "/" + tab; }
  std::vector<store::Goal> goals() { return repo().goals(actor_, id_).value(); }
  std::vector<std::string> audit_actions() {
    std::vector<std::string> out;
    auto entries = store::AuditLog(*server_->db, server_->clock).list(org_, 100);
    EXPECT_TRUE(entries.ok());
    if (entries)
      for (const auto& e : *entries)
        out.push_back(e.action);
    return out;
  }
  // Every anchoring item scored `score`, with a note on the first.
  static Fields all_scores(int score, const std::string& date) {
    Fields f{{"assessed_on", date}};
    for (auto item : ini::kAnchoringItems)
      f.emplace_back("score-" + std::string(ini::slug(item)), std::to_string(score));
    f.emplace_back("note-tydelig-visjon", "Visjonen er kjent i ledergruppen");
    return f;
  }

  std::string org_, email_, id_;
  store::Actor actor_;
};

TEST_F(InitiativePartsTest, EachTabRendersInBothLanguages) {
  Browser b = browser();
  struct Case {
    std::string tab, nb, en;
  };
  const std::vector<Case> cases = {
      {"mal", "SMART-mål", "SMART goals"},
      {"forankring", "Ny egenvurdering", "New self-assessment"},
      {"kompleksitet", "Er det en krise som må stabiliseres nå?", "The questions"},
  };
  for (const auto& c : cases) {
    auto nb = b.get(path(c.tab) + "?lang=nb");
    ASSERT_EQ(nb.status, 200) << c.tab << nb.body;
    EXPECT_TRUE(has(nb.body, c.nb)) << c.tab;
    EXPECT_TRUE(has(nb.body, "Færre fall på sykehjemmet")) << c.tab << ": the header first";
    EXPECT_TRUE(has(nb.body, "aria-current=\"page\"")) << c.tab << ": its tab is current";
    EXPECT_FALSE(has(nb.body, "initiative.")) << c.tab << ": no catalogue key left untranslated";
    auto en = b.get(path(c.tab) + "?lang=en");
    ASSERT_EQ(en.status, 200) << c.tab;
    EXPECT_TRUE(has(en.body, c.en)) << c.tab;
    EXPECT_FALSE(has(en.body, c.nb)) << c.tab;
    EXPECT_FALSE(has(en.body, "initiative.")) << c.tab << ": no catalogue key left untranslated";
  }
  auto goals = b.get(path("mal") + "?lang=nb");
  EXPECT_TRUE(has(goals.body, "Trygge beboere som kan bevege seg fritt.")) << "vision read-only";
  EXPECT_TRUE(has(goals.body, "/initiativ/" + id_ + "/rediger")) << "the vision is edited there";
  auto anchoring = b.get(path("forankring"));
  EXPECT_TRUE(has(anchoring.body, "Eierskap på alle nivå"));
  EXPECT_TRUE(has(anchoring.body, "href=\"/kunnskap/forankring\""));
  EXPECT_TRUE(has(anchoring.body, "<legend>"));
  auto complexity = b.get(path("kompleksitet"));
  EXPECT_TRUE(has(complexity.body, "href=\"/kunnskap/kompleksitet\""));
  EXPECT_TRUE(has(complexity.body, "Følg forslaget"));
}

TEST_F(InitiativePartsTest, GoalWithGapsShowsTheAdviceAndIsSavedAnyway) {
  Browser b = browser();
  auto r = b.post(path("mal"), {{"statement", "Bedre trivsel på avdelingen"}});
  ASSERT_EQ(r.status, 303) << r.body;
  const std::string location = r.header("location");
  auto saved = goals();
  ASSERT_EQ(saved.size(), 1u) << "the SMART check never blocks saving";
  EXPECT_EQ(saved[0].statement, "Bedre trivsel på avdelingen");
  EXPECT_TRUE(has(location, "lagret=" + saved[0].id)) << location;

  auto page = b.get(location.substr(0, location.find('#')));
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "Målet er lagret."));
  EXPECT_TRUE(has(page.body, "Mangler: målbar indikator, målverdi, utgangspunkt, frist, eier"))
      << "the advice right after saving";
  EXPECT_TRUE(has(page.body, "Målet mangler en målbar indikator: hva skal dere måle?"));
  EXPECT_TRUE(has(page.body, "vage ord")) << "«bedre» without a number is vague";
  EXPECT_TRUE(has(page.body, "Rådene stopper ikke lagring."));
  // The advice stays next to the goal on every later visit.
  auto later = b.get(path("mal"));
  EXPECT_TRUE(has(later.body, "Mangler:"));
  EXPECT_FALSE(has(later.body, "Målet er lagret."));
  auto actions = audit_actions();
  EXPECT_NE(std::find(actions.begin(), actions.end(), "goal_added"), actions.end());
}

TEST_F(InitiativePartsTest, ACompleteGoalWithDecimalCommaHasNoGaps) {
  Browser b = browser();
  auto r = b.post(path("mal"), {{"statement", "Redusere antall fall fra 12,5 til 8 per måned"},
                                {"indicator", "Antall fall per måned"},
                                {"baseline", "12,5"},
                                {"target", "8"},
                                {"due", "01.06.2027"},
                                {"owner", "Avdelingsleder"}});
  ASSERT_EQ(r.status, 303) << r.body;
  auto saved = goals();
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_DOUBLE_EQ(*saved[0].baseline, 12.5);
  EXPECT_DOUBLE_EQ(*saved[0].target, 8.0);
  EXPECT_EQ(saved[0].due, (ini::Date{2027, 6, 1}));
  auto nb = b.get(path("mal") + "?lang=nb");
  EXPECT_TRUE(has(nb.body, "12,5"));
  EXPECT_TRUE(has(nb.body, "01.06.2027"));
  EXPECT_TRUE(has(nb.body, "SMART-sjekken fant ingen mangler."));
  EXPECT_FALSE(has(nb.body, "Mangler:"));
  auto en = b.get(path("mal") + "?lang=en");
  EXPECT_TRUE(has(en.body, "12.5"));
  EXPECT_TRUE(has(en.body, "2027-06-01"));
}

TEST_F(InitiativePartsTest, BadNumbersAndDatesGiveFieldErrorsAndSaveNothing) {
  Browser b = browser();
  auto r = b.post(path("mal"), {{"statement", "Færre fall"},
                                {"baseline", "tolv"},
                                {"target", "8,5,1"},
                                {"due", "31.02.2027"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has(r.body, "Skriv et tall, for eksempel 12 eller 12,5."));
  EXPECT_TRUE(has(r.body, "Datoen finnes ikke."));
  EXPECT_TRUE(has(r.body, "href=\"#goal-baseline\""));
  EXPECT_TRUE(has(r.body, "href=\"#goal-target\""));
  EXPECT_TRUE(has(r.body, "href=\"#goal-due\""));
  EXPECT_TRUE(has(r.body, "aria-invalid=\"true\""));
  EXPECT_TRUE(has(r.body, "value=\"tolv\"")) << "what the user typed is kept";
  EXPECT_TRUE(has(r.body, ">Færre fall</textarea>"));
  EXPECT_TRUE(goals().empty());

  auto format = b.post(path("mal"), {{"statement", "Færre fall"}, {"due", "juni 2027"}});
  EXPECT_EQ(format.status, 400);
  EXPECT_TRUE(has(format.body, "Skriv datoen som dd.mm.åååå"));
  auto empty = b.post(path("mal"), {{"statement", "   "}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(has(empty.body, "Skriv målet med ord"));
  EXPECT_TRUE(goals().empty());
}

TEST_F(InitiativePartsTest, ProgressEntriesAppearInTheTableAndChart) {
  Browser b = browser();
  ASSERT_EQ(b.post(path("mal"), {{"statement", "Færre fall per måned"},
                                 {"indicator", "Fall per måned"},
                                 {"baseline", "12"},
                                 {"target", "6"}})
                .status,
            303);
  const std::string goal = goals().at(0).id;
  const std::string base = path("mal") + "/" + goal + "/maling";
  auto first = b.post(base, {{"value", "10,5"}, {"measured_on", "01.09.2025"}, {"note", "Første"}});
  ASSERT_EQ(first.status, 303) << first.body;
  auto second = b.post(base, {{"value", "9"}, {"measured_on", "2025-10-01"}, {"note", ""}});
  ASSERT_EQ(second.status, 303) << second.body;
  const std::string location = second.header("location");
  EXPECT_TRUE(has(location, "?maling=" + goal)) << location;
  auto page = b.get(location.substr(0, location.find('#')) + "&lang=nb");
  EXPECT_TRUE(has(page.body, "Målingen er lagret."));
  EXPECT_TRUE(has(page.body, "<td>01.09.2025</td><td class=\"num\">10,5</td><td>Første</td>"));
  EXPECT_TRUE(has(page.body, "<td>01.10.2025</td><td class=\"num\">9</td>"));
  EXPECT_TRUE(has(page.body, "data-chart=\"chart-goal-" + goal + "\""));
  // The chart spec carries the baseline and target as reference series.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m,
                                std::regex("id=\"chart-goal-" + goal + "\">([^<]*)</script>")));
  EXPECT_TRUE(has(m[1], "\"data\":[10.5,9.0]") || has(m[1], "\"data\":[10.5,9]")) << m[1];
  EXPECT_TRUE(has(m[1], "{\"data\":[12.0,12.0],\"label\":\"Utgangspunkt\"}")) << m[1];
  EXPECT_TRUE(has(m[1], "{\"data\":[6.0,6.0],\"label\":\"Målverdi\"}")) << m[1];

  // Bad value and date: field errors, nothing saved.
  auto bad = b.post(base, {{"value", "ti"}, {"measured_on", "2025-13-01"}, {"note", "x"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(has(bad.body, "href=\"#progress-" + goal + "-value\""));
  EXPECT_TRUE(has(bad.body, "href=\"#progress-" + goal + "-measured_on\""));
  EXPECT_TRUE(has(bad.body, "value=\"ti\""));
  auto missing = b.post(base, {{"value", ""}, {"measured_on", ""}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(has(missing.body, "Skriv verdien dere målte"));
  EXPECT_TRUE(has(missing.body, "Skriv en dato."));
  ASSERT_EQ(goals().at(0).progress.size(), 2u);

  // Removing an entry.
  const std::string entry = goals().at(0).progress.at(0).id;
  auto removed = b.post(base + "/" + entry + "/slett", {});
  EXPECT_EQ(removed.status, 303);
  ASSERT_EQ(goals().at(0).progress.size(), 1u);
  EXPECT_EQ(b.post(base + "/" + entry + "/slett", {}).status, 404) << "already gone";
  auto actions = audit_actions();
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "progress_added"), 2);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "progress_removed"), 1);
}

TEST_F(InitiativePartsTest, EditingAGoalUsesItsVersionAndDeletingRemovesIt) {
  Browser b = browser();
  ASSERT_EQ(b.post(path("mal"), {{"statement", "Færre fall"}}).status, 303);
  const auto goal = goals().at(0);
  const std::string edit = path("mal") + "/" + goal.id + "/endre";
  auto form = b.get(edit);
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(has(form.body, "name=\"version\" value=\"1\""));
  EXPECT_TRUE(has(form.body, ">Færre fall</textarea>"));
  auto ok =
      b.post(edit, {{"version", "1"}, {"statement", "Færre fall om natten"}, {"owner", "Kari"}});
  ASSERT_EQ(ok.status, 303) << ok.body;
  EXPECT_EQ(goals().at(0).statement, "Færre fall om natten");
  // Someone saved meanwhile: the form started from version 1.
  auto stale =
      b.post(edit, {{"version", "1"}, {"statement", "Overskriver ikke"}, {"owner", "Per"}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_TRUE(has(stale.body, "Noen andre har endret dette mens du skrev."));
  EXPECT_TRUE(has(stale.body, ">Overskriver ikke</textarea>")) << "nothing typed is lost";
  EXPECT_TRUE(has(stale.body, "name=\"version\" value=\"2\""));
  EXPECT_EQ(goals().at(0).statement, "Færre fall om natten");
  auto bad = b.post(edit, {{"version", "2"}, {"statement", "Færre fall"}, {"target", "mange"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(goals().at(0).statement, "Færre fall om natten");
  EXPECT_EQ(b.post(edit, {{"statement", "Uten versjon"}}).status, 400);

  auto del = b.post(path("mal") + "/" + goal.id + "/slett", {});
  EXPECT_EQ(del.status, 303);
  EXPECT_TRUE(goals().empty());
  EXPECT_TRUE(has(b.get(path("mal") + "?slettet=1").body, "Målet er slettet."));
  EXPECT_EQ(b.get(edit).status, 404);
  auto actions = audit_actions();
  EXPECT_NE(std::find(actions.begin(), actions.end(), "goal_updated"), actions.end());
  EXPECT_NE(std::find(actions.begin(), actions.end(), "goal_removed"), actions.end());
}

TEST_F(InitiativePartsTest, AnchoringWithAMissingItemIsRefused) {
  Browser b = browser();
  Fields f = all_scores(3, "01.09.2025");
  f.erase(std::remove_if(f.begin(), f.end(),
                         [](const auto& kv) { return kv.first == "score-ledelse"; }),
          f.end());
  auto r = b.post(path("forankring"), f);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has(r.body, "Tydelig og mestringsorientert ledelse: Velg en verdi fra 1 til 5."));
  EXPECT_TRUE(has(r.body, "href=\"#score-ledelse-1\""));
  EXPECT_TRUE(has(r.body, "Visjonen er kjent i ledergruppen")) << "the notes are kept";
  EXPECT_TRUE(has(r.body, "id=\"score-eierskap-3\" name=\"score-eierskap\" value=\"3\" checked"))
      << "the chosen scores are kept";
  EXPECT_TRUE(repo().assessments(actor_, id_).value().empty());

  for (const std::string bad : {"0", "6", "-1", "3abc", "99999999999", "3.0", ""}) {
    Fields g = all_scores(3, "01.09.2025");
    g[1].second = bad;
    EXPECT_EQ(b.post(path("forankring"), g).status, 400) << bad;
  }
  Fields no_date = all_scores(3, "");
  auto nd = b.post(path("forankring"), no_date);
  EXPECT_EQ(nd.status, 400);
  EXPECT_TRUE(has(nd.body, "Skriv en dato."));
  Fields long_note = all_scores(3, "01.09.2025");
  long_note.emplace_back("note-tillit-respekt", std::string(2001, 'a'));
  EXPECT_EQ(b.post(path("forankring"), long_note).status, 400);
  EXPECT_TRUE(repo().assessments(actor_, id_).value().empty());
}

TEST_F(InitiativePartsTest, TwoAssessmentsAppearInTheHistory) {
  Browser b = browser();
  auto first = b.post(path("forankring"), all_scores(2, "01.09.2025"));
  ASSERT_EQ(first.status, 303) << first.body;
  Fields second = all_scores(4, "2025-11-01");
  second[1].second = "5";  // tydelig-visjon
  second.back().second = "Visjonen er nå kjent i hele avdelingen";
  ASSERT_EQ(b.post(path("forankring"), second).status, 303);
  ASSERT_EQ(repo().assessments(actor_, id_).value().size(), 2u);

  auto page = b.get(path("forankring") + "?lang=nb");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body,
                  "<th scope=\"col\" class=\"num\">01.09.2025</th><th scope=\"col\" "
                  "class=\"num\">01.11.2025</th>"));
  EXPECT_TRUE(has(page.body,
                  "<th scope=\"row\">Tydelig visjon</th><td class=\"num\">2</td><td "
                  "class=\"num\">5</td>"));
  // Average of the second: (5 + 6 × 4) / 7 = 4.142857…
  EXPECT_TRUE(has(page.body,
                  "<th scope=\"row\">Gjennomsnitt</th><td class=\"num\">2</td><td "
                  "class=\"num\">4,14</td>"));
  EXPECT_TRUE(has(page.body, "data-chart=\"chart-anchoring\""));
  EXPECT_TRUE(has(page.body, "Notater fra siste vurdering (01.11.2025)"));
  EXPECT_TRUE(has(page.body, "Visjonen er nå kjent i hele avdelingen"));
  EXPECT_FALSE(has(page.body, "Visjonen er kjent i ledergruppen")) << "only the latest notes";
  auto en = b.get(path("forankring") + "?lang=en");
  EXPECT_TRUE(has(en.body, "2025-11-01"));
  EXPECT_TRUE(has(en.body, "4.14"));
  auto actions = audit_actions();
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "anchoring_assessed"), 2);
}

TEST_F(InitiativePartsTest, CynefinAnswersGiveTheSuggestionAndTheKnowledgeBaseApproach) {
  Browser b = browser();
  auto r = b.post(path("kompleksitet"), {{"version", "1"},
                                         {"q-crisis", "nei"},
                                         {"q-agreement", "ja"},
                                         {"q-known-solution", "nei"},
                                         {"q-expertise", "nei"},
                                         {"q-predictable", "nei"},
                                         {"chosen", ""},
                                         {"note", ""}});
  ASSERT_EQ(r.status, 303) << r.body;
  auto i = repo().get(actor_, id_).value();
  EXPECT_EQ(i.cynefin_suggested, ini::CynefinDomain::complex);
  EXPECT_FALSE(i.cynefin_chosen.has_value());
  auto page = b.get(path("kompleksitet") + "?lagret=1&lang=nb");
  EXPECT_TRUE(has(page.body, "Vurderingen er lagret."));
  EXPECT_TRUE(has(page.body, "<strong>Komplekst</strong>"));
  EXPECT_TRUE(has(page.body, "Det er ikke mulig å forutsi hva en endring vil føre til."));
  EXPECT_TRUE(has(page.body, "Prøve ut – registrere – respondere"));
  EXPECT_TRUE(has(page.body, "Gjør små utprøvinger som trygt kan mislykkes"));
  EXPECT_TRUE(has(page.body, "href=\"/kunnskap/kompleksitet#cynefin.complex\""));
  EXPECT_TRUE(has(page.body, "id=\"q-agreement-ja\" name=\"q-agreement\" value=\"ja\" checked"))
      << "the saved answers are shown";
  auto en = b.get(path("kompleksitet") + "?lang=en");
  EXPECT_TRUE(has(en.body, "Run small experiments that can safely fail"));

  // A crisis: chaotic, whatever else.
  ASSERT_EQ(b.post(path("kompleksitet"), {{"version", "2"}, {"q-crisis", "ja"}}).status, 303);
  EXPECT_EQ(repo().get(actor_, id_).value().cynefin_suggested, ini::CynefinDomain::chaotic);
  // Unanswered counts as unsure: three or more → disorder.
  ASSERT_EQ(b.post(path("kompleksitet"), {{"version", "3"}, {"q-agreement", "ja"}}).status, 303);
  EXPECT_EQ(repo().get(actor_, id_).value().cynefin_suggested, ini::CynefinDomain::disorder);
  auto actions = audit_actions();
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "complexity_set"), 3);
}

TEST_F(InitiativePartsTest, TheFacilitatorCanOverrideTheSuggestion) {
  Browser b = browser();
  auto r = b.post(path("kompleksitet"), {{"version", "1"},
                                         {"q-crisis", "nei"},
                                         {"q-agreement", "nei"},
                                         {"q-known-solution", "nei"},
                                         {"q-expertise", "nei"},
                                         {"q-predictable", "usikker"},
                                         {"chosen", "complicated"},
                                         {"note", "Vi har fagfolk som kjenner feltet godt."}});
  ASSERT_EQ(r.status, 303) << r.body;
  auto i = repo().get(actor_, id_).value();
  EXPECT_EQ(i.cynefin_suggested, ini::CynefinDomain::complex);
  EXPECT_EQ(i.cynefin_chosen, ini::CynefinDomain::complicated);
  EXPECT_EQ(i.cynefin_note, "Vi har fagfolk som kjenner feltet godt.");
  auto page = b.get(path("kompleksitet"));
  EXPECT_TRUE(has(page.body, "<strong>Komplekst</strong>")) << "the suggestion stays visible";
  EXPECT_TRUE(has(page.body, "Dere har valgt"));
  EXPECT_TRUE(has(page.body, "<strong>Komplisert</strong>"));
  EXPECT_TRUE(has(page.body, "Registrere – analysere – respondere"))
      << "the chosen domain's approach";
  EXPECT_TRUE(has(page.body, "<option value=\"complicated\" selected>"));
  EXPECT_TRUE(has(page.body, "Vi har fagfolk som kjenner feltet godt."));
  // Back to the suggestion.
  ASSERT_EQ(b.post(path("kompleksitet"), {{"version", "2"}, {"q-agreement", "nei"}, {"chosen", ""}})
                .status,
            303);
  EXPECT_FALSE(repo().get(actor_, id_).value().cynefin_chosen.has_value());
}

TEST_F(InitiativePartsTest, ComplexityWithAStaleVersionIs409AndBadInputIs400) {
  Browser b = browser();
  ASSERT_EQ(b.post(path("kompleksitet"), {{"version", "1"}, {"q-crisis", "ja"}}).status, 303);
  auto stale = b.post(path("kompleksitet"), {{"version", "1"},
                                             {"q-crisis", "nei"},
                                             {"q-agreement", "ja"},
                                             {"q-known-solution", "ja"},
                                             {"note", "Mitt notat"}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_TRUE(has(stale.body, "Noen andre har endret dette mens du skrev."));
  EXPECT_TRUE(has(stale.body, "Mitt notat")) << "what the user typed is kept";
  EXPECT_TRUE(has(stale.body, "name=\"version\" value=\"2\""));
  EXPECT_EQ(repo().get(actor_, id_).value().cynefin_suggested, ini::CynefinDomain::chaotic);

  auto bad = b.post(path("kompleksitet"),
                    {{"version", "2"}, {"q-crisis", "kanskje"}, {"chosen", "<script>"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(has(bad.body, "Velg ja, nei eller usikker."));
  EXPECT_TRUE(has(bad.body, "Velg et domene fra listen."));
  EXPECT_FALSE(has(bad.body, "<script>")) << "escaped";
  auto long_note =
      b.post(path("kompleksitet"), {{"version", "2"}, {"note", std::string(2001, 'x')}});
  EXPECT_EQ(long_note.status, 400);
  EXPECT_TRUE(has(long_note.body, "href=\"#note\""));
  for (const std::string v : {"", "x", "-1", "1e3", "99999999999"})
    EXPECT_EQ(b.post(path("kompleksitet"), {{"version", v}, {"q-crisis", "nei"}}).status, 400) << v;
  EXPECT_EQ(repo().get(actor_, id_).value().version, 2);
}

TEST_F(InitiativePartsTest, HostileGoalInputIsRefusedCleanly) {
  Browser b = browser();
  const std::vector<std::string> numbers = {
      "1e400", "NaN", "inf", "--1", "1,2,3", "12abc", std::string(60, '9'), "0x10", "١٢"};
  for (const auto& n : numbers) {
    auto r = b.post(path("mal"), {{"statement", "Mål"}, {"baseline", n}});
    EXPECT_EQ(r.status, 400) << n;
  }
  for (const std::string& d :
       std::vector<std::string>{"00.00.2027", "29.02.2027", "2027-02-30", "1.1.1899", "01/06/2027",
                                "2027-6-1x", std::string(500, '1')}) {
    auto r = b.post(path("mal"), {{"statement", "Mål"}, {"due", d}});
    EXPECT_EQ(r.status, 400) << d;
  }
  auto too_long = b.post(path("mal"), {{"statement", std::string(1001, 'a')}});
  EXPECT_EQ(too_long.status, 400);
  EXPECT_TRUE(has(too_long.body, "href=\"#goal-statement\""));
  auto control = b.post(path("mal"), {{"statement", "Mål"}, {"owner", "Kari\nOlsen"}});
  EXPECT_EQ(control.status, 400);
  EXPECT_TRUE(has(control.body, "href=\"#goal-owner\"")) << control.body;
  auto markup = b.post(path("mal"), {{"statement", "<img src=x onerror=alert(1)>"}});
  ASSERT_EQ(markup.status, 303);
  auto page = b.get(path("mal"));
  EXPECT_FALSE(has(page.body, "<img src=x")) << "escaped";
  EXPECT_TRUE(has(page.body, "&lt;img src=x"));
  EXPECT_EQ(goals().size(), 1u);
  EXPECT_EQ(b.get(path("mal") + "/finnes-ikke/endre").status, 404);
  EXPECT_EQ(
      b.post(path("mal") + "/finnes-ikke/maling", {{"value", "1"}, {"measured_on", "01.01.2026"}})
          .status,
      404);
}

TEST_F(InitiativePartsTest, AnotherOrganisationGets404OnEveryRoute) {
  // A's goal with a progress entry and an assessment, so every id is real.
  Browser a = browser();
  ASSERT_EQ(a.post(path("mal"), {{"statement", "Hemmelig mål"}}).status, 303);
  const std::string goal = goals().at(0).id;
  ASSERT_EQ(
      a.post(path("mal") + "/" + goal + "/maling", {{"value", "1"}, {"measured_on", "01.10.2025"}})
          .status,
      303);
  const std::string entry = goals().at(0).progress.at(0).id;
  ASSERT_EQ(a.post(path("forankring"), all_scores(3, "01.10.2025")).status, 303);

  store::AccountRepository accounts(*server_->db, server_->clock);
  auto other = accounts.create_organisation("Annen kommune", store::OrganisationKind::kommune);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(accounts
                  .create_user(other->id, "admin@annen.no", "Annen Admin", Role::administrator,
                               test_password_hash())
                  .ok());
  Browser b = logged_in_browser(server_, "admin@annen.no");
  const std::string g = path("mal") + "/" + goal;
  for (const auto& p : {path("mal"), path("forankring"), path("kompleksitet"), g + "/endre"}) {
    auto r = b.get(p);
    EXPECT_EQ(r.status, 404) << p;
    EXPECT_FALSE(has(r.body, "Hemmelig mål")) << p;
    EXPECT_FALSE(has(r.body, "Færre fall på sykehjemmet")) << p;
  }
  const std::vector<std::pair<std::string, Fields>> posts = {
      {path("mal"), {{"statement", "Inntrenger"}}},
      {g + "/endre", {{"version", "1"}, {"statement", "Inntrenger"}}},
      {g + "/maling", {{"value", "5"}, {"measured_on", "01.11.2025"}}},
      {g + "/maling/" + entry + "/slett", {}},
      {g + "/slett", {}},
      {path("forankring"), all_scores(1, "01.11.2025")},
      {path("kompleksitet"), {{"version", "1"}, {"q-crisis", "ja"}}},
      // Bad input too: the 404 comes before any form is read.
      {path("mal"), {{"statement", ""}, {"baseline", "x"}}},
      {path("kompleksitet"), {{"version", "x"}}},
  };
  for (const auto& [p, fields] : posts) {
    auto r = b.post(p, fields);
    EXPECT_EQ(r.status, 404) << p;
    EXPECT_FALSE(has(r.body, "Hemmelig mål")) << p;
  }
  auto after = goals();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].statement, "Hemmelig mål");
  EXPECT_EQ(after[0].progress.size(), 1u);
  EXPECT_EQ(repo().assessments(actor_, id_).value().size(), 1u);
  auto i = repo().get(actor_, id_).value();
  EXPECT_FALSE(i.cynefin_suggested.has_value());
  EXPECT_EQ(a.get(path("mal")).status, 200) << "A still sees its own";
}

}  // namespace
}  // namespace samskap::testing
