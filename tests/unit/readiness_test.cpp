#include "core/readiness.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "content/catalog.hpp"
#include "content/knowledge_base.hpp"

namespace samskap::readiness {
namespace {

// ---------------------------------------------------------------- vocabulary

TEST(Vocabulary, SlugsRoundTripAndMatchTheKnowledgeBase) {
  ASSERT_EQ(kStages.size(), content::kStageIds.size());
  for (std::size_t i = 0; i < kStages.size(); ++i) {
    const Stage s = kStages[i];
    EXPECT_EQ(index(s), static_cast<int>(i));
    EXPECT_EQ(kb_id(s), content::kStageIds[i]);
    EXPECT_EQ(parse_stage(slug(s)), s);
    EXPECT_EQ(name_key(s), "readiness.stage." + std::string(slug(s)));
  }
  for (auto a : kStagingAnswers)
    EXPECT_EQ(parse_staging_answer(slug(a)), a);
  for (const char* bad : {"", "Handling", " handling", "handling ", "stadium.handling", "x"})
    EXPECT_EQ(parse_stage(bad), std::nullopt) << bad;
  for (const char* bad : {"", "Ingen-planer", "ingen planer", "no_plans", "0"})
    EXPECT_EQ(parse_staging_answer(bad), std::nullopt) << bad;
  std::set<std::string_view> flag_slugs;
  for (auto f : kFlags)
    flag_slugs.insert(slug(f));
  EXPECT_EQ(flag_slugs.size(), kFlags.size());
  EXPECT_EQ(slug(Move::same), "samme");
  EXPECT_EQ(slug(Move::relapse), "tilbakefall");
}

std::vector<std::string> catalogue_keys() {
  std::vector<std::string> keys;
  for (auto s : kStages)
    keys.push_back(name_key(s));
  for (auto a : kStagingAnswers)
    keys.push_back(name_key(a));
  for (auto f : kFlags) {
    keys.push_back(name_key(f));
    keys.push_back(help_key(f));
  }
  for (int n = 1; n <= kOricItems; ++n)
    keys.push_back("readiness.oric.item." + std::to_string(n));
  for (int n = 1; n <= 5; ++n)
    keys.push_back("readiness.oric.scale." + std::to_string(n));
  for (const char* k :
       {"readiness.oric.translation_note", "readiness.oric.commitment", "readiness.oric.efficacy",
        "readiness.staging.question", "readiness.ruler.importance_question",
        "readiness.ruler.confidence_question", "readiness.ruler.why_not_zero",
        "readiness.ruler.next_step", "readiness.reflection.question",
        "readiness.error.code_unknown", "readiness.error.round_closed"})
    keys.emplace_back(k);
  return keys;
}

TEST(Vocabulary, EveryNameHasTextsInBothLanguages) {
  const auto keys = catalogue_keys();
  EXPECT_EQ(keys.size(), 6u + 6 + 3 * 2 + 12 + 5 + 11);
  const auto& catalog = content::Catalog::embedded();
  for (auto lang : {Language::nb, Language::en}) {
    const auto& m = catalog.messages(lang);
    for (const auto& k : keys) {
      auto it = m.find(k);
      ASSERT_NE(it, m.end()) << k << " has no " << code(lang) << " text";
      EXPECT_FALSE(it->second.empty()) << k;
    }
  }
  // Translated, not copied; and the texts the issue names word for word.
  EXPECT_EQ(catalog.text(Language::nb, name_key(StagingAnswer::no_plans)),
            "Jeg har ingen planer om å endre dette det neste halve året");
  EXPECT_EQ(catalog.text(Language::nb, "readiness.ruler.why_not_zero"),
            "Hvorfor et {{x}} og ikke 0?");
  EXPECT_EQ(catalog.text(Language::nb, "readiness.ruler.next_step"),
            "Hva skal til for å komme fra {{x}} til {{x_plus_1}}?");
  EXPECT_EQ(catalog.text(Language::nb, "readiness.reflection.question"),
            "Hva skal til for at du blir overbevist om å bli med på et endringsarbeid?");
  EXPECT_EQ(catalog.text(Language::en, "readiness.oric.item.1"),
            "People who work here are committed to implementing this change.");
  for (int n = 1; n <= kOricItems; ++n) {
    const auto k = "readiness.oric.item." + std::to_string(n);
    EXPECT_NE(catalog.text(Language::nb, k), catalog.text(Language::en, k)) << k;
  }
  EXPECT_NE(catalog.text(Language::nb, "readiness.oric.translation_note").find("egen oversettelse"),
            std::string_view::npos);
}

// The stage names are the knowledge base's names, in both languages.
TEST(Vocabulary, StageNamesAreTheKnowledgeBaseNames) {
  const auto& kb = content::KnowledgeBase::embedded();
  const auto& catalog = content::Catalog::embedded();
  for (auto s : kStages) {
    const auto* stage = kb.stage(kb_id(s));
    ASSERT_NE(stage, nullptr) << kb_id(s);
    for (auto lang : {Language::nb, Language::en})
      EXPECT_EQ(catalog.text(lang, name_key(s)), stage->name.in(lang)) << kb_id(s);
  }
}

// ---------------------------------------------------------------- staging table

// The expectation, written as data rather than code: which stage each answer
// is (by slug), and when each flag is raised (stage slug, importance band,
// confidence band; an empty band means "any, including skipped").
struct Band {
  int lo = -1, hi = -1;  // -1: any
  bool matches(std::optional<int> v) const {
    if (lo < 0) return true;
    return v && *v >= lo && *v <= hi;
  }
};
struct FlagRule {
  const char* stage;
  const char* flag;
  Band importance;
  Band confidence;
};
const std::map<std::string, std::string> kExpectedStage = {
    {"ingen-planer", "foroverveielse"},   {"innen-6-mnd", "overveielse"},
    {"plan-innen-1-mnd", "forberedelse"}, {"endrer-na", "handling"},
    {"endret-over-6-mnd", "vedlikehold"}, {"falt-tilbake", "tilbakefall"}};
const FlagRule kExpectedFlags[] = {
    {"handling", "tilbakefallsrisiko", {}, {0, 3}},
    {"vedlikehold", "tilbakefallsrisiko", {}, {0, 3}},
    {"forberedelse", "ytre-press", {0, 3}, {}},
    {"handling", "ytre-press", {0, 3}, {}},
    {"overveielse", "klar-for-neste-steg", {7, 10}, {7, 10}},
};
const char* const kFlagOrder[] = {"tilbakefallsrisiko", "ytre-press", "klar-for-neste-steg"};

std::vector<std::string> expected_flags(const std::string& stage, std::optional<int> imp,
                                        std::optional<int> conf) {
  std::vector<std::string> out;
  for (const char* f : kFlagOrder)
    for (const auto& r : kExpectedFlags)
      if (stage == r.stage && std::string(f) == r.flag && r.importance.matches(imp) &&
          r.confidence.matches(conf))
        out.emplace_back(f);
  return out;
}

std::string describe(const Answer& a) {
  auto v = [](std::optional<int> x) { return x ? std::to_string(*x) : std::string("-"); };
  return std::string(a.staging ? slug(*a.staging) : "(skipped)") + " importance " +
         v(a.importance) + " confidence " + v(a.confidence);
}

TEST(StagingRules, EveryCombinationOfAnswersMatchesTheTable) {
  std::vector<std::optional<StagingAnswer>> stagings = {std::nullopt};
  for (auto a : kStagingAnswers)
    stagings.push_back(a);
  std::vector<std::optional<int>> rulers = {std::nullopt};
  for (int v = 0; v <= 10; ++v)
    rulers.push_back(v);
  ASSERT_EQ(stagings.size(), 7u);
  ASSERT_EQ(rulers.size(), 12u);

  int checked = 0;
  std::map<std::string, int> flag_count;
  for (const auto& s : stagings)
    for (const auto& imp : rulers)
      for (const auto& conf : rulers) {
        const Answer a{s, imp, conf};
        const Staging got = stage_of(a);
        ++checked;
        if (!s) {
          EXPECT_EQ(got.stage, std::nullopt) << describe(a);
          EXPECT_TRUE(got.flags.empty()) << describe(a);
          continue;
        }
        const std::string want_stage = kExpectedStage.at(std::string(slug(*s)));
        ASSERT_TRUE(got.stage.has_value()) << describe(a);
        EXPECT_EQ(slug(*got.stage), want_stage) << describe(a);
        std::vector<std::string> got_flags;
        for (auto f : got.flags)
          got_flags.emplace_back(slug(f));
        EXPECT_EQ(got_flags, expected_flags(want_stage, imp, conf)) << describe(a);
        for (const auto& f : got_flags)
          ++flag_count[f];
      }
  EXPECT_EQ(checked, 7 * 12 * 12);
  // Every flag is raised somewhere (so a rule that never fires would fail).
  EXPECT_EQ(flag_count["tilbakefallsrisiko"], 2 * 12 * 4);
  EXPECT_EQ(flag_count["ytre-press"], 2 * 4 * 12);
  EXPECT_EQ(flag_count["klar-for-neste-steg"], 4 * 4);
}

TEST(StagingRules, OutOfRangeRulersCountAsSkipped) {
  const std::optional<int> odd[] = {-1, 11, -100, 1000, INT_MIN, INT_MAX};
  for (auto a : kStagingAnswers)
    for (auto bad : odd)
      for (int v = 0; v <= 10; ++v) {
        const auto skipped_imp = stage_of({a, std::nullopt, v});
        const auto with_imp = stage_of({a, bad, v});
        EXPECT_EQ(with_imp.stage, skipped_imp.stage);
        EXPECT_EQ(with_imp.flags, skipped_imp.flags) << slug(a) << " importance " << *bad;
        const auto skipped_conf = stage_of({a, v, std::nullopt});
        const auto with_conf = stage_of({a, v, bad});
        EXPECT_EQ(with_conf.flags, skipped_conf.flags) << slug(a) << " confidence " << *bad;
      }
  // A ruler of 11 is not "7..10", and -1 is not "0..3".
  EXPECT_TRUE(stage_of({StagingAnswer::within_6_months, 11, 11}).flags.empty());
  EXPECT_TRUE(stage_of({StagingAnswer::changing_now, -1, -1}).flags.empty());
  EXPECT_EQ(stage_of({StagingAnswer::changing_now, 0, 0}).flags,
            (std::vector<Flag>{Flag::relapse_risk, Flag::external_pressure}));
}

TEST(StagingRules, StageForFollowsTheAnswer) {
  for (std::size_t i = 0; i < kStagingAnswers.size(); ++i)
    EXPECT_EQ(stage_for(kStagingAnswers[i]), kStages[i]);
}

// ---------------------------------------------------------------- transitions

TEST(Transitions, All36Pairs) {
  // Rows: from; columns: to; in model order. s same, f forward, b backward,
  // r relapse. Written out by hand.
  const char* const kMatrix[6] = {
      // fo ov fb ha ve ti
      "s"
      "f"
      "f"
      "f"
      "f"
      "r",  // føroverveielse
      "b"
      "s"
      "f"
      "f"
      "f"
      "r",  // overveielse
      "b"
      "b"
      "s"
      "f"
      "f"
      "r",  // forberedelse
      "b"
      "b"
      "b"
      "s"
      "f"
      "r",  // handling
      "b"
      "b"
      "b"
      "b"
      "s"
      "r",  // vedlikehold
      "f"
      "f"
      "f"
      "f"
      "f"
      "s",  // tilbakefall: leaving it is forward
  };
  const std::map<char, Move> kMove = {
      {'s', Move::same}, {'f', Move::forward}, {'b', Move::backward}, {'r', Move::relapse}};
  int n = 0;
  for (std::size_t from = 0; from < 6; ++from)
    for (std::size_t to = 0; to < 6; ++to, ++n)
      EXPECT_EQ(move_between(kStages[from], kStages[to]), kMove.at(kMatrix[from][to]))
          << slug(kStages[from]) << " -> " << slug(kStages[to]);
  EXPECT_EQ(n, 36);
}

// ---------------------------------------------------------------- ORIC

using Items = std::array<int, kOricItems>;

TEST(Oric, MeansOfAnsweredItems) {
  Items all5{};
  all5.fill(5);
  auto s = oric_scores(all5);
  EXPECT_EQ(s.commitment, 5.0);
  EXPECT_EQ(s.efficacy, 5.0);

  Items mixed = {1, 2, 3, 4, 5, 1, 1, 1, 1, 2, 2, 2};
  s = oric_scores(mixed);
  EXPECT_DOUBLE_EQ(*s.commitment, 3.0);
  EXPECT_DOUBLE_EQ(*s.efficacy, 10.0 / 7.0);

  Items none{};
  s = oric_scores(none);
  EXPECT_EQ(s.commitment, std::nullopt);
  EXPECT_EQ(s.efficacy, std::nullopt);
}

TEST(Oric, HalfTheItemsRule) {
  // Commitment: 3 of 5 answered is enough, 2 is not.
  Items c3 = {4, 0, 2, 0, 3, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_DOUBLE_EQ(*oric_scores(c3).commitment, 3.0);
  EXPECT_EQ(oric_scores(c3).efficacy, std::nullopt);
  Items c2 = {4, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(oric_scores(c2).commitment, std::nullopt);
  // Efficacy: 4 of 7 is enough, 3 is not.
  Items e4 = {0, 0, 0, 0, 0, 5, 0, 4, 0, 3, 0, 4};
  EXPECT_DOUBLE_EQ(*oric_scores(e4).efficacy, 4.0);
  EXPECT_EQ(oric_scores(e4).commitment, std::nullopt);
  Items e3 = {0, 0, 0, 0, 0, 5, 0, 4, 0, 3, 0, 0};
  EXPECT_EQ(oric_scores(e3).efficacy, std::nullopt);
  // Skipped items do not pull the mean down.
  Items skip = {5, 5, 5, 0, 0, 1, 1, 1, 1, 0, 0, 0};
  EXPECT_DOUBLE_EQ(*oric_scores(skip).commitment, 5.0);
  EXPECT_DOUBLE_EQ(*oric_scores(skip).efficacy, 1.0);
}

TEST(Oric, OutOfRangeItemsCountAsSkippedAndMeansStayInBounds) {
  Items bad = {6, -1, 100, INT_MIN, INT_MAX, 6, 6, 6, 6, -5, -5, -5};
  EXPECT_EQ(oric_scores(bad).commitment, std::nullopt);
  EXPECT_EQ(oric_scores(bad).efficacy, std::nullopt);
  Items partly = {5, 5, 5, 9, 9, 2, 2, 2, 2, 7, 7, 7};
  EXPECT_DOUBLE_EQ(*oric_scores(partly).commitment, 5.0);
  EXPECT_DOUBLE_EQ(*oric_scores(partly).efficacy, 2.0);
  // Every answer pattern over a few values stays within 1..5.
  for (int a = 0; a <= 5; ++a)
    for (int b = 0; b <= 5; ++b) {
      Items it = {a, b, a, b, a, b, a, b, a, b, a, b};
      const auto s = oric_scores(it);
      for (auto v : {s.commitment, s.efficacy})
        if (v) {
          EXPECT_GE(*v, 1.0);
          EXPECT_LE(*v, 5.0);
        }
    }
}

// ---------------------------------------------------------------- privacy

TEST(Privacy, EffectiveMinGroup) {
  EXPECT_EQ(effective_min_group(kDefaultMinGroup), 5);
  EXPECT_EQ(effective_min_group(3), 3);
  EXPECT_EQ(effective_min_group(2), 3);
  EXPECT_EQ(effective_min_group(0), 3);
  EXPECT_EQ(effective_min_group(-7), 3);
  EXPECT_EQ(effective_min_group(INT_MIN), 3);
  EXPECT_EQ(effective_min_group(10), 10);
  EXPECT_EQ(effective_min_group(INT_MAX), INT_MAX);
}

std::vector<bool> shown(std::initializer_list<int> s) {
  std::vector<bool> v;
  for (int x : s)
    v.push_back(x != 0);
  return v;
}

TEST(Privacy, SuppressHandWorkedCases) {
  // Nothing small: all shown, zeros included.
  EXPECT_EQ(suppress({5, 7, 0, 12}, 5), shown({1, 1, 1, 1}));
  // One small group (2) with the total 22 shown: 22 - 5 - 15 would give it
  // away, so the smallest other group (5) goes too; hidden 2 + 5 = 7 could be
  // 1 + 6, 3 + 4, …
  EXPECT_EQ(suppress({2, 5, 15}, 5), shown({0, 0, 1}));
  // Without the total, only the small group is hidden.
  EXPECT_EQ(suppress({2, 5, 15}, 5, false), shown({0, 1, 1}));
  // Two small groups adding up to 7 >= 5: enough by themselves.
  EXPECT_EQ(suppress({3, 4, 9, 20}, 5), shown({0, 0, 1, 1}));
  // Two small groups adding up to 2 < 5: the total minus the shown would be
  // 2, so both are 1. The smallest shown group (6) goes too.
  EXPECT_EQ(suppress({1, 1, 6, 9}, 5), shown({0, 0, 0, 1}));
  // Three hidden 1s add up to 3 = their number: each must be 1. Hide more.
  EXPECT_EQ(suppress({1, 1, 1, 8, 9}, 3), shown({0, 0, 0, 0, 1}));
  // Ties: the first of equals goes.
  EXPECT_EQ(suppress({2, 8, 8}, 5), shown({0, 0, 1}));
  // No other non-empty group to hide: everything is hidden, zeros included.
  EXPECT_EQ(suppress({1, 1, 1, 0}, 3), shown({0, 0, 0, 0}));
  EXPECT_EQ(suppress({4, 0, 0}, 3), shown({1, 1, 1}));
  // A whole group below the minimum: nothing at all.
  EXPECT_EQ(suppress({2, 1, 0}, 5), shown({0, 0, 0}));
  EXPECT_EQ(suppress({4}, 5), shown({0}));
  EXPECT_EQ(suppress({5}, 5), shown({1}));
  // No answers: nothing to hide.
  EXPECT_EQ(suppress({0, 0, 0}, 5), shown({1, 1, 1}));
  EXPECT_TRUE(suppress({}, 5).empty());
  // A minimum below the floor counts as the floor; negative counts as 0.
  EXPECT_EQ(suppress({2, 9, 9}, 1), shown({0, 0, 1}));
  EXPECT_EQ(suppress({-4, 9, 9}, 5), shown({1, 1, 1}));
}

// The brute-force check: for every vector of up to 4 counts 0..7 and every
// minimum 3..5, an observer who sees the total, the shown counts and which
// groups are hidden, and who knows that counts are whole numbers >= 0, that
// a hidden group is not empty (zeros are shown unless everything is hidden)
// and that at least one hidden group is below the minimum, cannot pin down
// any hidden count: every hidden group could have at least two different
// counts. (Not covered: an observer who replays suppress() on every
// alternative can narrow some tiny tables further.)
TEST(Privacy, NoHiddenCountCanBeWorkedOutFromTheTotal) {
  long cases = 0, with_hidden = 0;
  for (int n = 1; n <= 4; ++n)
    for (int m = 3; m <= 5; ++m) {
      std::vector<int> v(static_cast<std::size_t>(n), 0);
      std::function<void(std::size_t)> each = [&](std::size_t i) {
        if (i < v.size()) {
          for (int x = 0; x <= 7; ++x) {
            v[i] = x;
            each(i + 1);
          }
          return;
        }
        ++cases;
        const auto out = suppress(v, m);
        ASSERT_EQ(out.size(), v.size());
        int total = 0, shown_sum = 0;
        std::vector<std::size_t> hidden;
        for (std::size_t j = 0; j < v.size(); ++j) {
          total += v[j];
          if (out[j])
            shown_sum += v[j];
          else
            hidden.push_back(j);
          // A shown group is never small.
          if (out[j]) {
            EXPECT_TRUE(v[j] == 0 || v[j] >= m);
          }
          // A small group is never shown.
          if (v[j] > 0 && v[j] < m) {
            EXPECT_FALSE(out[j]);
          }
        }
        if (hidden.empty()) return;
        ++with_hidden;
        if (total < m) {  // the caller hides the total as well
          EXPECT_EQ(hidden.size(), v.size());
          return;
        }
        const bool all = hidden.size() == v.size();
        const int rest = total - shown_sum;
        // Every assignment of `rest` to the hidden groups the observer
        // cannot rule out; the values each hidden group takes in them.
        std::vector<std::set<int>> possible(hidden.size());
        std::vector<int> w(hidden.size(), 0);
        std::function<void(std::size_t, int)> assign = [&](std::size_t h, int left) {
          if (h + 1 == hidden.size()) {
            w[h] = left;
            bool small = false;
            for (int x : w) {
              if (!all && x < 1) return;
              if (x >= 1 && x < m) small = true;
            }
            if (!all && !small) return;
            for (std::size_t q = 0; q < w.size(); ++q)
              possible[q].insert(w[q]);
            return;
          }
          for (int x = 0; x <= left; ++x) {
            w[h] = x;
            assign(h + 1, left - x);
          }
        };
        assign(0, rest);
        for (std::size_t q = 0; q < hidden.size(); ++q) {
          ASSERT_TRUE(possible[q].count(v[hidden[q]])) << "the truth must be possible";
          EXPECT_GE(possible[q].size(), 2u) << "group " << hidden[q] << " of {" << [&] {
            std::string s;
            for (int x : v)
              s += std::to_string(x) + ",";
            return s;
          }() << "} min " << m << " can be worked out";
        }
      };
      each(0);
    }
  EXPECT_EQ(cases, 3 * (8 + 64 + 512 + 4096));
  EXPECT_GT(with_hidden, 1000);
}

}  // namespace
}  // namespace samskap::readiness
