#include "core/miti.hpp"

#include <algorithm>

namespace samskap::mi {

std::string_view to_string(Rating r) noexcept {
  switch (r) {
    case Rating::none:
      return "none";
    case Rating::below_fair:
      return "below_fair";
    case Rating::fair:
      return "fair";
    case Rating::good:
      return "good";
  }
  return "none";
}

namespace {
Rating rate(double v, double fair, double good) noexcept {
  if (v >= good) return Rating::good;
  if (v >= fair) return Rating::fair;
  return Rating::below_fair;
}
}  // namespace

Rating rate_reflection_to_question(double ratio) noexcept {
  return rate(ratio, 1.0, 2.0);
}
Rating rate_percent_complex(double percent) noexcept {
  return rate(percent, 40.0, 50.0);
}
Rating rate_percent_open(double percent) noexcept {
  return rate(percent, 50.0, 70.0);
}

Summary summarise(const std::vector<MetricUtterance>& utterances, std::size_t window) {
  Summary s;
  s.utterances = utterances.size();
  bool all_timed = !utterances.empty();
  std::vector<SpeakerShare> shares;
  std::vector<int> delta(utterances.size(), 0);  // +1 change, -1 sustain

  for (std::size_t i = 0; i < utterances.size(); ++i) {
    const auto& u = utterances[i];
    const auto& c = u.code;
    if (!u.duration_s) all_timed = false;
    auto it = std::find_if(shares.begin(), shares.end(),
                           [&](const SpeakerShare& sh) { return sh.speaker == u.speaker; });
    if (it == shares.end()) {
      shares.push_back({u.speaker, c.role, 0.0, 0.0});
    }
    if (c.behaviour) {
      ++s.counts[std::string(to_string(c.behaviour->value))];
      switch (c.behaviour->value) {
        case Behaviour::question:
          ++s.questions;
          if (c.question) {
            (c.question->value == QuestionType::open ? s.open_questions : s.closed_questions)++;
            ++s.counts["question." + std::string(to_string(c.question->value))];
          }
          break;
        case Behaviour::reflection:
          ++s.reflections;
          if (c.reflection) {
            (c.reflection->value == ReflectionType::complex ? s.complex_reflections
                                                            : s.simple_reflections)++;
            ++s.counts["reflection." + std::string(to_string(c.reflection->value))];
          }
          break;
        case Behaviour::input:
          ++s.inputs;
          if (c.input) ++s.counts["therapist_input." + std::string(to_string(c.input->value))];
          break;
        case Behaviour::other:
          break;
      }
    }
    if (c.talk) {
      ++s.counts["talk." + std::string(to_string(c.talk->value))];
      switch (c.talk->value) {
        case TalkType::change:
          ++s.change_talk;
          delta[i] = 1;
          break;
        case TalkType::sustain:
          ++s.sustain_talk;
          delta[i] = -1;
          break;
        case TalkType::neutral:
          ++s.neutral_talk;
          break;
      }
    }
    if (c.role == Role::facilitator) {
      if (c.affirmation) ++s.counts["affirmation"];
      if (c.autonomy) ++s.counts["autonomy"];
      if (c.summary) ++s.counts["summary"];
      if (c.permission_asked) ++s.counts["permission"];
      s.mi_adherent +=
          (c.affirmation ? 1 : 0) + (c.autonomy ? 1 : 0) + (c.permission_asked ? 1 : 0);
      if (c.non_adherent) {
        ++s.mi_non_adherent;
        ++s.counts["non_adherent"];
        s.righting_reflex.push_back(i);
      }
    }
  }

  if (s.questions > 0) {
    double rq = static_cast<double>(s.reflections) / s.questions;
    s.reflection_to_question = {rq, rate_reflection_to_question(rq)};
  }
  if (s.reflections > 0 && s.simple_reflections + s.complex_reflections > 0) {
    double pc = 100.0 * s.complex_reflections / (s.simple_reflections + s.complex_reflections);
    s.percent_complex = {pc, rate_percent_complex(pc)};
  }
  if (s.open_questions + s.closed_questions > 0) {
    double po = 100.0 * s.open_questions / (s.open_questions + s.closed_questions);
    s.percent_open = {po, rate_percent_open(po)};
  }
  if (s.change_talk + s.sustain_talk > 0) {
    s.percent_change_talk = {100.0 * s.change_talk / (s.change_talk + s.sustain_talk),
                             Rating::none};
  }

  s.talk_basis = all_timed ? "seconds" : "words";
  double total = 0.0;
  for (const auto& u : utterances) {
    double amount = all_timed ? std::max(0.0, *u.duration_s) : static_cast<double>(u.words);
    for (auto& sh : shares)
      if (sh.speaker == u.speaker) sh.amount += amount;
    total += amount;
  }
  for (auto& sh : shares)
    sh.share = total > 0 ? sh.amount / total : 0.0;
  s.talk_share = std::move(shares);

  if (s.change_talk > 0 && !utterances.empty()) {
    std::size_t w = std::clamp<std::size_t>(window, 1, utterances.size());
    int best = 0;
    std::size_t best_first = 0;
    bool found = false;
    int sum = 0;
    for (std::size_t i = 0; i < utterances.size(); ++i) {
      sum += delta[i];
      if (i >= w) sum -= delta[i - w];
      if (i + 1 >= w && (!found || sum > best)) {
        best = sum;
        best_first = i + 1 - w;
        found = true;
      }
    }
    Stretch st{best_first, best_first + w - 1, 0, 0};
    for (std::size_t i = st.first; i <= st.last; ++i) {
      if (delta[i] > 0) ++st.change;
      if (delta[i] < 0) ++st.sustain;
    }
    s.most_change_talk = st;
  }
  return s;
}

}  // namespace samskap::mi
