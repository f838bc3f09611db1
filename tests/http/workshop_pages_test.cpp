// Live co-creation workshops over HTTP (issue 8): building a workshop (own
// activities, the seeds' reflection questions, the ALS sorting case; bad
// input kept and refused), running it (next/previous, open/close, reveal,
// moderation), phones answering without an account and without JavaScript,
// the event streams of screens and phones (order, ids, resume with
// Last-Event-ID), the summary and the exports, and the refusals: unknown
// codes, answers to a closed or former activity, oversized text, flooding,
// another organisation and a participant account.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "server_fixture.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "store/workshops.hpp"
#include "support/browser.hpp"
#include "support/http_client.hpp"
#include "support/sse_client.hpp"

namespace samskap::testing {
namespace {

using namespace std::chrono_literals;
namespace ws = samskap::workshop;

bool has(const std::string& body, const std::string& needle) {
  return body.find(needle) != std::string::npos;
}

// A catalogue key left untranslated ("workshop.answer.thanks"); English
// prose may well end a sentence with "workshop.".
bool untranslated(const std::string& body) {
  static const std::regex key("workshop\\.[a-z_]+\\.[a-z_]+");
  return std::regex_search(body, key);
}

class WorkshopPagesTest : public SharedAppTest {
 protected:
  void SetUp() override {
    const std::string tag = std::to_string(++n_);
    store::AccountRepository accounts(*server_->db, server_->clock);
    auto org = accounts.create_organisation("Kommune W" + tag, store::OrganisationKind::kommune);
    ASSERT_TRUE(org.ok());
    org_ = org->id;
    email_ = "veileder-w" + tag + "@kommune.no";
    auto u = accounts.create_user(org_, email_, "Wenche Veileder", Role::prosessveileder,
                                  test_password_hash());
    ASSERT_TRUE(u.ok());
    actor_ = {org_, u->id, Role::prosessveileder};
    store::InitiativeDraft draft;
    draft.title = "Heltidskultur " + tag;
    auto i = store::InitiativeRepository(*server_->db, server_->clock).create(actor_, draft);
    ASSERT_TRUE(i.ok()) << i.error().detail;
    id_ = i->id;
  }
  store::WorkshopRepository repo() { return {*server_->db, server_->clock}; }
  Browser browser() { return logged_in_browser(server_, email_); }
  std::string path(const std::string& rest = {}) const {
    return "/initiativ/" + id_ + "/verksted" + rest;
  }
  // A workshop made through the store with the given activities.
  store::Workshop make(std::vector<ws::ActivityDef> defs) {
    auto w = repo().create(actor_, id_, "Samling " + std::to_string(++made_));
    EXPECT_TRUE(w.ok());
    store::Workshop out = *w;
    for (auto& d : defs) {
      auto next = repo().add_activity(actor_, id_, out.id, out.version, d);
      EXPECT_TRUE(next.ok()) << next.error().message_key;
      out = *next;
    }
    return out;
  }
  static ws::ActivityDef scale(std::string prompt = "Hvor viktig er heltid for deg?") {
    ws::ActivityDef d;
    d.type = ws::ActivityType::scale;
    d.prompt = std::move(prompt);
    return d;
  }
  static ws::ActivityDef reflection(std::string prompt = "Hva skal til for å bli med?") {
    ws::ActivityDef d;
    d.type = ws::ActivityType::reflection;
    d.prompt = std::move(prompt);
    return d;
  }
  void control(Browser& b, const store::Workshop& w, const std::string& action) {
    auto r = b.post(path("/" + w.id + "/styr"), {{"handling", action}});
    ASSERT_EQ(r.status, 303) << action << ": " << r.body;
  }
  store::Workshop fresh(const store::Workshop& w) { return repo().get(actor_, id_, w.id).value(); }
  // A phone that has opened the workshop's page.
  Browser phone(const std::string& code) {
    Browser b{server_, {}};
    auto r = b.get("/w/" + code);
    EXPECT_EQ(r.status, 200) << r.body;
    return b;
  }
  HttpResult answer(Browser& p, const store::Workshop& w,
                    std::vector<std::pair<std::string, std::string>> fields) {
    auto now = fresh(w);
    std::string activity = now.state.current >= 0
                               ? now.activities[static_cast<std::size_t>(now.state.current)].id
                               : "";
    fields.emplace_back("aktivitet", activity);
    return p.post("/w/" + w.join_code + "/svar", fields);
  }

  static inline int n_ = 0;
  int made_ = 0;
  std::string org_, email_, id_;
  store::Actor actor_;
};

// ------------------------------------------------------------------ building

TEST_F(WorkshopPagesTest, CreateAWorkshopAndBuildItsActivities) {
  Browser b = browser();
  auto tab = b.get(path());
  ASSERT_EQ(tab.status, 200) << tab.body;
  EXPECT_TRUE(has(tab.body, "href=\"" + path() + "\" aria-current=\"page\"")) << "its tab";
  EXPECT_TRUE(has(tab.body, "Ingen verksted ennå."));

  auto created = b.post(path(), {{"tittel", "Oppstartssamling"}});
  ASSERT_EQ(created.status, 303) << created.body;
  auto list = repo().list(actor_, id_).value();
  ASSERT_EQ(list.size(), 1u);
  const auto w = list[0];
  EXPECT_EQ(created.header("location"), path("/" + w.id + "?melding=opprettet"));

  auto add = [&](std::vector<std::pair<std::string, std::string>> f) {
    f.emplace_back("version", std::to_string(fresh(w).version));
    return b.post(path("/" + w.id + "/aktivitet"), f);
  };
  EXPECT_EQ(
      add({{"type", "skala"}, {"sporsmal", "Hvor klar er vi?"}, {"skala_min", "Ikke klar"}}).status,
      303);
  EXPECT_EQ(add({{"type", "flervalg"},
                 {"sporsmal", "Hva er viktigst?"},
                 {"alternativer", "Tid\r\n\r\nTillit\nLedelse\n"},
                 {"flere", "1"}})
                .status,
            303);
  EXPECT_EQ(
      add({{"type", "rangering"}, {"sporsmal", "Ranger"}, {"alternativer", "A\nB\nC"}}).status,
      303);
  // A reflection question from the knowledge base keeps its source.
  auto kb = add(
      {{"type", "refleksjon"},
       {"kilde", "refleksjon.overbevist.hva-skal-til"},
       {"sporsmal", "Hva skal til for at du blir overbevist om å bli med på et endringsarbeid?"}});
  EXPECT_EQ(kb.status, 303);
  auto sorting = b.post(path("/" + w.id + "/aktivitet/sortering-als"),
                        {{"version", std::to_string(fresh(w).version)}});
  EXPECT_EQ(sorting.status, 303) << sorting.body;

  auto built = fresh(w);
  ASSERT_EQ(built.activities.size(), 5u);
  EXPECT_EQ(built.activities[0].def.scale_min_label, "Ikke klar");
  EXPECT_EQ(built.activities[1].def.options, (std::vector<std::string>{"Tid", "Tillit", "Ledelse"}))
      << "one option per line, blank lines dropped";
  EXPECT_TRUE(built.activities[1].def.multiple);
  EXPECT_EQ(built.activities[3].def.source_id, "refleksjon.overbevist.hva-skal-til");
  EXPECT_EQ(built.activities[4].def.type, ws::ActivityType::sorting);
  EXPECT_EQ(built.activities[4].def.options.size(), 3u) << "the ALS case's three answers";

  auto page = b.get(path("/" + w.id));
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "Hvor klar er vi?"));
  EXPECT_TRUE(has(page.body, "Sortering 1.0 / 2.0 / 3.0"));
  EXPECT_FALSE(untranslated(page.body)) << "no catalogue key left untranslated";
  EXPECT_FALSE(has(page.body, "style=")) << "no inline style under the strict CSP";

  // Move the last one up, then remove the first.
  auto moved = b.post(path("/" + w.id + "/aktivitet/" + built.activities[4].id + "/flytt"),
                      {{"version", std::to_string(built.version)}, {"retning", "opp"}});
  EXPECT_EQ(moved.status, 303);
  EXPECT_EQ(fresh(w).activities[3].def.type, ws::ActivityType::sorting);
  auto removed = b.post(path("/" + w.id + "/aktivitet/" + built.activities[0].id + "/slett"),
                        {{"version", std::to_string(fresh(w).version)}});
  EXPECT_EQ(removed.status, 303);
  EXPECT_EQ(fresh(w).activities.size(), 4u);
}

TEST_F(WorkshopPagesTest, BadActivityInputIsShownAgainAndSavesNothing) {
  auto w = make({});
  Browser b = browser();
  const std::string v = std::to_string(w.version);
  auto empty = b.post(path("/" + w.id + "/aktivitet"),
                      {{"version", v}, {"type", "skala"}, {"sporsmal", "   "}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(has(empty.body, "error-summary"));
  auto one_option = b.post(path("/" + w.id + "/aktivitet"), {{"version", v},
                                                             {"type", "flervalg"},
                                                             {"sporsmal", "Velg én"},
                                                             {"alternativer", "Bare ett"}});
  EXPECT_EQ(one_option.status, 400);
  EXPECT_TRUE(has(one_option.body, "Velg én")) << "the typed prompt is kept";
  EXPECT_TRUE(has(one_option.body, "Bare ett")) << "the typed options are kept";
  auto bad_type = b.post(path("/" + w.id + "/aktivitet"),
                         {{"version", v}, {"type", "<script>"}, {"sporsmal", "Hei"}});
  EXPECT_EQ(bad_type.status, 400);
  EXPECT_FALSE(has(bad_type.body, "<script>"));
  auto huge =
      b.post(path("/" + w.id + "/aktivitet"),
             {{"version", v}, {"type", "refleksjon"}, {"sporsmal", std::string(5000, 'x')}});
  EXPECT_EQ(huge.status, 400);
  auto no_version =
      b.post(path("/" + w.id + "/aktivitet"), {{"type", "refleksjon"}, {"sporsmal", "Hei"}});
  EXPECT_EQ(no_version.status, 400);
  auto stale = b.post(path("/" + w.id + "/aktivitet"),
                      {{"version", "999"}, {"type", "refleksjon"}, {"sporsmal", "Hei"}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_TRUE(fresh(w).activities.empty());

  // Renaming: an empty, over-long or two-line name is refused and the old one stays.
  for (const std::string& bad :
       {std::string("  "), std::string(201, 'x'), std::string("to\nlinjer")}) {
    auto r = b.post(path("/" + w.id + "/navn"), {{"version", v}, {"tittel", bad}});
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_TRUE(has(r.body, "error-summary")) << bad;
  }
  EXPECT_EQ(fresh(w).title, w.title);
  EXPECT_EQ(b.post(path("/" + w.id + "/navn"), {{"version", v}, {"tittel", "Ny tittel"}}).status,
            303);
  EXPECT_EQ(fresh(w).title, "Ny tittel");
}

// ------------------------------------------------------------------ running and answering

TEST_F(WorkshopPagesTest, APhoneAnswersWithoutJavaScriptAndAChangedAnswerReplacesTheFirst) {
  auto w = make({scale(), reflection()});
  Browser p = phone(w.join_code);
  auto waiting = p.get("/w/" + w.join_code);
  EXPECT_TRUE(has(waiting.body, "Vent litt")) << "nothing started yet";
  Browser b = browser();
  control(b, w, "neste");

  auto page = p.get("/w/" + w.join_code);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "Hvor viktig er heltid for deg?"));
  EXPECT_TRUE(has(page.body, "name=\"verdi\" value=\"7\""));
  EXPECT_FALSE(untranslated(page.body)) << page.body;

  auto sent = answer(p, w, {{"verdi", "7"}});
  ASSERT_EQ(sent.status, 303) << sent.body;
  EXPECT_EQ(sent.header("location"), "/w/" + w.join_code + "?takk=1");
  EXPECT_TRUE(has(p.get("/w/" + w.join_code + "?takk=1").body, "Takk!"));
  ASSERT_EQ(answer(p, w, {{"verdi", "9"}}).status, 303);
  auto rows = repo().answers(actor_, id_, w.id).value();
  ASSERT_EQ(rows.size(), 1u) << "the same phone's second answer replaced the first";
  EXPECT_EQ(rows[0].stored.answer.value, 9);

  Browser other = phone(w.join_code);
  ASSERT_EQ(answer(other, w, {{"verdi", "3"}}).status, 303);
  EXPECT_EQ(repo().answers(actor_, id_, w.id).value().size(), 2u);
}

TEST_F(WorkshopPagesTest, HostileAnswersAreRefusedKeptAndSaveNothing) {
  auto w = make({scale(), reflection()});
  Browser b = browser();
  control(b, w, "neste");
  Browser p = phone(w.join_code);
  for (const char* bad : {"11", "-1", "sju", "99999999999999999999", "7; DROP TABLE"}) {
    auto r = answer(p, w, {{"verdi", bad}});
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_TRUE(has(r.body, "error-summary")) << bad;
  }
  EXPECT_TRUE(repo().answers(actor_, id_, w.id).value().empty());

  control(b, w, "neste");  // the reflection question
  p = phone(w.join_code);  // a fresh phone: the first one has used up its burst
  const std::string long_text(5000, 'a');
  auto big = answer(p, w, {{"tekst", long_text}});
  EXPECT_EQ(big.status, 400);
  auto control_chars = answer(p, w, {{"tekst", std::string("hei\x01\x02", 5)}});
  EXPECT_EQ(control_chars.status, 400);
  auto bad_utf8 = answer(p, w, {{"tekst", "\xff\xfe"}});
  EXPECT_EQ(bad_utf8.status, 400);
  auto kept = answer(p, w, {{"tekst", ""}});
  EXPECT_EQ(kept.status, 400);
  EXPECT_TRUE(repo().answers(actor_, id_, w.id).value().empty());

  // The phone still has the scale's form open: the facilitator moved on.
  auto old = p.post("/w/" + w.join_code + "/svar",
                    {{"aktivitet", fresh(w).activities[0].id}, {"verdi", "5"}});
  EXPECT_EQ(old.status, 409);
  EXPECT_TRUE(has(old.body, "Hva skal til for å bli med?")) << "shows the current activity";

  control(b, w, "lukk");
  p = phone(w.join_code);
  auto closed = answer(p, w, {{"tekst", "Mer tid sammen"}});
  EXPECT_EQ(closed.status, 409);
  EXPECT_TRUE(has(closed.body, "Mer tid sammen")) << "what the phone wrote is kept";
  EXPECT_TRUE(repo().answers(actor_, id_, w.id).value().empty());

  Browser stranger{server_, {}};
  EXPECT_EQ(stranger.get("/w/ZZZZZZZZ").status, 404);
  EXPECT_EQ(stranger.get("/w/%3Cscript%3E").status, 404);
  EXPECT_EQ(stranger.get("/w/" + std::string(300, 'A')).status, 404);
  auto lower = stranger.get("/w/" + [&] {
    std::string s = w.join_code;
    for (auto& c : s)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }());
  EXPECT_EQ(lower.status, 303) << "a typed variant goes to the canonical address";
}

TEST_F(WorkshopPagesTest, FloodingFromOnePhoneIsRateLimited) {
  // A scale answer replaces the phone's earlier one, so the store never
  // refuses it: every 429 here comes from the per-phone limit.
  auto w = make({scale()});
  Browser b = browser();
  control(b, w, "neste");
  Browser p = phone(w.join_code);
  int limited = 0;
  int stored = 0;
  for (int n = 0; n < 30; ++n) {
    auto r = answer(p, w, {{"verdi", std::to_string(n % 11)}});
    if (r.status == 429) {
      ++limited;
      EXPECT_TRUE(has(r.body, "name=\"verdi\" value=\"" + std::to_string(n % 11) + "\" checked"))
          << "the choice is kept";
      EXPECT_EQ(r.header("retry-after"), "2");
    } else {
      EXPECT_EQ(r.status, 303);
      ++stored;
    }
  }
  EXPECT_GT(limited, 0);
  EXPECT_GT(stored, 0);
  EXPECT_EQ(repo().answers(actor_, id_, w.id).value().size(), 1u);
  Browser other = phone(w.join_code);
  EXPECT_EQ(answer(other, w, {{"verdi", "4"}}).status, 303) << "another phone is not held back";
}

// ------------------------------------------------------------------ live streams

TEST_F(WorkshopPagesTest, TheScreenStreamGetsOrderedResultsAndResumesWithLastEventId) {
  auto w = make({reflection("Hva gir deg energi på jobb?")});
  Browser b = browser();
  control(b, w, "neste");
  const std::string stream = path("/" + w.id + "/hendelser");
  std::string last_id;
  {
    SseClient screen(static_cast<std::uint16_t>(server_->port), stream, b.headers());
    ASSERT_EQ(screen.open(), 200);
    EXPECT_TRUE(screen.header("content-type").starts_with("text/event-stream"));
    auto state = screen.next_event();
    ASSERT_TRUE(state);
    EXPECT_EQ(state->event, "state");
    auto first = screen.next_event();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->event, "results");
    auto j = nlohmann::json::parse(first->data);
    EXPECT_EQ(j["answers"], 0);
    EXPECT_EQ(j["revealed"], false);

    Browser p = phone(w.join_code);
    ASSERT_EQ(answer(p, w, {{"tekst", "Hemmelig-svar-kaffe"}}).status, 303);
    auto next = screen.next_event();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->event, "results");
    j = nlohmann::json::parse(next->data);
    EXPECT_EQ(j["answers"], 1);
    EXPECT_GT(std::stoll(next->id), std::stoll(first->id)) << "ids grow with the events";
    EXPECT_FALSE(has(j["html"].get<std::string>(), "Hemmelig-svar-kaffe"))
        << "results stay off the screen until revealed";

    control(b, w, "vis");
    bool shown = false;
    for (int n = 0; n < 4 && !shown; ++n) {
      auto e = screen.next_event();
      ASSERT_TRUE(e);
      last_id = e->id;
      if (e->event == "results")
        shown =
            has(nlohmann::json::parse(e->data)["html"].get<std::string>(), "Hemmelig-svar-kaffe");
    }
    EXPECT_TRUE(shown) << "revealed results reach the screen";
  }
  // While the screen is away, two more answers come in.
  for (const char* text : {"Gode kolleger", "Mestring"}) {
    Browser p = phone(w.join_code);
    ASSERT_EQ(answer(p, w, {{"tekst", text}}).status, 303);
  }
  {
    SseClient again(static_cast<std::uint16_t>(server_->port), stream,
                    b.headers({"Last-Event-ID: " + last_id}));
    ASSERT_EQ(again.open(), 200);
    std::optional<Event> results;
    for (int n = 0; n < 3 && !results; ++n) {
      auto e = again.next_event();
      ASSERT_TRUE(e) << "a resumed stream gets what it missed";
      if (e->event == "results") results = e;
    }
    ASSERT_TRUE(results);
    EXPECT_GT(std::stoll(results->id), std::stoll(last_id));
    auto j = nlohmann::json::parse(results->data);
    EXPECT_EQ(j["answers"], 3);
    EXPECT_TRUE(has(j["html"].get<std::string>(), "Mestring"));
    last_id = results->id;
  }
  {
    // Up to date already: nothing is sent again, only keep-alives.
    SseClient current(static_cast<std::uint16_t>(server_->port), stream,
                      b.headers({"Last-Event-ID: " + last_id}));
    ASSERT_EQ(current.open(), 200);
    EXPECT_FALSE(current.next_event(400ms)) << "nothing missed, nothing resent";
  }
  {
    SseClient hostile(static_cast<std::uint16_t>(server_->port), stream,
                      b.headers({"Last-Event-ID: 1\r\nevent: x"}));
    EXPECT_NE(hostile.open(), 0);
  }
}

TEST_F(WorkshopPagesTest, APhoneStreamFollowsTheCurrentActivity) {
  auto w = make({scale(), reflection()});
  Browser b = browser();
  SseClient ph(static_cast<std::uint16_t>(server_->port), "/w/" + w.join_code + "/hendelser");
  ASSERT_EQ(ph.open(), 200);
  auto first = ph.next_event();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->event, "state");
  EXPECT_EQ(nlohmann::json::parse(first->data)["index"], -1);
  control(b, w, "neste");
  auto moved = ph.next_event();
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->event, "state");
  auto j = nlohmann::json::parse(moved->data);
  EXPECT_EQ(j["index"], 0);
  EXPECT_EQ(j["activity"], fresh(w).activities[0].id);
  EXPECT_EQ(j["open"], true);
  control(b, w, "neste");
  auto second = ph.next_event();
  ASSERT_TRUE(second);
  EXPECT_EQ(nlohmann::json::parse(second->data)["index"], 1);
  EXPECT_GT(std::stoll(second->id), std::stoll(moved->id));
  // A phone's stream never carries results.
  Browser p = phone(w.join_code);
  ASSERT_EQ(answer(p, w, {{"tekst", "Ingen resultater til telefoner"}}).status, 303);
  auto e = ph.next_event(400ms);
  EXPECT_FALSE(e && e->event == "results");

  SseClient unknown(static_cast<std::uint16_t>(server_->port), "/w/ZZZZZZZZ/hendelser");
  EXPECT_EQ(unknown.open(), 404);
}

// ------------------------------------------------------------------ moderation, summary, exports

TEST_F(WorkshopPagesTest, ModerationSummaryAndExports) {
  ws::ActivityDef stage;
  stage.type = ws::ActivityType::stage_checkin;
  stage.prompt = "Hvor står du?";
  auto w = make({reflection(), stage});
  Browser b = browser();
  control(b, w, "neste");
  for (const char* text : {"Bra forslag", "Upassende tekst", "=HYPERLINK(\"x\")"}) {
    Browser p = phone(w.join_code);
    ASSERT_EQ(answer(p, w, {{"tekst", text}}).status, 303);
  }
  auto rows = repo().answers(actor_, id_, w.id).value();
  ASSERT_EQ(rows.size(), 3u);
  std::string bad_id;
  for (const auto& r : rows)
    if (r.stored.answer.text == "Upassende tekst") bad_id = r.stored.id;
  auto ctl = b.get(path("/" + w.id + "/styring"));
  ASSERT_EQ(ctl.status, 200);
  EXPECT_TRUE(has(ctl.body, "Upassende tekst")) << "the control view lists every answer";
  ASSERT_EQ(b.post(path("/" + w.id + "/moder"), {{"svar", bad_id}, {"handling", "skjul"}}).status,
            303);
  ASSERT_EQ(
      b.post(path("/" + w.id + "/moder"), {{"svar", std::string(32, 'c')}, {"handling", "skjul"}})
          .status,
      404);
  control(b, w, "neste");
  for (int n = 0; n < 2; ++n) {
    Browser p = phone(w.join_code);
    ASSERT_EQ(answer(p, w, {{"stadium", "endrer-na"}}).status, 303);
  }

  auto summary = b.get(path("/" + w.id + "/oppsummering"));
  ASSERT_EQ(summary.status, 200);
  EXPECT_TRUE(has(summary.body, "Bra forslag"));
  EXPECT_FALSE(has(summary.body, "Upassende tekst")) << "a hidden answer is left out";
  EXPECT_TRUE(has(summary.body, "For få svar")) << "two stage answers are under the minimum";

  auto csv = b.get(path("/" + w.id + "/eksport.csv"));
  ASSERT_EQ(csv.status, 200);
  EXPECT_TRUE(csv.header("content-type").starts_with("text/csv"));
  EXPECT_TRUE(has(csv.body, "Bra forslag"));
  EXPECT_FALSE(has(csv.body, "Upassende tekst"));
  EXPECT_FALSE(has(csv.body, ",=HYPERLINK")) << "a formula is neutralised";
  EXPECT_FALSE(has(csv.body, "Handling")) << "no stage counts under the minimum";
  auto xlsx = b.get(path("/" + w.id + "/eksport.xlsx"));
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_TRUE(xlsx.body.starts_with("PK")) << "a zip (xlsx) file";
}

// ------------------------------------------------------------------ access

TEST_F(WorkshopPagesTest, AnotherOrganisationAndAParticipantAccountAreRefused) {
  auto w = make({reflection()});
  store::AccountRepository accounts(*server_->db, server_->clock);
  auto other = accounts.create_organisation("Annen kommune " + std::to_string(n_),
                                            store::OrganisationKind::kommune);
  ASSERT_TRUE(other.ok());
  const std::string stranger_email = "fremmed" + std::to_string(n_) + "@annen.no";
  ASSERT_TRUE(accounts
                  .create_user(other->id, stranger_email, "Fremmed", Role::prosessveileder,
                               test_password_hash())
                  .ok());
  Browser s = logged_in_browser(server_, stranger_email);
  for (const std::string& p :
       {path("/" + w.id), path("/" + w.id + "/styring"), path("/" + w.id + "/skjerm"),
        path("/" + w.id + "/hendelser"), path("/" + w.id + "/eksport.csv")})
    EXPECT_EQ(s.get(p).status, 404) << p;
  EXPECT_EQ(s.post(path("/" + w.id + "/styr"), {{"handling", "neste"}}).status, 404);
  EXPECT_EQ(fresh(w).state.current, -1) << "nothing changed";

  const std::string participant_email = "deltaker" + std::to_string(n_) + "@kommune.no";
  ASSERT_TRUE(
      accounts
          .create_user(org_, participant_email, "Deltaker", Role::deltaker, test_password_hash())
          .ok());
  Browser d = logged_in_browser(server_, participant_email);
  EXPECT_EQ(d.post(path("/" + w.id + "/styr"), {{"handling", "neste"}}).status, 403);
  EXPECT_EQ(fresh(w).state.current, -1);
}

TEST_F(WorkshopPagesTest, PagesRenderInEnglish) {
  auto w = make({scale(), reflection()});
  Browser b = browser();
  control(b, w, "neste");
  for (const std::string& p : {path(), path("/" + w.id), path("/" + w.id + "/styring"),
                               path("/" + w.id + "/skjerm"), path("/" + w.id + "/oppsummering")}) {
    auto page = b.get(p + "?lang=en");
    ASSERT_EQ(page.status, 200) << p;
    EXPECT_FALSE(untranslated(page.body)) << p;
  }
  Browser ph{server_, {}};
  auto q = ph.get("/w/" + w.join_code + "?lang=en");
  ASSERT_EQ(q.status, 200);
  EXPECT_TRUE(has(q.body, "You are anonymous."));
  EXPECT_FALSE(untranslated(q.body)) << q.body;
}

}  // namespace
}  // namespace samskap::testing
