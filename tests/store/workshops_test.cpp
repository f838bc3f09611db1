// Live workshops (issue 8) on SQLite and PostgreSQL: workshops reached only
// through their initiative (another organisation gets not_found everywhere,
// an invited collaborator gets through), activities with the workshop's
// version (stale edits and edits of answered activities refused), the run
// state and its events, the participant side by join code with every check
// (nothing saved on error), one answer per phone except reflections (five,
// then rate-limited), moderation, the ordered event log and resuming it,
// gap-free sequence numbers under concurrent submissions, and the columns
// of the answer table (the day only; no time, address or user agent).

#include "store/workshops.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <atomic>
#include <cctype>
#include <regex>
#include <set>
#include <thread>

#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "store/migrations.hpp"
#include "store/readiness.hpp"
#include "store/sql_time.hpp"
#include "support/test_db.hpp"

namespace samskap::store {
namespace {

using workshop::ActivityDef;
using workshop::ActivityType;
using workshop::AnswerInput;

const std::string kFakeHash = "$argon2id$v=19$m=65536,t=2,p=1$not-a-real-hash";
const std::string kPhone = "telefon-0123456789abcdef";

class WorkshopStoreTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    tdb_ = testing::TestDatabase::create(GetParam(), why_);
    if (!tdb_) return;
    auto db = Database::open({tdb_->url(), 10, std::chrono::milliseconds(20000)});
    ASSERT_TRUE(db.ok()) << db.error().detail;
    db_ = std::move(db).value();
    auto ms = load_migrations(embedded_migrations(), GetParam());
    ASSERT_TRUE(ms.ok());
    auto m = migrate(*db_, *ms, clock_);
    ASSERT_TRUE(m.ok()) << m.error().detail;

    AccountRepository accounts(*db_, clock_);
    org_a_ = accounts.create_organisation("Solbygd kommune", OrganisationKind::kommune)->id;
    org_b_ = accounts.create_organisation("Nordby kommune", OrganisationKind::kommune)->id;
    org_u_ = accounts.create_organisation("USHT Nordfjell", OrganisationKind::usht)->id;
    auto person = [&](const std::string& org, const std::string& email, Role role) {
      auto u = accounts.create_user(org, email, email, role, kFakeHash);
      EXPECT_TRUE(u.ok()) << u.error().detail;
      return u.ok() ? u->id : std::string();
    };
    a_ = {org_a_, person(org_a_, "anne@solbygd.no", Role::prosessveileder), Role::prosessveileder};
    b_ = {org_b_, person(org_b_, "bjorn@nordby.no", Role::administrator), Role::administrator};
    u_ = {org_u_, person(org_u_, "ulla@usht.no", Role::prosessveileder), Role::prosessveileder};

    InitiativeRepository initiatives(*db_, clock_);
    InitiativeDraft d;
    d.title = "Fallforebygging i hjemmetjenesten";
    auto i = initiatives.create(a_, d);
    ASSERT_TRUE(i.ok()) << i.error().detail;
    initiative_ = i->id;
    d.title = "Ernæring på sykehjem";
    auto j = initiatives.create(a_, d);
    ASSERT_TRUE(j.ok());
    other_initiative_ = j->id;
  }

  WorkshopRepository repo() { return WorkshopRepository(*db_, clock_); }

  static ActivityDef def(ActivityType type, std::string prompt = "Hva er viktigst for dere?") {
    ActivityDef d;
    d.type = type;
    d.prompt = std::move(prompt);
    if (type == ActivityType::choice || type == ActivityType::ranking ||
        type == ActivityType::sorting)
      d.options = {"Tillit", "Tid", "Opplæring"};
    if (type == ActivityType::scale) {
      d.scale_min_label = "Ikke viktig";
      d.scale_max_label = "Svært viktig";
    }
    return d;
  }

  static AnswerInput scale(int v) {
    AnswerInput a;
    a.value = v;
    return a;
  }
  static AnswerInput text(std::string t) {
    AnswerInput a;
    a.text = std::move(t);
    return a;
  }

  // A workshop of initiative_ with the given activities, not started.
  Workshop new_workshop(std::vector<ActivityDef> defs = {},
                        const std::string& title = "Verksted om fallforebygging") {
    auto w = repo().create(a_, initiative_, title);
    EXPECT_TRUE(w.ok()) << w.error().message_key << " " << w.error().detail;
    if (!w.ok()) return {};
    Workshop out = *w;
    for (auto& d : defs) {
      auto next = repo().add_activity(a_, initiative_, out.id, out.version, d);
      EXPECT_TRUE(next.ok()) << next.error().message_key << " " << next.error().detail;
      if (!next.ok()) return out;
      out = *next;
    }
    return out;
  }

  // A workshop showing one scale activity, open for answers.
  Workshop running_scale() {
    auto w = new_workshop({def(ActivityType::scale)});
    EXPECT_TRUE(repo().go_to(a_, initiative_, w.id, 0).ok());
    return *repo().get(a_, initiative_, w.id);
  }

  long long count(const std::string& sql) {
    long long n = -1;
    db_->with_session([&](soci::session& s) { s << sql, soci::into(n); });
    return n;
  }
  long long answer_rows() { return count("SELECT COUNT(*) FROM workshop_answers"); }
  long long event_rows() { return count("SELECT COUNT(*) FROM workshop_events"); }

  std::vector<std::int64_t> seqs(const std::string& workshop_id, std::int64_t after = 0) {
    std::vector<std::int64_t> out;
    auto ev = repo().events_after(workshop_id, after);
    EXPECT_TRUE(ev.ok());
    if (ev.ok())
      for (const auto& e : *ev)
        out.push_back(e.seq);
    return out;
  }

  std::string why_;
  std::unique_ptr<testing::TestDatabase> tdb_;
  std::unique_ptr<Database> db_;
  ManualClock clock_{SystemTime{} + std::chrono::hours(490000) + std::chrono::minutes(754)};
  std::string org_a_, org_b_, org_u_, initiative_, other_initiative_;
  Actor a_, b_, u_;
};

// ---------------------------------------------------------------- workshops

TEST(WorkshopEvents, Slugs) {
  EXPECT_EQ(slug(EventKind::state), "state");
  EXPECT_EQ(slug(EventKind::answer), "answer");
  EXPECT_EQ(slug(EventKind::moderation), "moderation");
}

TEST_P(WorkshopStoreTest, CreateListGetRenameRemove) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = repo().create(a_, initiative_, "  Oppstartsverksted  ");
  ASSERT_TRUE(w.ok()) << w.error().detail;
  EXPECT_EQ(w->title, "Oppstartsverksted");
  EXPECT_EQ(w->initiative_id, initiative_);
  EXPECT_EQ(w->organisation_id, org_a_);
  EXPECT_EQ(w->created_by, a_.user_id);
  EXPECT_EQ(w->version, 1);
  EXPECT_EQ(w->answer_count, 0);
  EXPECT_TRUE(w->activities.empty());
  EXPECT_EQ(w->state.current, -1);
  EXPECT_FALSE(w->state.open);
  EXPECT_FALSE(w->state.revealed);
  EXPECT_FALSE(w->state.ended);
  EXPECT_EQ(w->state.seq, 0);
  EXPECT_EQ(w->join_code.size(), kJoinCodeLength);
  EXPECT_EQ(normalise_join_code(w->join_code), w->join_code);

  clock_.advance(std::chrono::hours(1));
  auto second = new_workshop({def(ActivityType::scale)}, "Oppfølging");
  EXPECT_NE(second.join_code, w->join_code);
  ASSERT_TRUE(repo().go_to(a_, initiative_, second.id, 0).ok());
  ASSERT_TRUE(repo().submit(second.join_code, second.activities[0].id, kPhone, scale(7)).ok());

  auto list = repo().list(a_, initiative_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].title, "Oppfølging");  // newest first
  EXPECT_EQ((*list)[0].answer_count, 1);
  EXPECT_EQ((*list)[0].state.current, 0);
  EXPECT_EQ((*list)[1].answer_count, 0);
  EXPECT_TRUE(repo().list(a_, other_initiative_)->empty());

  auto got = repo().get(a_, initiative_, second.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->answer_count, 1);
  ASSERT_EQ(got->activities.size(), 1u);
  EXPECT_EQ(got->activities[0].def.scale_min_label, "Ikke viktig");
  // Reached only through its own initiative.
  EXPECT_EQ(repo().get(a_, other_initiative_, second.id).error().code, ErrorCode::not_found);

  auto renamed = repo().rename(a_, initiative_, w->id, 1, "Oppstart med de ansatte");
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->title, "Oppstart med de ansatte");
  EXPECT_EQ(renamed->version, 2);
  auto stale = repo().rename(a_, initiative_, w->id, 1, "Gammel versjon");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_EQ(stale.error().message_key, "workshop.error.stale");
  EXPECT_EQ(repo().get(a_, initiative_, w->id)->title, "Oppstart med de ansatte");

  for (const std::string& bad : {std::string(), std::string("   "), std::string(201, 'x'),
                                 std::string("To\nlinjer"), std::string("\xff\xfe")}) {
    auto r = repo().create(a_, initiative_, bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message_key, "workshop.error.title");
    EXPECT_EQ(repo().rename(a_, initiative_, w->id, 2, bad).error().message_key,
              "workshop.error.title");
  }
  EXPECT_TRUE(repo().create(a_, initiative_, std::string(200, 'x')).ok());

  ASSERT_TRUE(repo().remove(a_, initiative_, second.id).ok());
  EXPECT_EQ(repo().get(a_, initiative_, second.id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo().remove(a_, initiative_, second.id).error().code, ErrorCode::not_found);
  EXPECT_EQ(answer_rows(), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM workshop_activities"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM workshop_events WHERE workshop_id = '" + second.id + "'"),
            0);
  EXPECT_EQ(repo().public_workshop(second.join_code).error().message_key,
            "workshop.error.code_unknown");
  EXPECT_EQ(repo().events_after(second.id, 0).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo().list(a_, initiative_)->size(), 2u);
}

TEST_P(WorkshopStoreTest, ActivitiesAreVersioned) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = new_workshop();
  ASSERT_EQ(w.version, 1);
  auto one = repo().add_activity(a_, initiative_, w.id, 1,
                                 def(ActivityType::reflection, " Hva gikk bra? "));
  ASSERT_TRUE(one.ok()) << one.error().message_key;
  EXPECT_EQ(one->version, 2);
  ASSERT_EQ(one->activities.size(), 1u);
  EXPECT_EQ(one->activities[0].def.prompt, "Hva gikk bra?");  // trimmed by validate
  EXPECT_EQ(one->activities[0].position, 0);

  // Someone who saw version 1 is refused; nothing is added.
  auto stale = repo().add_activity(a_, initiative_, w.id, 1, def(ActivityType::scale));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().message_key, "workshop.error.stale");
  EXPECT_EQ(repo().get(a_, initiative_, w.id)->activities.size(), 1u);

  auto two = repo().add_activity(a_, initiative_, w.id, 2, def(ActivityType::choice));
  ASSERT_TRUE(two.ok());
  auto three = repo().add_activity(a_, initiative_, w.id, 3, def(ActivityType::sorting));
  ASSERT_TRUE(three.ok());
  ASSERT_EQ(three->activities.size(), 3u);
  EXPECT_EQ(three->activities[1].def.options,
            (std::vector<std::string>{"Tillit", "Tid", "Opplæring"}));
  const std::string r = three->activities[0].id, c = three->activities[1].id,
                    s = three->activities[2].id;

  // The definition's errors pass through; nothing changes.
  auto bad = def(ActivityType::scale, "");
  EXPECT_EQ(repo().add_activity(a_, initiative_, w.id, 4, bad).error().message_key,
            "workshop.error.prompt");
  auto no_options = def(ActivityType::choice);
  no_options.options = {"Bare én"};
  EXPECT_EQ(repo().update_activity(a_, initiative_, w.id, 4, c, no_options).error().message_key,
            "workshop.error.options");
  EXPECT_EQ(repo().get(a_, initiative_, w.id)->version, 4);

  // Update keeps the id and place.
  auto changed = def(ActivityType::choice, "Hva bør vi starte med?");
  changed.multiple = true;
  changed.options = {"Kartlegging", "Opplæring"};
  auto updated = repo().update_activity(a_, initiative_, w.id, 4, c, changed);
  ASSERT_TRUE(updated.ok()) << updated.error().message_key;
  EXPECT_EQ(updated->version, 5);
  EXPECT_EQ(updated->activities[1].id, c);
  EXPECT_EQ(updated->activities[1].def.prompt, "Hva bør vi starte med?");
  EXPECT_TRUE(updated->activities[1].def.multiple);
  EXPECT_EQ(updated->activities[1].def.options.size(), 2u);
  EXPECT_EQ(repo().update_activity(a_, initiative_, w.id, 4, c, changed).error().message_key,
            "workshop.error.stale");

  // Moves: down, up, and at an end no change (the version stays).
  auto moved = repo().move_activity(a_, initiative_, w.id, 5, r, +1);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->version, 6);
  EXPECT_EQ(moved->activities[0].id, c);
  EXPECT_EQ(moved->activities[1].id, r);
  EXPECT_EQ(moved->activities[1].position, 1);
  auto top = repo().move_activity(a_, initiative_, w.id, 6, c, -1);
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(top->version, 6);
  EXPECT_EQ(top->activities[0].id, c);
  auto bottom = repo().move_activity(a_, initiative_, w.id, 6, s, +1);
  ASSERT_TRUE(bottom.ok());
  EXPECT_EQ(bottom->version, 6);
  auto up = repo().move_activity(a_, initiative_, w.id, 6, s, -1);
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->version, 7);
  std::vector<std::string> order;
  for (const auto& a : up->activities)
    order.push_back(a.id);
  EXPECT_EQ(order, (std::vector<std::string>{c, s, r}));
  EXPECT_EQ(repo().move_activity(a_, initiative_, w.id, 6, s, -1).error().message_key,
            "workshop.error.stale");

  // Unknown or hostile activity ids.
  for (const std::string& id : {std::string("finnes-ikke"), std::string(32, 'a'),
                                std::string("\xff\xfe"), std::string("'; DROP TABLE x; --")}) {
    EXPECT_EQ(repo().update_activity(a_, initiative_, w.id, 7, id, changed).error().code,
              ErrorCode::not_found);
    EXPECT_EQ(repo().remove_activity(a_, initiative_, w.id, 7, id).error().code,
              ErrorCode::not_found);
    EXPECT_EQ(repo().move_activity(a_, initiative_, w.id, 7, id, 1).error().code,
              ErrorCode::not_found);
  }

  // Remove closes the gap.
  auto removed = repo().remove_activity(a_, initiative_, w.id, 7, s);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->version, 8);
  ASSERT_EQ(removed->activities.size(), 2u);
  EXPECT_EQ(removed->activities[0].id, c);
  EXPECT_EQ(removed->activities[1].id, r);
  EXPECT_EQ(removed->activities[1].position, 1);
  EXPECT_EQ(repo().remove_activity(a_, initiative_, w.id, 7, r).error().message_key,
            "workshop.error.stale");
  // No session running: activity changes append no events.
  EXPECT_EQ(event_rows(), 0);
}

TEST_P(WorkshopStoreTest, AnsweredActivitiesCannotChangeAndFiftyIsTheLimit) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = running_scale();
  const std::string id = w.activities[0].id;
  ASSERT_TRUE(repo().submit(w.join_code, id, kPhone, scale(4)).ok());
  auto upd = repo().update_activity(a_, initiative_, w.id, w.version, id, def(ActivityType::scale));
  ASSERT_FALSE(upd.ok());
  EXPECT_EQ(upd.error().code, ErrorCode::conflict);
  EXPECT_EQ(upd.error().message_key, "workshop.error.has_answers");
  auto rem = repo().remove_activity(a_, initiative_, w.id, w.version, id);
  ASSERT_FALSE(rem.ok());
  EXPECT_EQ(rem.error().message_key, "workshop.error.has_answers");
  EXPECT_EQ(answer_rows(), 1);

  Workshop cur = w;
  while (cur.activities.size() < workshop::kMaxActivities) {
    auto next = repo().add_activity(a_, initiative_, w.id, cur.version, def(ActivityType::scale));
    ASSERT_TRUE(next.ok());
    cur = *next;
  }
  auto over = repo().add_activity(a_, initiative_, w.id, cur.version, def(ActivityType::scale));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(over.error().message_key, "workshop.error.too_many");
  EXPECT_EQ(count("SELECT COUNT(*) FROM workshop_activities"),
            static_cast<long long>(workshop::kMaxActivities));
}

// ---------------------------------------------------------------- run control

TEST_P(WorkshopStoreTest, RunControlAppendsStateEvents) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = new_workshop({def(ActivityType::scale), def(ActivityType::reflection)});
  const std::string first = w.activities[0].id, second = w.activities[1].id;

  auto s1 = repo().go_to(a_, initiative_, w.id, 0);
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ(s1->current, 0);
  EXPECT_TRUE(s1->open);
  EXPECT_FALSE(s1->revealed);
  EXPECT_EQ(s1->seq, 1);
  auto s2 = repo().set_revealed(a_, initiative_, w.id, true);
  ASSERT_TRUE(s2.ok());
  EXPECT_TRUE(s2->revealed);
  EXPECT_EQ(s2->seq, 2);
  auto s3 = repo().set_open(a_, initiative_, w.id, false);
  ASSERT_TRUE(s3.ok());
  EXPECT_FALSE(s3->open);
  EXPECT_TRUE(s3->revealed);
  // A new current activity starts open and unrevealed.
  auto s4 = repo().go_to(a_, initiative_, w.id, 1);
  ASSERT_TRUE(s4.ok());
  EXPECT_EQ(s4->current, 1);
  EXPECT_TRUE(s4->open);
  EXPECT_FALSE(s4->revealed);
  for (int bad : {-2, 2, 1000}) {
    auto r = repo().go_to(a_, initiative_, w.id, bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(r.error().message_key, "workshop.error.activity");
  }
  // Before the first: nothing shown, so nothing to answer.
  auto s5 = repo().go_to(a_, initiative_, w.id, -1);
  ASSERT_TRUE(s5.ok());
  EXPECT_EQ(s5->current, -1);
  EXPECT_FALSE(s5->open);
  auto s6 = repo().set_open(a_, initiative_, w.id, true);
  ASSERT_TRUE(s6.ok());
  EXPECT_FALSE(s6->open);
  EXPECT_EQ(s6->seq, 6);

  auto ev = repo().events_after(w.id, 0);
  ASSERT_TRUE(ev.ok());
  ASSERT_EQ(ev->size(), 6u);
  const std::vector<std::string> shown = {first, first, first, second, "", ""};
  for (std::size_t i = 0; i < ev->size(); ++i) {
    EXPECT_EQ((*ev)[i].seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ((*ev)[i].kind, EventKind::state);
    EXPECT_EQ((*ev)[i].activity_id, shown[i]) << i;
  }
  auto got = repo().get(a_, initiative_, w.id);
  EXPECT_EQ(got->state.seq, 6);
  EXPECT_EQ(got->version, w.version);  // the run state is not versioned

  // Ending stops the code; restarting brings it back.
  ASSERT_TRUE(repo().go_to(a_, initiative_, w.id, 0).ok());
  auto ended = repo().set_ended(a_, initiative_, w.id, true);
  ASSERT_TRUE(ended.ok());
  EXPECT_TRUE(ended->ended);
  EXPECT_FALSE(ended->open);
  EXPECT_EQ(repo().public_workshop(w.join_code).error().message_key, "workshop.error.code_unknown");
  EXPECT_EQ(repo().submit(w.join_code, first, kPhone, scale(3)).error().message_key,
            "workshop.error.code_unknown");
  EXPECT_FALSE(repo().set_open(a_, initiative_, w.id, true)->open);
  // The stream still sees it, ended.
  auto pub = repo().public_by_id(w.id);
  ASSERT_TRUE(pub.ok());
  EXPECT_TRUE(pub->state.ended);
  auto restarted = repo().set_ended(a_, initiative_, w.id, false);
  ASSERT_TRUE(restarted.ok());
  EXPECT_FALSE(restarted->ended);
  EXPECT_TRUE(repo().public_workshop(w.join_code).ok());
  EXPECT_TRUE(repo().set_open(a_, initiative_, w.id, true)->open);
  EXPECT_TRUE(repo().submit(w.join_code, first, kPhone, scale(3)).ok());
}

TEST_P(WorkshopStoreTest, ARestartedWorkshopWhoseCodeWasTakenGetsANewOne) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = running_scale();
  ASSERT_TRUE(repo().set_ended(a_, initiative_, w.id, true).ok());
  // Another live workshop now holds the same code (unlikely by chance; forced here).
  auto other = new_workshop({}, "Et annet verksted");
  db_->with_session([&](soci::session& s) {
    std::string c = w.join_code, id = other.id;
    s << "UPDATE workshops SET join_code = :c WHERE id = :w", soci::use(c), soci::use(id);
  });
  ASSERT_TRUE(repo().set_ended(a_, initiative_, w.id, false).ok());
  auto now = repo().get(a_, initiative_, w.id);
  EXPECT_NE(now->join_code, w.join_code);
  EXPECT_EQ(repo().public_workshop(w.join_code)->id, other.id);
  EXPECT_EQ(repo().public_workshop(now->join_code)->id, w.id);
}

TEST_P(WorkshopStoreTest, TheCurrentActivityFollowsMovesAndRemovals) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = new_workshop(
      {def(ActivityType::scale), def(ActivityType::reflection), def(ActivityType::word_cloud)});
  const std::string a = w.activities[0].id, b = w.activities[1].id, c = w.activities[2].id;
  ASSERT_TRUE(repo().go_to(a_, initiative_, w.id, 1).ok());  // b, seq 1
  auto cur = *repo().get(a_, initiative_, w.id);
  // Moving the current one: it stays current at its new place.
  cur = *repo().move_activity(a_, initiative_, w.id, cur.version, b, -1);
  EXPECT_EQ(cur.state.current, 0);
  EXPECT_EQ(cur.activities[0].id, b);
  // Removing one before it: still current.
  cur = *repo().move_activity(a_, initiative_, w.id, cur.version, a, -1);  // a, b, c
  EXPECT_EQ(cur.state.current, 1);
  cur = *repo().remove_activity(a_, initiative_, w.id, cur.version, a);
  EXPECT_EQ(cur.state.current, 0);
  EXPECT_EQ(cur.activities[0].id, b);
  EXPECT_TRUE(cur.state.open);
  // Removing the current one: back before the first, closed.
  cur = *repo().remove_activity(a_, initiative_, w.id, cur.version, b);
  EXPECT_EQ(cur.state.current, -1);
  EXPECT_FALSE(cur.state.open);
  auto ev = *repo().events_after(w.id, 0);
  ASSERT_EQ(ev.size(), 5u);
  EXPECT_EQ(ev[0].activity_id, b);
  EXPECT_EQ(ev[1].activity_id, b);
  EXPECT_EQ(ev[2].activity_id, b);
  EXPECT_EQ(ev[3].activity_id, b);
  EXPECT_EQ(ev[4].activity_id, "");
  EXPECT_EQ(cur.activities.size(), 1u);
  EXPECT_EQ(cur.activities[0].id, c);
}

// ---------------------------------------------------------------- participants

TEST_P(WorkshopStoreTest, ThePublicWorkshopShowsTheCurrentActivityOnly) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = new_workshop({def(ActivityType::scale), def(ActivityType::choice)});
  auto p = repo().public_workshop(w.join_code);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->id, w.id);
  EXPECT_EQ(p->title, w.title);
  EXPECT_EQ(p->initiative_title, "Fallforebygging i hjemmetjenesten");
  EXPECT_EQ(p->state.current, -1);
  EXPECT_FALSE(p->current.has_value());
  EXPECT_EQ(p->activity_count, 2);
  ASSERT_TRUE(repo().go_to(a_, initiative_, w.id, 1).ok());
  // As typed on a phone: lower case, spaces, a hyphen.
  std::string typed = w.join_code.substr(0, 4) + "-" + w.join_code.substr(4);
  for (auto& ch : typed)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  p = repo().public_workshop(" " + typed + " ");
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->current.has_value());
  EXPECT_EQ(p->current->id, w.activities[1].id);
  EXPECT_EQ(p->current->def.options.size(), 3u);
  EXPECT_EQ(p->state.seq, 1);
  EXPECT_TRUE(p->state.open);
  auto by_id = repo().public_by_id(w.id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->current->id, w.activities[1].id);
  for (const char* bad : {"", "ZZZZZZZZ", "ABCDEFG", "ABCD\nEFGH", "\xff\xfe", "'; --"})
    EXPECT_EQ(repo().public_workshop(bad).error().message_key, "workshop.error.code_unknown")
        << bad;
  for (const std::string& bad : {std::string(), std::string("\xff"), std::string(32, 'a')})
    EXPECT_EQ(repo().public_by_id(bad).error().code, ErrorCode::not_found);
}

TEST_P(WorkshopStoreTest, SubmitChecksTheCodeTheActivityAndTheAnswer) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = new_workshop({def(ActivityType::scale), def(ActivityType::reflection)});
  const std::string first = w.activities[0].id, second = w.activities[1].id;
  auto refused = [&](const Result<std::string>& r, ErrorCode code, const std::string& key) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code);
    EXPECT_EQ(r.error().message_key, key);
  };
  // Not started: nothing is current.
  refused(repo().submit(w.join_code, first, kPhone, scale(5)), ErrorCode::conflict,
          "workshop.error.moved_on");
  ASSERT_TRUE(repo().go_to(a_, initiative_, w.id, 0).ok());
  const auto events = event_rows();
  // Another activity than the current one, or garbage.
  for (const std::string& id : {second, std::string(), std::string("\xff\xfe"),
                                std::string(10000, 'a'), std::string("'; DROP TABLE x; --")})
    refused(repo().submit(w.join_code, id, kPhone, scale(5)), ErrorCode::conflict,
            "workshop.error.moved_on");
  // Unknown codes.
  for (const char* code : {"", "ZZZZZZZZ", "\xff", "ABCDEFGHJK"})
    refused(repo().submit(code, first, kPhone, scale(5)), ErrorCode::not_found,
            "workshop.error.code_unknown");
  // The phone's token: 16..200 bytes.
  for (const std::string& tok : {std::string(), std::string(15, 't'), std::string(201, 't')})
    refused(repo().submit(w.join_code, first, tok, scale(5)), ErrorCode::invalid_input,
            "workshop.error.device");
  // The answer's own errors pass through.
  for (int v : {-1, 11, 1000000})
    refused(repo().submit(w.join_code, first, kPhone, scale(v)), ErrorCode::invalid_input,
            "workshop.error.value");
  refused(repo().submit(w.join_code, first, kPhone, AnswerInput{}), ErrorCode::invalid_input,
          "workshop.error.value");
  // Closed.
  ASSERT_TRUE(repo().set_open(a_, initiative_, w.id, false).ok());
  refused(repo().submit(w.join_code, first, kPhone, scale(5)), ErrorCode::conflict,
          "workshop.error.closed");
  refused(repo().submit(w.join_code, second, kPhone, scale(5)), ErrorCode::conflict,
          "workshop.error.moved_on");
  // Nothing was stored, and only the set_open event was appended.
  EXPECT_EQ(answer_rows(), 0);
  EXPECT_EQ(event_rows(), events + 1);

  ASSERT_TRUE(repo().set_open(a_, initiative_, w.id, true).ok());
  auto id = repo().submit(w.join_code, first, kPhone, scale(5));
  ASSERT_TRUE(id.ok()) << id.error().message_key;
  EXPECT_TRUE(std::regex_match(*id, std::regex("[0-9a-f]{32}")));
  auto stored = repo().activity_answers(w.id, first);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].id, *id);
  EXPECT_EQ((*stored)[0].answer.value, 5);
  EXPECT_FALSE((*stored)[0].hidden);
  auto last = repo().events_after(w.id, events + 2);
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->size(), 1u);
  EXPECT_EQ((*last)[0].kind, EventKind::answer);
  EXPECT_EQ((*last)[0].activity_id, first);
  // Once the facilitator moves on, the old activity takes no more answers.
  ASSERT_TRUE(repo().go_to(a_, initiative_, w.id, 1).ok());
  refused(repo().submit(w.join_code, first, kPhone, scale(6)), ErrorCode::conflict,
          "workshop.error.moved_on");
  EXPECT_EQ(repo().activity_answers(w.id, first)->front().answer.value, 5);
}

TEST_P(WorkshopStoreTest, OneAnswerPerPhoneReplacedKeepingItsFlags) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = running_scale();
  const std::string act = w.activities[0].id;
  auto first = repo().submit(w.join_code, act, kPhone, scale(2));
  ASSERT_TRUE(first.ok());
  auto other = repo().submit(w.join_code, act, "en-annen-telefon-123", scale(9));
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(repo().moderate(a_, initiative_, w.id, *first, std::nullopt, true).ok());
  auto again = repo().submit(w.join_code, act, kPhone, scale(8));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
  auto rows = repo().activity_answers(w.id, act);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].id, *first);  // keeps its place, oldest first
  EXPECT_EQ((*rows)[0].answer.value, 8);
  EXPECT_TRUE((*rows)[0].pinned);
  EXPECT_EQ((*rows)[1].answer.value, 9);
  // The same token in another workshop is another phone as far as we know.
  auto w2 = running_scale();
  ASSERT_TRUE(repo().submit(w2.join_code, w2.activities[0].id, kPhone, scale(1)).ok());
  EXPECT_EQ(answer_rows(), 3);
}

TEST_P(WorkshopStoreTest, AReflectionTakesFiveTextsPerPhoneThenRateLimits) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = new_workshop({def(ActivityType::reflection)});
  ASSERT_TRUE(repo().go_to(a_, initiative_, w.id, 0).ok());
  const std::string act = w.activities[0].id;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < workshop::kMaxTextsPerParticipant; ++i) {
    auto r = repo().submit(w.join_code, act, kPhone, text("Tanke nummer " + std::to_string(i)));
    ASSERT_TRUE(r.ok()) << r.error().message_key;
    ids.insert(*r);
  }
  EXPECT_EQ(ids.size(), workshop::kMaxTextsPerParticipant);
  const auto events = event_rows();
  auto sixth = repo().submit(w.join_code, act, kPhone, text("En til"));
  ASSERT_FALSE(sixth.ok());
  EXPECT_EQ(sixth.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(sixth.error().message_key, "workshop.error.too_many_texts");
  EXPECT_EQ(event_rows(), events);
  // Another phone is not limited by the first.
  EXPECT_TRUE(repo().submit(w.join_code, act, "en-annen-telefon-123", text("Min tanke")).ok());
  // Empty or oversized text is refused by the answer check.
  for (const std::string& bad : {std::string("   "), std::string(workshop::kTextMaxBytes + 1, 'x')})
    EXPECT_EQ(repo().submit(w.join_code, act, "tredje-telefon-12345", text(bad)).error().code,
              ErrorCode::invalid_input);
  auto rows = repo().activity_answers(w.id, act);
  ASSERT_EQ(rows->size(), 6u);
  EXPECT_EQ((*rows)[0].answer.text, "Tanke nummer 0");
  EXPECT_EQ((*rows)[5].answer.text, "Min tanke");
}

// Every answer type goes through the store and comes back as given.
TEST_P(WorkshopStoreTest, EveryAnswerTypeRoundTrips) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto multi = def(ActivityType::choice);
  multi.multiple = true;
  auto w = new_workshop({def(ActivityType::word_cloud), multi, def(ActivityType::ranking),
                         def(ActivityType::sorting), def(ActivityType::stage_checkin)});
  std::vector<AnswerInput> answers(5);
  answers[0].words = {"Tillit", "pasientene", "god tid"};
  answers[1].choices = {0, 2};
  answers[2].order = {2, 0, 1};
  answers[3].levels = {1, 0, 3};
  answers[4].staging = readiness::StagingAnswer::changing_now;
  answers[4].importance = 9;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    ASSERT_TRUE(repo().go_to(a_, initiative_, w.id, static_cast<int>(i)).ok());
    auto r = repo().submit(w.join_code, w.activities[i].id, kPhone, answers[i]);
    ASSERT_TRUE(r.ok()) << i << " " << r.error().message_key;
  }
  auto rows = repo().answers(a_, initiative_, w.id);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 5u);
  for (std::size_t i = 0; i < answers.size(); ++i) {
    EXPECT_EQ((*rows)[i].activity_id, w.activities[i].id);
    const auto& got = (*rows)[i].stored.answer;
    EXPECT_EQ(got.words, answers[i].words) << i;
    EXPECT_EQ(got.choices, answers[i].choices) << i;
    EXPECT_EQ(got.order, answers[i].order) << i;
    EXPECT_EQ(got.levels, answers[i].levels) << i;
    EXPECT_EQ(got.staging, answers[i].staging) << i;
    EXPECT_EQ(got.importance, answers[i].importance) << i;
    EXPECT_EQ(got.confidence, answers[i].confidence) << i;
    EXPECT_FALSE(got.value.has_value());
    EXPECT_TRUE(got.text.empty());
  }
  auto one = repo().answers(a_, initiative_, w.id, w.activities[2].id);
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].stored.answer.order, answers[2].order);
}

// ---------------------------------------------------------------- moderation

TEST_P(WorkshopStoreTest, ModerationHidesAndPinsAndAppendsAnEvent) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = running_scale();
  const std::string act = w.activities[0].id;
  auto x = *repo().submit(w.join_code, act, kPhone, scale(1));
  auto y = *repo().submit(w.join_code, act, "en-annen-telefon-123", scale(10));
  const auto seq = repo().get(a_, initiative_, w.id)->state.seq;
  ASSERT_TRUE(repo().moderate(a_, initiative_, w.id, x, true, std::nullopt).ok());
  ASSERT_TRUE(repo().moderate(a_, initiative_, w.id, y, std::nullopt, true).ok());
  auto ev = *repo().events_after(w.id, seq);
  ASSERT_EQ(ev.size(), 2u);
  for (const auto& e : ev) {
    EXPECT_EQ(e.kind, EventKind::moderation);
    EXPECT_EQ(e.activity_id, act);
  }
  auto rows = *repo().answers(a_, initiative_, w.id, act);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].stored.hidden);
  EXPECT_FALSE(rows[0].stored.pinned);
  EXPECT_FALSE(rows[1].stored.hidden);
  EXPECT_TRUE(rows[1].stored.pinned);
  ASSERT_TRUE(repo().moderate(a_, initiative_, w.id, x, false, true).ok());
  rows = *repo().answers(a_, initiative_, w.id, act);
  EXPECT_FALSE(rows[0].stored.hidden);
  EXPECT_TRUE(rows[0].stored.pinned);

  // An answer of another workshop, or no answer at all.
  auto w2 = running_scale();
  auto z = *repo().submit(w2.join_code, w2.activities[0].id, kPhone, scale(3));
  for (const std::string& id :
       {z, std::string(32, 'b'), std::string("\xff\xfe"), std::string("'; --")}) {
    auto r = repo().moderate(a_, initiative_, w.id, id, true, std::nullopt);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::not_found);
    EXPECT_EQ(r.error().message_key, "workshop.error.answer");
  }
  EXPECT_FALSE(repo().activity_answers(w2.id, w2.activities[0].id)->front().hidden);
  // activity_answers only within its workshop.
  EXPECT_EQ(repo().activity_answers(w.id, w2.activities[0].id).error().code, ErrorCode::not_found);
}

// ---------------------------------------------------------------- the event log

TEST_P(WorkshopStoreTest, EventsComeInOrderAndResumeAfterTheLastSeen) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = running_scale();  // seq 1
  const std::string act = w.activities[0].id;
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(
        repo().submit(w.join_code, act, "telefon-nummer-" + std::to_string(i), scale(i % 11)).ok());
  ASSERT_TRUE(repo().set_revealed(a_, initiative_, w.id, true).ok());  // seq 22
  auto all = seqs(w.id);
  ASSERT_EQ(all.size(), 22u);
  for (std::size_t i = 0; i < all.size(); ++i)
    EXPECT_EQ(all[i], static_cast<std::int64_t>(i + 1));
  // Resume after 15: exactly 16..22.
  auto rest = seqs(w.id, 15);
  ASSERT_EQ(rest.size(), 7u);
  EXPECT_EQ(rest.front(), 16);
  EXPECT_EQ(rest.back(), 22);
  EXPECT_TRUE(seqs(w.id, 22).empty());
  EXPECT_TRUE(seqs(w.id, 1000).empty());
  EXPECT_EQ(seqs(w.id, -5).size(), 22u);
  // A limit pages through them.
  auto page = repo().events_after(w.id, 0, 5);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 5u);
  EXPECT_EQ(page->back().seq, 5);
  EXPECT_EQ(repo().events_after(w.id, 5, 0)->size(), 1u);  // at least one
  // Another workshop's log is its own.
  auto w2 = running_scale();
  EXPECT_EQ(seqs(w2.id), (std::vector<std::int64_t>{1}));
  for (const std::string& bad : {std::string(), std::string("\xff"), std::string(32, 'c')})
    EXPECT_EQ(repo().events_after(bad, 0).error().code, ErrorCode::not_found);
}

// Eight phones at once: every answer stored, its event numbered, and the
// numbers 1..n without gaps or repeats.
TEST_P(WorkshopStoreTest, ConcurrentSubmitsGiveGapFreeSequenceNumbers) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = running_scale();  // seq 1
  const std::string act = w.activities[0].id;
  constexpr int kThreads = 8, kEach = 12;
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      WorkshopRepository r(*db_, clock_);
      for (int i = 0; i < kEach; ++i) {
        auto res = r.submit(w.join_code, act,
                            "telefon-" + std::to_string(t) + "-nummer-" + std::to_string(i),
                            scale((t + i) % 11));
        if (!res.ok()) ++failed;
      }
    });
  // The facilitator reveals while they answer.
  for (int i = 0; i < 4; ++i)
    EXPECT_TRUE(repo().set_revealed(a_, initiative_, w.id, i % 2 == 0).ok());
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(answer_rows(), kThreads * kEach);
  const std::size_t n = 1 + kThreads * kEach + 4;
  auto all = seqs(w.id);
  ASSERT_EQ(all.size(), n);
  for (std::size_t i = 0; i < n; ++i)
    ASSERT_EQ(all[i], static_cast<std::int64_t>(i + 1));
  EXPECT_EQ(repo().get(a_, initiative_, w.id)->state.seq, static_cast<std::int64_t>(n));
  // Every answer's created order is the number of its own event.
  EXPECT_EQ(count("SELECT COUNT(*) FROM workshop_answers a JOIN workshop_events e ON "
                  "e.workshop_id = a.workshop_id AND e.seq = a.created_seq AND e.kind = 'answer'"),
            kThreads * kEach);
}

// ---------------------------------------------------------------- isolation

TEST_P(WorkshopStoreTest, AnotherOrganisationGetsNotFoundEverywhere) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = running_scale();
  const std::string act = w.activities[0].id;
  auto ans = *repo().submit(w.join_code, act, kPhone, scale(5));
  const auto events = event_rows();
  auto nf = [](const auto& res) {
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.error().code, ErrorCode::not_found);
  };
  for (const Actor& who : {b_, u_}) {  // u_ is not invited (yet)
    nf(repo().create(who, initiative_, "Kapret"));
    nf(repo().list(who, initiative_));
    nf(repo().get(who, initiative_, w.id));
    nf(repo().rename(who, initiative_, w.id, w.version, "Kapret"));
    nf(repo().add_activity(who, initiative_, w.id, w.version, def(ActivityType::scale)));
    nf(repo().update_activity(who, initiative_, w.id, w.version, act, def(ActivityType::scale)));
    nf(repo().move_activity(who, initiative_, w.id, w.version, act, 1));
    nf(repo().remove_activity(who, initiative_, w.id, w.version, act));
    nf(repo().go_to(who, initiative_, w.id, 0));
    nf(repo().set_open(who, initiative_, w.id, false));
    nf(repo().set_revealed(who, initiative_, w.id, true));
    nf(repo().set_ended(who, initiative_, w.id, true));
    nf(repo().moderate(who, initiative_, w.id, ans, true, std::nullopt));
    nf(repo().answers(who, initiative_, w.id));
    nf(repo().answers(who, initiative_, w.id, act));
    nf(repo().remove(who, initiative_, w.id));
  }
  // Hostile ids are not found, not errors.
  for (const std::string& id : {std::string("finnes-ikke"), std::string("\xff\xfe"),
                                std::string(5000, 'a'), std::string("'; DROP TABLE units; --")}) {
    nf(repo().get(a_, initiative_, id));
    nf(repo().list(a_, id));
    nf(repo().create(a_, id, "Tittel"));
    nf(repo().answers(a_, initiative_, id));
  }
  auto still = repo().get(a_, initiative_, w.id);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->title, w.title);
  EXPECT_EQ(still->activities.size(), 1u);
  EXPECT_TRUE(still->state.open);
  EXPECT_FALSE(still->state.revealed);
  EXPECT_EQ(event_rows(), events);
  EXPECT_EQ(count("SELECT COUNT(*) FROM workshops"), 1);
  EXPECT_FALSE(repo().answers(a_, initiative_, w.id)->front().stored.hidden);
}

TEST_P(WorkshopStoreTest, AnInvitedCollaboratorRunsTheWorkshops) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = new_workshop({def(ActivityType::scale)});
  ASSERT_TRUE(
      InitiativeRepository(*db_, clock_).add_collaborator(a_, initiative_, u_.user_id).ok());
  EXPECT_EQ(repo().list(u_, initiative_)->size(), 1u);
  EXPECT_TRUE(repo().go_to(u_, initiative_, w.id, 0).ok());
  auto own = repo().create(u_, initiative_, "Fra USHT");
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->organisation_id, org_a_);
  EXPECT_EQ(repo().list(u_, other_initiative_).error().code, ErrorCode::not_found);
}

// ---------------------------------------------------------------- privacy

// The answer table holds the day only: no time of day, no address, no user
// agent, no account. A new column fails this test on purpose.
TEST_P(WorkshopStoreTest, AnswersChangedAfterASequenceNumber) {
  // The live fan-out keeps the answers it has read and asks only for what
  // changed since: a new answer, a replaced one, a moderated one.
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = running_scale();
  const std::string act = w.activities[0].id;
  ASSERT_TRUE(repo().submit(w.join_code, act, kPhone, scale(6)).ok());
  auto other = repo().submit(w.join_code, act, "telefon-fedcba9876543210", scale(3));
  ASSERT_TRUE(other.ok());
  const auto seq = repo().public_by_id(w.id).value().state.seq;
  EXPECT_TRUE(repo().activity_answers(w.id, act, seq).value().empty()) << "nothing changed since";
  EXPECT_EQ(repo().activity_answers(w.id, act).value().size(), 2u);

  ASSERT_TRUE(repo().submit(w.join_code, act, kPhone, scale(9)).ok());
  auto changed = repo().activity_answers(w.id, act, seq).value();
  ASSERT_EQ(changed.size(), 1u) << "only the replaced answer";
  EXPECT_EQ(changed[0].answer.value, 9);

  const auto seq2 = repo().public_by_id(w.id).value().state.seq;
  ASSERT_TRUE(repo().moderate(a_, initiative_, w.id, *other, true, std::nullopt).ok());
  changed = repo().activity_answers(w.id, act, seq2).value();
  ASSERT_EQ(changed.size(), 1u) << "only the moderated answer";
  EXPECT_EQ(changed[0].id, *other);
  EXPECT_TRUE(changed[0].hidden);
  EXPECT_EQ(repo().activity_answers(w.id, act, seq).value().size(), 2u);
  const auto seq3 = repo().public_by_id(w.id).value().state.seq;
  EXPECT_TRUE(repo().activity_answers(w.id, act, seq3).value().empty());
}

TEST_P(WorkshopStoreTest, TheAnswerRowHasNoTimeOfDayAndNoAddress) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  std::set<std::string> columns;
  db_->with_session([&](soci::session& s) {
    std::string name;
    soci::statement st =
        GetParam() == Engine::sqlite
            ? (s.prepare << "SELECT name FROM pragma_table_info('workshop_answers')",
               soci::into(name))
            : (s.prepare << "SELECT column_name FROM information_schema.columns WHERE "
                            "table_name = 'workshop_answers' AND table_schema = current_schema()",
               soci::into(name));
    st.execute();
    while (st.fetch())
      columns.insert(name);
  });
  EXPECT_EQ(columns, (std::set<std::string>{"id", "workshop_id", "activity_id", "device_key",
                                            "answer", "hidden", "pinned", "answered_on",
                                            "created_seq", "changed_seq"}));
  auto w = running_scale();
  ASSERT_TRUE(repo().submit(w.join_code, w.activities[0].id, kPhone, scale(6)).ok());
  std::string day, key;
  db_->with_session([&](soci::session& s) {
    s << "SELECT answered_on, device_key FROM workshop_answers", soci::into(day), soci::into(key);
  });
  EXPECT_EQ(day, iso_utc(clock_.now()).substr(0, 10));
  EXPECT_TRUE(std::regex_match(key, std::regex("[0-9a-f]{64}")));
  EXPECT_EQ(key.find("telefon"), std::string::npos);
}

TEST_P(WorkshopStoreTest, DeletingTheInitiativeDeletesItsWorkshops) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto w = running_scale();
  ASSERT_TRUE(repo().submit(w.join_code, w.activities[0].id, kPhone, scale(6)).ok());
  ASSERT_TRUE(InitiativeRepository(*db_, clock_).remove(a_, initiative_).ok());
  for (const char* t : {"workshops", "workshop_activities", "workshop_answers", "workshop_events"})
    EXPECT_EQ(count(std::string("SELECT COUNT(*) FROM ") + t), 0) << t;
  EXPECT_EQ(repo().public_workshop(w.join_code).error().message_key, "workshop.error.code_unknown");
}

INSTANTIATE_TEST_SUITE_P(Engines, WorkshopStoreTest,
                         ::testing::Values(Engine::sqlite, Engine::postgresql),
                         testing::EngineName());

}  // namespace
}  // namespace samskap::store
