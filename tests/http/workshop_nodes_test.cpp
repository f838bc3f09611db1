// Several app nodes (issue 8): two `samskap serve` processes on one
// PostgreSQL database. A phone answers on node A; the big screen, connected
// to node B, gets the result over its event stream — the event crosses
// nodes through LISTEN/NOTIFY. The facilitator moves on through node B and
// a phone connected to node A follows. PostgreSQL only: the embedded SQLite
// default runs one node.

#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>

#include <regex>
#include <string>

#include "core/clock.hpp"
#include "store/accounts.hpp"
#include "store/database.hpp"
#include "store/initiatives.hpp"
#include "store/migrations.hpp"
#include "store/workshops.hpp"
#include "support/browser.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/sse_client.hpp"
#include "support/test_db.hpp"

namespace samskap::testing {
namespace {

using namespace std::chrono_literals;
namespace ws = samskap::workshop;

// A `samskap serve` child on a free port; its base URL.
struct Node {
  std::unique_ptr<BackgroundProcess> process;
  std::string base;
  std::uint16_t port = 0;
};

Node start_node(const std::string& url) {
  Node n;
  n.process = std::make_unique<BackgroundProcess>(std::vector<std::string>{
      samskap_binary(), "serve", "--listen", "127.0.0.1:0", "--database", url});
  auto line = n.process->wait_for_stderr("serving http://");
  std::smatch m;
  if (std::regex_search(line, m, std::regex("127\\.0\\.0\\.1:([0-9]+)"))) {
    n.port = static_cast<std::uint16_t>(std::stoi(m[1]));
    n.base = "http://127.0.0.1:" + std::string(m[1]);
  }
  return n;
}

TEST(WorkshopNodes, AnAnswerOnOneNodeReachesTheScreenOnAnother) {
  std::string why;
  auto tdb = TestDatabase::create(store::Engine::postgresql, why);
  SAMSKAP_REQUIRE_DB(tdb, why);

  Node a = start_node(tdb->url());
  ASSERT_NE(a.port, 0) << a.process->err();
  Node b = start_node(tdb->url());
  ASSERT_NE(b.port, 0) << b.process->err();

  // The facilitator, the initiative and a workshop with two activities,
  // straight into the shared database (node A has migrated it).
  SystemClock clock;
  auto db = store::Database::open({tdb->url(), 2, 5000ms});
  ASSERT_TRUE(db.ok()) << db.error().detail;
  store::AccountRepository accounts(**db, clock);
  auto org = accounts.create_organisation("Nodekommune", store::OrganisationKind::kommune);
  ASSERT_TRUE(org.ok());
  auto user = accounts.create_user(org->id, "node@kommune.no", "Nora Node", Role::prosessveileder,
                                   test_password_hash());
  ASSERT_TRUE(user.ok());
  const store::Actor actor{org->id, user->id, Role::prosessveileder};
  store::InitiativeDraft draft;
  draft.title = "To noder";
  auto ini = store::InitiativeRepository(**db, clock).create(actor, draft);
  ASSERT_TRUE(ini.ok());
  store::WorkshopRepository repo(**db, clock);
  auto w = repo.create(actor, ini->id, "Storsamling");
  ASSERT_TRUE(w.ok());
  ws::ActivityDef scale;
  scale.type = ws::ActivityType::scale;
  scale.prompt = "Hvor klare er vi?";
  ws::ActivityDef words;
  words.type = ws::ActivityType::word_cloud;
  words.prompt = "Ett ord om samarbeid";
  auto with1 = repo.add_activity(actor, ini->id, w->id, w->version, scale);
  ASSERT_TRUE(with1.ok());
  auto with2 = repo.add_activity(actor, ini->id, w->id, with1->version, words);
  ASSERT_TRUE(with2.ok());
  ASSERT_TRUE(repo.go_to(actor, ini->id, w->id, 0).ok());

  // The facilitator signs in on node B and opens the big screen's stream there.
  Browser facilitator{nullptr, {}, b.base};
  facilitator.get("/logg-inn");
  ASSERT_EQ(
      facilitator.post("/logg-inn", {{"email", "node@kommune.no"}, {"password", kTestPassword}})
          .status,
      303);
  const std::string ws_path = "/initiativ/" + ini->id + "/verksted/" + w->id;
  SseClient screen(b.port, ws_path + "/hendelser", facilitator.headers());
  ASSERT_EQ(screen.open(), 200);
  std::int64_t answers = -1;
  for (int n = 0; n < 3 && answers < 0; ++n) {
    auto e = screen.next_event();
    ASSERT_TRUE(e);
    if (e->event == "results") answers = nlohmann::json::parse(e->data)["answers"];
  }
  ASSERT_EQ(answers, 0);

  // A phone on node A, with its own stream there.
  SseClient phone_stream(a.port, "/w/" + w->join_code + "/hendelser");
  ASSERT_EQ(phone_stream.open(), 200);
  auto first_state = phone_stream.next_event();
  ASSERT_TRUE(first_state);
  Browser phone{nullptr, {}, a.base};
  ASSERT_EQ(phone.get("/w/" + w->join_code).status, 200);
  const auto current = repo.public_workshop(w->join_code).value();
  ASSERT_EQ(phone
                .post("/w/" + w->join_code + "/svar",
                      {{"aktivitet", current.current->id}, {"verdi", "8"}})
                .status,
            303);

  // Node B's screen hears of it.
  bool seen = false;
  for (int n = 0; n < 5 && !seen; ++n) {
    auto e = screen.next_event(5s);
    ASSERT_TRUE(e) << "the answer on node A never reached node B's screen";
    if (e->event == "results") seen = nlohmann::json::parse(e->data)["answers"] == 1;
  }
  EXPECT_TRUE(seen);

  // The facilitator moves on through node B; the phone on node A follows.
  ASSERT_EQ(facilitator.post(ws_path + "/styr", {{"handling", "neste"}}).status, 303);
  bool followed = false;
  for (int n = 0; n < 5 && !followed; ++n) {
    auto e = phone_stream.next_event(5s);
    ASSERT_TRUE(e) << "node B's move never reached the phone on node A";
    if (e->event == "state") followed = nlohmann::json::parse(e->data)["index"] == 1;
  }
  EXPECT_TRUE(followed);

  screen.disconnect();
  phone_stream.disconnect();
  EXPECT_EQ(a.process->signal_and_wait(SIGTERM), 0) << a.process->err();
  EXPECT_EQ(b.process->signal_and_wait(SIGTERM), 0) << b.process->err();
}

}  // namespace
}  // namespace samskap::testing
