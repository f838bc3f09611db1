// API tokens on the user's own account over HTTP (issue 4): create one on
// /meg/api-nokler, see it once, use it against /api/v1/meg, revoke it (401
// afterwards); only the owner reaches a token; CSRF; name checks and the
// limit; who may create; the audit log never holds the secret.

#include <gtest/gtest.h>

#include <regex>

#include "server_fixture.hpp"
#include "store/accounts.hpp"
#include "support/browser.hpp"
#include "support/http_client.hpp"
#include "web/token_pages.hpp"

namespace samskap::testing {
namespace {

bool has(const std::string& body, const std::string& text) {
  return body.find(text) != std::string::npos;
}

class TokenPagesTest : public SharedAppTest {
 protected:
  struct Org {
    std::string id;
    store::User admin, leader, participant;
  };
  // An organisation with an administrator, a leader and a participant, all
  // active; e-mails are <role>@<domain>.
  static Org make_org(const std::string& domain) {
    store::AccountRepository accounts(*server_->db, server_->clock);
    auto org = accounts.create_organisation(domain, store::OrganisationKind::kommune);
    EXPECT_TRUE(org.ok());
    Org o;
    o.id = org->id;
    auto make = [&](const std::string& who, Role role) {
      auto u = accounts.create_user(o.id, who + "@" + domain, who + " " + domain, role,
                                    test_password_hash());
      EXPECT_TRUE(u.ok());
      return *u;
    };
    o.admin = make("admin", Role::administrator);
    o.leader = make("leder", Role::leder);
    o.participant = make("deltaker", Role::deltaker);
    return o;
  }
  static Browser login(const std::string& email) { return logged_in_browser(server_, email); }

  // The raw token shown on the page after creating one.
  static std::string shown_token(const std::string& body) {
    std::smatch m;
    if (std::regex_search(body, m, std::regex("id=\"new-token\"[^>]*value=\"(sk_[^\"]+)\"")))
      return m[1];
    return {};
  }
  static int api_me(const std::string& token) {
    return http_get(url("/api/v1/meg"), {"Authorization: Bearer " + token}).status;
  }
  static std::vector<store::ApiToken> tokens_of(const store::User& u) {
    auto list =
        store::ApiTokenRepository(*server_->db, server_->clock).list(u.organisation_id, u.id);
    EXPECT_TRUE(list.ok());
    return list.ok() ? *list : std::vector<store::ApiToken>{};
  }
  static std::vector<store::AuditEntry> audit_of(const Org& o) {
    auto list = store::AuditLog(*server_->db, server_->clock).list(o.id, 500);
    EXPECT_TRUE(list.ok());
    return list.ok() ? *list : std::vector<store::AuditEntry>{};
  }
};

TEST_F(TokenPagesTest, CreateShowOnceUseAndRevoke) {
  Org o = make_org("larvik.kommune.no");
  Browser b = login("leder@larvik.kommune.no");
  auto me = b.get("/meg");
  EXPECT_TRUE(has(me.body, "href=\"/meg/api-nokler\"")) << "my account links to the tokens";
  auto empty = b.get("/meg/api-nokler");
  ASSERT_EQ(empty.status, 200);
  EXPECT_TRUE(has(empty.body, "Du har ingen API-nøkler."));

  auto created = b.post("/meg/api-nokler", {{"name", "Rapportverktøy"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string token = shown_token(created.body);
  ASSERT_FALSE(token.empty()) << "the raw token is on the page";
  EXPECT_TRUE(has(created.body, "vises bare denne ene gangen")) << "with a clear warning";
  EXPECT_EQ(created.header("cache-control"), "no-store");
  ASSERT_EQ(tokens_of(o.leader).size(), 1u);
  EXPECT_EQ(tokens_of(o.leader)[0].name, "Rapportverktøy");

  // Shown once: the list names it but never shows the secret again.
  auto list = b.get("/meg/api-nokler");
  EXPECT_TRUE(has(list.body, "Rapportverktøy"));
  EXPECT_TRUE(has(list.body, "I bruk"));
  EXPECT_FALSE(has(list.body, token));
  EXPECT_TRUE(shown_token(list.body).empty());

  // The token works against the JSON API as its owner.
  auto api = http_get(url("/api/v1/meg"), {"Authorization: Bearer " + token});
  EXPECT_EQ(api.status, 200);
  EXPECT_TRUE(has(api.body, "\"email\":\"leder@larvik.kommune.no\""));

  // Revoking asks first, then works once.
  const std::string id = tokens_of(o.leader)[0].id;
  const std::string path = "/meg/api-nokler/" + id + "/trekk-tilbake";
  EXPECT_TRUE(has(list.body, "href=\"" + path + "\""));
  auto confirm = b.get(path);
  ASSERT_EQ(confirm.status, 200);
  EXPECT_TRUE(has(confirm.body, "Trekke tilbake API-nøkkelen?"));
  EXPECT_TRUE(has(confirm.body, "Rapportverktøy"));
  EXPECT_EQ(api_me(token), 200) << "showing the confirmation revokes nothing";
  auto revoked = b.post(path, {});
  ASSERT_EQ(revoked.status, 303);
  EXPECT_EQ(revoked.header("location"), "/meg/api-nokler?trukket=1");
  EXPECT_EQ(api_me(token), 401);
  auto after = b.get("/meg/api-nokler?trukket=1");
  EXPECT_TRUE(has(after.body, "Nøkkelen er trukket tilbake."));
  EXPECT_TRUE(has(after.body, "Trukket tilbake"));
  EXPECT_FALSE(has(after.body, "href=\"" + path + "\"")) << "no revoke link for a revoked token";
  EXPECT_EQ(b.post(path, {}).status, 303) << "revoking twice is harmless";

  // Audited with id and name, never the secret.
  int created_entries = 0, revoked_entries = 0;
  for (const auto& e : audit_of(o)) {
    EXPECT_FALSE(has(e.detail, token)) << e.action;
    EXPECT_FALSE(has(e.object_id, token)) << e.action;
    if (e.action == "api_token_created") {
      ++created_entries;
      EXPECT_EQ(e.object_id, id);
      EXPECT_EQ(e.detail, "Rapportverktøy");
      EXPECT_EQ(e.actor_user_id, o.leader.id);
    }
    if (e.action == "api_token_revoked") ++revoked_entries;
  }
  EXPECT_EQ(created_entries, 1);
  EXPECT_EQ(revoked_entries, 1);
  Browser admin = login("admin@larvik.kommune.no");
  auto log = admin.get("/admin/revisjon");
  EXPECT_TRUE(has(log.body, "API-nøkkel laget"));
  EXPECT_TRUE(has(log.body, "API-nøkkel trukket tilbake"));
  EXPECT_FALSE(has(log.body, token));
}

TEST_F(TokenPagesTest, OnlyTheOwnerSeesAndRevokesAToken) {
  Org o = make_org("sandefjord.kommune.no");
  Org other = make_org("tonsberg.kommune.no");
  Browser owner = login("leder@sandefjord.kommune.no");
  auto created = owner.post("/meg/api-nokler", {{"name", "Mitt skript"}});
  ASSERT_EQ(created.status, 201);
  const std::string token = shown_token(created.body);
  const std::string path = "/meg/api-nokler/" + tokens_of(o.leader)[0].id + "/trekk-tilbake";

  // A colleague, the organisation's administrator and another organisation's
  // administrator: none of them sees or revokes it.
  for (std::string email : {"deltaker@sandefjord.kommune.no", "admin@sandefjord.kommune.no",
                            "admin@tonsberg.kommune.no"}) {
    Browser b = login(email);
    EXPECT_EQ(b.get(path).status, 404) << email;
    EXPECT_EQ(b.post(path, {}).status, 404) << email;
    EXPECT_FALSE(has(b.get("/meg/api-nokler").body, "Mitt skript")) << email;
  }
  EXPECT_EQ(api_me(token), 200) << "still valid";
  EXPECT_FALSE(tokens_of(o.leader)[0].revoked_at.has_value());
  // Unknown ids are 404 too.
  EXPECT_EQ(owner.get("/meg/api-nokler/finnes-ikke/trekk-tilbake").status, 404);
  EXPECT_EQ(owner.post("/meg/api-nokler/finnes-ikke/trekk-tilbake", {}).status, 404);
  (void)other;
}

TEST_F(TokenPagesTest, CsrfIsRequiredToCreateAndRevoke) {
  Org o = make_org("horten.kommune.no");
  Browser b = login("admin@horten.kommune.no");
  EXPECT_EQ(b.post("/meg/api-nokler", {{"name", "Uten CSRF"}}, false).status, 403);
  EXPECT_EQ(b.post("/meg/api-nokler", {{"name", "Feil CSRF"}, {"csrf", "feil"}}, false).status,
            403);
  EXPECT_TRUE(tokens_of(o.admin).empty()) << "nothing created";
  auto created = b.post("/meg/api-nokler", {{"name", "Med CSRF"}});
  ASSERT_EQ(created.status, 201);
  const std::string token = shown_token(created.body);
  const std::string path = "/meg/api-nokler/" + tokens_of(o.admin)[0].id + "/trekk-tilbake";
  EXPECT_EQ(b.post(path, {}, false).status, 403);
  EXPECT_EQ(api_me(token), 200) << "not revoked without the CSRF token";
  // A Bearer token cannot manage tokens: the pages need a session.
  EXPECT_EQ(http_request("POST", url("/meg/api-nokler"),
                         {"Authorization: Bearer " + token,
                          "Content-Type: application/x-www-form-urlencoded"},
                         "name=fra-api")
                .status,
            303);
  EXPECT_EQ(tokens_of(o.admin).size(), 1u);
}

TEST_F(TokenPagesTest, NamesAreCheckedAndWhatWasTypedStays) {
  Org o = make_org("re.kommune.no");
  Browser b = login("leder@re.kommune.no");
  auto blank = b.post("/meg/api-nokler", {{"name", "   "}});
  EXPECT_EQ(blank.status, 422);
  EXPECT_TRUE(has(blank.body, "Gi nøkkelen et navn på 1 til 100 tegn."));
  EXPECT_TRUE(has(blank.body, "aria-invalid=\"true\""));
  EXPECT_TRUE(has(blank.body, "href=\"#name\"")) << "the error summary links to the field";
  EXPECT_TRUE(shown_token(blank.body).empty());

  const std::string long_name(101, 'x');
  auto too_long = b.post("/meg/api-nokler", {{"name", long_name}});
  EXPECT_EQ(too_long.status, 422);
  EXPECT_TRUE(has(too_long.body, "value=\"" + long_name + "\"")) << "what was typed stays";

  for (const std::string& hostile :
       {std::string("bjelle \x07"), std::string("escape \x1b[31m"), std::string("bad \xff utf8"),
        std::string("nul \0 inni", 10)}) {
    auto r = b.post("/meg/api-nokler", {{"name", hostile}});
    EXPECT_TRUE(r.status == 422 || r.status == 400) << r.status;
    EXPECT_TRUE(shown_token(r.body).empty());
  }
  auto markup = b.post("/meg/api-nokler", {{"name", "<script>alert(1)</script>"}});
  EXPECT_EQ(markup.status, 201);
  EXPECT_FALSE(has(markup.body, "<script>alert(1)</script>")) << "names are escaped";
  EXPECT_EQ(tokens_of(o.leader).size(), 1u) << "only the valid one was created";

  // 100 bytes is the limit, counted in bytes (ø is two).
  std::string hundred;
  for (int i = 0; i < 50; ++i)
    hundred += "ø";
  EXPECT_EQ(b.post("/meg/api-nokler", {{"name", hundred}}).status, 201);
  EXPECT_EQ(b.post("/meg/api-nokler", {{"name", hundred + "x"}}).status, 422);

  // At most kMaxActiveTokens unrevoked tokens; revoking one makes room.
  while (tokens_of(o.leader).size() < web::kMaxActiveTokens)
    ASSERT_EQ(b.post("/meg/api-nokler", {{"name", "fyll"}}).status, 201);
  auto full = b.post("/meg/api-nokler", {{"name", "en for mye"}});
  EXPECT_EQ(full.status, 422);
  EXPECT_TRUE(has(full.body, "allerede 20 nøkler i bruk"));
  ASSERT_EQ(b.post("/meg/api-nokler/" + tokens_of(o.leader)[0].id + "/trekk-tilbake", {}).status,
            303);
  EXPECT_EQ(b.post("/meg/api-nokler", {{"name", "nå er det plass"}}).status, 201);
}

TEST_F(TokenPagesTest, ParticipantsListButDoNotCreate) {
  Org o = make_org("holmestrand.kommune.no");
  // An operator's token (samskap admin create-token) for a participant.
  auto op = store::ApiTokenRepository(*server_->db, server_->clock)
                .create(o.id, o.participant.id, "fra drift");
  ASSERT_TRUE(op.ok());
  Browser b = login("deltaker@holmestrand.kommune.no");
  auto page = b.get("/meg/api-nokler");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "Rollen din kan ikke lage API-nøkler."));
  EXPECT_FALSE(has(page.body, "action=\"/meg/api-nokler\"")) << "no create form";
  EXPECT_TRUE(has(page.body, "fra drift"));
  EXPECT_EQ(b.post("/meg/api-nokler", {{"name", "forsøk"}}).status, 403);
  EXPECT_EQ(tokens_of(o.participant).size(), 1u);
  // But they can revoke what they have.
  EXPECT_EQ(b.post("/meg/api-nokler/" + op->first.id + "/trekk-tilbake", {}).status, 303);
  EXPECT_EQ(api_me(op->second), 401);
}

TEST_F(TokenPagesTest, PagesRenderInBothLanguages) {
  Org o = make_org("faerder.kommune.no");
  Browser b = login("admin@faerder.kommune.no");
  auto nb = b.get("/meg/api-nokler");
  EXPECT_TRUE(has(nb.body, "<h1 id=\"tokens-title\">API-nøkler</h1>"));
  auto en = b.get("/meg/api-nokler?lang=en");
  EXPECT_EQ(en.status, 200);
  EXPECT_TRUE(has(en.body, "<h1 id=\"tokens-title\">API keys</h1>"));
  EXPECT_TRUE(has(en.body, "You have no API keys."));
  auto created = b.post("/meg/api-nokler", {{"name", "report"}});
  EXPECT_TRUE(has(created.body, "It is shown only this once"));
  auto confirm = b.get("/meg/api-nokler/" + tokens_of(o.admin)[0].id + "/trekk-tilbake");
  EXPECT_TRUE(has(confirm.body, "Revoke the API key?"));
}

}  // namespace
}  // namespace samskap::testing
