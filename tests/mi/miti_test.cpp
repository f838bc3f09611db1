// MITI summary metrics (src/core/miti.hpp).
#include <gtest/gtest.h>

#include "core/miti.hpp"

namespace samskap::mi {
namespace {

MetricUtterance fac(Behaviour b, std::size_t words = 10) {
  MetricUtterance u;
  u.speaker = "K";
  u.code.role = Role::facilitator;
  u.code.behaviour = Scored<Behaviour>{b, 0.9};
  u.words = words;
  return u;
}
MetricUtterance q(QuestionType t) {
  auto u = fac(Behaviour::question);
  u.code.question = Scored<QuestionType>{t, 0.8};
  return u;
}
MetricUtterance r(ReflectionType t) {
  auto u = fac(Behaviour::reflection);
  u.code.reflection = Scored<ReflectionType>{t, 0.8};
  return u;
}
MetricUtterance p(TalkType t, std::size_t words = 10) {
  MetricUtterance u;
  u.speaker = "O";
  u.code.role = Role::participant;
  u.code.talk = Scored<TalkType>{t, 0.7};
  u.words = words;
  return u;
}

TEST(Miti, EmptyConversationHasUndefinedFigures) {
  Summary s = summarise({});
  EXPECT_EQ(s.utterances, 0u);
  EXPECT_FALSE(s.reflection_to_question.value);
  EXPECT_FALSE(s.percent_complex.value);
  EXPECT_FALSE(s.most_change_talk);
  EXPECT_TRUE(s.talk_share.empty());
}

TEST(Miti, RatiosAndRatings) {
  // 4 reflections (3 complex), 2 questions (1 open): R:Q 2.0 good, %CR 75 good, %OQ 50 fair.
  std::vector<MetricUtterance> c = {q(QuestionType::open),      p(TalkType::neutral),
                                    r(ReflectionType::complex), p(TalkType::change),
                                    r(ReflectionType::complex), q(QuestionType::closed),
                                    r(ReflectionType::simple),  r(ReflectionType::complex)};
  Summary s = summarise(c);
  ASSERT_TRUE(s.reflection_to_question.value);
  EXPECT_DOUBLE_EQ(*s.reflection_to_question.value, 2.0);
  EXPECT_EQ(s.reflection_to_question.rating, Rating::good);
  EXPECT_DOUBLE_EQ(*s.percent_complex.value, 75.0);
  EXPECT_EQ(s.percent_complex.rating, Rating::good);
  EXPECT_DOUBLE_EQ(*s.percent_open.value, 50.0);
  EXPECT_EQ(s.percent_open.rating, Rating::fair);
  EXPECT_EQ(s.counts.at("reflection.complex"), 3);
  EXPECT_EQ(s.counts.at("question.open"), 1);
  EXPECT_EQ(s.counts.at("talk.change"), 1);
}

TEST(Miti, ThresholdEdges) {
  EXPECT_EQ(rate_reflection_to_question(0.99), Rating::below_fair);
  EXPECT_EQ(rate_reflection_to_question(1.0), Rating::fair);
  EXPECT_EQ(rate_reflection_to_question(2.0), Rating::good);
  EXPECT_EQ(rate_percent_complex(39.9), Rating::below_fair);
  EXPECT_EQ(rate_percent_complex(40.0), Rating::fair);
  EXPECT_EQ(rate_percent_complex(50.0), Rating::good);
  EXPECT_EQ(rate_percent_open(69.9), Rating::fair);
  EXPECT_EQ(rate_percent_open(70.0), Rating::good);
}

TEST(Miti, AdherenceAndRightingReflex) {
  auto advice = fac(Behaviour::input);
  advice.code.non_adherent = true;
  auto affirm = fac(Behaviour::other);
  affirm.code.affirmation = true;
  auto autonomy = fac(Behaviour::other);
  autonomy.code.autonomy = true;
  Summary s = summarise({p(TalkType::sustain), advice, p(TalkType::sustain), affirm, autonomy});
  EXPECT_EQ(s.mi_non_adherent, 1);
  EXPECT_EQ(s.mi_adherent, 2);
  ASSERT_EQ(s.righting_reflex.size(), 1u);
  EXPECT_EQ(s.righting_reflex[0], 1u);
  EXPECT_EQ(s.sustain_talk, 2);
  EXPECT_DOUBLE_EQ(*s.percent_change_talk.value, 0.0);
}

TEST(Miti, TalkShareFromWordsWhenAnyTimingMissing) {
  auto a = fac(Behaviour::other, 30);
  a.duration_s = 100.0;  // one timed utterance is not enough
  Summary s = summarise({a, p(TalkType::neutral, 10)});
  EXPECT_EQ(s.talk_basis, "words");
  ASSERT_EQ(s.talk_share.size(), 2u);
  EXPECT_EQ(s.talk_share[0].speaker, "K");
  EXPECT_DOUBLE_EQ(s.talk_share[0].share, 0.75);
  EXPECT_DOUBLE_EQ(s.talk_share[1].share, 0.25);
}

TEST(Miti, TalkShareFromTimings) {
  auto a = fac(Behaviour::other, 30);
  a.duration_s = 10.0;
  auto b = p(TalkType::neutral, 10);
  b.duration_s = 30.0;
  Summary s = summarise({a, b});
  EXPECT_EQ(s.talk_basis, "seconds");
  EXPECT_DOUBLE_EQ(s.talk_share[0].share, 0.25);
  EXPECT_DOUBLE_EQ(s.talk_share[1].amount, 30.0);
}

TEST(Miti, MostChangeTalkWindow) {
  std::vector<MetricUtterance> c;
  for (int i = 0; i < 6; ++i)
    c.push_back(p(TalkType::sustain));
  c.push_back(p(TalkType::change));
  c.push_back(p(TalkType::change));
  c.push_back(p(TalkType::neutral));
  c.push_back(p(TalkType::change));
  Summary s = summarise(c, 4);
  ASSERT_TRUE(s.most_change_talk);
  EXPECT_EQ(s.most_change_talk->first, 6u);
  EXPECT_EQ(s.most_change_talk->last, 9u);
  EXPECT_EQ(s.most_change_talk->change, 3);
  EXPECT_EQ(s.most_change_talk->sustain, 0);
}

TEST(MiCodes, StringsRoundTrip) {
  for (auto b : kBehaviours)
    EXPECT_EQ(parse_behaviour(to_string(b)), b);
  for (auto t : kTalkTypes)
    EXPECT_EQ(parse_talk_type(to_string(t)), t);
  EXPECT_EQ(to_string(Behaviour::input), "therapist_input");
  EXPECT_EQ(parse_role("therapist"), Role::facilitator);
  EXPECT_EQ(parse_role("client"), Role::participant);
  EXPECT_FALSE(parse_behaviour("Reflection"));
  EXPECT_EQ(parse_input_type("options"), InputType::options);
}

}  // namespace
}  // namespace samskap::mi
