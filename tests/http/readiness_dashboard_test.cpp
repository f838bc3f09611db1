// The readiness dashboard and its exports over HTTP (issue 6): a round above
// the minimum group shows its figures with small groups hidden (and their
// complements), a round below it shows nothing at all, linked participants'
// moves between rounds, the CSV parsed back and the XLSX opened as a zip,
// another organisation's 404, a deltaker's 403, and both languages.

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "cli/config.hpp"
#include "core/readiness_dashboard.hpp"
#include "server_fixture.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "store/readiness.hpp"
#include "support/browser.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "web/readiness_dashboard_pages.hpp"

namespace samskap::testing {
namespace {

using readiness::StagingAnswer;

bool has(const std::string& body, const std::string& needle) {
  return body.find(needle) != std::string::npos;
}

std::string header_of(const HttpResult& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string{} : it->second;
}

// A small RFC 4180 reader (quoted fields, doubled quotes, CRLF records).
std::vector<std::vector<std::string>> parse_csv(std::string_view s) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string f;
  bool q = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (q) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        f += '"';
        ++i;
      } else if (c == '"') {
        q = false;
      } else {
        f += c;
      }
    } else if (c == '"') {
      q = true;
    } else if (c == ',') {
      row.push_back(std::move(f));
      f.clear();
    } else if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      row.push_back(std::move(f));
      f.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      f += c;
    }
  }
  return rows;
}

class ReadinessDashboardTest : public SharedAppTest {
 protected:
  void SetUp() override {
    const std::string tag = std::to_string(++n_);
    store::AccountRepository accounts(*server_->db, server_->clock);
    auto org = accounts.create_organisation("Kommune D" + tag, store::OrganisationKind::kommune);
    ASSERT_TRUE(org.ok());
    org_ = org->id;
    auto north = accounts.create_unit(org_, "Hjemmetjenesten nord " + tag);
    auto east = accounts.create_unit(org_, "Liten enhet øst " + tag);
    ASSERT_TRUE(north.ok() && east.ok());
    north_ = north->id;
    east_ = east->id;
    north_name_ = north->name;
    east_name_ = east->name;
    email_ = "veileder-d" + tag + "@kommune.no";
    auto u = accounts.create_user(org_, email_, "Dina Veileder", Role::prosessveileder,
                                  test_password_hash());
    ASSERT_TRUE(u.ok());
    actor_ = {org_, u->id, Role::prosessveileder};
    deltaker_email_ = "deltaker-d" + tag + "@kommune.no";
    ASSERT_TRUE(accounts
                    .create_user(org_, deltaker_email_, "Dag Deltaker", Role::deltaker,
                                 test_password_hash())
                    .ok());
    store::InitiativeDraft draft;
    draft.title = "Hverdagsrehabilitering " + tag;
    auto i = store::InitiativeRepository(*server_->db, server_->clock).create(actor_, draft);
    ASSERT_TRUE(i.ok()) << i.error().detail;
    id_ = i->id;
  }
  store::ReadinessRepository repo() { return {*server_->db, server_->clock}; }
  std::string path(const std::string& rest) const {
    return "/initiativ/" + id_ + "/innsjekk" + rest;
  }

  store::ReadinessRound make_round(const std::string& title, std::vector<std::string> units = {}) {
    server_->clock.advance(std::chrono::hours(24));  // rounds in a clear order
    store::RoundDraft d;
    d.title = title;
    d.unit_ids = std::move(units);
    auto r = repo().create_round(actor_, id_, d);
    EXPECT_TRUE(r.ok()) << r.error().detail;
    return *r;
  }
  void answer(const store::ReadinessRound& r, StagingAnswer s, const std::string& unit = {},
              const std::string& code = {}, const std::string& text = {}) {
    store::Submission a;
    a.staging = s;
    a.unit_id = unit;
    a.importance = 8;
    a.confidence = 2;
    a.private_code = code;
    a.reflection = text;
    auto ok = repo().submit(r.join_code, a);
    ASSERT_TRUE(ok.ok()) << ok.error().message_key << " " << ok.error().detail;
  }

  // Round 1 (17 answers): 10 considering (6 with private codes), 6
  // preparing, 1 relapsed in the small east unit. Round 2 (6): the six
  // linked participants, now preparing. Round 3 (3): too few.
  void populate() {
    auto r1 = make_round("Oppstart", {north_, east_});
    for (int k = 0; k < 10; ++k)
      answer(r1, StagingAnswer::within_6_months, north_, k < 6 ? codes_[k] : "",
             k == 0 ? "Mer tid til opplæring" : "");
    for (int k = 0; k < 6; ++k)
      answer(r1, StagingAnswer::plan_within_1_month, north_);
    answer(r1, StagingAnswer::fell_back, east_, "", "Hemmelig tekst fra øst");
    auto r2 = make_round("Oppfølging");
    for (int k = 0; k < 6; ++k)
      answer(r2, StagingAnswer::plan_within_1_month, "", codes_[k]);
    auto r3 = make_round("Liten runde");
    for (int k = 0; k < 3; ++k)
      answer(r3, StagingAnswer::changing_now);
  }

  // "section|round|group" → count as exported.
  std::map<std::string, std::string> csv_map(const std::string& body) {
    EXPECT_TRUE(body.starts_with("\xEF\xBB\xBF")) << "UTF-8 byte order mark for Excel";
    std::map<std::string, std::string> m;
    auto rows = parse_csv(std::string_view(body).substr(3));
    EXPECT_GE(rows.size(), 2u);
    for (std::size_t k = 1; k < rows.size(); ++k) {
      EXPECT_EQ(rows[k].size(), 4u);
      if (rows[k].size() == 4) m[rows[k][0] + "|" + rows[k][1] + "|" + rows[k][2]] = rows[k][3];
    }
    return m;
  }

  static inline int n_ = 0;
  const std::vector<std::string> codes_ = {"K7QM-3XPA-9RWD", "K7QM-3XPA-9RWE", "K7QM-3XPA-9RWF",
                                           "K7QM-3XPA-9RWG", "K7QM-3XPA-9RWH", "K7QM-3XPA-9RWJ"};
  std::string north_name_, org_, email_, deltaker_email_, id_, north_, east_, east_name_;
  store::Actor actor_;
};

TEST_F(ReadinessDashboardTest, ShowsGroupsAboveTheMinimumAndHidesEverythingSmaller) {
  populate();
  Browser b = logged_in_browser(server_, email_);
  auto page = b.get(path("/resultater"));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_FALSE(has(page.body, "readiness.dashboard")) << "no catalogue key left untranslated";
  EXPECT_FALSE(has(page.body, "style=")) << "strict CSP";
  EXPECT_TRUE(has(page.body, "Resultater fra innsjekkene"));
  EXPECT_TRUE(has(page.body, "data-chart=\"chart-readiness-stages\""));
  EXPECT_TRUE(has(page.body, "\"stacked\":true"));
  EXPECT_TRUE(has(page.body, "<caption id=\"stages-caption\">")) << "the table beside the chart";
  EXPECT_TRUE(has(page.body, "<span class=\"suppressed\"")) << "hidden cells say so";
  EXPECT_TRUE(has(page.body, "Liten runde")) << "named among the rounds with too few answers";
  // Free text at initiative level: the largest round has 17 answers, so the
  // texts are shown, sorted, without round or unit.
  EXPECT_TRUE(has(page.body, "<li>Mer tid til opplæring</li>"));
  // The transition of the six linked participants, in words as well.
  EXPECT_TRUE(has(page.body, "Fra Oppstart til Oppfølging"));
  EXPECT_TRUE(has(page.body, "<span class=\"move__label\">framover</span>"));
}

TEST_F(ReadinessDashboardTest, CsvExportHasOnlyAggregatesWithTheSameSuppression) {
  populate();
  Browser b = logged_in_browser(server_, email_);
  auto r = b.get(path("/eksport.csv"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header_of(r, "content-type"), "text/csv; charset=utf-8");
  EXPECT_TRUE(has(header_of(r, "content-disposition"), "attachment; filename=\"innsjekk-"));
  auto m = csv_map(r.body);
  EXPECT_EQ(m["Svar i alt|Oppstart|"], "17");
  EXPECT_EQ(m["Stadium|Oppstart|Overveielse"], "10");
  EXPECT_EQ(m["Stadium|Oppstart|Tilbakefall"], "skjult") << "a group of 1";
  EXPECT_EQ(m["Stadium|Oppstart|Forberedelse"], "skjult") << "its complement, or 17-10-6 = 1";
  EXPECT_EQ(m["Stadium|Oppstart|Handling"], "0");
  EXPECT_EQ(m["Enhet|Oppstart|" + east_name_], "skjult");
  EXPECT_EQ(m["Enhet|Oppstart|" + north_name_], "skjult") << "the complement of the one in east";
  // Round 3 has 3 answers: nothing, not even its total.
  EXPECT_EQ(m["Svar i alt|Liten runde|"], "skjult");
  EXPECT_EQ(m["Stadium|Liten runde|Handling"], "skjult");
  for (const auto& [k, v] : m)
    if (k.find("|Liten runde|") != std::string::npos) {
      EXPECT_EQ(v, "skjult") << k;
    }
  // Linked participants: all six moved forward from considering to preparing.
  EXPECT_EQ(m["Fra og til|Oppstart → Oppfølging|Deltakere med svar i begge rundene"], "6");
  EXPECT_EQ(m["Fra og til|Oppstart → Oppfølging|Overveielse → Forberedelse"], "6");
  EXPECT_EQ(m["Bevegelse|Oppstart → Oppfølging|framover"], "6");
  EXPECT_EQ(m["Bevegelse|Oppstart → Oppfølging|tilbakefall"], "0");
  EXPECT_EQ(m["Fra og til|Oppfølging → Liten runde|Deltakere med svar i begge rundene"], "0");
  EXPECT_EQ(m["Minste gruppe som vises||"], "5");
  // Never a row per answer, never free text.
  EXPECT_FALSE(has(r.body, "Mer tid til opplæring"));
  EXPECT_FALSE(has(r.body, "Hemmelig tekst"));
}

TEST_F(ReadinessDashboardTest, XlsxExportIsAWorkbookWithTheSameFigures) {
  populate();
  Browser b = logged_in_browser(server_, email_);
  auto r = b.get(path("/eksport.xlsx"));
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 200);
  EXPECT_EQ(header_of(r, "content-type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  ASSERT_TRUE(r.body.starts_with("PK")) << "a zip";
  char tmpl[] = "/tmp/samskap-xlsx-test-XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  ::close(fd);
  const std::string file = tmpl;
  {
    std::ofstream out(file, std::ios::binary);
    out << r.body;
  }
  auto run = [&](const std::string& member) {
    auto p = run_process({"/usr/bin/unzip", "-p", file, member});
    EXPECT_EQ(p.exit_code, 0) << member;
    return p.out;
  };
  const std::string strings = run("xl/sharedStrings.xml");
  const std::string sheet = run("xl/worksheets/sheet1.xml");
  std::remove(file.c_str());
  EXPECT_TRUE(has(strings, "Overveielse"));
  EXPECT_TRUE(has(strings, "skjult"));
  EXPECT_TRUE(has(strings, "Oppstart"));
  EXPECT_TRUE(has(sheet, "<v>17</v>")) << "the round's total as a number";
  EXPECT_TRUE(has(sheet, "<v>10</v>"));
  EXPECT_FALSE(has(strings, "Hemmelig tekst"));
  EXPECT_FALSE(has(strings, "Mer tid til opplæring"));
}

TEST_F(ReadinessDashboardTest, ResponseRatePerUnitOnlyBesideAShownCount) {
  // North invited 40 and gave 12 answers; east invited 10 and gave 1 (its
  // count is hidden, so its rate is too); a third unit has no head count.
  store::AccountRepository accounts(*server_->db, server_->clock);
  auto west = accounts.create_unit(org_, "Vest " + id_);
  ASSERT_TRUE(west.ok());
  server_->clock.advance(std::chrono::hours(24));
  store::RoundDraft d{"Med antall", {north_, east_, west->id}, false};
  d.invited[north_] = 40;
  d.invited[east_] = 10;
  auto r = repo().create_round(actor_, id_, d);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  for (int k = 0; k < 12; ++k)
    answer(*r, StagingAnswer::within_6_months, north_);
  answer(*r, StagingAnswer::within_6_months, east_);
  for (int k = 0; k < 6; ++k)
    answer(*r, StagingAnswer::within_6_months, west->id);

  Browser b = logged_in_browser(server_, email_);
  auto page = b.get(path("/resultater"));
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "<th scope=\"col\" class=\"num\">Svarprosent</th>"));
  EXPECT_TRUE(has(page.body, "<td class=\"num\">40</td><td class=\"num\">30\xc2\xa0%</td>"))
      << "12 of 40";
  EXPECT_TRUE(has(page.body,
                  "<td class=\"num\">10</td><td class=\"num\"><span "
                  "class=\"suppressed\">skjult</span></td>"))
      << "east's 1 of 10 is hidden, and so is its rate";
  EXPECT_TRUE(has(page.body,
                  "<td class=\"num\">ikke oppgitt</td><td class=\"num\">ikke "
                  "oppgitt</td>"))
      << "no head count for west";
  EXPECT_FALSE(has(page.body, "10\xc2\xa0%")) << "1 of 10 must not show";

  auto m = csv_map(b.get(path("/eksport.csv")).body);
  EXPECT_EQ(m["Invitert|Med antall|" + north_name_], "40");
  EXPECT_EQ(m["Svarprosent (%)|Med antall|" + north_name_], "30");
  EXPECT_EQ(m["Invitert|Med antall|" + east_name_], "10");
  EXPECT_EQ(m["Svarprosent (%)|Med antall|" + east_name_], "skjult");
  EXPECT_EQ(m["Enhet|Med antall|" + east_name_], "skjult");
  EXPECT_EQ(m.count("Invitert|Med antall|Vest " + id_), 0u) << "no head count, no row";

  auto en = b.get(path("/resultater?lang=en"));
  EXPECT_TRUE(has(en.body, "<td class=\"num\">40</td><td class=\"num\">30%</td>"));
  EXPECT_TRUE(has(en.body, ">Response rate<"));
}

TEST_F(ReadinessDashboardTest, EnglishPage) {
  populate();
  Browser b = logged_in_browser(server_, email_);
  auto page = b.get(path("/resultater?lang=en"));
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "<html lang=\"en\""));
  EXPECT_TRUE(has(page.body, "Check-in results"));
  EXPECT_TRUE(has(page.body, ">hidden<"));
  EXPECT_FALSE(has(page.body, "readiness.dashboard"));
  auto csv = b.get(path("/eksport.csv?lang=en"));
  auto m = csv_map(csv.body);
  EXPECT_EQ(m["Answers in all|Oppstart|"], "17");
}

TEST_F(ReadinessDashboardTest, SmallGroupsShowNothingAndNoTexts) {
  auto r1 = make_round("Bare fire", {north_});
  for (int k = 0; k < 4; ++k)
    answer(r1, StagingAnswer::no_plans, north_, codes_[k], "Tekst nummer " + std::to_string(k));
  Browser b = logged_in_browser(server_, email_);
  auto page = b.get(path("/resultater"));
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "For få svar til å vise noe ennå"));
  EXPECT_FALSE(has(page.body, "Tekst nummer")) << "free text only at the minimum";
  EXPECT_FALSE(has(page.body, "data-chart=")) << "no chart for too few";
  EXPECT_FALSE(has(page.body, "Slik kan du møte dem")) << "no stage guidance either";
  auto m = csv_map(b.get(path("/eksport.csv")).body);
  for (const auto& [k, v] : m)
    if (k.find("|Bare fire|") != std::string::npos) {
      EXPECT_EQ(v, "skjult") << k;
    }
}

TEST_F(ReadinessDashboardTest, StageGuidanceAndTextsWhenTheGroupIsLargeEnough) {
  auto r1 = make_round("Fem", {});
  for (int k = 0; k < 5; ++k)
    answer(r1, StagingAnswer::within_6_months, "", "", "Tekst " + std::to_string(k));
  Browser b = logged_in_browser(server_, email_);
  auto page = b.get(path("/resultater"));
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "id=\"guidance-overveielse\""));
  EXPECT_TRUE(has(page.body, "5 personer i Fem"));
  EXPECT_TRUE(has(page.body, "Forslag til spørsmål"));
  EXPECT_TRUE(has(page.body, "<li>Tekst 0</li>"));
  EXPECT_FALSE(has(page.body, "id=\"guidance-handling\"")) << "only stages present";
}

TEST_F(ReadinessDashboardTest, AnotherOrganisationGets404AndADeltaker403) {
  populate();
  store::AccountRepository accounts(*server_->db, server_->clock);
  auto other =
      accounts.create_organisation("Annen kommune " + id_, store::OrganisationKind::kommune);
  ASSERT_TRUE(other.ok());
  const std::string mail = "fremmed-" + id_ + "@annen.no";
  ASSERT_TRUE(
      accounts
          .create_user(other->id, mail, "Frida Fremmed", Role::administrator, test_password_hash())
          .ok());
  Browser stranger = logged_in_browser(server_, mail);
  for (const auto* p : {"/resultater", "/eksport.csv", "/eksport.xlsx"}) {
    auto r = stranger.get(path(p));
    EXPECT_EQ(r.status, 404) << p;
    EXPECT_FALSE(has(r.body, "Oppstart")) << p;
  }
  Browser deltaker = logged_in_browser(server_, deltaker_email_);
  for (const auto* p : {"/resultater", "/eksport.csv", "/eksport.xlsx"})
    EXPECT_EQ(deltaker.get(path(p)).status, 403) << p;
  Browser anonymous{server_, {}};
  EXPECT_EQ(anonymous.get(path("/eksport.csv")).status, 303) << "to the login page";
}

// min_group_size: read from the TOML file and the environment, refused
// below the floor of 3, and used by the dashboard (a round of 4 is shown
// with 3, not with the default 5).
TEST(ReadinessMinGroupSetting, IsConfigurableAndUsedByTheDashboard) {
  auto none = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto def = cli::resolve_config({}, none, "", "");
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->min_group_size, 5);
  auto file = cli::resolve_config({}, none, "min_group_size = 7\n", "samskap.toml");
  ASSERT_TRUE(file.ok()) << file.error().detail;
  EXPECT_EQ(file->min_group_size, 7);
  auto env = [](const std::string& n) -> std::optional<std::string> {
    return n == "SAMSKAP_MIN_GROUP_SIZE" ? std::optional<std::string>("3") : std::nullopt;
  };
  EXPECT_EQ(cli::resolve_config({}, env, "", "")->min_group_size, 3);
  for (const char* bad : {"2", "0", "-5", "1001", "fem", ""})
    EXPECT_FALSE(cli::resolve_config({{"min_group_size", bad}}, none, "", "").ok()) << bad;

  std::string why;
  auto server = AppServer::start(store::Engine::sqlite, why);
  ASSERT_NE(server, nullptr) << why;
  store::AccountRepository accounts(*server->db, server->clock);
  auto org = accounts.create_organisation("Kommune M", store::OrganisationKind::kommune).value();
  auto user =
      accounts.create_user(org.id, "m@kommune.no", "M", Role::prosessveileder, test_password_hash())
          .value();
  store::Actor actor{org.id, user.id, Role::prosessveileder};
  store::InitiativeDraft draft;
  draft.title = "Liten gruppe";
  auto ini = store::InitiativeRepository(*server->db, server->clock).create(actor, draft).value();
  store::ReadinessRepository repo(*server->db, server->clock);
  store::RoundDraft rd;
  rd.title = "Fire";
  auto round = repo.create_round(actor, ini.id, rd).value();
  for (int k = 0; k < 4; ++k) {
    store::Submission a;
    a.staging = StagingAnswer::changing_now;
    ASSERT_TRUE(repo.submit(round.join_code, a).ok());
  }
  auto csv_for = [&](int min_group) {
    web::AppOptions o;
    o.min_group_size = min_group;
    auto metrics = std::make_shared<web::Metrics>();
    web::App app(o, *server->db, content::Catalog::embedded(), web::AssetTable::embedded(), metrics,
                 server->clock);
    web::Request req;
    req.route["id"] = ini.id;
    web::Principal p;
    p.user_id = user.id;
    p.organisation_id = org.id;
    p.role = Role::prosessveileder;
    req.principal = p;
    for (const auto& r : app.routes())
      if (r.pattern == "/initiativ/:id/innsjekk/eksport.csv") return r.handler(req).body;
    return std::string{};
  };
  EXPECT_TRUE(has(csv_for(3), "Svar i alt,Fire,,4\r\n"));
  EXPECT_TRUE(has(csv_for(5), "Svar i alt,Fire,,skjult\r\n"));
  EXPECT_TRUE(has(csv_for(1), "Minste gruppe som vises,,,3\r\n")) << "never below the floor";
}

TEST(ReadinessXlsx, SheetNamesAreMadeValid) {
  auto book = web::xlsx_workbook({{"a", "b"}, {"=1+1", "7"}}, "Resultater: [innsjekk]/*?");
  ASSERT_TRUE(book.ok());
  EXPECT_TRUE(book->starts_with("PK"));
}

}  // namespace
}  // namespace samskap::testing
