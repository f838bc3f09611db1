// Saved MI analyses on both engines: private to their author (another user or
// organisation gets not_found), figures round-trip with missing values, the
// limits, deletion, and that anonymising a user deletes the transcripts.

#include "store/mi_analyses.hpp"

#include <gtest/gtest.h>

#include <soci/soci.h>

#include "store/accounts.hpp"
#include "store/migrations.hpp"
#include "store/secrets.hpp"
#include "support/test_db.hpp"

namespace samskap::store {
namespace {

class MiAnalysesTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    tdb_ = testing::TestDatabase::create(GetParam(), why_);
    if (!tdb_) return;
    auto db = Database::open({tdb_->url(), 2, std::chrono::milliseconds(5000)});
    ASSERT_TRUE(db.ok()) << db.error().detail;
    db_ = std::move(db).value();
    auto ms = load_migrations(embedded_migrations(), GetParam());
    ASSERT_TRUE(ms.ok());
    ASSERT_TRUE(migrate(*db_, *ms, clock_).ok());
    AccountRepository accounts(*db_, clock_);
    auto horten = accounts.create_organisation("Horten kommune", OrganisationKind::kommune);
    auto usht = accounts.create_organisation("USHT Vestfold", OrganisationKind::usht);
    ASSERT_TRUE(horten.ok() && usht.ok());
    org_ = horten->id;
    other_org_ = usht->id;
    auto a = accounts.create_user(org_, "kari@horten.no", "Kari", Role::prosessveileder, "");
    auto b = accounts.create_user(org_, "ola@horten.no", "Ola", Role::prosessveileder, "");
    auto c = accounts.create_user(other_org_, "per@usht.no", "Per", Role::prosessveileder, "");
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    kari_ = a->id;
    ola_ = b->id;
    per_ = c->id;
  }

  static NewMiAnalysis sample(std::string title, double ratio) {
    NewMiAnalysis n;
    n.title = std::move(title);
    n.language = "nb";
    n.language_choice = "auto";
    n.facilitator = "Kari";
    n.transcript =
        "Kari: Hvordan går det med turnusen?\n\nOla: Det er travelt, men vi får det til.\n";
    n.figures.reflection_to_question = ratio;
    n.figures.percent_complex = 50.0;
    n.figures.percent_open = 66.5;
    n.figures.adherent = 2;
    n.figures.non_adherent = 1;
    n.figures.change_talk = 4;
    n.figures.sustain_talk = 3;
    n.figures.utterances = 12;
    return n;
  }

  ManualClock clock_{SystemTime{} + std::chrono::hours(490000)};
  std::unique_ptr<testing::TestDatabase> tdb_;
  std::unique_ptr<Database> db_;
  std::string why_, org_, other_org_, kari_, ola_, per_;
};

TEST_P(MiAnalysesTest, SaveListGetRoundTrip) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  MiAnalysisRepository repo(*db_, clock_);
  auto first = repo.save(org_, kari_, sample("  Samtale om turnus  ", 1.5));
  ASSERT_TRUE(first.ok()) << first.error().detail;
  EXPECT_EQ(first->id.size(), 32u);
  EXPECT_EQ(first->title, "Samtale om turnus") << "trimmed";
  clock_.advance(std::chrono::hours(24 * 7));
  NewMiAnalysis second = sample("Andre samtale – æøå", 0.5);
  second.figures.reflection_to_question.reset();  // no questions
  second.figures.percent_complex.reset();
  second.language = "en";
  second.language_choice = "en";
  auto two = repo.save(org_, kari_, second);
  ASSERT_TRUE(two.ok()) << two.error().detail;

  auto list = repo.list(org_, kari_);
  ASSERT_TRUE(list.ok()) << list.error().detail;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, first->id) << "oldest first";
  EXPECT_EQ((*list)[1].id, two->id);
  EXPECT_TRUE((*list)[0].transcript.empty()) << "the list carries no transcripts";
  EXPECT_LT((*list)[0].created_at, (*list)[1].created_at);
  const MiFigures& f = (*list)[0].figures;
  ASSERT_TRUE(f.reflection_to_question.has_value());
  EXPECT_DOUBLE_EQ(*f.reflection_to_question, 1.5);
  EXPECT_DOUBLE_EQ(f.percent_open.value_or(-1), 66.5);
  EXPECT_EQ(f.adherent, 2);
  EXPECT_EQ(f.non_adherent, 1);
  EXPECT_EQ(f.change_talk, 4);
  EXPECT_EQ(f.sustain_talk, 3);
  EXPECT_EQ(f.utterances, 12);
  EXPECT_FALSE((*list)[1].figures.reflection_to_question.has_value()) << "NULL stays missing";
  EXPECT_FALSE((*list)[1].figures.percent_complex.has_value());
  EXPECT_DOUBLE_EQ((*list)[1].figures.percent_open.value_or(-1), 66.5);

  auto got = repo.get(org_, kari_, two->id);
  ASSERT_TRUE(got.ok()) << got.error().detail;
  EXPECT_EQ(got->title, "Andre samtale – æøå");
  EXPECT_EQ(got->language, "en");
  EXPECT_EQ(got->language_choice, "en");
  EXPECT_EQ(got->facilitator, "Kari");
  EXPECT_EQ(got->transcript, second.transcript);
  EXPECT_EQ(got->created_at, two->created_at);

  auto all = repo.export_all(org_, kari_);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].transcript, sample("", 0).transcript) << "the export has the text";
}

TEST_P(MiAnalysesTest, PrivateToTheAuthor) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  MiAnalysisRepository repo(*db_, clock_);
  auto mine = repo.save(org_, kari_, sample("Kari sin", 1.0));
  ASSERT_TRUE(mine.ok());
  // A colleague in the same organisation, and someone in another, see nothing.
  auto ola_list = repo.list(org_, ola_);
  ASSERT_TRUE(ola_list.ok());
  EXPECT_TRUE(ola_list->empty());
  EXPECT_EQ(repo.get(org_, ola_, mine->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.get(org_, ola_, mine->id).error().message_key, "mi.saved.error.not_found");
  EXPECT_EQ(repo.get(other_org_, per_, mine->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.get(other_org_, kari_, mine->id).error().code, ErrorCode::not_found)
      << "the right user with the wrong organisation";
  EXPECT_EQ(repo.remove(org_, ola_, mine->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.remove(other_org_, per_, mine->id).error().code, ErrorCode::not_found);
  EXPECT_TRUE(repo.get(org_, kari_, mine->id).ok()) << "still there after the others tried";
  // Saving for a user of another organisation is refused.
  EXPECT_EQ(repo.save(org_, per_, sample("x", 1)).error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.get(org_, kari_, "").error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.get(org_, kari_, "' OR 1=1 --").error().code, ErrorCode::not_found);
  EXPECT_EQ(repo.get(org_, kari_, std::string(65, 'a')).error().code, ErrorCode::not_found);
}

TEST_P(MiAnalysesTest, DeleteOneAndAll) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  MiAnalysisRepository repo(*db_, clock_);
  auto a = repo.save(org_, kari_, sample("a", 1));
  auto b = repo.save(org_, kari_, sample("b", 2));
  auto o = repo.save(org_, ola_, sample("o", 3));
  ASSERT_TRUE(a.ok() && b.ok() && o.ok());
  ASSERT_TRUE(repo.remove(org_, kari_, a->id).ok());
  EXPECT_EQ(repo.remove(org_, kari_, a->id).error().code, ErrorCode::not_found) << "gone";
  EXPECT_EQ(repo.list(org_, kari_)->size(), 1u);
  auto n = repo.remove_all(org_, kari_);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_TRUE(repo.list(org_, kari_)->empty());
  EXPECT_EQ(repo.list(org_, ola_)->size(), 1u) << "another user's stay";
}

TEST_P(MiAnalysesTest, AnonymisingAUserDeletesTheirTranscripts) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  MiAnalysisRepository repo(*db_, clock_);
  ASSERT_TRUE(repo.save(org_, kari_, sample("a", 1)).ok());
  ASSERT_TRUE(repo.save(org_, ola_, sample("o", 1)).ok());
  ASSERT_TRUE(AccountRepository(*db_, clock_).anonymise(org_, kari_).ok());
  EXPECT_TRUE(repo.list(org_, kari_)->empty());
  long long rows = -1;
  db_->with_session([&](soci::session& s) {
    std::string k = kari_;
    s << "SELECT COUNT(*) FROM mi_analyses WHERE user_id = :u", soci::use(k), soci::into(rows);
  });
  EXPECT_EQ(rows, 0) << "no row of the user's analyses is left";
  EXPECT_EQ(repo.list(org_, ola_)->size(), 1u);
}

TEST_P(MiAnalysesTest, LimitsAndBadValues) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  MiAnalysisRepository repo(*db_, clock_);
  auto with = [](auto change) {
    NewMiAnalysis n = sample("t", 1);
    change(n);
    return n;
  };
  EXPECT_EQ(repo.save(org_, kari_, with([](auto& n) { n.title = "  "; })).error().message_key,
            "mi.saved.error.title");
  EXPECT_EQ(
      repo.save(org_, kari_, with([](auto& n) { n.title = std::string(201, 't'); })).error().code,
      ErrorCode::invalid_input);
  EXPECT_EQ(repo.save(org_, kari_, with([](auto& n) { n.title = "a\nb"; })).error().code,
            ErrorCode::invalid_input);
  EXPECT_EQ(repo.save(org_, kari_, with([](auto& n) { n.title = "\xff"; })).error().code,
            ErrorCode::invalid_input);
  EXPECT_EQ(repo.save(org_, kari_, with([](auto& n) { n.transcript = " \n"; })).error().message_key,
            "mi.saved.error.transcript");
  EXPECT_EQ(
      repo.save(org_, kari_, with([](auto& n) { n.transcript = "A: \xc3\x28"; })).error().code,
      ErrorCode::invalid_input);
  EXPECT_EQ(repo.save(org_, kari_, with([](auto& n) {
                        n.transcript = std::string(kMaxMiTranscriptBytes + 1, 'x');
                      }))
                .error()
                .code,
            ErrorCode::too_large);
  EXPECT_EQ(repo.save(org_, kari_, with([](auto& n) { n.language = "de"; })).error().message_key,
            "mi.saved.error.language");
  EXPECT_EQ(repo.save(org_, kari_, with([](auto& n) { n.language_choice = "x"; })).error().code,
            ErrorCode::invalid_input);
  EXPECT_TRUE(repo.list(org_, kari_)->empty()) << "nothing stored after a refusal";
  // SQL in a title is just text.
  auto sql = repo.save(org_, kari_, with([](auto& n) { n.title = "x'); DROP TABLE users; --"; }));
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(repo.get(org_, kari_, sql->id)->title, "x'); DROP TABLE users; --");
  // The largest transcript allowed is stored whole.
  auto big = repo.save(org_, kari_, with([](auto& n) {
                         n.transcript = "A: " + std::string(kMaxMiTranscriptBytes - 3, 'x');
                       }));
  ASSERT_TRUE(big.ok()) << big.error().detail;
  EXPECT_EQ(repo.get(org_, kari_, big->id)->transcript.size(), kMaxMiTranscriptBytes);
}

TEST_P(MiAnalysesTest, AtMostTheLimitPerUser) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  MiAnalysisRepository repo(*db_, clock_);
  // Fill up to the limit with plain inserts (fast), then save once more.
  db_->with_transaction([&](soci::session& s) {
    for (std::size_t i = 0; i < kMaxMiAnalysesPerUser; ++i) {
      std::string id = "fill" + std::to_string(i), o = org_, u = kari_;
      s << "INSERT INTO mi_analyses (id, organisation_id, user_id, title, created_at, language, "
           "language_choice, facilitator, transcript, utterances, adherent, non_adherent, "
           "change_talk, sustain_talk) VALUES (:i, :o, :u, 't', '2026-01-01T00:00:00Z', 'nb', "
           "'auto', '', 'A: x', 1, 0, 0, 0, 0)",
          soci::use(id), soci::use(o), soci::use(u);
    }
  });
  auto over = repo.save(org_, kari_, sample("one too many", 1));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::conflict);
  EXPECT_EQ(over.error().message_key, "mi.saved.error.too_many");
  EXPECT_TRUE(repo.save(org_, ola_, sample("another user", 1)).ok());
}

INSTANTIATE_TEST_SUITE_P(Engines, MiAnalysesTest,
                         ::testing::Values(Engine::sqlite, Engine::postgresql),
                         testing::EngineName{});

}  // namespace
}  // namespace samskap::store
