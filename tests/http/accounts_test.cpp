// Accounts over HTTP: first-run setup, login with throttling, sessions and
// their expiry, CSRF, invitations, roles, the audit log, data export, API
// tokens — and the isolation walk over every route of the app.

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "server_fixture.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "store/readiness.hpp"
#include "store/secrets.hpp"
#include "store/workshops.hpp"
#include "support/browser.hpp"
#include "support/http_client.hpp"

namespace samskap::testing {
namespace {

const std::string& kPassword = kTestPassword;

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    s_ = AppServer::start(store::Engine::sqlite, why);
    ASSERT_TRUE(s_) << why;
  }
  // Creates an organisation with an active administrator; returns the admin.
  store::User make_org(const std::string& name, const std::string& email) {
    store::AccountRepository accounts(*s_->db, s_->clock);
    auto org = accounts.create_organisation(name, store::OrganisationKind::kommune);
    EXPECT_TRUE(org.ok());
    auto u = accounts.create_user(org->id, email, "Admin " + name, Role::administrator, hash());
    EXPECT_TRUE(u.ok());
    return *u;
  }
  static const std::string& hash() { return test_password_hash(); }
  Browser logged_in(const std::string& email) { return logged_in_browser(s_.get(), email); }
  std::unique_ptr<AppServer> s_;
};

TEST_F(AccountsTest, FirstRunSetupCreatesOrganisationAndAdministratorOnce) {
  auto token = store::OneTimeTokenRepository(*s_->db, s_->clock)
                   .issue(store::TokenKind::setup, "", "", std::chrono::hours(24));
  ASSERT_TRUE(token.ok());
  Browser b{s_.get(), {}};
  auto form = b.get("/oppsett/" + *token);
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("Første oppsett"), std::string::npos);
  // Without the CSRF token nothing happens.
  auto forged = b.post("/oppsett/" + *token, {{"organisation", "X"}}, false);
  EXPECT_EQ(forged.status, 403);
  // Field-level errors, in Norwegian, and nothing is created.
  auto bad = b.post("/oppsett/" + *token, {{"organisation", ""},
                                           {"kind", "kommune"},
                                           {"name", "Kari"},
                                           {"email", "ikke-en-adresse"},
                                           {"password", "kort"},
                                           {"password2", "kort"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("Skriv navnet på organisasjonen."), std::string::npos);
  EXPECT_NE(bad.body.find("Skriv en gyldig e-postadresse"), std::string::npos);
  EXPECT_NE(bad.body.find("minst 12 tegn"), std::string::npos);
  EXPECT_NE(bad.body.find("aria-invalid=\"true\""), std::string::npos);
  EXPECT_FALSE(*store::AccountRepository(*s_->db, s_->clock).any_organisation());
  auto common = b.post("/oppsett/" + *token, {{"organisation", "Tønsberg kommune"},
                                              {"kind", "kommune"},
                                              {"name", "Kari Nordmann"},
                                              {"email", "kari@tonsberg.kommune.no"},
                                              {"password", "passord12345"},
                                              {"password2", "passord12345"}});
  EXPECT_EQ(common.status, 422);
  EXPECT_NE(common.body.find("for vanlig"), std::string::npos);

  auto ok = b.post("/oppsett/" + *token, {{"organisation", "Tønsberg kommune"},
                                          {"kind", "kommune"},
                                          {"name", "Kari Nordmann"},
                                          {"email", "Kari@Tonsberg.Kommune.no"},
                                          {"password", kPassword},
                                          {"password2", kPassword}});
  ASSERT_EQ(ok.status, 303) << ok.body;
  auto home = b.get("/");
  EXPECT_NE(home.body.find("Kari Nordmann"), std::string::npos) << "signed in after setup";
  auto admin = b.get("/admin/brukere");
  EXPECT_EQ(admin.status, 200);
  EXPECT_NE(admin.body.find("kari@tonsberg.kommune.no"), std::string::npos);
  // The link works once.
  Browser other{s_.get(), {}};
  EXPECT_EQ(other.get("/oppsett/" + *token).status, 410);
}

TEST_F(AccountsTest, LoginFailsAlikeForUnknownUsersAndThrottles) {
  make_org("Sandefjord kommune", "ola@sandefjord.kommune.no");
  Browser b{s_.get(), {}};
  b.get("/logg-inn");
  auto wrong = b.post("/logg-inn",
                      {{"email", "ola@sandefjord.kommune.no"}, {"password", "feil passord her"}});
  auto unknown = b.post(
      "/logg-inn", {{"email", "ingen@sandefjord.kommune.no"}, {"password", "feil passord her"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_NE(wrong.body.find("E-postadressen eller passordet er feil."), std::string::npos);
  EXPECT_NE(unknown.body.find("E-postadressen eller passordet er feil."), std::string::npos);
  // Two more failures on the account make the next attempt wait, even with the right password.
  for (int i = 0; i < 2; ++i)
    b.post("/logg-inn", {{"email", "ola@sandefjord.kommune.no"}, {"password", "nei nei nei nei"}});
  auto throttled =
      b.post("/logg-inn", {{"email", "ola@sandefjord.kommune.no"}, {"password", kPassword}});
  EXPECT_EQ(throttled.status, 429);
  EXPECT_FALSE(throttled.header("retry-after").empty());
  EXPECT_NE(throttled.body.find("for mange mislykkede forsøk"), std::string::npos);
  s_->clock.advance(std::chrono::minutes(20));
  auto ok = b.post("/logg-inn", {{"email", "ola@sandefjord.kommune.no"}, {"password", kPassword}});
  EXPECT_EQ(ok.status, 303);
}

TEST_F(AccountsTest, SessionIdRotatesAtLoginAndExpires) {
  make_org("Larvik kommune", "per@larvik.kommune.no");
  Browser b = logged_in("per@larvik.kommune.no");
  const std::string first = b.cookies["samskap_session"];
  b.post("/logg-inn", {{"email", "per@larvik.kommune.no"}, {"password", kPassword}});
  EXPECT_NE(b.cookies["samskap_session"], first) << "a new id at every login";
  Browser stale{s_.get(), {{"samskap_session", first}}};
  EXPECT_EQ(stale.get("/meg").status, 303) << "the old id no longer works";
  EXPECT_EQ(b.get("/meg").status, 200);
  s_->clock.advance(std::chrono::hours(2) + std::chrono::minutes(1));
  auto expired = b.get("/meg");
  EXPECT_EQ(expired.status, 303) << "idle timeout";
  EXPECT_NE(expired.header("location").find("/logg-inn?neste=/meg"), std::string::npos)
      << expired.header("location");
}

TEST_F(AccountsTest, CsrfIsRequiredForEveryStateChange) {
  make_org("Horten kommune", "a@horten.kommune.no");
  Browser b = logged_in("a@horten.kommune.no");
  EXPECT_EQ(b.post("/logg-ut", {}, false).status, 403);
  EXPECT_EQ(b.post("/logg-ut", {{"csrf", "feil"}}, false).status, 403);
  EXPECT_EQ(b.get("/meg").status, 200) << "still logged in";
  EXPECT_EQ(b.post("/logg-ut", {}).status, 303);
  EXPECT_EQ(b.get("/meg").status, 303);
}

TEST_F(AccountsTest, InvitationRoleChangeAuditAndExport) {
  make_org("Færder kommune", "admin@faerder.kommune.no");
  Browser admin = logged_in("admin@faerder.kommune.no");
  auto bad = admin.post("/admin/brukere",
                        {{"name", ""}, {"email", "admin@faerder.kommune.no"}, {"role", "konge"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("Skriv fullt navn."), std::string::npos);
  auto invited = admin.post(
      "/admin/brukere",
      {{"name", "Siri Leder"}, {"email", "siri@faerder.kommune.no"}, {"role", "deltaker"}});
  ASSERT_EQ(invited.status, 303);
  std::smatch m;
  std::string location = invited.header("location");
  ASSERT_TRUE(std::regex_search(location, m, std::regex("/invitasjon/([A-Za-z0-9_-]+)")));
  const std::string link = "/invitasjon/" + std::string(m[1]);
  auto listed = admin.get(location);
  EXPECT_NE(listed.body.find(link), std::string::npos) << "the link is shown to hand over";
  auto dup =
      admin.post("/admin/brukere",
                 {{"name", "Siri igjen"}, {"email", "SIRI@faerder.kommune.no"}, {"role", "leder"}});
  EXPECT_EQ(dup.status, 422);
  EXPECT_NE(dup.body.find("finnes allerede"), std::string::npos);

  Browser siri{s_.get(), {}};
  ASSERT_EQ(siri.get(link).status, 200);
  EXPECT_EQ(siri.post(link, {{"password", kPassword}, {"password2", "noe annet helt"}}).status,
            422);
  ASSERT_EQ(siri.post(link, {{"password", kPassword}, {"password2", kPassword}}).status, 303);
  EXPECT_EQ(siri.get("/admin/brukere").status, 403) << "a participant is no administrator";
  Browser again{s_.get(), {}};
  EXPECT_EQ(again.get(link).status, 410) << "an invitation works once";

  // Role change, visible in the audit log.
  auto users =
      store::AccountRepository(*s_->db, s_->clock).find_for_login("siri@faerder.kommune.no");
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(admin.post("/admin/brukere/" + users->user.id + "/rolle", {{"role", "leder"}}).status,
            303);
  auto log = admin.get("/admin/revisjon");
  EXPECT_EQ(log.status, 200);
  EXPECT_NE(log.body.find("Rolle endret"), std::string::npos);
  EXPECT_NE(log.body.find("deltaker -&gt; leder"), std::string::npos);
  EXPECT_NE(log.body.find("Invitasjon tatt i bruk"), std::string::npos);

  auto data = siri.get("/meg/data.json");
  EXPECT_EQ(data.status, 200);
  EXPECT_NE(data.body.find("\"email\": \"siri@faerder.kommune.no\""), std::string::npos);
  EXPECT_NE(data.body.find("\"role\": \"leder\""), std::string::npos);
  EXPECT_NE(data.header("content-disposition").find("attachment"), std::string::npos);

  // Log out everywhere ends every session of the user.
  Browser second = logged_in("siri@faerder.kommune.no");
  EXPECT_EQ(siri.post("/meg/logg-ut-overalt", {}).status, 303);
  EXPECT_EQ(second.get("/meg").status, 303);
}

TEST_F(AccountsTest, AdministratorsManageUnits) {
  make_org("Tjøme kommune", "enhet@tjome.kommune.no");
  Browser admin = logged_in("enhet@tjome.kommune.no");
  EXPECT_NE(admin.get("/admin/enheter").body.find("ingen enheter"), std::string::npos);
  EXPECT_EQ(admin.post("/admin/enheter", {{"name", "Hjemmetjenesten sone nord"}}).status, 303);
  auto dup = admin.post("/admin/enheter", {{"name", "hjemmetjenesten sone NORD"}});
  EXPECT_EQ(dup.status, 422);
  EXPECT_NE(dup.body.find("finnes allerede en enhet"), std::string::npos);
  EXPECT_NE(dup.body.find("value=\"hjemmetjenesten sone NORD\""), std::string::npos)
      << "what was typed stays";
  EXPECT_EQ(admin.post("/admin/enheter", {{"name", "   "}}).status, 422);
  auto list = admin.get("/admin/enheter");
  EXPECT_NE(list.body.find("<li>Hjemmetjenesten sone nord</li>"), std::string::npos);
  EXPECT_NE(admin.get("/admin/revisjon").body.find("Enhet opprettet"), std::string::npos);
}

TEST_F(AccountsTest, ApiTokensAuthenticateAndCanBeRevoked) {
  auto admin = make_org("Holmestrand kommune", "api@holmestrand.kommune.no");
  store::ApiTokenRepository tokens(*s_->db, s_->clock);
  auto t = tokens.create(admin.organisation_id, admin.id, "rapport");
  ASSERT_TRUE(t.ok());
  auto me = http_get(s_->url("/api/v1/meg"), {"Authorization: Bearer " + t->second});
  EXPECT_EQ(me.status, 200);
  EXPECT_NE(me.body.find("\"email\":\"api@holmestrand.kommune.no\""), std::string::npos);
  EXPECT_EQ(http_get(s_->url("/api/v1/meg")).status, 401);
  EXPECT_EQ(http_get(s_->url("/api/v1/meg"), {"Authorization: Bearer sk_feil"}).status, 401);
  // A bearer token is no session: it does not open the HTML pages.
  EXPECT_EQ(http_get(s_->url("/meg"), {"Authorization: Bearer " + t->second}).status, 303);
  ASSERT_TRUE(tokens.revoke(admin.organisation_id, t->first.id).ok());
  EXPECT_EQ(http_get(s_->url("/api/v1/meg"), {"Authorization: Bearer " + t->second}).status, 401);
}

// The isolation walk: a signed-in administrator of organisation B calls every
// route of the app — taken from the server's own route table — with the ids
// of organisation A's objects, and must neither see nor change anything of A.
TEST_F(AccountsTest, IsolationWalkOverEveryRoute) {
  auto admin_a = make_org("Organisasjon A", "admin@a.no");
  store::AccountRepository accounts(*s_->db, s_->clock);
  auto victim = accounts.create_user(admin_a.organisation_id, "ansatt@a.no", "Ansatt Hemmelig",
                                     Role::leder, hash());
  ASSERT_TRUE(victim.ok());
  auto invite = store::OneTimeTokenRepository(*s_->db, s_->clock)
                    .issue(store::TokenKind::invitation, admin_a.organisation_id, victim->id,
                           std::chrono::hours(1));
  ASSERT_TRUE(invite.ok());
  // A's change work: a request and an initiative with one of every part,
  // an invited USHT collaborator and an API token.
  const store::Actor actor_a{admin_a.organisation_id, admin_a.id, Role::administrator};
  store::InitiativeRepository initiatives(*s_->db, s_->clock);
  store::RequestRepository requests(*s_->db, s_->clock);
  auto request = requests.create(
      actor_a,
      {"Hemmelig bydel", "Kontakt Hemmelig", "Hemmelig henvendelse om ALS", {2027, 1, 5}, {"als"}});
  ASSERT_TRUE(request.ok());
  store::InitiativeDraft draft;
  draft.title = "Hemmelig initiativ";
  draft.vision = "Hemmelig visjon";
  auto ini = initiatives.create(actor_a, draft);
  ASSERT_TRUE(ini.ok());
  initiative::GoalDraft goal_draft;
  goal_draft.statement = "Hemmelig mål";
  auto goal = initiatives.add_goal(actor_a, ini->id, goal_draft);
  ASSERT_TRUE(goal.ok());
  auto progress = initiatives.add_progress(actor_a, ini->id, goal->id, 3, {2027, 2, 1}, "");
  ASSERT_TRUE(progress.ok());
  store::Partner partner;
  partner.name = "Hemmelig partner";
  auto partner_row = initiatives.add_partner(actor_a, ini->id, partner);
  ASSERT_TRUE(partner_row.ok());
  store::Evidence evidence;
  evidence.source = "Hemmelig kilde";
  auto evidence_row = initiatives.add_evidence(actor_a, ini->id, evidence);
  ASSERT_TRUE(evidence_row.ok());
  store::Activity activity;
  activity.title = "Hemmelig møte";
  activity.starts_on = {2027, 3, 1};
  auto activity_row = initiatives.add_activity(actor_a, ini->id, activity);
  ASSERT_TRUE(activity_row.ok());
  auto usht = accounts.create_organisation("USHT Hemmelig", store::OrganisationKind::usht);
  ASSERT_TRUE(usht.ok());
  auto guest =
      accounts.create_user(usht->id, "gjest@usht.no", "Gjest", Role::prosessveileder, hash());
  ASSERT_TRUE(guest.ok());
  ASSERT_TRUE(initiatives.add_collaborator(actor_a, ini->id, guest->id).ok());
  auto round = store::ReadinessRepository(*s_->db, s_->clock)
                   .create_round(actor_a, ini->id, {"Hemmelig runde", {}, false});
  ASSERT_TRUE(round.ok());
  store::WorkshopRepository workshops(*s_->db, s_->clock);
  auto workshop = workshops.create(actor_a, ini->id, "Hemmelig verksted");
  ASSERT_TRUE(workshop.ok());
  workshop::ActivityDef secret_activity;
  secret_activity.prompt = "Hemmelig spørsmål";
  auto workshop_with =
      workshops.add_activity(actor_a, ini->id, workshop->id, workshop->version, secret_activity);
  ASSERT_TRUE(workshop_with.ok());
  auto token = store::ApiTokenRepository(*s_->db, s_->clock)
                   .create(admin_a.organisation_id, admin_a.id, "hemmelig");
  ASSERT_TRUE(token.ok());
  auto change_work = [&] {
    std::string s;
    auto i = initiatives.get(actor_a, ini->id);
    if (!i) return std::string("initiative gone");
    s += i->title + i->vision + std::string(initiative::slug(i->status)) +
         std::to_string(i->version) + "\n";
    const auto goals_list = initiatives.goals(actor_a, ini->id).value();
    for (const auto& g : goals_list)
      s += g.id + g.statement + std::to_string(g.version) + std::to_string(g.progress.size());
    const auto partners_list = initiatives.partners(actor_a, ini->id).value();
    for (const auto& p : partners_list)
      s += p.id + p.name + std::to_string(p.version);
    const auto evidence_list = initiatives.evidence(actor_a, ini->id).value();
    for (const auto& e : evidence_list)
      s += e.id + e.source + std::to_string(e.version);
    const auto activities_list = initiatives.activities(actor_a, ini->id).value();
    for (const auto& a : activities_list)
      s += a.id + a.title + std::to_string(a.version);
    s += std::to_string(initiatives.assessments(actor_a, ini->id)->size());
    s += std::to_string(initiatives.collaborators(actor_a, ini->id)->size());
    auto rounds = store::ReadinessRepository(*s_->db, s_->clock).rounds(actor_a, ini->id);
    if (rounds)
      for (const auto& r : *rounds)
        s += r.id + r.title + (r.open ? "open" : "closed") + std::to_string(r.version);
    if (auto w = workshops.get(actor_a, ini->id, workshop->id))
      s += w->id + w->title + std::to_string(w->version) + std::to_string(w->state.current) +
           std::to_string(w->activities.size());
    auto r = requests.get(actor_a, request->id);
    s += r ? r->body + std::string(initiative::slug(r->status)) + std::to_string(r->version)
           : std::string("request gone");
    return s;
  };
  const std::string change_work_before = change_work();

  make_org("Organisasjon B", "admin@b.no");
  Browser a = logged_in("admin@a.no");
  Browser b = logged_in("admin@b.no");
  auto snapshot = [&] {
    auto users = accounts.users(admin_a.organisation_id);
    std::string s;
    for (const auto& u : *users)
      s += u.id + u.email + u.display_name + std::string(to_string(u.role)) +
           std::string(to_string(u.status)) + "\n";
    return s;
  };
  const std::string before = snapshot();
  const std::set<std::string> secrets = {
      "ansatt@a.no",      "Ansatt Hemmelig",      "admin@a.no",         "Organisasjon A",
      "Hemmelig bydel",   "Hemmelig henvendelse", "Hemmelig initiativ", "Hemmelig visjon",
      "Hemmelig mål",     "Hemmelig partner",     "Hemmelig kilde",     "Hemmelig møte",
      "USHT Hemmelig",    "gjest@usht.no",        "Hemmelig runde",     "Hemmelig verksted",
      "Hemmelig spørsmål"};
  // The object of A that a route's placeholders stand for.
  auto id_for = [&](const std::string& pattern) -> std::string {
    if (pattern.starts_with("/initiativ/") || pattern.starts_with("/api/v1/initiatives/"))
      return ini->id;
    if (pattern.starts_with("/henvendelser/") || pattern.starts_with("/api/v1/requests/"))
      return request->id;
    if (pattern.starts_with("/meg/api-nokler/")) return token->first.id;
    return victim->id;
  };
  auto part_for = [&](const std::string& pattern) -> std::string {
    if (pattern.find("/partnere/") != std::string::npos) return partner_row->id;
    if (pattern.find("/kunnskapsgrunnlag/") != std::string::npos) return evidence_row->id;
    if (pattern.find("/plan/") != std::string::npos) return activity_row->id;
    return victim->id;
  };
  // Routes whose objects are A's change work: another organisation must get 404.
  auto change_work_route = [](const std::string& p) {
    return p.starts_with("/initiativ/:") || p.starts_with("/henvendelser/:") ||
           p.starts_with("/api/v1/initiatives/:") || p.starts_with("/api/v1/requests/:") ||
           p.starts_with("/meg/api-nokler/:");
  };

  int walked = 0;
  int change_work_walked = 0;
  for (const auto& route : s_->server->routes()) {
    if (route.pattern.starts_with("/test/")) continue;
    // Every placeholder gets an id of A's: the user, or for links the invitation token of A's user.
    std::string path =
        std::regex_replace(route.pattern, std::regex(":id\\b"), id_for(route.pattern));
    path = std::regex_replace(path, std::regex(":token\\b"), "x" + victim->id);
    path = std::regex_replace(path, std::regex(":goal\\b"), goal->id);
    path = std::regex_replace(path, std::regex(":entry\\b"), progress->id);
    path = std::regex_replace(path, std::regex(":part\\b"), part_for(route.pattern));
    path = std::regex_replace(path, std::regex(":user\\b"), guest->id);
    path = std::regex_replace(path, std::regex(":round\\b"), round->id);
    path = std::regex_replace(path, std::regex(":ws\\b"), workshop->id);
    path = std::regex_replace(path, std::regex(":act\\b"), workshop_with->activities[0].id);
    // Placeholders may carry a pattern (":round([0-9a-f]{32})"): drop it.
    path = std::regex_replace(path, std::regex("\\([^)]*\\)"), "");
    path = std::regex_replace(path, std::regex(":[A-Za-z_]+"), victim->id);
    HttpResult r;
    if (route.method == web::Method::get) {
      r = b.get(path);
    } else {
      r = b.post(path, {{"role", "deltaker"},
                        {"name", "Inntrenger"},
                        {"email", "ny@b.no"},
                        {"password", kPassword},
                        {"password2", kPassword},
                        {"organisation", "X"},
                        {"kind", "kommune"},
                        {"current", kPassword}});
      if (route.pattern == "/logg-ut" || route.pattern == "/meg/logg-ut-overalt" ||
          route.pattern == "/logg-inn")
        b = logged_in("admin@b.no");  // these end or replace B's own session; carry on signed in
    }
    ASSERT_NE(r.status, 0) << route.pattern;
    EXPECT_LT(r.status, 500) << route.pattern;
    for (const auto& secret : secrets)
      EXPECT_EQ(r.body.find(secret), std::string::npos)
          << route.pattern << " shows " << secret << " of organisation A";
    if (route.pattern.find(':') != std::string::npos && route.method != web::Method::get &&
        route.pattern.starts_with("/admin")) {
      EXPECT_EQ(r.status, 404) << route.pattern << ": another organisation's object is 'not found'";
    }
    if (change_work_route(route.pattern)) {
      ++change_work_walked;
      // A JSON endpoint may refuse B's form-encoded body before looking the object up.
      const bool json_post = route.pattern.starts_with("/api/") && route.method != web::Method::get;
      if (json_post)
        EXPECT_TRUE(r.status == 404 || r.status == 400 || r.status == 415)
            << route.pattern << " answered " << r.status;
      else
        EXPECT_EQ(r.status, 404) << route.pattern
                                 << ": another organisation's object is 'not found'";
    }
    ++walked;
  }
  EXPECT_GE(walked, 20);
  EXPECT_GE(change_work_walked, 30) << "the walk reaches the request and initiative routes";
  EXPECT_EQ(snapshot(), before) << "nothing of organisation A changed";
  EXPECT_EQ(change_work(), change_work_before) << "nothing of A's requests and initiatives changed";
  EXPECT_EQ(a.get("/meg").status, 200) << "A's administrator is still signed in";
  auto link =
      store::OneTimeTokenRepository(*s_->db, s_->clock).peek(store::TokenKind::invitation, *invite);
  EXPECT_TRUE(link.ok()) << "A's invitation is untouched";
}

}  // namespace
}  // namespace samskap::testing
