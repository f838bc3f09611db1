// The MI page's upload (multipart/form-data) and saved analyses over HTTP:
// a file is analysed like pasted text; files Samskap cannot read get a
// message naming the file (and the line); saving is explicit, private to the
// author, audited, exported and deletable; the list shows the trend as charts
// with a table; the result page charts the figures against MITI thresholds.

#include <gtest/gtest.h>

#include <soci/soci.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "server_fixture.hpp"
#include "store/accounts.hpp"
#include "store/mi_analyses.hpp"
#include "support/browser.hpp"
#include "support/http_client.hpp"

namespace samskap::testing {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool has(const std::string& body, const std::string& needle) {
  return body.find(needle) != std::string::npos;
}

const std::string kBoundary = "----SamskapTestBoundary7MA4YWxk";

struct Part {
  std::string name, value;
  std::string filename;  // set: a file part
};

std::string multipart(const std::vector<Part>& parts) {
  std::string out;
  for (const auto& p : parts) {
    out += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty() || p.name == "file")
      out += "; filename=\"" + p.filename + "\"\r\nContent-Type: application/octet-stream";
    out += "\r\n\r\n" + p.value + "\r\n";
  }
  return out + "--" + kBoundary + "--\r\n";
}

class MiSavedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    s_ = AppServer::start(store::Engine::sqlite, why);
    ASSERT_TRUE(s_) << why;
    store::AccountRepository accounts(*s_->db, s_->clock);
    auto org = accounts.create_organisation("Horten kommune", store::OrganisationKind::kommune);
    ASSERT_TRUE(org.ok());
    org_id_ = org->id;
    for (auto [email, role] : {std::pair{"veileder@horten.no", Role::prosessveileder},
                               std::pair{"leder@horten.no", Role::leder}}) {
      auto u = accounts.create_user(org->id, email, std::string("Bruker ") + email, role,
                                    test_password_hash());
      ASSERT_TRUE(u.ok());
      ids_[email] = u->id;
    }
  }
  Browser logged_in(const std::string& email) { return logged_in_browser(s_.get(), email); }

  // POSTs a multipart form as a browser with a file input would.
  HttpResult upload(Browser& b, const std::string& path, std::vector<Part> parts,
                    bool with_csrf = true) {
    if (with_csrf) parts.insert(parts.begin(), Part{"csrf", b.csrf(), ""});
    return http_request("POST", s_->url(path),
                        b.headers({"Content-Type: multipart/form-data; boundary=" + kBoundary}),
                        multipart(parts));
  }

  long long analyses_rows() {
    long long n = 0;
    s_->db->with_session(
        [&](soci::session& sql) { sql << "select count(*) from mi_analyses", soci::into(n); });
    return n;
  }

  std::unique_ptr<AppServer> s_;
  std::string org_id_;
  std::map<std::string, std::string> ids_;
};

TEST_F(MiSavedTest, TheFormHasAFileInputAndASaveChoice) {
  Browser b = logged_in("veileder@horten.no");
  auto r = b.get("/mi");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(has(r.body, "enctype=\"multipart/form-data\""));
  EXPECT_TRUE(has(r.body, "<label for=\"file\">Eller last opp en fil</label>"));
  EXPECT_TRUE(has(r.body, "<input id=\"file\" name=\"file\" type=\"file\""));
  EXPECT_TRUE(has(r.body, "inntil 1 MiB")) << "the size limit is stated";
  EXPECT_TRUE(has(r.body, "<input id=\"save\" name=\"save\" type=\"checkbox\" value=\"1\" "))
      << "saving is an explicit, unticked choice";
  EXPECT_FALSE(has(r.body, "value=\"1\" checked"));
  EXPECT_TRUE(has(r.body, "href=\"/mi/analyser\""));
}

TEST_F(MiSavedTest, AnUploadedFileIsAnalysedAndNothingIsStored) {
  Browser b = logged_in("veileder@horten.no");
  const std::string file = slurp("tests/mi/data/fixtures/samtale-nb.txt");
  ASSERT_FALSE(file.empty());
  auto r = upload(b, "/mi",
                  {{"transcript", "", ""},
                   {"file", file, "samtale-nb.txt"},
                   {"lang", "auto", ""},
                   {"facilitator", "", ""},
                   {"title", "", ""}});
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 3000);
  EXPECT_TRUE(has(r.body, "Analysert fra filen «samtale-nb.txt»."));
  EXPECT_TRUE(has(r.body, "Oppsummering"));
  EXPECT_TRUE(has(r.body, "Det høres ut som dere ikke har tid"));
  EXPECT_EQ(analyses_rows(), 0) << "not saved without the user's choice";
  // The result page offers to save, with the file's text carried in the form.
  EXPECT_TRUE(has(r.body, "<form method=\"post\" action=\"/mi/analyser\""));
  EXPECT_TRUE(has(r.body, "<input type=\"hidden\" name=\"transcript\" value=\"Kari:"));
  // The figures against the MITI thresholds as charts, with the table as the text alternative.
  EXPECT_TRUE(has(r.body, "<canvas data-chart=\"mi-chart-percent\" role=\"img\""));
  EXPECT_TRUE(has(r.body, "aria-describedby=\"mi-figures-caption\""));
  EXPECT_TRUE(has(r.body, "<script type=\"application/json\" id=\"mi-chart-percent\">"));
  EXPECT_TRUE(has(r.body, "\"data\":[40.0,50.0]")) << "fair thresholds: complex 40 %, open 50 %";
  EXPECT_TRUE(has(r.body, "\"data\":[50.0,70.0]")) << "good thresholds";
  EXPECT_TRUE(has(r.body, "\"data\":[1.0]")) << "ratio fair threshold";

  // A file wins over pasted text; UTF-16 with a byte-order mark is converted.
  std::string utf16 = "\xFF\xFE";
  const std::u16string text =
      u"Kari: Hvordan går det med turnusen?\r\n\r\nOla: Det er travelt.\r\n";
  for (char16_t c : text) {
    utf16 += static_cast<char>(c & 0xFF);
    utf16 += static_cast<char>(c >> 8);
  }
  auto u16 = upload(b, "/mi",
                    {{"transcript", "Per: noe annet\n\nPål: hei", ""},
                     {"file", utf16, "notisblokk.txt"},
                     {"lang", "nb", ""}});
  ASSERT_EQ(u16.status, 200) << u16.body.substr(0, 3000);
  EXPECT_TRUE(has(u16.body, "Hvordan går det med turnusen?"));
  EXPECT_FALSE(has(u16.body, "Pål: hei")) << "the file was analysed, not the text box";
  // Without a file chosen (an empty file part), the pasted text is analysed.
  auto pasted = upload(b, "/mi", {{"transcript", file, ""}, {"file", "", ""}});
  ASSERT_EQ(pasted.status, 200);
  EXPECT_FALSE(has(pasted.body, "Analysert fra filen"));
}

TEST_F(MiSavedTest, FilesThatCannotBeReadAreNamedWithTheLine) {
  Browser b = logged_in("veileder@horten.no");
  struct Case {
    std::string filename, bytes, message;
  };
  const std::vector<Case> cases = {
      {"referat.docx", std::string("PK\x03\x04\x14\x00\x06\x00", 8) + "word/document.xml",
       "Samskap kan ikke lese filen «referat.docx»."},
      {"samtale.txt", std::string("%PDF-1.7\n"), "Samskap kan ikke lese filen «samtale.txt»."},
      {"bilde.png", "Kari: Hei\n\nOla: Hei\n", "Samskap kan ikke lese filen «bilde.png»."},
      {"latin1.txt", "Kari: Hei, hvordan g\xe5r det?\n\nOla: Bra.\n\nKari: Fint \xe5 h\xf8re.\n",
       "I filen «latin1.txt»: Filen er ikke gyldig UTF-8. Lagre den som UTF-8 og prøv igjen. Se "
       "linje 1."},
      {"ødelagt.txt", std::string("\xFF\xFE\x41\x00\x00\xDC", 6),
       "Filen «ødelagt.txt» er lagret som UTF-16, men tegnkodingen er ødelagt."},
      {"en.vtt",
       "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Kari>Hei.\n\n00:00:09.000 --> "
       "00:00:04.000\n<v Ola>Hei.\n",
       "I filen «en.vtt»: Et tidsstempel i undertekstfilen kan ikke leses. Se linje 6."},
      {"tom.txt", " \n", "Transkripsjonen er tom."},
  };
  for (const auto& c : cases) {
    auto r =
        upload(b, "/mi", {{"transcript", "Limt inn: beholdes", ""}, {"file", c.bytes, c.filename}});
    EXPECT_EQ(r.status, 422) << c.filename << ": " << r.body.substr(0, 500);
    EXPECT_TRUE(has(r.body, c.message)) << c.filename;
    EXPECT_TRUE(has(r.body, "<a href=\"#file\">")) << "the summary points at the file input";
    EXPECT_TRUE(has(r.body, "id=\"file-error\"")) << c.filename;
    EXPECT_TRUE(has(r.body, "Limt inn: beholdes")) << "the pasted text stays";
  }
  EXPECT_EQ(analyses_rows(), 0);
}

TEST_F(MiSavedTest, BrokenOrOversizedUploadsAndMissingCsrf) {
  Browser b = logged_in("veileder@horten.no");
  const std::string file = slurp("tests/mi/data/fixtures/samtale-nb.txt");
  // Without the CSRF token in the multipart form: refused.
  auto no_csrf = upload(b, "/mi", {{"file", file, "a.txt"}}, false);
  EXPECT_EQ(no_csrf.status, 403);
  // A truncated body: 400, never a 500.
  std::string body = multipart({{"csrf", b.csrf(), ""}, {"file", file, "a.txt"}});
  body.resize(body.size() / 2);
  auto cut =
      http_request("POST", s_->url("/mi"),
                   b.headers({"Content-Type: multipart/form-data; boundary=" + kBoundary}), body);
  EXPECT_EQ(cut.status, 400);
  auto no_boundary =
      http_request("POST", s_->url("/mi"), b.headers({"Content-Type: multipart/form-data"}), body);
  EXPECT_EQ(no_boundary.status, 400);
  // Over the body limit (1 MiB here): 413 with the limit named.
  auto big = upload(b, "/mi", {{"file", file + std::string(1100 * 1024, 'x'), "stor.txt"}});
  EXPECT_EQ(big.status, 413);
  EXPECT_TRUE(has(big.body, "1 MiB"));
}

TEST_F(MiSavedTest, SaveShowListAndDeleteArePrivateAndAudited) {
  Browser kari = logged_in("veileder@horten.no");
  const std::string file = slurp("tests/mi/data/fixtures/samtale-nb.txt");
  auto r = kari.post("/mi", {{"transcript", file}, {"save", "1"}, {"title", "Turnus, uke 12"}});
  ASSERT_EQ(r.status, 303) << r.body.substr(0, 2000);
  const std::string location = r.header("location");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(location, m, std::regex("/mi/analyser/([0-9a-f]{32})\\?lagret=1")))
      << location;
  const std::string id = m[1];
  EXPECT_EQ(analyses_rows(), 1);

  auto shown = kari.get(location);
  ASSERT_EQ(shown.status, 200);
  EXPECT_TRUE(has(shown.body, "<h1 id=\"mi-result-title\">Turnus, uke 12</h1>"));
  EXPECT_TRUE(has(shown.body, "Analysen er lagret. Bare du kan se den."));
  EXPECT_TRUE(has(shown.body, "Det høres ut som dere ikke har tid")) << "the whole result again";
  EXPECT_TRUE(has(shown.body, "action=\"/mi/analyser/" + id + "/slett\""));
  EXPECT_FALSE(has(shown.body, "action=\"/mi/analyser\"")) << "no second save of a saved one";

  // Audited with the id only: no text of the conversation.
  auto log = store::AuditLog(*s_->db, s_->clock).list(org_id_, 100);
  ASSERT_TRUE(log.ok());
  bool saved_entry = false;
  for (const auto& e : *log) {
    if (e.action == "mi_analysis_saved") {
      saved_entry = true;
      EXPECT_EQ(e.object_id, id);
      EXPECT_EQ(e.actor_user_id, ids_["veileder@horten.no"]);
    }
    EXPECT_EQ(e.detail.find("Kari"), std::string::npos);
    EXPECT_EQ(e.detail.find("turnus"), std::string::npos);
  }
  EXPECT_TRUE(saved_entry);

  // A colleague (who may use /mi) sees nothing of it.
  Browser leder = logged_in("leder@horten.no");
  EXPECT_EQ(leder.get("/mi/analyser/" + id).status, 404);
  EXPECT_EQ(leder.post("/mi/analyser/" + id + "/slett", {}).status, 404);
  auto theirs = leder.get("/mi/analyser");
  ASSERT_EQ(theirs.status, 200);
  EXPECT_FALSE(has(theirs.body, "Turnus, uke 12"));
  EXPECT_TRUE(has(theirs.body, "Du har ingen lagrede analyser ennå."));
  EXPECT_EQ(analyses_rows(), 1);
  EXPECT_EQ(kari.get("/mi/analyser/finnesikke").status, 404);

  // The list, then delete (with CSRF), then gone.
  auto list = kari.get("/mi/analyser");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(has(list.body, "<a href=\"/mi/analyser/" + id + "\">Turnus, uke 12</a>"));
  EXPECT_TRUE(has(list.body, "Når du har lagret minst to analyser"));
  EXPECT_EQ(kari.post("/mi/analyser/" + id + "/slett", {}, false).status, 403);
  auto del = kari.post("/mi/analyser/" + id + "/slett", {});
  ASSERT_EQ(del.status, 303);
  EXPECT_EQ(del.header("location"), "/mi/analyser?slettet=1");
  EXPECT_TRUE(has(kari.get("/mi/analyser?slettet=1").body, "Analysen er slettet."));
  EXPECT_EQ(kari.get("/mi/analyser/" + id).status, 404);
  EXPECT_EQ(analyses_rows(), 0);
  log = store::AuditLog(*s_->db, s_->clock).list(org_id_, 100);
  ASSERT_TRUE(log.ok());
  bool deleted_entry = false;
  for (const auto& e : *log)
    deleted_entry |= e.action == "mi_analysis_deleted" && e.object_id == id;
  EXPECT_TRUE(deleted_entry);
}

TEST_F(MiSavedTest, SaveFromTheResultPageAndTheTrend) {
  Browser b = logged_in("veileder@horten.no");
  const std::string nb = slurp("tests/mi/data/fixtures/samtale-nb.txt");
  // The result page's save form posts the text back with the choices.
  auto first = b.post("/mi/analyser", {{"transcript", nb}, {"lang", "nb"}, {"title", ""}});
  ASSERT_EQ(first.status, 303) << first.body.substr(0, 2000);
  s_->clock.advance(std::chrono::minutes(30));  // within the session's idle timeout
  auto second = b.post("/mi/analyser", {{"transcript", nb}, {"lang", "auto"}, {"title", "Andre"}});
  ASSERT_EQ(second.status, 303);
  auto list = b.get("/mi/analyser");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(std::regex_search(list.body, std::regex(">Analyse [0-9]{2}\\.[0-9]{2}\\.[0-9]{4}")))
      << "an untitled analysis is named by its date";
  EXPECT_TRUE(has(list.body, "Utviklingen over tid"));
  for (const char* id : {"mi-trend-ratio", "mi-trend-percent", "mi-trend-adherence"}) {
    EXPECT_TRUE(has(list.body, std::string("<canvas data-chart=\"") + id + "\" role=\"img\""));
    EXPECT_TRUE(has(list.body, std::string("<script type=\"application/json\" id=\"") + id));
  }
  EXPECT_TRUE(has(list.body, "aria-describedby=\"mi-saved-caption\"")) << "the table describes it";
  // The chart JSON holds one point per saved analysis, oldest first.
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(list.body, m, std::regex("id=\"mi-trend-adherence\">([^<]*)</script>")));
  auto spec = nlohmann::json::parse(m[1].str());
  EXPECT_EQ(spec["type"], "bar");
  ASSERT_EQ(spec["labels"].size(), 2u);
  ASSERT_EQ(spec["datasets"].size(), 2u);
  EXPECT_EQ(spec["datasets"][0]["data"].size(), 2u);
  // An empty text cannot be saved.
  EXPECT_EQ(b.post("/mi/analyser", {{"transcript", "  "}}).status, 422);
  // A too-long name is refused next to its field, the text kept.
  auto long_title = b.post("/mi/analyser", {{"transcript", nb}, {"title", std::string(300, 'n')}});
  EXPECT_EQ(long_title.status, 422);
  EXPECT_TRUE(has(long_title.body, "Navnet må være 1–200 tegn, uten linjeskift."));
  EXPECT_TRUE(has(long_title.body, "<a href=\"#title\">"));
  EXPECT_TRUE(has(long_title.body, "id=\"title-error\""));
  EXPECT_TRUE(has(long_title.body, "Hvordan merker du det i en vanlig vakt?")) << "text kept";
}

TEST_F(MiSavedTest, ThePersonalDataExportHasTheAnalyses) {
  Browser b = logged_in("veileder@horten.no");
  const std::string nb = slurp("tests/mi/data/fixtures/samtale-nb.txt");
  ASSERT_EQ(b.post("/mi", {{"transcript", nb}, {"save", "1"}, {"title", "Til eksport"}}).status,
            303);
  auto r = b.get("/meg/data.json");
  ASSERT_EQ(r.status, 200);
  auto j = nlohmann::json::parse(r.body);
  ASSERT_TRUE(j.contains("mi_analyses"));
  ASSERT_EQ(j["mi_analyses"].size(), 1u);
  EXPECT_EQ(j["mi_analyses"][0]["title"], "Til eksport");
  EXPECT_EQ(j["mi_analyses"][0]["transcript"], nb);
  EXPECT_TRUE(j["mi_analyses"][0]["figures"].contains("reflection_to_question"));
  // Anonymising the user deletes the analyses.
  ASSERT_TRUE(store::AccountRepository(*s_->db, s_->clock)
                  .anonymise(org_id_, ids_["veileder@horten.no"])
                  .ok());
  EXPECT_EQ(analyses_rows(), 0);
}

}  // namespace
}  // namespace samskap::testing
