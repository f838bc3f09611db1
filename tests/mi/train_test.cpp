// Training is deterministic and grouped (small synthetic data; the full
// retraining check is in train_slow_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "mi/engine.hpp"
#include "mi/train.hpp"

namespace samskap::mi {
namespace {

const Lexicon& en_lexicon() {
  static const Engine e = Engine::load(std::filesystem::path("/nonexistent")).value();
  return e.en;
}

// A small synthetic corpus: two "videos", questions end in '?'.
std::vector<Example> tiny() {
  std::vector<Example> d;
  const char* q[] = {"what do you want?", "how is work?", "why now?", "when did it start?"};
  const char* r[] = {"you feel tired.", "it sounds like you want rest.", "so you are worried.",
                     "you want a change."};
  for (int g = 0; g < 4; ++g) {
    for (int i = 0; i < 8; ++i) {
      Example e;
      e.transcript = std::to_string(g);
      e.group = "video" + std::to_string(g % 2);
      e.utterance_id = i;
      e.role = i % 2 == 0 ? Role::facilitator : Role::participant;
      if (e.role == Role::facilitator) {
        bool question = (i / 2) % 2 == 0;
        e.text = question ? q[(i / 2 + g) % 4] : r[(i / 2 + g) % 4];
        e.labels["main"] = question ? "question" : "reflection";
      } else {
        e.text = i % 4 == 1 ? "i want to change" : "i can't do it";
        e.labels["talk"] = i % 4 == 1 ? "change" : "sustain";
      }
      d.push_back(e);
    }
  }
  return d;
}

TEST(MiTrain, SameDataGivesTheSameBytes) {
  auto d = tiny();
  TrainOptions opt;
  opt.min_df = 1;
  for (auto set : {FeatureSet::full, FeatureSet::cue}) {
    auto a = train_bundle(d, set, en_lexicon(), opt).serialise();
    auto b = train_bundle(d, set, en_lexicon(), opt).serialise();
    EXPECT_EQ(a, b);
  }
}

TEST(MiTrain, LearnsTheTinyCorpusUnderGroupedCv) {
  TrainOptions opt;
  opt.min_df = 1;
  opt.folds = 2;
  auto reports = cross_validate(tiny(), FeatureSet::full, en_lexicon(), opt);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].task, "main");
  EXPECT_GT(reports[0].macro_f1, 0.9);
  EXPECT_GT(reports[1].macro_f1, 0.9);
}

TEST(MiTrain, NestedTuningChoosesFromTheGridDeterministically) {
  TrainOptions opt;
  opt.min_df = 1;
  opt.c_grid = {0.5, 2.0};
  opt.tune_offsets = true;
  std::map<std::string, TaskChoice> a, b;
  auto ba = train_bundle(tiny(), FeatureSet::full, en_lexicon(), opt, &a).serialise();
  auto bb = train_bundle(tiny(), FeatureSet::full, en_lexicon(), opt, &b).serialise();
  EXPECT_EQ(ba, bb);
  ASSERT_EQ(a.size(), 2u);
  for (const auto& [task, ch] : a) {
    EXPECT_TRUE(ch.c == 0.5 || ch.c == 2.0) << task;
    EXPECT_EQ(ch.offsets.size(), 2u) << task;
    EXPECT_EQ(ch.c, b[task].c);
    EXPECT_EQ(ch.offsets, b[task].offsets);
  }
  // The default trains once per task with C = 1 and no offsets.
  std::map<std::string, TaskChoice> d;
  TrainOptions plain;
  plain.min_df = 1;
  train_bundle(tiny(), FeatureSet::full, en_lexicon(), plain, &d);
  for (const auto& [task, ch] : d) {
    EXPECT_EQ(ch.c, 1.0) << task;
    EXPECT_EQ(ch.offsets, std::vector<float>(2, 0.0f)) << task;
  }
  // Nested cross-validation still learns the tiny corpus.
  opt.folds = 2;
  auto reports = cross_validate(tiny(), FeatureSet::full, en_lexicon(), opt);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_GT(reports[0].macro_f1, 0.9);
}

bool has_feature(const FeatureVector& x, std::uint32_t h) {
  return std::binary_search(x.begin(), x.end(), std::pair<std::uint32_t, float>{h, 0.0f},
                            [](const auto& p, const auto& q) { return p.first < q.first; });
}

TEST(MiFeatures, OwnPreviousTurnAndNegationScope) {
  const Lexicon& lex = en_lexicon();
  std::vector<Prepared> conv = {
      prepare(lex, Role::participant, "I smoke because it calms me"),
      prepare(lex, Role::facilitator, "What would be different if you stopped?"),
      prepare(lex, Role::participant, "I don't want to stop today"),
  };
  auto x = extract(FeatureSet::full, lex, conv, 2);
  // The participant's own earlier turn (two back), not the facilitator's.
  EXPECT_TRUE(has_feature(x, feature_hash("ow", "calms")));
  EXPECT_FALSE(has_feature(x, feature_hash("ow", "different")));
  EXPECT_TRUE(has_feature(x, feature_hash("pw", "different")));
  // Up to three words after "don't" are marked as negated, no further.
  EXPECT_TRUE(has_feature(x, feature_hash("neg", "want")));
  EXPECT_TRUE(has_feature(x, feature_hash("neg", "stop")));
  EXPECT_FALSE(has_feature(x, feature_hash("neg", "today")));
  EXPECT_FALSE(has_feature(x, feature_hash("neg", "i")));
  // The first turn has no own previous turn; the cue model never looks at it.
  EXPECT_TRUE(has_feature(extract(FeatureSet::full, lex, conv, 0), feature_hash("own", "none")));
  EXPECT_FALSE(has_feature(extract(FeatureSet::cue, lex, conv, 2), feature_hash("ow", "calms")));
  // Sorted and unique, so the model can merge-join it.
  for (std::size_t i = 1; i < x.size(); ++i)
    EXPECT_LT(x[i - 1].first, x[i].first);
}

TEST(MiTrain, ScoreComputesMacroF1) {
  auto r = score("t", {"a", "a", "b", "b"}, {"a", "b", "b", "b"});
  // a: P 1, R .5 -> F1 2/3; b: P 2/3, R 1 -> F1 .8
  EXPECT_NEAR(r.macro_f1, (2.0 / 3 + 0.8) / 2, 1e-12);
  EXPECT_DOUBLE_EQ(r.accuracy, 0.75);
  EXPECT_EQ(r.confusion[0][1], 1);
}

TEST(MiTrain, LoadAnnomiRejectsBadFiles) {
  auto r = load_annomi("transcript_id,utterance_id,interlocutor\n1,0,client\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message_key, "mi.error.bad_header");
  auto who = load_annomi("transcript_id,utterance_id,interlocutor,utterance_text\n1,0,robot,hi\n");
  ASSERT_FALSE(who.ok());
  EXPECT_NE(who.error().detail.find("line 2"), std::string::npos);
}

}  // namespace
}  // namespace samskap::mi
