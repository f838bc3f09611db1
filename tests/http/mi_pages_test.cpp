// The MI analysis page over HTTP: who may use it, the result page for a
// Norwegian and an English transcript, bad input answered 422 with the text
// kept, CSRF, and that nothing of the transcript is stored.

#include <gtest/gtest.h>

#include <soci/soci.h>
#include <fstream>
#include <map>
#include <sstream>

#include "server_fixture.hpp"
#include "store/accounts.hpp"
#include "store/secrets.hpp"
#include "support/browser.hpp"
#include "support/http_client.hpp"

namespace samskap::testing {
namespace {

const std::string& kPassword = kTestPassword;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool has(const std::string& body, const std::string& needle) {
  return body.find(needle) != std::string::npos;
}

class MiPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    s_ = AppServer::start(store::Engine::sqlite, why);
    ASSERT_TRUE(s_) << why;
    store::AccountRepository accounts(*s_->db, s_->clock);
    auto org = accounts.create_organisation("Horten kommune", store::OrganisationKind::kommune);
    ASSERT_TRUE(org.ok());
    org_id_ = org->id;
    for (auto [email, role] : {std::pair{"leder@horten.no", Role::leder},
                               std::pair{"veileder@horten.no", Role::prosessveileder},
                               std::pair{"deltaker@horten.no", Role::deltaker}}) {
      auto u = accounts.create_user(org->id, email, std::string("Bruker ") + email, role, hash());
      ASSERT_TRUE(u.ok());
    }
  }
  static const std::string& hash() { return test_password_hash(); }
  Browser logged_in(const std::string& email) { return logged_in_browser(s_.get(), email); }
  // Rows per table (SQLite): what a request may have written.
  std::map<std::string, long long> row_counts() {
    std::map<std::string, long long> out;
    s_->db->with_session([&](soci::session& sql) {
      std::vector<std::string> tables(200);
      sql << "select name from sqlite_master where type = 'table' order by name",
          soci::into(tables);
      for (const auto& t : tables) {
        long long n = 0;
        sql << "select count(*) from \"" + t + "\"", soci::into(n);
        out[t] = n;
      }
    });
    return out;
  }
  std::unique_ptr<AppServer> s_;
  std::string org_id_;
};

TEST_F(MiPagesTest, AnonymousIsSentToLogin) {
  Browser b{s_.get(), {}};
  auto r = b.get("/mi");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("location"), "/logg-inn?neste=/mi");
  auto home = b.get("/");
  EXPECT_FALSE(has(home.body, "href=\"/mi\"")) << "no menu link when signed out";
}

TEST_F(MiPagesTest, ParticipantIsForbiddenAndHasNoMenuLink) {
  Browser b = logged_in("deltaker@horten.no");
  EXPECT_EQ(b.get("/mi").status, 403);
  EXPECT_EQ(b.post("/mi", {{"transcript", "A: Hei?\n\nB: Hei."}}).status, 403);
  EXPECT_FALSE(has(b.get("/").body, "href=\"/mi\""));
}

TEST_F(MiPagesTest, FormExplainsTheAnalysisAndPrivacy) {
  Browser b = logged_in("veileder@horten.no");
  auto r = b.get("/mi");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(has(r.body, "<h1 id=\"mi-title\">Analyse av MI-samtaler</h1>"));
  EXPECT_TRUE(has(r.body, "ikke en vurdering av en person"));
  EXPECT_TRUE(has(r.body, "lagres ikke"));
  EXPECT_TRUE(has(r.body, "inntil 1 MiB")) << "the body limit is stated";
  EXPECT_TRUE(has(r.body, "<textarea id=\"transcript\" name=\"transcript\""));
  EXPECT_TRUE(has(r.body, "<option value=\"auto\" selected>"));
  EXPECT_TRUE(has(r.body, "href=\"/mi\"")) << "menu link for facilitators";
  EXPECT_TRUE(has(r.body, "name=\"csrf\" value=\"" + b.csrf() + "\""));
  auto en = b.get("/mi?lang=en");
  EXPECT_TRUE(has(en.body, "MI conversation analysis"));
  EXPECT_TRUE(has(en.body, "not an assessment of a person"));
}

TEST_F(MiPagesTest, NorwegianTranscriptIsCodedAndSummarised) {
  const std::string transcript = slurp("tests/mi/data/fixtures/samtale-nb.txt");
  ASSERT_FALSE(transcript.empty());
  Browser b = logged_in("leder@horten.no");
  const auto before = row_counts();
  ASSERT_GE(before.size(), 5u);
  EXPECT_GE(before.at("users"), 3);
  auto r = b.post("/mi", {{"transcript", transcript}, {"lang", "auto"}, {"facilitator", ""}});
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 2000);
  // Summary first, with thresholds and ratings in Norwegian.
  const auto summary = r.body.find("Oppsummering");
  const auto reflex = r.body.find("<h2 id=\"mi-reflex\">");
  const auto utterances = r.body.find("<h2 id=\"mi-utterances\">");
  ASSERT_NE(summary, std::string::npos);
  ASSERT_NE(reflex, std::string::npos);
  ASSERT_NE(utterances, std::string::npos);
  EXPECT_LT(summary, reflex);
  EXPECT_LT(reflex, utterances);
  EXPECT_TRUE(has(
      r.body, "Språk: norsk bokmål (funnet automatisk). Modell: den norske modellen (nb-full)."));
  EXPECT_FALSE(std::regex_search(r.body, std::regex(">[^<]*\\bmi\\.[a-z_]+\\.")))
      << "every label comes from the catalogue";
  EXPECT_TRUE(has(r.body, "Refleksjoner per spørsmål"));
  EXPECT_TRUE(has(r.body, "Akseptabelt fra 1, godt fra 2 (MITI 4.2.1)"));
  EXPECT_TRUE(has(r.body, "Andel komplekse refleksjoner"));
  EXPECT_TRUE(has(r.body, "Andel åpne spørsmål"));
  EXPECT_TRUE(has(r.body, "Endringsprat"));
  EXPECT_TRUE(has(r.body, "Taletid per person"));
  // Tables that scroll sideways on a phone can be reached with the keyboard (axe).
  EXPECT_TRUE(has(r.body,
                  "<div class=\"mi-table-wrap\" role=\"region\" tabindex=\"0\" "
                  "aria-labelledby=\"mi-utterances-caption\">"));
  EXPECT_TRUE(has(r.body, "<th scope=\"row\">Kari</th><td>Samtaleleder</td>"));
  EXPECT_TRUE(has(r.body, "<th scope=\"row\">Ola</th><td>Deltaker</td>"));
  EXPECT_TRUE(has(r.body, "Taletiden er regnet ut fra antall ord."));
  // The righting reflex at utterance 5 ("Du bør bruke malene …") with a reflection.
  EXPECT_TRUE(has(r.body, "<a href=\"#ytring-5\">Ytring 5</a>"));
  EXPECT_TRUE(has(r.body, "Det høres ut som dere ikke har tid"));
  EXPECT_TRUE(has(r.body, "<tr id=\"ytring-5\" class=\"mi-row--non-adherent\">"));
  EXPECT_TRUE(has(r.body, "Korreksjonsrefleks (ikke MI-forenlig)"));
  // Every utterance in the table, with codes and confidences as percentages.
  EXPECT_TRUE(has(r.body, "Hvordan merker du det i en vanlig vakt?"));
  EXPECT_TRUE(has(r.body, "<tr id=\"ytring-1\""));
  EXPECT_TRUE(
      std::regex_search(r.body, std::regex("class=\"mi-code mi-code--question\">Spørsmål <span "
                                           "class=\"mi-confidence\">[0-9]{1,3} %</span>")))
      << "a question with its confidence";
  EXPECT_TRUE(has(r.body, "Åpent spørsmål"));
  EXPECT_TRUE(std::regex_search(
      r.body, std::regex("<th scope=\"row\">Informasjon eller råd</th><td class=\"mi-num\">[1-9]")))
      << "advice counts as information or advice";
  // Nothing stored: no table gained or lost a row.
  EXPECT_EQ(row_counts(), before);
}

TEST_F(MiPagesTest, EnglishSubtitlesAreCodedInEnglish) {
  const std::string transcript = slurp("tests/mi/data/fixtures/session-en.vtt");
  ASSERT_FALSE(transcript.empty());
  Browser b = logged_in("veileder@horten.no");
  b.get("/mi?lang=en");
  auto r = b.post("/mi", {{"transcript", transcript}, {"lang", "en"}});
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 2000);
  EXPECT_TRUE(
      has(r.body, "Language: English (chosen by you). Model: the English model (en-full)."));
  EXPECT_TRUE(has(r.body, "Reflections per question"));
  EXPECT_TRUE(has(r.body, "Talk time is calculated from the timings."));
  EXPECT_TRUE(has(r.body, "<th scope=\"row\">Sam Carter</th><td>Facilitator</td>"));
  EXPECT_TRUE(has(r.body, "You need to cut down"));
  EXPECT_TRUE(has(r.body, "Righting reflex (MI-non-adherent)"));
  EXPECT_FALSE(std::regex_search(r.body, std::regex(">[^<]*\\bmi\\.[a-z_]+\\.")));
}

TEST_F(MiPagesTest, BadInputShowsTheFormAgainWithTheTextKept) {
  Browser b = logged_in("veileder@horten.no");
  const auto before = row_counts();
  struct Case {
    std::vector<std::pair<std::string, std::string>> fields;
    std::string message, kept, field;
  };
  const std::vector<Case> cases = {
      {{{"transcript", "  \r\n\n "}}, "Transkripsjonen er tom.", "", "transcript"},
      {{{"transcript", "Kari: Hei, hvordan har du det i dag?\n\nKari: Fint vær.\n"}},
       "Bare én person snakker. En samtale trenger minst to.",
       "Kari: Hei, hvordan har du det i dag?",
       "transcript"},
      {{{"transcript", "%%% ### !!! ??? ***\n~~~ +++ ///\n"}},
       "Finner ikke hvem som snakker. Skriv «Navn: tekst». Se linje 1.",
       "%%% ### !!! ??? ***",
       "transcript"},
      {{{"transcript",
         "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Kari>Hei.\n\n00:00:09.000 --> "
         "00:00:04.000\n<v Ola>Hei.\n"}},
       "Et tidsstempel i undertekstfilen kan ikke leses. Se linje 6.",
       "00:00:09.000 --&gt; 00:00:04.000",
       "transcript"},
      {{{"transcript",
         "A: Wie geht es dir heute?\n\nB: Sehr gut, danke, und dir?\n\nA: Auch gut.\n"},
        {"lang", "auto"}},
       "Klarer ikke å avgjøre språket. Velg norsk eller engelsk.",
       "B: Sehr gut, danke, und dir?",
       "lang"},
      {{{"transcript", "Kari: Hvordan går det?\n\nOla: Det går bra.\n"}, {"facilitator", "Per"}},
       "Ingen i samtalen har det navnet.",
       "Ola: Det går bra.",
       "facilitator"},
  };
  for (const auto& c : cases) {
    auto r = b.post("/mi", c.fields);
    EXPECT_EQ(r.status, 422) << c.message;
    EXPECT_TRUE(has(r.body, c.message)) << c.message;
    EXPECT_TRUE(has(r.body, "<div class=\"error-summary\" role=\"alert\""));
    EXPECT_TRUE(has(r.body, "<a href=\"#" + c.field + "\">")) << c.message;
    EXPECT_TRUE(has(r.body, "id=\"" + c.field + "-error\"")) << c.message;
    if (!c.kept.empty()) {
      EXPECT_TRUE(has(r.body, c.kept)) << "the pasted text stays: " << c.message;
    }
  }
  // The choices stay too.
  auto r = b.post(
      "/mi",
      {{"transcript", "Kari: Hei.\n\nKari: Hallo.\n"}, {"lang", "en"}, {"facilitator", "Kari"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "<option value=\"en\" selected>"));
  EXPECT_TRUE(has(r.body, "value=\"Kari\""));
  // Invalid UTF-8 is refused before the page is reached (the form parser), never a 500.
  auto garbage = http_request("POST", s_->url("/mi"),
                              b.headers({"Content-Type: application/x-www-form-urlencoded"}),
                              "csrf=" + b.csrf() + "&transcript=A%3A%20%FF%FE%C3%28%0A%0AB%3A%20x");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(row_counts(), before);
}

TEST_F(MiPagesTest, PostWithoutCsrfIsRefused) {
  Browser b = logged_in("veileder@horten.no");
  auto r = b.post("/mi", {{"transcript", slurp("tests/mi/data/fixtures/samtale-nb.txt")}}, false);
  EXPECT_EQ(r.status, 403);
  EXPECT_FALSE(has(r.body, "Oppsummering"));
}

TEST_F(MiPagesTest, TheTranscriptIsNotInTheAuditLog) {
  Browser b = logged_in("veileder@horten.no");
  auto r = b.post("/mi", {{"transcript", slurp("tests/mi/data/fixtures/samtale-nb.txt")}});
  ASSERT_EQ(r.status, 200);
  auto entries = store::AuditLog(*s_->db, s_->clock).list(org_id_, 100);
  ASSERT_TRUE(entries.ok());
  for (const auto& e : *entries) {
    EXPECT_EQ(e.detail.find("dokumentasjonssystemet"), std::string::npos) << e.action;
    EXPECT_EQ(e.object_id.find("Kari"), std::string::npos) << e.action;
  }
}

}  // namespace
}  // namespace samskap::testing
