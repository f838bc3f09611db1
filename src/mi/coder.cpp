#include "mi/coder.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "mi/features.hpp"

namespace samskap::mi {

std::string model_name(Language lang, ModelChoice choice) {
  if (choice == ModelChoice::cue) return "cue";
  return lang == Language::nb ? "nb-full" : "en-full";
}

const ModelBundle* chosen_model(const Engine& engine, Language lang, ModelChoice choice) {
  const std::optional<ModelBundle>& m = choice == ModelChoice::cue ? engine.cue
                                        : lang == Language::nb     ? engine.full_nb
                                                                   : engine.full_en;
  return m ? &*m : nullptr;
}

namespace {

// The best class of one task from the fused decision values, with its
// probability computed exactly as LinearModel::predict does.
template <typename T, typename Parse>
std::optional<Scored<T>> best(const FusedModel::Task& t, const std::vector<double>& dec,
                              Parse parse) {
  const auto& classes = t.model->classes();
  const std::size_t k = classes.size();
  double p[16];
  if (k == 0 || k > 16) return std::nullopt;
  double sum = 0;
  for (std::size_t c = 0; c < k; ++c) {
    p[c] = 1.0 / (1.0 + std::exp(-dec[t.offset + c]));
    sum += p[c];
  }
  for (std::size_t c = 0; c < k; ++c)
    p[c] = sum > 0 ? p[c] / sum : 1.0 / static_cast<double>(k);
  auto i = static_cast<std::size_t>(std::max_element(p, p + k) - p);
  auto v = parse(classes[i]);
  if (!v) return std::nullopt;
  return Scored<T>{*v, p[i]};
}

}  // namespace

Result<std::vector<CodedUtterance>> code_transcript(const Engine& engine, Language lang,
                                                    const Transcript& t,
                                                    const std::map<std::string, Role>& roles,
                                                    ModelChoice choice) {
  const ModelBundle* bundle = chosen_model(engine, lang, choice);
  if (!bundle)
    return Error{
        ErrorCode::unavailable, "mi.error.no_model",
        "the " + model_name(lang, choice) + " model is not loaded; run `samskap mi train`"};
  const Lexicon& lex = engine.lexicon(lang);
  const auto& cats = lex.categories();
  auto cat = [&](std::string_view n) {
    auto it = std::lower_bound(cats.begin(), cats.end(), n);
    return it != cats.end() && *it == n ? static_cast<std::size_t>(it - cats.begin()) : cats.size();
  };
  const std::size_t c_affirm = cat("affirm"), c_autonomy = cat("autonomy"),
                    c_summary = cat("summary"), c_permission = cat("permission"),
                    c_advice = cat("advice"), c_confront = cat("confront"),
                    c_ask = cat("ask_advice"), c_not_autonomy = cat("not_autonomy"),
                    c_reported = cat("reported");
  std::vector<Prepared> prep;
  prep.reserve(t.utterances.size());
  for (const auto& u : t.utterances) {
    auto r = roles.find(u.speaker);
    prep.push_back(prepare(lex, r == roles.end() ? Role::participant : r->second, u.text));
  }
  std::vector<CodedUtterance> out(t.utterances.size());
  std::shared_ptr<const FusedModel> fused = bundle->fused;
  if (!fused) fused = std::make_shared<const FusedModel>(bundle->tasks);  // a bundle from training
  const FusedModel::Task* m_main = fused->task("main");
  const FusedModel::Task* m_talk = fused->task("talk");
  const FusedModel::Task* m_q = fused->task("question");
  const FusedModel::Task* m_r = fused->task("reflection");
  const FusedModel::Task* m_i = fused->task("input");
  std::vector<double> dec;
  bool permission_open = false;  // permission asked or advice requested, not yet used
  for (std::size_t i = 0; i < prep.size(); ++i) {
    const Prepared& p = prep[i];
    auto x = extract(bundle->set, lex, prep, i, FeatureOrder::any);
    fused->decide(x, dec);
    auto& c = out[i];
    c.code.role = p.role;
    auto hit = [&](std::size_t k) { return k < cats.size() && p.cues[k] > 0; };
    for (std::size_t k = 0; k < cats.size(); ++k)
      if (p.cues[k] > 0) c.cues.push_back(cats[k]);
    if (p.role == Role::participant) {
      if (m_talk) c.code.talk = best<TalkType>(*m_talk, dec, parse_talk_type);
      if (hit(c_ask)) permission_open = true;
      continue;
    }
    if (m_main) c.code.behaviour = best<Behaviour>(*m_main, dec, parse_behaviour);
    if (c.code.behaviour) {
      switch (c.code.behaviour->value) {
        case Behaviour::question:
          if (m_q) c.code.question = best<QuestionType>(*m_q, dec, parse_question_type);
          break;
        case Behaviour::reflection:
          if (m_r) c.code.reflection = best<ReflectionType>(*m_r, dec, parse_reflection_type);
          break;
        case Behaviour::input:
          if (m_i) c.code.input = best<InputType>(*m_i, dec, parse_input_type);
          break;
        case Behaviour::other:
          break;
      }
    }
    c.code.affirmation = hit(c_affirm);
    // «Før du bestemmer deg» and "not your decision" use the words of
    // autonomy without handing the choice over.
    c.code.autonomy = hit(c_autonomy) && !hit(c_not_autonomy);
    c.code.summary = hit(c_summary) && p.tokens.size() >= 12;
    c.code.permission_asked = hit(c_permission);
    bool is_question = c.code.behaviour && c.code.behaviour->value == Behaviour::question;
    // A rule read out («retningslinjen sier at du skal …») informs; it is
    // not the facilitator's advice.
    bool advice = !hit(c_reported) && ((c.code.input && c.code.input->value == InputType::advice) ||
                                       (hit(c_advice) && !is_question));
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
