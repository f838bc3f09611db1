// The initiatives JSON API over HTTP (issue 5): create → add every part →
// read it back → update with a version (409 when stale); another
// organisation's token gets 404 everywhere, no token 401, a participant's
// token 403; hostile bodies get 400 (or 413) naming the field, and nothing is
// saved.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>

#include "server_fixture.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "support/browser.hpp"
#include "support/http_client.hpp"

namespace samskap::testing {
namespace {

using nlohmann::json;

// A response body as JSON; a failure (not an exception) when it is not JSON.
json body_of(const HttpResult& r) {
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded()) ADD_FAILURE() << "not JSON: " << r.body.substr(0, 300);
  return j;
}

std::string seven_scores(int score) {
  json s = json::array();
  for (const char* item : {"tydelig-visjon", "smarte-mal", "eierskap", "ledelse", "medbestemmelse",
                           "tillit-respekt", "maloppnaelse"})
    s.push_back({{"item", item}, {"score", score}, {"note", std::string("Notat om ") + item}});
  return json{{"assessed_on", "2027-02-01"}, {"scores", s}}.dump();
}

class InitiativeApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    s_ = AppServer::start(store::Engine::sqlite, why);
    ASSERT_TRUE(s_) << why;
    store::AccountRepository accounts(*s_->db, s_->clock);
    auto a = accounts.create_organisation("Horten kommune", store::OrganisationKind::kommune);
    auto b = accounts.create_organisation("Borre kommune", store::OrganisationKind::kommune);
    auto u = accounts.create_organisation("USHT Vestfold", store::OrganisationKind::usht);
    ASSERT_TRUE(a.ok() && b.ok() && u.ok());
    org_a_ = a->id;
    org_b_ = b->id;
    facilitator_ = user(org_a_, "veileder@horten.no", "Vera Veileder", Role::prosessveileder);
    leader_ = user(org_a_, "leder@horten.no", "Leif Leder", Role::leder);
    participant_ = user(org_a_, "deltaker@horten.no", "Dag Deltaker", Role::deltaker);
    other_ = user(org_b_, "veileder@borre.no", "Bo Borre", Role::prosessveileder);
    usht_ = user(u->id, "veileder@usht.no", "Una Usht", Role::prosessveileder);
    auto unit = accounts.create_unit(org_a_, "Hjemmetjenesten");
    auto unit_b = accounts.create_unit(org_b_, "Sykehjemmet");
    ASSERT_TRUE(unit.ok() && unit_b.ok());
    unit_a_ = unit->id;
    unit_b_ = unit_b->id;
    token_ = token_for(facilitator_);
  }

  store::User user(const std::string& org, const std::string& email, const std::string& name,
                   Role role) {
    auto u = store::AccountRepository(*s_->db, s_->clock)
                 .create_user(org, email, name, role, test_password_hash());
    EXPECT_TRUE(u.ok());
    return u.ok() ? *u : store::User{};
  }
  std::string token_for(const store::User& u) {
    auto t = store::ApiTokenRepository(*s_->db, s_->clock).create(u.organisation_id, u.id, "test");
    EXPECT_TRUE(t.ok());
    return t.ok() ? t->second : std::string{};
  }

  HttpResult call(const std::string& method, const std::string& path, const std::string& body = {},
                  const std::string& token = {}, std::vector<std::string> headers = {}) {
    const std::string& t = token.empty() ? token_ : token;
    if (t != "-") headers.push_back("Authorization: Bearer " + t);
    if (method != "GET") headers.push_back("Content-Type: application/json");
    return http_request(method, s_->url(path), headers, body);
  }
  HttpResult get(const std::string& path, const std::string& token = {}) {
    return call("GET", path, {}, token);
  }
  HttpResult post(const std::string& path, const json& body, const std::string& token = {}) {
    return call("POST", path, body.dump(), token);
  }
  HttpResult put(const std::string& path, const json& body, const std::string& token = {}) {
    return call("PUT", path, body.dump(), token);
  }

  // Creates an initiative through the API; its JSON.
  json create(const json& body) {
    auto r = post("/api/v1/initiatives", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return body_of(r);
  }

  long long initiatives_in_db() {
    auto l = store::InitiativeRepository(*s_->db, s_->clock)
                 .list({org_a_, facilitator_.id, Role::prosessveileder});
    return l.ok() ? static_cast<long long>(l->size()) : -1;
  }

  // Expects a 400 whose "fields" names `field`; returns that field's message.
  std::string expect_field_error(const HttpResult& r, const std::string& field,
                                 const std::string& why) {
    EXPECT_EQ(r.status, 400) << why << ": " << r.body;
    EXPECT_EQ(r.header("content-type"), "application/json") << why;
    json j = body_of(r);
    if (!j.contains("error") || !j["error"].contains("fields") ||
        !j["error"]["fields"].contains(field)) {
      ADD_FAILURE() << why << ": no message for '" << field << "' in " << r.body;
      return {};
    }
    EXPECT_EQ(j["error"]["status"], 400);
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
    return j["error"]["fields"][field].get<std::string>();
  }

  // Expects a 400 (or `status`) whose message is `message` (no field list).
  void expect_body_error(const HttpResult& r, const std::string& message, const std::string& why,
                         int status = 400) {
    EXPECT_EQ(r.status, status) << why << ": " << r.body.substr(0, 300);
    json j = body_of(r);
    if (j.contains("error")) {
      EXPECT_EQ(j["error"]["message"], message) << why;
    } else {
      ADD_FAILURE() << why << ": no error object";
    }
  }

  std::unique_ptr<AppServer> s_;
  std::string org_a_, org_b_, unit_a_, unit_b_, token_;
  store::User facilitator_, leader_, participant_, other_, usht_;
};

TEST_F(InitiativeApiTest, CreateAddEveryPartReadBackAndUpdate) {
  json created = create({{"title", "  Færre fall i hjemmetjenesten "},
                         {"status", "forankring"},
                         {"unit_id", unit_a_},
                         {"facilitator_user_id", facilitator_.id},
                         {"leader_user_id", leader_.id},
                         {"starts_on", "2027-01-15"},
                         {"ends_on", "2027-12-31"},
                         {"vision", "Trygge hjem.\nFærre fall."},
                         {"sdgs", {11, 3, 3}}});
  const std::string id = created.value("id", "");
  ASSERT_EQ(id.size(), 32u) << created.dump();
  EXPECT_EQ(created["title"], "Færre fall i hjemmetjenesten");
  EXPECT_EQ(created["status"], "forankring");
  EXPECT_EQ(created["unit_name"], "Hjemmetjenesten");
  EXPECT_EQ(created["facilitator_name"], "Vera Veileder");
  EXPECT_EQ(created["leader_user_id"], leader_.id);
  EXPECT_EQ(created["starts_on"], "2027-01-15");
  EXPECT_EQ(created["ends_on"], "2027-12-31");
  EXPECT_EQ(created["vision"], "Trygge hjem.\nFærre fall.");
  EXPECT_EQ(created["sdgs"], json({3, 11}));
  EXPECT_EQ(created["organisation_name"], "Horten kommune");
  EXPECT_EQ(created["collaborating"], false);
  EXPECT_EQ(created["version"], 1);
  EXPECT_EQ(created["url"], "/initiativ/" + id);
  EXPECT_EQ(created["api_url"], "/api/v1/initiatives/" + id);
  EXPECT_TRUE(created["goals"].empty());
  EXPECT_TRUE(created["anchoring"].is_null());
  EXPECT_TRUE(created["complexity"]["domain"].is_null());
  EXPECT_EQ(created["partner_types_missing"].size(), 10u) << "all but 'annet'";
  EXPECT_EQ(created["evidence_balance"]["balanced"], false);

  // Location header of the create.
  auto again = post("/api/v1/initiatives", {{"title", "Nummer to"}});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.header("location"), "/api/v1/initiatives/" + body_of(again).value("id", ""));
  EXPECT_EQ(again.header("cache-control"), "no-store");
  EXPECT_EQ(body_of(again)["status"], "ide") << "the default status";
  s_->clock.advance(std::chrono::minutes(1));

  const std::string base = "/api/v1/initiatives/" + id;
  auto goal = post(base + "/goals", {{"statement", "Redusere fall med 20 % innen 1. juni 2027"},
                                     {"indicator", "fall per måned"},
                                     {"baseline", 12.5},
                                     {"target", 10},
                                     {"due", "2027-06-01"},
                                     {"owner", "Leif Leder"}});
  ASSERT_EQ(goal.status, 201) << goal.body;
  json g = body_of(goal);
  EXPECT_EQ(g["baseline"], 12.5);
  EXPECT_EQ(g["target"], 10.0);
  EXPECT_EQ(g["due"], "2027-06-01");
  EXPECT_TRUE(g["smart_gaps"].is_array());
  auto vague = post(base + "/goals", {{"statement", "Bedre samarbeid"}});
  ASSERT_EQ(vague.status, 201) << vague.body;
  json vg = body_of(vague);
  EXPECT_TRUE(vg["baseline"].is_null());
  EXPECT_TRUE(vg["due"].is_null());
  std::set<std::string> gaps;
  for (const auto& s : vg["smart_gaps"])
    gaps.insert(s.get<std::string>());
  EXPECT_TRUE(gaps.count("owner") && gaps.count("target")) << vg["smart_gaps"].dump();

  const std::string goal_id = g.value("id", "");
  auto p2 = post(base + "/goals/" + goal_id + "/progress",
                 {{"value", 11}, {"measured_on", "2027-03-01"}, {"note", "mars"}});
  ASSERT_EQ(p2.status, 201) << p2.body;
  EXPECT_EQ(body_of(p2)["value"], 11.0);
  auto p1 = post(base + "/goals/" + goal_id + "/progress",
                 {{"value", 12}, {"measured_on", "2027-02-01"}});
  ASSERT_EQ(p1.status, 201) << p1.body;

  auto a1 = call("POST", base + "/anchoring", seven_scores(2));
  ASSERT_EQ(a1.status, 201) << a1.body;
  json later = json::parse(seven_scores(4));
  later["assessed_on"] = "2027-05-01";
  auto a2 = post(base + "/anchoring", later);
  ASSERT_EQ(a2.status, 201) << a2.body;
  EXPECT_EQ(body_of(a2)["average"], 4.0);
  EXPECT_EQ(body_of(a2)["by"], "Vera Veileder");

  auto partner = post(base + "/partners", {{"type", "ansatte"},
                                           {"name", "Sykepleiere i hjemmetjenesten"},
                                           {"role", "gjennomfører"},
                                           {"contact", "Kari, 900 00 000"}});
  ASSERT_EQ(partner.status, 201) << partner.body;
  EXPECT_EQ(body_of(partner)["version"], 1);
  auto ev = post(base + "/evidence",
                 {{"kind", "brukerkunnskap"}, {"source", "Brukerrådet"}, {"note", "Møte 2.2."}});
  ASSERT_EQ(ev.status, 201) << ev.body;
  auto act = post(base + "/activities", {{"type", "verksted"},
                                         {"title", "Verksted med pårørende"},
                                         {"starts_on", "2027-03-10"},
                                         {"ends_on", "2027-03-11"},
                                         {"responsible", "Vera"},
                                         {"milestone", true}});
  ASSERT_EQ(act.status, 201) << act.body;
  json ac = body_of(act);
  EXPECT_EQ(ac["status"], "planlagt") << "the default";
  EXPECT_EQ(ac["milestone"], true);

  auto full = get(base);
  ASSERT_EQ(full.status, 200) << full.body;
  EXPECT_EQ(full.header("cache-control"), "no-store");
  json j = body_of(full);
  ASSERT_EQ(j["goals"].size(), 2u);
  ASSERT_EQ(j["goals"][0]["progress"].size(), 2u);
  EXPECT_EQ(j["goals"][0]["progress"][0]["measured_on"], "2027-02-01") << "oldest first";
  EXPECT_EQ(j["goals"][0]["progress"][1]["note"], "mars");
  EXPECT_EQ(j["anchoring"]["assessed_on"], "2027-05-01") << "the latest assessment";
  ASSERT_EQ(j["anchoring"]["scores"].size(), 7u);
  EXPECT_EQ(j["anchoring"]["scores"][0]["item"], "tydelig-visjon");
  EXPECT_EQ(j["anchoring"]["scores"][0]["note"], "Notat om tydelig-visjon");
  ASSERT_EQ(j["anchoring_history"].size(), 2u);
  EXPECT_EQ(j["anchoring_history"][0]["average"], 2.0);
  ASSERT_EQ(j["partners"].size(), 1u);
  EXPECT_EQ(j["partners"][0]["contact"], "Kari, 900 00 000");
  EXPECT_EQ(j["partner_types_missing"].size(), 9u);
  EXPECT_EQ(j["evidence"][0]["kind"], "brukerkunnskap");
  EXPECT_EQ(j["evidence_balance"]["counts"]["brukerkunnskap"], 1);
  EXPECT_EQ(j["evidence_balance"]["counts"]["forskning"], 0);
  EXPECT_EQ(j["activities"][0]["ends_on"], "2027-03-11");
  EXPECT_EQ(j["version"], 1) << "adding parts does not make an edit of the initiative stale";

  auto list = get("/api/v1/initiatives");
  ASSERT_EQ(list.status, 200);
  json l = body_of(list);
  ASSERT_EQ(l["initiatives"].size(), 2u);
  EXPECT_EQ(l["initiatives"][0]["id"], id) << "the one changed last comes first";

  // Update: fields not sent keep their values, null clears an optional one.
  auto up = put(base, {{"version", 1},
                       {"title", "Færre fall"},
                       {"vision", nullptr},
                       {"status", "gjennomforing"},
                       {"leader_user_id", nullptr}});
  ASSERT_EQ(up.status, 200) << up.body;
  json u = body_of(up);
  EXPECT_EQ(u["version"], 2);
  EXPECT_EQ(u["title"], "Færre fall");
  EXPECT_EQ(u["status"], "gjennomforing");
  EXPECT_EQ(u["vision"], "");
  EXPECT_TRUE(u["leader_user_id"].is_null());
  EXPECT_EQ(u["unit_id"], unit_a_) << "not sent: kept";
  EXPECT_EQ(u["sdgs"], json({3, 11}));
  EXPECT_EQ(u["goals"].size(), 2u);

  // A stale version is 409, and nothing changes.
  auto stale = put(base, {{"version", 1}, {"title", "Gammel versjon"}});
  EXPECT_EQ(stale.status, 409) << stale.body;
  json sj = body_of(stale);
  EXPECT_EQ(sj["error"]["status"], 409);
  EXPECT_EQ(sj["error"]["title"], "Initiativet er endret av en annen");
  EXPECT_EQ(sj["error"]["message"],
            "Noen andre har endret dette mens du skrev. Se over og lagre igjen.");
  EXPECT_EQ(body_of(get(base))["title"], "Færre fall");

  // A GET body can be edited and sent back whole: read-only fields are ignored.
  json whole = body_of(get(base));
  whole["title"] = "Rundtur";
  auto round = put(base, whole);
  ASSERT_EQ(round.status, 200) << round.body;
  EXPECT_EQ(body_of(round)["title"], "Rundtur");
  EXPECT_EQ(body_of(round)["version"], 3);

  // Every change is in the audit log, marked as made through the API.
  auto log = store::AuditLog(*s_->db, s_->clock).list(org_a_, 100);
  ASSERT_TRUE(log.ok());
  std::multiset<std::string> actions;
  for (const auto& e : *log) {
    if (e.object_type == "user" || e.action.starts_with("login")) continue;
    EXPECT_EQ(e.detail, "api") << e.action;
    actions.insert(e.action);
  }
  EXPECT_EQ(actions.count("initiative_created"), 2u);
  EXPECT_EQ(actions.count("initiative_updated"), 2u);
  EXPECT_EQ(actions.count("goal_added"), 2u);
  EXPECT_EQ(actions.count("progress_added"), 2u);
  EXPECT_EQ(actions.count("anchoring_assessed"), 2u);
  EXPECT_EQ(actions.count("partner_added"), 1u);
  EXPECT_EQ(actions.count("evidence_added"), 1u);
  EXPECT_EQ(actions.count("activity_added"), 1u);
}

// Every route of the API with a valid body, for the access tests.
struct Call {
  std::string method, path, body;
};
std::vector<Call> every_route(const std::string& id, const std::string& goal) {
  const std::string b = "/api/v1/initiatives/" + id;
  return {
      {"GET", "/api/v1/initiatives", ""},
      {"POST", "/api/v1/initiatives", R"({"title":"Nytt"})"},
      {"GET", b, ""},
      {"PUT", b, R"({"version":1,"title":"Endret"})"},
      {"POST", b + "/goals", R"({"statement":"Mål"})"},
      {"POST", b + "/goals/" + goal + "/progress", R"({"value":1})"},
      {"POST", b + "/anchoring", seven_scores(3)},
      {"POST", b + "/partners", R"({"type":"ledere","name":"Ledere"})"},
      {"POST", b + "/evidence", R"({"kind":"forskning","source":"Studie"})"},
      {"POST", b + "/activities", R"({"type":"mote","title":"Møte","starts_on":"2027-01-01"})"}};
}

TEST_F(InitiativeApiTest, AnotherOrganisationGetsNotFoundForEverything) {
  json i = create({{"title", "Horten sitt"}});
  const std::string id = i.value("id", "");
  auto goal = post("/api/v1/initiatives/" + id + "/goals", {{"statement", "Mål"}});
  ASSERT_EQ(goal.status, 201);
  const std::string goal_id = body_of(goal).value("id", "");
  const std::string other = token_for(other_);
  json mine = create({{"title", "placeholder"}});  // so the list is not trivially empty for A

  for (const auto& c : every_route(id, goal_id)) {
    if (c.path == "/api/v1/initiatives") continue;  // B's own collection
    auto r = call(c.method, c.path, c.body, other);
    EXPECT_EQ(r.status, 404) << c.method << " " << c.path << ": " << r.body;
    EXPECT_EQ(r.header("content-type"), "application/json") << c.path;
    EXPECT_EQ(body_of(r)["error"]["status"], 404) << c.path;
  }
  auto list = get("/api/v1/initiatives", other);
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(body_of(list)["initiatives"].empty());

  // A's goal through B's own initiative is not found either.
  auto b_own = call("POST", "/api/v1/initiatives", R"({"title":"Borre sitt"})", other);
  ASSERT_EQ(b_own.status, 201);
  const std::string b_id = body_of(b_own).value("id", "");
  auto through = call("POST", "/api/v1/initiatives/" + b_id + "/goals/" + goal_id + "/progress",
                      R"({"value":1})", other);
  EXPECT_EQ(through.status, 404) << through.body;
  // B cannot point its unit at A's, nor A at B's.
  auto foreign_unit = put("/api/v1/initiatives/" + id, {{"version", 1}, {"unit_id", unit_b_}});
  expect_field_error(foreign_unit, "unit_id", "a unit of another organisation");

  // A's initiative is untouched.
  json after = body_of(get("/api/v1/initiatives/" + id));
  EXPECT_EQ(after["title"], "Horten sitt");
  EXPECT_EQ(after["version"], 1);
  EXPECT_EQ(after["goals"].size(), 1u);
  EXPECT_TRUE(after["goals"][0]["progress"].empty());
  EXPECT_TRUE(after["partners"].empty());
  EXPECT_TRUE(after["anchoring"].is_null());

  // A collaborator from a USHT reaches it once invited, marked as collaborating.
  const std::string usht = token_for(usht_);
  EXPECT_EQ(get("/api/v1/initiatives/" + id, usht).status, 404);
  ASSERT_TRUE(store::InitiativeRepository(*s_->db, s_->clock)
                  .add_collaborator({org_a_, facilitator_.id, Role::prosessveileder}, id, usht_.id)
                  .ok());
  auto seen = get("/api/v1/initiatives/" + id, usht);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(body_of(seen)["collaborating"], true);
  auto usht_list = body_of(get("/api/v1/initiatives", usht));
  ASSERT_EQ(usht_list["initiatives"].size(), 1u);
  EXPECT_EQ(usht_list["initiatives"][0]["id"], id);
  EXPECT_EQ(get("/api/v1/initiatives/" + mine.value("id", ""), usht).status, 404)
      << "not the organisation's other initiative";
}

TEST_F(InitiativeApiTest, NoTokenIs401AndAParticipantIs403) {
  json i = create({{"title", "Tilgang"}});
  const std::string id = i.value("id", "");
  auto goal = post("/api/v1/initiatives/" + id + "/goals", {{"statement", "Mål"}});
  const std::string goal_id = body_of(goal).value("id", "");
  const std::string participant = token_for(participant_);
  const std::string leader = token_for(leader_);
  for (const auto& c : every_route(id, goal_id)) {
    const std::string what = c.method + " " + c.path;
    auto none = call(c.method, c.path, c.body, "-");
    EXPECT_EQ(none.status, 401) << what;
    EXPECT_EQ(none.header("content-type"), "application/json") << what;
    EXPECT_EQ(body_of(none)["error"]["status"], 401) << what;
    auto bogus = call(c.method, c.path, c.body, "sk_not-a-real-token");
    EXPECT_EQ(bogus.status, 401) << what;
    auto deltaker = call(c.method, c.path, c.body, participant);
    EXPECT_EQ(deltaker.status, 403) << what << ": " << deltaker.body;
    EXPECT_EQ(body_of(deltaker)["error"]["status"], 403) << what;
  }
  EXPECT_EQ(initiatives_in_db(), 1) << "nothing was created by them";
  auto after = body_of(get("/api/v1/initiatives/" + id));
  EXPECT_EQ(after["version"], 1);
  EXPECT_EQ(after["goals"][0]["progress"].size(), 0u);

  // A leader may read and change, like on the pages.
  EXPECT_EQ(get("/api/v1/initiatives/" + id, leader).status, 200);
  EXPECT_EQ(
      call("PUT", "/api/v1/initiatives/" + id, R"({"version":1,"status":"vedlikehold"})", leader)
          .status,
      200);
}

TEST_F(InitiativeApiTest, SessionClientsNeedTheCsrfHeader) {
  Browser b = logged_in_browser(s_.get(), "veileder@horten.no");
  const std::string csrf = b.csrf();
  ASSERT_FALSE(csrf.empty());
  auto without = http_request("POST", s_->url("/api/v1/initiatives"),
                              b.headers({"Content-Type: application/json"}), R"({"title":"X"})");
  EXPECT_EQ(without.status, 403);
  auto with = http_request("POST", s_->url("/api/v1/initiatives"),
                           b.headers({"Content-Type: application/json", "X-CSRF-Token: " + csrf}),
                           R"({"title":"Fra nettleseren"})");
  EXPECT_EQ(with.status, 201) << with.body;
  EXPECT_EQ(b.get("/api/v1/initiatives").status, 200);
  EXPECT_EQ(initiatives_in_db(), 1);
}

TEST_F(InitiativeApiTest, HostileBodiesAreRefusedNamingTheField) {
  const std::string create_path = "/api/v1/initiatives";
  auto raw = [&](const std::string& body, const std::string& content_type = "application/json") {
    return http_request("POST", s_->url(create_path),
                        {"Authorization: Bearer " + token_, "Content-Type: " + content_type}, body);
  };
  // The body as a whole.
  expect_body_error(raw(R"({"title":"X"})", "text/plain"),
                    "Send en JSON-kropp med Content-Type: application/json.", "text/plain");
  expect_body_error(raw("title=X", "application/x-www-form-urlencoded"),
                    "Send en JSON-kropp med Content-Type: application/json.", "a form");
  const std::string not_json = "Kroppen er ikke gyldig JSON (eller ikke gyldig UTF-8).";
  for (const std::string& bad :
       {std::string(""), std::string("{"), std::string("{'title': 'x'}"),
        std::string(R"({"title": "x",})"), std::string("{\"title\": \"bad \xff byte\"}"),
        std::string(R"({"title": "\ud800 alone"})"), std::string("{\"title\":\"x\"} trailing"),
        std::string("\x00\x01\x02", 3)})
    expect_body_error(raw(bad), not_json, "not JSON: " + bad);
  for (const std::string& bad : {std::string("[]"), std::string("[{\"title\":\"x\"}]"),
                                 std::string("\"title\""), std::string("42"), std::string("null")})
    expect_body_error(raw(bad), "Kroppen må være et JSON-objekt.", "not an object: " + bad);
  expect_body_error(raw(std::string(100000, '[') + std::string(100000, ']')),
                    "JSON-kroppen er nøstet for dypt.", "deep arrays");
  std::string deep_object;
  for (int k = 0; k < 17; ++k)
    deep_object += "{\"a\":";
  deep_object += "1" + std::string(17, '}');
  expect_body_error(raw(deep_object), "JSON-kroppen er nøstet for dypt.", "17 nested objects");
  expect_body_error(raw(R"({"title":")" + std::string(300 * 1024, 'x') + "\"}"),
                    "JSON-kroppen er for stor. Send høyst 256 KiB.", "300 KiB", 413);
  auto huge = raw(std::string(2 * 1024 * 1024, ' '));
  EXPECT_EQ(huge.status, 413) << "over the server's limit";
  EXPECT_EQ(initiatives_in_db(), 0);

  // Brackets inside strings are text, not nesting.
  auto brackets = raw(json{{"title", std::string(150, '[') + "{"}}.dump());
  EXPECT_EQ(brackets.status, 201) << brackets.body;

  // Field by field.
  auto refuse = [&](const json& body, const std::string& field, const std::string& why) {
    return expect_field_error(raw(body.dump()), field, why);
  };
  EXPECT_EQ(refuse(json::object(), "title", "no title"), "Feltet må være med.");
  refuse({{"title", nullptr}}, "title", "null title");
  EXPECT_EQ(refuse({{"title", 42}}, "title", "a number as title"),
            "Må være en tekst (JSON-streng).");
  refuse({{"title", {"a"}}}, "title", "a list as title");
  refuse({{"title", {{"nb", "x"}}}}, "title", "an object as title");
  refuse({{"title", "   "}}, "title", "a blank title");
  refuse({{"title", std::string(201, 'x')}}, "title", "201 bytes");
  refuse({{"title", "To\nlinjer"}}, "title", "a newline in the title");
  refuse({{"title", std::string("nul\0byte", 8)}}, "title", "an escaped NUL");
  refuse({{"title", "bell\x07"}}, "title", "a control character");
  EXPECT_EQ(
      refuse({{"title", "X"}, {"status", "ferdig"}}, "status", "unknown status"),
      "Må være en av disse verdiene: ide, forankring, gjennomforing, vedlikehold, avsluttet.");
  refuse({{"title", "X"}, {"status", nullptr}}, "status", "null status");
  refuse({{"title", "X"}, {"starts_on", "01.03.2027"}}, "starts_on", "a Norwegian date");
  refuse({{"title", "X"}, {"starts_on", 20270301}}, "starts_on", "a number as date");
  refuse({{"title", "X"}, {"starts_on", "2027-3-1"}}, "starts_on", "a short date");
  EXPECT_EQ(refuse({{"title", "X"}, {"starts_on", "2027-02-30"}}, "starts_on", "30 February"),
            "Datoen finnes ikke. Sjekk dag og måned, og bruk et årstall mellom 1900 og 2199.");
  refuse({{"title", "X"}, {"starts_on", "1800-01-01"}}, "starts_on", "year 1800");
  refuse({{"title", "X"}, {"starts_on", "2027-05-02"}, {"ends_on", "2027-05-01"}}, "ends_on",
         "ends before it starts");
  for (const json& bad :
       {json({0}), json({18}), json({"3"}), json({1.5}), json("3"), json(3), json({{"a", 1}})})
    refuse({{"title", "X"}, {"sdgs", bad}}, "sdgs", "sdgs " + bad.dump());
  refuse({{"title", "X"}, {"unit_id", unit_b_}}, "unit_id", "another organisation's unit");
  refuse({{"title", "X"}, {"unit_id", 7}}, "unit_id", "a number as unit");
  refuse({{"title", "X"}, {"facilitator_user_id", other_.id}}, "facilitator_user_id",
         "another organisation's facilitator");
  refuse({{"title", "X"}, {"leader_user_id", "no-such-user"}}, "leader_user_id", "unknown leader");
  refuse({{"title", "X"}, {"vision", std::string(4001, 'v')}}, "vision", "a long vision");
  EXPECT_EQ(refuse({{"title", "X"}, {"titel", "Y"}}, "titel", "a misspelt field"),
            "Ukjent felt. Se docs/api.md for feltene som kan sendes.");
  refuse({{"title", "X"}, {"request_id", "no-such-request"}}, "request_id", "unknown request");
  EXPECT_EQ(initiatives_in_db(), 1) << "only the one with brackets";

  // Many unknown fields: a bounded answer.
  json many = {{"title", "X"}};
  for (int k = 0; k < 5000; ++k)
    many["f" + std::to_string(k)] = k;
  auto r = raw(many.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_LE(body_of(r)["error"]["fields"].size(), 20u);
  EXPECT_LT(r.body.size(), 4000u);

  // Messages follow the client's language.
  auto en = http_request(
      "POST", s_->url(create_path),
      {"Authorization: Bearer " + token_, "Content-Type: application/json", "Accept-Language: en"},
      "{}");
  EXPECT_EQ(expect_field_error(en, "title", "English"), "This field is required.");
  EXPECT_EQ(body_of(en)["error"]["message"],
            "Some fields are not valid. See \"fields\" for each field.");
  EXPECT_EQ(initiatives_in_db(), 1);
}

TEST_F(InitiativeApiTest, HostileUpdatesAndPartsAreRefusedAndChangeNothing) {
  json i = create({{"title", "Uendret"}, {"sdgs", {3}}});
  const std::string id = i.value("id", "");
  const std::string base = "/api/v1/initiatives/" + id;
  auto goal = post(base + "/goals", {{"statement", "Mål"}});
  const std::string goal_id = body_of(goal).value("id", "");

  // Updates need a whole-number version.
  EXPECT_EQ(expect_field_error(put(base, {{"title", "Y"}}), "version", "no version"),
            "Send versjonen du tok utgangspunkt i (version).");
  for (const json& v : {json("1"), json(1.5), json(-1), json(0), json(1e30), json(nullptr),
                        json(true), json(18446744073709551615ULL)})
    expect_field_error(put(base, {{"title", "Y"}, {"version", v}}), "version",
                       "version " + v.dump());
  expect_field_error(put(base, {{"version", 1}, {"title", nullptr}}), "title", "null title");
  expect_field_error(put(base, {{"version", 1}, {"title", ""}}), "title", "empty title");
  expect_field_error(put(base, {{"version", 1}, {"sdgs", {99}}}), "sdgs", "sdg 99");
  expect_field_error(put(base, {{"version", 1}, {"request_idx", "x"}}), "request_idx",
                     "unknown field");
  auto not_json = call("PUT", base, "{\"version\":1,");
  EXPECT_EQ(not_json.status, 400);
  auto unknown = put("/api/v1/initiatives/no-such-id", {{"version", 1}});
  EXPECT_EQ(unknown.status, 404);

  // Goals and progress.
  auto gp = base + "/goals";
  expect_field_error(post(gp, json::object()), "statement", "no statement");
  expect_field_error(post(gp, {{"statement", "M"}, {"baseline", "12"}}), "baseline",
                     "a string as number");
  expect_field_error(post(gp, {{"statement", "M"}, {"baseline", 1e300}}), "baseline",
                     "a huge baseline");
  expect_field_error(post(gp, {{"statement", "M"}, {"baseline", 1}, {"target", -1e300}}), "target",
                     "a huge target");
  expect_field_error(post(gp, {{"statement", "M"}, {"due", "2027-04-31"}}), "due", "31 April");
  expect_field_error(post(gp, {{"statement", "M"}, {"indicator", "a\nb"}}), "indicator",
                     "a newline in the indicator");
  expect_field_error(post(gp, {{"statement", "M"}, {"owner", std::string(201, 'o')}}), "owner",
                     "a long owner");
  auto pp = base + "/goals/" + goal_id + "/progress";
  expect_field_error(post(pp, json::object()), "value", "no value");
  expect_field_error(post(pp, {{"value", "7"}}), "value", "a string as value");
  expect_field_error(post(pp, {{"value", 1e300}}), "value", "a huge value");
  expect_field_error(post(pp, {{"value", 1}, {"measured_on", "i går"}}), "measured_on",
                     "words as date");
  expect_field_error(post(pp, {{"value", 1}, {"note", "a\x01"}}), "note", "a control character");
  EXPECT_EQ(post(base + "/goals/no-such-goal/progress", {{"value", 1}}).status, 404);

  // Anchoring.
  auto ap = base + "/anchoring";
  expect_field_error(post(ap, json::object()), "scores", "no scores");
  expect_field_error(post(ap, {{"scores", "alle 5"}}), "scores", "a string as scores");
  json six = json::parse(seven_scores(3));
  six["scores"].erase(6);
  expect_field_error(post(ap, six), "scores", "six items");
  json bad = json::parse(seven_scores(3));
  bad["scores"][2]["score"] = 6;
  expect_field_error(post(ap, bad), "scores[2].score", "score 6");
  bad = json::parse(seven_scores(3));
  bad["scores"][0]["score"] = "4";
  expect_field_error(post(ap, bad), "scores[0].score", "score as text");
  bad = json::parse(seven_scores(3));
  bad["scores"][1]["item"] = "visjon";
  expect_field_error(post(ap, bad), "scores[1].item", "unknown item");
  bad = json::parse(seven_scores(3));
  bad["scores"][3] = 5;
  expect_field_error(post(ap, bad), "scores[3]", "a number as score object");
  bad = json::parse(seven_scores(3));
  bad["scores"][4]["extra"] = 1;
  expect_field_error(post(ap, bad), "scores[4].extra", "an unknown field in a score");
  bad = json::parse(seven_scores(3));
  bad["scores"][5] = bad["scores"][0];
  expect_field_error(post(ap, bad), "scores", "an item twice");
  bad = json::parse(seven_scores(3));
  bad["assessed_on"] = "2027-13-01";
  expect_field_error(post(ap, bad), "assessed_on", "month 13");

  // Partners, evidence, activities.
  expect_field_error(post(base + "/partners", {{"name", "X"}}), "type", "no type");
  expect_field_error(post(base + "/partners", {{"type", "venner"}, {"name", "X"}}), "type",
                     "unknown type");
  expect_field_error(post(base + "/partners", {{"type", "ledere"}, {"name", ""}}), "name",
                     "empty name");
  expect_field_error(post(base + "/partners", {{"type", "ledere"}, {"name", "X"}, {"role", 1}}),
                     "role", "a number as role");
  expect_field_error(post(base + "/evidence", {{"kind", "forskning"}}), "source", "no source");
  expect_field_error(post(base + "/evidence", {{"kind", "synsing"}, {"source", "X"}}), "kind",
                     "unknown kind");
  expect_field_error(
      post(base + "/evidence",
           {{"kind", "forskning"}, {"source", "X"}, {"note", std::string(4001, 'n')}}),
      "note", "a long note");
  auto act = base + "/activities";
  expect_field_error(post(act, {{"type", "mote"}, {"title", "Møte"}}), "starts_on", "no start");
  expect_field_error(post(act, {{"type", "mote"},
                                {"title", "Møte"},
                                {"starts_on", "2027-05-02"},
                                {"ends_on", "2027-05-01"}}),
                     "ends_on", "ends before it starts");
  expect_field_error(
      post(act,
           {{"type", "mote"}, {"title", "Møte"}, {"starts_on", "2027-05-02"}, {"milestone", "ja"}}),
      "milestone", "a string as boolean");
  expect_field_error(
      post(
          act,
          {{"type", "mote"}, {"title", "Møte"}, {"starts_on", "2027-05-02"}, {"status", "ferdig"}}),
      "status", "unknown status");
  expect_field_error(post(act, {{"type", "fest"}, {"title", "X"}, {"starts_on", "2027-05-02"}}),
                     "type", "unknown type");

  // Nothing changed.
  json after = body_of(get(base));
  EXPECT_EQ(after["title"], "Uendret");
  EXPECT_EQ(after["version"], 1);
  EXPECT_EQ(after["sdgs"], json({3}));
  ASSERT_EQ(after["goals"].size(), 1u);
  EXPECT_TRUE(after["goals"][0]["progress"].empty());
  EXPECT_TRUE(after["anchoring"].is_null());
  EXPECT_TRUE(after["partners"].empty());
  EXPECT_TRUE(after["evidence"].empty());
  EXPECT_TRUE(after["activities"].empty());
}

}  // namespace
}  // namespace samskap::testing
