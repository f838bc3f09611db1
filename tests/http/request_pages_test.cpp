// Requests (henvendelser) over HTTP (issue 5): register → list → triage 1.0 →
// triage 3.0 that starts an initiative with partners; bad input (empty fields,
// impossible dates, over-long text, an unknown status filter); another
// organisation gets 404; stale versions get 409; closing and reopening; the
// JSON API with a Bearer token, including hostile bodies.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>

#include "server_fixture.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "support/browser.hpp"
#include "support/http_client.hpp"
#include "web/request_pages.hpp"

namespace samskap::testing {
namespace {

using nlohmann::json;

bool has(const std::string& body, const std::string& needle) {
  return body.find(needle) != std::string::npos;
}

const std::string kAls = "Vi trenger mer kompetanse på ALS, kan dere hjelpe oss med det?";

class RequestPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    s_ = AppServer::start(store::Engine::sqlite, why);
    ASSERT_TRUE(s_) << why;
    a_ = make_org("Horten kommune", "horten.no");
    b_ = make_org("Borre kommune", "borre.no");
  }

  struct Org {
    std::string id;
    store::User facilitator;
    store::User participant;
  };
  Org make_org(const std::string& name, const std::string& domain) {
    store::AccountRepository accounts(*s_->db, s_->clock);
    auto org = accounts.create_organisation(name, store::OrganisationKind::kommune);
    EXPECT_TRUE(org.ok());
    auto f = accounts.create_user(org->id, "veileder@" + domain, "Vera Veileder " + domain,
                                  Role::prosessveileder, test_password_hash());
    auto p = accounts.create_user(org->id, "deltaker@" + domain, "Dag Deltaker", Role::deltaker,
                                  test_password_hash());
    EXPECT_TRUE(f.ok() && p.ok());
    return {org->id, *f, *p};
  }
  Browser logged_in(const std::string& email) { return logged_in_browser(s_.get(), email); }

  store::Actor actor(const Org& o) const { return {o.id, o.facilitator.id, Role::prosessveileder}; }
  std::vector<store::ChangeRequest> requests(const Org& o) {
    auto l = store::RequestRepository(*s_->db, s_->clock).list(actor(o));
    EXPECT_TRUE(l.ok());
    return l.ok() ? *l : std::vector<store::ChangeRequest>{};
  }
  store::ChangeRequest request(const Org& o, const std::string& id) {
    auto r = store::RequestRepository(*s_->db, s_->clock).get(actor(o), id);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : store::ChangeRequest{};
  }

  // Registers a request through the form; returns its id.
  std::string create(Browser& b, const std::string& requester = "Eksempel kommune",
                     const std::string& body = kAls, const std::string& tags = "ALS, Kompetanse") {
    auto r = b.post("/henvendelser/ny", {{"requester_org", requester},
                                         {"contact", "Kari Kontakt, 99 99 99 99"},
                                         {"body", body},
                                         {"received_on", "01.03.2027"},
                                         {"tags", tags}});
    EXPECT_EQ(r.status, 303) << r.body;
    std::smatch m;
    std::string loc = r.header("location");
    EXPECT_TRUE(std::regex_match(loc, m, std::regex("/henvendelser/([^/?]+)\\?lagret=ny"))) << loc;
    return m.size() > 1 ? m[1].str() : std::string{};
  }

  std::string token_for(const store::User& u) {
    auto t = store::ApiTokenRepository(*s_->db, s_->clock).create(u.organisation_id, u.id, "test");
    EXPECT_TRUE(t.ok());
    return t.ok() ? t->second : std::string{};
  }
  HttpResult api_post(const std::string& token, const std::string& path, const std::string& body,
                      const std::string& content_type = "application/json") {
    return http_request("POST", s_->url(path),
                        {"Authorization: Bearer " + token, "Content-Type: " + content_type}, body);
  }
  HttpResult api_get(const std::string& token, const std::string& path) {
    return http_get(s_->url(path), {"Authorization: Bearer " + token});
  }

  std::unique_ptr<AppServer> s_;
  Org a_, b_;
};

TEST_F(RequestPagesTest, RegisterListTriageAndStartAnInitiative) {
  Browser b = logged_in("veileder@horten.no");
  auto empty = b.get("/henvendelser");
  EXPECT_EQ(empty.status, 200);
  EXPECT_TRUE(has(empty.body, "Det er ingen henvendelser her ennå."));
  EXPECT_TRUE(has(empty.body, "Ingen henvendelser er vurdert ennå."));

  auto form = b.get("/henvendelser/ny");
  EXPECT_EQ(form.status, 200);
  EXPECT_TRUE(has(form.body,
                  "name=\"received_on\" type=\"text\" class=\"request-date\" "
                  "autocomplete=\"off\" value=\""))
      << "today's date is filled in";

  const std::string id = create(b);
  ASSERT_FALSE(id.empty());
  auto stored = request(a_, id);
  EXPECT_EQ(stored.requester_org, "Eksempel kommune");
  EXPECT_EQ(stored.body, kAls);
  EXPECT_EQ(initiative::to_iso(stored.received_on), "2027-03-01");
  EXPECT_EQ(stored.tags, (std::vector<std::string>{"als", "kompetanse"}));

  auto list = b.get("/henvendelser");
  EXPECT_EQ(list.status, 200);
  EXPECT_TRUE(has(list.body, "Eksempel kommune"));
  EXPECT_TRUE(has(list.body, "<li>als</li>"));
  EXPECT_TRUE(has(list.body, "01.03.2027"));
  EXPECT_TRUE(has(list.body, "Åpen"));
  EXPECT_TRUE(has(list.body, "Ikke vurdert"));
  EXPECT_TRUE(has(list.body, "href=\"/henvendelser/" + id + "\""));

  // The triage page: the three answers side by side, for this request, with
  // the knowledge base's explanation and links.
  auto page = b.get("/henvendelser/" + id + "?lagret=ny");
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "role=\"status\">Henvendelsen er registrert."));
  EXPECT_TRUE(has(page.body, "1.0: Svare ut fra regelverk og mandat"));
  EXPECT_TRUE(has(page.body, "2.0: Holde et kurs"));
  EXPECT_TRUE(has(page.body, "3.0: Verksted med de relevante samarbeidspartnerne"));
  EXPECT_TRUE(has(page.body,
                  "Inviter Eksempel kommune og de relevante samarbeidspartnerne til et "
                  "verksted om als, kompetanse"));
  EXPECT_TRUE(has(page.body, "booker kinosalen")) << "the ALS example's 2.0 answer";
  EXPECT_TRUE(has(page.body, "et lokalsamfunn")) << "the municipality table's 3.0 column";
  EXPECT_TRUE(has(page.body, "href=\"/kunnskap/henvendelse-als\""));
  EXPECT_TRUE(has(page.body, "href=\"/kunnskap/kommune\""));
  // The suggested partners: the ALS example's, plus employees, citizens and relatives.
  for (const char* checked : {"ansatte", "ledere", "innbyggere", "brukerorganisasjoner",
                              "parorende", "spesialisthelsetjeneste"})
    EXPECT_TRUE(has(page.body, std::string("name=\"partner-") + checked + "\" value=\"1\" checked"))
        << checked;
  for (const char* unchecked : {"politikere", "naeringsliv", "frivillige", "annet"})
    EXPECT_TRUE(has(page.body, std::string("name=\"partner-") + unchecked + "\" value=\"1\">"))
        << unchecked;

  // 1.0 first.
  auto t1 = b.post("/henvendelser/" + id + "/vurdering",
                   {{"version", "1"}, {"level", "1.0"}, {"reason", "Utenfor årets satsing."}});
  EXPECT_EQ(t1.status, 303) << t1.body;
  EXPECT_EQ(t1.header("location"), "/henvendelser/" + id + "?lagret=vurdering");
  stored = request(a_, id);
  EXPECT_EQ(stored.status, initiative::RequestStatus::triaged);
  ASSERT_TRUE(stored.answer_level);
  EXPECT_EQ(*stored.answer_level, initiative::AnswerLevel::rule);
  EXPECT_EQ(stored.reason, "Utenfor årets satsing.");
  EXPECT_TRUE(stored.initiative_id.empty()) << "1.0 starts no initiative";
  auto after1 = b.get("/henvendelser/" + id);
  EXPECT_TRUE(has(after1.body, "Utenfor årets satsing."));
  EXPECT_TRUE(has(after1.body, "Vera Veileder horten.no")) << "who triaged it";
  EXPECT_TRUE(has(b.get("/henvendelser?status=triaged").body, "Eksempel kommune"));
  EXPECT_FALSE(has(b.get("/henvendelser?status=open").body, "Eksempel kommune"));

  // Then 3.0, with the partners chosen on the form.
  auto t3 = b.post("/henvendelser/" + id + "/vurdering",
                   {{"version", std::to_string(stored.version)},
                    {"level", "3.0"},
                    {"reason", "Vi vil samskape med sykehuset og brukerne."},
                    {"partner-ansatte", "1"},
                    {"partner-spesialisthelsetjeneste", "1"},
                    {"partner-parorende", "1"}});
  ASSERT_EQ(t3.status, 303) << t3.body;
  std::smatch m;
  const std::string loc = t3.header("location");
  ASSERT_TRUE(std::regex_match(loc, m, std::regex("/initiativ/([^/?]+)"))) << loc;
  const std::string initiative_id = m[1];

  stored = request(a_, id);
  EXPECT_EQ(stored.initiative_id, initiative_id);
  EXPECT_EQ(*stored.answer_level, initiative::AnswerLevel::workshop);
  store::InitiativeRepository initiatives(*s_->db, s_->clock);
  auto in = initiatives.get(actor(a_), initiative_id);
  ASSERT_TRUE(in.ok());
  EXPECT_TRUE(in->title.starts_with("Eksempel kommune: Vi trenger mer kompetanse på ALS"))
      << in->title;
  EXPECT_LE(in->title.size(), 200u);
  EXPECT_EQ(in->status, initiative::Status::ide);
  EXPECT_EQ(in->request_id, id);
  EXPECT_TRUE(in->vision.empty());
  auto partners = initiatives.partners(actor(a_), initiative_id);
  ASSERT_TRUE(partners.ok());
  std::vector<initiative::PartnerType> types;
  for (const auto& p : *partners) {
    types.push_back(p.type);
    if (p.type == initiative::PartnerType::ansatte) {
      EXPECT_EQ(p.name, "Ansatte");
      EXPECT_TRUE(p.role.starts_with("Foreslått da henvendelsen ble vurdert.")) << p.role;
    }
  }
  std::sort(types.begin(), types.end());  // the store gives no order for partners added at once
  EXPECT_EQ(types, (std::vector<initiative::PartnerType>{
                       initiative::PartnerType::ansatte, initiative::PartnerType::parorende,
                       initiative::PartnerType::spesialisthelsetjeneste}));

  auto linked = b.get("/henvendelser/" + id);
  EXPECT_TRUE(has(linked.body, "href=\"/initiativ/" + initiative_id + "\""));

  // Choosing 3.0 again starts no second initiative.
  auto again =
      b.post("/henvendelser/" + id + "/vurdering", {{"version", std::to_string(stored.version)},
                                                    {"level", "3.0"},
                                                    {"reason", "Fortsatt 3.0."},
                                                    {"partner-ansatte", "1"}});
  EXPECT_EQ(again.status, 303);
  EXPECT_EQ(again.header("location"), "/henvendelser/" + id + "?lagret=vurdering");
  EXPECT_EQ(initiatives.list(actor(a_))->size(), 1u);
  EXPECT_EQ(request(a_, id).initiative_id, initiative_id);

  // Each step is in the audit log.
  auto log = store::AuditLog(*s_->db, s_->clock).list(a_.id, 50);
  ASSERT_TRUE(log.ok());
  std::vector<std::string> actions;
  for (const auto& e : *log)
    actions.push_back(e.action);
  for (const char* want :
       {"request_created", "request_triaged", "initiative_created", "request_initiative_linked"})
    EXPECT_NE(std::find(actions.begin(), actions.end(), want), actions.end()) << want;
}

TEST_F(RequestPagesTest, ShareOfWorkshopAnswersPerMonthHasChartAndTable) {
  Browser b = logged_in("veileder@horten.no");
  const std::string first = create(b, "Eksempel kommune", kAls, "ALS");
  const std::string second = create(b, "Nabo kommune", "Vi ønsker et kurs i samtaleteknikk.", "");
  ASSERT_EQ(b.post("/henvendelser/" + first + "/vurdering",
                   {{"version", "1"}, {"level", "3.0"}, {"reason", "Samskaping."}})
                .status,
            303);
  ASSERT_EQ(b.post("/henvendelser/" + second + "/vurdering",
                   {{"version", "1"}, {"level", "2.0"}, {"reason", "Et kurs holder."}})
                .status,
            303);
  auto list = b.get("/henvendelser");
  EXPECT_TRUE(has(list.body, "data-chart=\"chart-request-share\""));
  EXPECT_TRUE(has(list.body, "<script type=\"application/json\" id=\"chart-request-share\">"));
  EXPECT_TRUE(has(list.body, "data-chart=\"chart-request-counts\""));
  // The table beside the chart: one month, one 2.0 and one 3.0 answer, 50 %.
  EXPECT_TRUE(has(list.body,
                  "<td class=\"request-num\">0</td>\n            <td "
                  "class=\"request-num\">1</td>\n            <td "
                  "class=\"request-num\">1</td>\n            <td "
                  "class=\"request-num\">2</td>\n            <td "
                  "class=\"request-num\">50 %</td>"))
      << list.body.substr(list.body.find("share-caption"), 2000);
  auto en = b.get("/henvendelser?lang=en");
  EXPECT_TRUE(has(en.body, "The share of 3.0 answers over time"));
  EXPECT_TRUE(has(en.body, "Share of 3.0 answers per month, in per cent"));
}

TEST_F(RequestPagesTest, BadInputIsAnsweredWithFieldErrorsAndNothingIsSaved) {
  Browser b = logged_in("veileder@horten.no");
  auto empty = b.post("/henvendelser/ny", {{"requester_org", "  "}, {"body", ""}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(has(empty.body, "Skriv hvem som spør"));
  EXPECT_TRUE(has(empty.body, "Skriv hva de spør om"));
  EXPECT_TRUE(has(empty.body, "href=\"#requester_org\""));
  EXPECT_TRUE(has(empty.body, "aria-invalid=\"true\""));

  auto bad_date = b.post("/henvendelser/ny", {{"requester_org", "Eksempel kommune"},
                                              {"body", "Hjelp med <b>fall</b>"},
                                              {"received_on", "31.02.2027"}});
  EXPECT_EQ(bad_date.status, 400);
  EXPECT_TRUE(has(bad_date.body, "Datoen finnes ikke"));
  EXPECT_TRUE(has(bad_date.body, "value=\"31.02.2027\"")) << "what was typed is kept";
  EXPECT_TRUE(has(bad_date.body, "Hjelp med &lt;b&gt;fall&lt;/b&gt;")) << "kept and escaped";
  auto bad_format =
      b.post("/henvendelser/ny",
             {{"requester_org", "Eksempel kommune"}, {"body", "Hjelp"}, {"received_on", "i går"}});
  EXPECT_EQ(bad_format.status, 400);
  EXPECT_TRUE(has(bad_format.body, "Skriv datoen som dd.mm.åååå"));

  const std::string long_body(10001, 'x');
  auto too_long = b.post("/henvendelser/ny", {{"requester_org", std::string(201, 'k')},
                                              {"body", long_body},
                                              {"received_on", "2027-03-01"}});
  EXPECT_EQ(too_long.status, 400);
  EXPECT_TRUE(has(too_long.body, "høyst 10 000 tegn"));
  EXPECT_TRUE(has(too_long.body, "høyst 200 tegn"));
  EXPECT_TRUE(has(too_long.body, long_body)) << "the long text is given back to shorten";

  std::string many_tags;
  for (int i = 0; i < 21; ++i)
    many_tags += "tag" + std::to_string(i) + ",";
  auto tags =
      b.post("/henvendelser/ny",
             {{"requester_org", "Eksempel kommune"}, {"body", "Hjelp"}, {"tags", many_tags}});
  EXPECT_EQ(tags.status, 400);
  EXPECT_TRUE(has(tags.body, "Skriv høyst 20 stikkord."));
  auto long_tag = b.post(
      "/henvendelser/ny",
      {{"requester_org", "Eksempel kommune"}, {"body", "Hjelp"}, {"tags", std::string(51, 't')}});
  EXPECT_EQ(long_tag.status, 400);
  EXPECT_TRUE(has(long_tag.body, "høyst 50 tegn"));
  auto control =
      b.post("/henvendelser/ny", {{"requester_org", "Eksempel\x01kommune"}, {"body", "Hjelp"}});
  EXPECT_EQ(control.status, 400);
  EXPECT_TRUE(requests(a_).empty()) << "nothing saved";

  // English errors for an English user.
  auto en = b.post("/henvendelser/ny?lang=en", {{"requester_org", ""}, {"body", "x"}});
  EXPECT_EQ(en.status, 400);
  EXPECT_TRUE(has(en.body, "Write who is asking"));
  b.get("/henvendelser?lang=nb");  // back to bokmål (?lang= is remembered in a cookie)

  // An unknown status filter is a clear 400, not a crash.
  for (const char* q : {"bogus", "%3Cscript%3E", "OPEN", "open%00"}) {
    auto r = b.get(std::string("/henvendelser?status=") + q);
    EXPECT_EQ(r.status, 400) << q;
    if (r.status == 400 && std::string(q) != "open%00") {
      EXPECT_TRUE(has(r.body, "Ukjent status i adressen")) << q;
    }
    EXPECT_FALSE(has(r.body, "<script>")) << q;
  }

  // The triage form: no level, no reason, a reason too long, no version.
  const std::string id = create(b);
  auto none = b.post("/henvendelser/" + id + "/vurdering", {{"version", "1"}, {"reason", ""}});
  EXPECT_EQ(none.status, 400);
  EXPECT_TRUE(has(none.body, "Velg ett av de tre svarene."));
  EXPECT_TRUE(has(none.body, "Skriv en begrunnelse for valget"));
  auto long_reason =
      b.post("/henvendelser/" + id + "/vurdering",
             {{"version", "1"}, {"level", "2.0"}, {"reason", std::string(2001, 'r')}});
  EXPECT_EQ(long_reason.status, 400);
  EXPECT_TRUE(has(long_reason.body, "value=\"2.0\" checked")) << "the choice is kept";
  auto bad_level = b.post("/henvendelser/" + id + "/vurdering",
                          {{"version", "1"}, {"level", "4.0"}, {"reason", "Fordi."}});
  EXPECT_EQ(bad_level.status, 400);
  auto no_version =
      b.post("/henvendelser/" + id + "/vurdering", {{"level", "1.0"}, {"reason", "Fordi."}});
  EXPECT_EQ(no_version.status, 400);
  auto bad_action = b.post("/henvendelser/" + id + "/status", {{"version", "1"}, {"action", "x"}});
  EXPECT_EQ(bad_action.status, 400);
  auto stored = request(a_, id);
  EXPECT_EQ(stored.status, initiative::RequestStatus::open);
  EXPECT_EQ(stored.version, 1) << "none of it changed the request";
}

TEST_F(RequestPagesTest, AnotherOrganisationGetsNotFound) {
  Browser a = logged_in("veileder@horten.no");
  const std::string id = create(a);
  Browser b = logged_in("veileder@borre.no");
  EXPECT_EQ(b.get("/henvendelser/" + id).status, 404);
  EXPECT_EQ(b.get("/henvendelser/" + id + "/rediger").status, 404);
  EXPECT_EQ(b.post("/henvendelser/" + id + "/vurdering",
                   {{"version", "1"}, {"level", "3.0"}, {"reason", "Inntrenger"}})
                .status,
            404);
  EXPECT_EQ(b.post("/henvendelser/" + id + "/rediger",
                   {{"version", "1"}, {"requester_org", "Inntrenger"}, {"body", "x"}})
                .status,
            404);
  EXPECT_EQ(
      b.post("/henvendelser/" + id + "/status", {{"version", "1"}, {"action", "close"}}).status,
      404);
  auto list = b.get("/henvendelser");
  EXPECT_FALSE(has(list.body, "Eksempel kommune"));
  const std::string token = token_for(b_.facilitator);
  auto got = api_get(token, "/api/v1/requests/" + id);
  EXPECT_EQ(got.status, 404);
  EXPECT_TRUE(json::accept(got.body));
  EXPECT_EQ(api_post(token, "/api/v1/requests/" + id + "/triage",
                     R"({"level":"3.0","reason":"x","version":1})")
                .status,
            404);
  auto api_list = json::parse(api_get(token, "/api/v1/requests").body);
  EXPECT_TRUE(api_list["requests"].empty());

  auto stored = request(a_, id);
  EXPECT_EQ(stored.version, 1);
  EXPECT_EQ(stored.status, initiative::RequestStatus::open);
  EXPECT_EQ(stored.requester_org, "Eksempel kommune");
  EXPECT_TRUE(store::InitiativeRepository(*s_->db, s_->clock).list(actor(b_))->empty());

  // A participant has no access to requests at all.
  Browser p = logged_in("deltaker@horten.no");
  EXPECT_EQ(p.get("/henvendelser").status, 403);
  EXPECT_EQ(p.get("/henvendelser/" + id).status, 403);
  EXPECT_EQ(api_get(token_for(a_.participant), "/api/v1/requests").status, 403);
}

TEST_F(RequestPagesTest, StaleVersionsAreReportedNotOverwritten) {
  Browser b = logged_in("veileder@horten.no");
  const std::string id = create(b);
  auto form = b.get("/henvendelser/" + id + "/rediger");
  EXPECT_EQ(form.status, 200);
  EXPECT_TRUE(has(form.body, "name=\"version\" value=\"1\""));
  EXPECT_TRUE(has(form.body, "value=\"als, kompetanse\""));

  auto first = b.post("/henvendelser/" + id + "/rediger", {{"version", "1"},
                                                           {"requester_org", "Eksempel kommune"},
                                                           {"body", "Første endring"},
                                                           {"received_on", "2027-03-02"},
                                                           {"tags", "als"}});
  EXPECT_EQ(first.status, 303) << first.body;
  EXPECT_EQ(first.header("location"), "/henvendelser/" + id + "?lagret=endret");

  auto second = b.post("/henvendelser/" + id + "/rediger", {{"version", "1"},
                                                            {"requester_org", "Eksempel kommune"},
                                                            {"body", "Andre endring"},
                                                            {"received_on", "2027-03-02"}});
  EXPECT_EQ(second.status, 409);
  EXPECT_TRUE(has(second.body, "Noen andre har lagret endringer i henvendelsen"));
  EXPECT_TRUE(has(second.body, "Andre endring")) << "what was typed is kept";
  EXPECT_TRUE(has(second.body, "Første endring")) << "what is saved now is shown";
  EXPECT_EQ(request(a_, id).body, "Første endring");

  auto stale_triage = b.post("/henvendelser/" + id + "/vurdering",
                             {{"version", "1"}, {"level", "2.0"}, {"reason", "Kurs."}});
  EXPECT_EQ(stale_triage.status, 409);
  EXPECT_TRUE(has(stale_triage.body, "Noen andre har endret henvendelsen mens du vurderte den"));
  EXPECT_TRUE(has(stale_triage.body, "Kurs.")) << "the reason is kept";
  EXPECT_FALSE(request(a_, id).answer_level.has_value());

  auto stale_close =
      b.post("/henvendelser/" + id + "/status", {{"version", "1"}, {"action", "close"}});
  EXPECT_EQ(stale_close.status, 409);
  EXPECT_EQ(request(a_, id).status, initiative::RequestStatus::open);

  const std::string token = token_for(a_.facilitator);
  auto api_stale = api_post(token, "/api/v1/requests/" + id + "/triage",
                            R"({"level":"1.0","reason":"x","version":1})");
  EXPECT_EQ(api_stale.status, 409);
  EXPECT_TRUE(has(api_stale.body, "\"status\":409"));
}

TEST_F(RequestPagesTest, CloseAndReopen) {
  Browser b = logged_in("veileder@horten.no");
  const std::string id = create(b);
  auto closed = b.post("/henvendelser/" + id + "/status", {{"version", "1"}, {"action", "close"}});
  EXPECT_EQ(closed.status, 303);
  EXPECT_EQ(closed.header("location"), "/henvendelser/" + id + "?lagret=avsluttet");
  EXPECT_EQ(request(a_, id).status, initiative::RequestStatus::closed);
  auto page = b.get("/henvendelser/" + id);
  EXPECT_TRUE(has(page.body, "Henvendelsen er avsluttet. Åpne den igjen"));
  EXPECT_FALSE(has(page.body, "/vurdering\"")) << "no triage form on a closed request";
  EXPECT_TRUE(has(b.get("/henvendelser?status=closed").body, "Eksempel kommune"));

  auto triage = b.post("/henvendelser/" + id + "/vurdering",
                       {{"version", "2"}, {"level", "1.0"}, {"reason", "Fordi."}});
  EXPECT_EQ(triage.status, 409);
  EXPECT_FALSE(request(a_, id).answer_level.has_value());

  auto reopened =
      b.post("/henvendelser/" + id + "/status", {{"version", "2"}, {"action", "reopen"}});
  EXPECT_EQ(reopened.status, 303);
  EXPECT_EQ(request(a_, id).status, initiative::RequestStatus::open);
  EXPECT_TRUE(
      has(b.get("/henvendelser/" + id + "?lagret=gjenapnet").body, "Henvendelsen er åpnet igjen."));

  // A triaged request that is closed and reopened is triaged again, answer kept.
  ASSERT_EQ(b.post("/henvendelser/" + id + "/vurdering",
                   {{"version", "3"}, {"level", "2.0"}, {"reason", "Kurs."}})
                .status,
            303);
  ASSERT_EQ(
      b.post("/henvendelser/" + id + "/status", {{"version", "4"}, {"action", "close"}}).status,
      303);
  ASSERT_EQ(
      b.post("/henvendelser/" + id + "/status", {{"version", "5"}, {"action", "reopen"}}).status,
      303);
  auto again = request(a_, id);
  EXPECT_EQ(again.status, initiative::RequestStatus::triaged);
  ASSERT_TRUE(again.answer_level.has_value());
  EXPECT_EQ(*again.answer_level, initiative::AnswerLevel::course);
}

TEST_F(RequestPagesTest, PagesRenderInEnglish) {
  Browser b = logged_in("veileder@horten.no");
  const std::string id = create(b);
  auto page = b.get("/henvendelser/" + id + "?lang=en");
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "How will you answer?"));
  EXPECT_TRUE(has(page.body, "book the cinema hall"));
  EXPECT_TRUE(has(page.body, "2027-03-01"));
  EXPECT_TRUE(has(b.get("/henvendelser/ny").body, "Register the request"));
  EXPECT_TRUE(has(b.get("/henvendelser").body, "Register a new request"));
  EXPECT_TRUE(has(b.get("/henvendelser/" + id + "/rediger").body, "Edit the request"));
}

TEST_F(RequestPagesTest, JsonApiWithBearerToken) {
  const std::string token = token_for(a_.facilitator);
  auto created = api_post(token, "/api/v1/requests",
                          json{{"requester_org", "Eksempel kommune"},
                               {"contact", "Kari"},
                               {"body", kAls},
                               {"received_on", "01.03.2027"},
                               {"tags", {"ALS", "kompetanse"}}}
                              .dump());
  ASSERT_EQ(created.status, 201) << created.body;
  auto j = json::parse(created.body);
  const std::string id = j["id"];
  EXPECT_EQ(created.header("location"), "/api/v1/requests/" + id);
  EXPECT_EQ(j["received_on"], "2027-03-01");
  EXPECT_EQ(j["tags"], json({"als", "kompetanse"}));
  EXPECT_EQ(j["status"], "open");
  EXPECT_TRUE(j["answer_level"].is_null());
  EXPECT_TRUE(j["initiative"].is_null());
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["url"], "/henvendelser/" + id);

  auto list = json::parse(api_get(token, "/api/v1/requests?status=open").body);
  ASSERT_EQ(list["requests"].size(), 1u);
  EXPECT_EQ(list["status"], "open");
  EXPECT_TRUE(
      json::parse(api_get(token, "/api/v1/requests?status=closed").body)["requests"].empty());
  auto bad_filter = api_get(token, "/api/v1/requests?status=bogus");
  EXPECT_EQ(bad_filter.status, 400);
  EXPECT_TRUE(has(json::parse(bad_filter.body)["error"]["message"], "Ukjent status"));
  EXPECT_EQ(json::parse(api_get(token, "/api/v1/requests/" + id).body)["body"], kAls);

  auto triaged = api_post(token, "/api/v1/requests/" + id + "/triage",
                          json{{"level", "3.0"},
                               {"reason", "Samskaping"},
                               {"version", 1},
                               {"partners", {"ansatte", "frivillige"}}}
                              .dump());
  ASSERT_EQ(triaged.status, 200) << triaged.body;
  auto t = json::parse(triaged.body);
  EXPECT_EQ(t["answer_level"], "3.0");
  EXPECT_EQ(t["status"], "triaged");
  ASSERT_TRUE(t["initiative"].is_object());
  const std::string initiative_id = t["initiative"]["id"];
  EXPECT_EQ(t["initiative"]["url"], "/initiativ/" + initiative_id);
  auto partners =
      store::InitiativeRepository(*s_->db, s_->clock).partners(actor(a_), initiative_id);
  ASSERT_TRUE(partners.ok());
  std::vector<initiative::PartnerType> types;
  for (const auto& p : *partners)
    types.push_back(p.type);
  std::sort(types.begin(), types.end());
  EXPECT_EQ(types, (std::vector<initiative::PartnerType>{initiative::PartnerType::ansatte,
                                                         initiative::PartnerType::frivillige}));

  // Without a token, with a wrong one, with a participant's.
  EXPECT_EQ(http_get(s_->url("/api/v1/requests")).status, 401);
  EXPECT_EQ(api_get("sk_feil", "/api/v1/requests").status, 401);
  EXPECT_EQ(api_post(token_for(a_.participant), "/api/v1/requests", "{}").status, 403);
  // A session cookie works too, but a POST then needs the CSRF token.
  Browser b = logged_in("veileder@horten.no");
  EXPECT_EQ(b.get("/api/v1/requests").status, 200);
  auto no_csrf = http_request("POST", s_->url("/api/v1/requests"),
                              b.headers({"Content-Type: application/json"}),
                              R"({"requester_org":"X","body":"Y"})");
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(requests(a_).size(), 1u);
}

TEST_F(RequestPagesTest, JsonApiRefusesHostileBodies) {
  const std::string token = token_for(a_.facilitator);
  struct Case {
    std::string body;
    std::string content_type;
    std::string field;  // the field named in "fields", or empty
  };
  const std::string huge(200000, 'x');
  const std::vector<Case> cases = {
      {"not json at all", "application/json", ""},
      {"{\"requester_org\": \"X\", \"body\": ", "application/json", ""},
      {"[1,2,3]", "application/json", ""},
      {"\"just a string\"", "application/json", ""},
      {"null", "application/json", ""},
      {"", "application/json", ""},
      {R"({"requester_org":"X","body":"Y"})", "text/plain", ""},
      {R"({"requester_org":"X","body":"Y"})", "application/x-www-form-urlencoded", ""},
      {std::string(100, '[') + std::string(100, ']'), "application/json", ""},
      {R"({"requester_org":5,"body":"Y"})", "application/json", "requester_org"},
      {R"({"requester_org":"X","body":["Y"]})", "application/json", "body"},
      {R"({"requester_org":"X","body":{"a":1}})", "application/json", "body"},
      {R"({"requester_org":"X","body":"Y","tags":"a,b"})", "application/json", "tags"},
      {R"({"requester_org":"X","body":"Y","tags":[1,2]})", "application/json", "tags"},
      {R"({"requester_org":"X","body":"Y","received_on":20270301})", "application/json",
       "received_on"},
      {R"({"requester_org":"X","body":"Y","received_on":"31.02.2027"})", "application/json",
       "received_on"},
      {R"({"requester_org":"","body":""})", "application/json", "requester_org"},
      {R"({})", "application/json", "requester_org"},
      {R"({"requester_org":"X\u0000Y","body":"Y"})", "application/json", "requester_org"},
      {"{\"requester_org\":\"X\",\"body\":\"" + huge + "\"}", "application/json", "body"},
      {"{\"requester_org\":\"" + huge + "\",\"body\":\"Y\"}", "application/json", "requester_org"},
      {R"({"requester_org":"X","body":"Y","tags":[")" + std::string(60, 't') + "\"]}",
       "application/json", "tags"},
      {"{\"requester_org\":\"\xff\xfe\",\"body\":\"Y\"}", "application/json", ""},
  };
  for (const auto& c : cases) {
    auto r = api_post(token, "/api/v1/requests", c.body, c.content_type);
    const std::string what = c.body.substr(0, 80) + " as " + c.content_type;
    EXPECT_EQ(r.status, 400) << what << ": " << r.body.substr(0, 300);
    ASSERT_TRUE(json::accept(r.body)) << what;
    auto j = json::parse(r.body);
    EXPECT_EQ(j["error"]["status"], 400) << what;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty()) << what;
    if (!c.field.empty()) {
      EXPECT_TRUE(j["error"]["fields"].contains(c.field)) << what << ": " << r.body.substr(0, 300);
    }
  }
  EXPECT_TRUE(requests(a_).empty()) << "nothing saved";

  // Over the body limit: 413, still JSON.
  auto too_big =
      api_post(token, "/api/v1/requests",
               "{\"requester_org\":\"X\",\"body\":\"" + std::string(1100000, 'x') + "\"}");
  EXPECT_EQ(too_big.status, 413);

  // The triage body.
  auto created = api_post(token, "/api/v1/requests", R"({"requester_org":"X","body":"Y"})");
  ASSERT_EQ(created.status, 201);
  const std::string id = json::parse(created.body)["id"];
  const std::vector<std::pair<std::string, std::string>> triage_cases = {
      {R"({"level":"3.0","reason":"x"})", "version"},
      {R"({"level":"3.0","reason":"x","version":"1"})", "version"},
      {R"({"level":"3.0","reason":"x","version":1.5})", "version"},
      {R"({"level":"3.0","reason":"x","version":-1})", "version"},
      {R"({"level":"3.0","reason":"x","version":99999999999999})", "version"},
      {R"({"level":3,"reason":"x","version":1})", "level"},
      {R"({"level":"4.0","reason":"x","version":1})", "level"},
      {R"({"level":"1.0","reason":"","version":1})", "reason"},
      {R"({"level":"1.0","version":1})", "reason"},
      {R"({"level":"3.0","reason":"x","version":1,"partners":"ansatte"})", "partners"},
      {R"({"level":"3.0","reason":"x","version":1,"partners":["ansatte","drager"]})", "partners"},
      {"{\"level\":\"1.0\",\"reason\":\"" + std::string(2001, 'r') + "\",\"version\":1}", "reason"},
  };
  for (const auto& [body, field] : triage_cases) {
    auto r = api_post(token, "/api/v1/requests/" + id + "/triage", body);
    EXPECT_EQ(r.status, 400) << body.substr(0, 80) << ": " << r.body.substr(0, 300);
    ASSERT_TRUE(json::accept(r.body));
    EXPECT_TRUE(json::parse(r.body)["error"]["fields"].contains(field)) << body.substr(0, 80);
  }
  auto stored = request(a_, id);
  EXPECT_EQ(stored.version, 1);
  EXPECT_FALSE(stored.answer_level.has_value());
  EXPECT_TRUE(store::InitiativeRepository(*s_->db, s_->clock).list(actor(a_))->empty());
}

// The initiative title from a request: requester, colon, the first words.
TEST(InitiativeTitleFromRequest, TableDriven) {
  struct Case {
    std::string requester, body, want;
  };
  const std::vector<Case> cases = {
      {"Eksempel kommune", "Hjelp med fall.", "Eksempel kommune: Hjelp med fall."},
      {"  Eksempel\n kommune ", "Hjelp\n\n  med\tfall", "Eksempel kommune: Hjelp med fall"},
      {"Eksempel kommune", kAls,
       "Eksempel kommune: Vi trenger mer kompetanse på ALS, kan dere hjelpe oss med…"},
      {"", "Hjelp", "Hjelp"},
      {"Eksempel kommune", "", "Eksempel kommune"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(web::initiative_title_from_request(c.requester, c.body), c.want) << c.body;

  // Never over the limit, never a broken UTF-8 sequence, whatever the input.
  const std::string long_requester(150, 'k');
  std::string ae_body;
  for (int i = 0; i < 200; ++i)
    ae_body += "æøå";
  for (std::size_t max : {200u, 50u, 20u, 9u}) {
    for (const auto& [r, b] :
         {std::pair{long_requester, ae_body}, std::pair{std::string(300, 'x'), std::string("y")},
          std::pair{std::string("ÆØÅ") + std::string(100, 'e'), ae_body}}) {
      std::string t = web::initiative_title_from_request(r, b, max);
      EXPECT_LE(t.size(), max);
      EXPECT_TRUE(t.ends_with("…")) << t;
      std::size_t i = 0;
      while (i < t.size()) {  // every sequence complete
        auto c = static_cast<unsigned char>(t[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
        ASSERT_LE(i + n, t.size()) << t;
        for (std::size_t k = 1; k < n; ++k)
          ASSERT_EQ(static_cast<unsigned char>(t[i + k]) & 0xC0, 0x80) << t;
        i += n;
      }
    }
  }
}

}  // namespace
}  // namespace samskap::testing
