#include "mi/coder.hpp"

#include <algorithm>

#include "mi/features.hpp"

namespace samskap::mi {

std::string model_name(Language lang, ModelChoice choice) {
  if (choice == ModelChoice::full) return "en-full";
  if (choice == ModelChoice::cue) return "cue";
  return lang == Language::en ? "en-full" : "cue";
}

namespace {

template <typename T, typename Parse>
std::optional<Scored<T>> best(const LinearModel& m, const FeatureVector& x, Parse parse) {
  auto p = m.predict(x);
  auto i = static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
  auto v = parse(m.classes()[i]);
  if (!v) return std::nullopt;
  return Scored<T>{*v, p[i]};
}

const LinearModel* task(const ModelBundle& b, const char* name) {
  auto it = b.tasks.find(name);
  return it == b.tasks.end() ? nullptr : &it->second;
}

}  // namespace

Result<std::vector<CodedUtterance>> code_transcript(const Engine& engine, Language lang,
                                                    const Transcript& t,
                                                    const std::map<std::string, Role>& roles,
                                                    ModelChoice choice) {
  bool use_full = model_name(lang, choice) == "en-full";
  const std::optional<ModelBundle>& bundle = use_full ? engine.full_en : engine.cue;
  if (!bundle)
    return Error{ErrorCode::unavailable, "mi.error.no_model",
                 std::string("the ") + (use_full ? "English" : "cue") +
                     " model is not loaded; run `samskap mi train`"};
  const Lexicon& lex = engine.lexicon(lang);
  const auto& cats = lex.categories();
  auto cat = [&](std::string_view n) {
    auto it = std::lower_bound(cats.begin(), cats.end(), n);
    return it != cats.end() && *it == n ? static_cast<std::size_t>(it - cats.begin()) : cats.size();
  };
  const std::size_t c_affirm = cat("affirm"), c_autonomy = cat("autonomy"),
                    c_summary = cat("summary"), c_permission = cat("permission"),
                    c_advice = cat("advice"), c_confront = cat("confront"),
                    c_ask = cat("ask_advice");
  std::vector<Prepared> prep;
  prep.reserve(t.utterances.size());
  for (const auto& u : t.utterances) {
    auto r = roles.find(u.speaker);
    prep.push_back(prepare(lex, r == roles.end() ? Role::participant : r->second, u.text));
  }
  std::vector<CodedUtterance> out(t.utterances.size());
  const LinearModel* m_main = task(*bundle, "main");
  const LinearModel* m_talk = task(*bundle, "talk");
  const LinearModel* m_q = task(*bundle, "question");
  const LinearModel* m_r = task(*bundle, "reflection");
  const LinearModel* m_i = task(*bundle, "input");
  bool permission_open = false;  // permission asked or advice requested, not yet used
  for (std::size_t i = 0; i < prep.size(); ++i) {
    const Prepared& p = prep[i];
    auto x = extract(bundle->set, lex, prep, i);
    auto& c = out[i];
    c.code.role = p.role;
    auto hit = [&](std::size_t k) { return k < cats.size() && p.cues[k] > 0; };
    for (std::size_t k = 0; k < cats.size(); ++k)
      if (p.cues[k] > 0) c.cues.push_back(cats[k]);
    if (p.role == Role::participant) {
      if (m_talk) c.code.talk = best<TalkType>(*m_talk, x, parse_talk_type);
      if (hit(c_ask)) permission_open = true;
      continue;
    }
    if (m_main) c.code.behaviour = best<Behaviour>(*m_main, x, parse_behaviour);
    if (c.code.behaviour) {
      switch (c.code.behaviour->value) {
        case Behaviour::question:
          if (m_q) c.code.question = best<QuestionType>(*m_q, x, parse_question_type);
          break;
        case Behaviour::reflection:
          if (m_r) c.code.reflection = best<ReflectionType>(*m_r, x, parse_reflection_type);
          break;
        case Behaviour::input:
          if (m_i) c.code.input = best<InputType>(*m_i, x, parse_input_type);
          break;
        case Behaviour::other:
          break;
      }
    }
    c.code.affirmation = hit(c_affirm);
    c.code.autonomy = hit(c_autonomy);
    c.code.summary = hit(c_summary) && p.tokens.size() >= 12;
    c.code.permission_asked = hit(c_permission);
    bool is_question = c.code.behaviour && c.code.behaviour->value == Behaviour::question;
    bool advice = (c.code.input && c.code.input->value == InputType::advice) ||
                  (hit(c_advice) && !is_question);
    bool confront = hit(c_confront);
    bool permitted = permission_open || c.code.permission_asked || c.code.autonomy;
    c.code.non_adherent = confront || (advice && !permitted);
    if (c.code.permission_asked && !advice)
      permission_open = true;
    else if (advice || c.code.behaviour)
      permission_open = false;
  }
  return out;
}

}  // namespace samskap::mi
