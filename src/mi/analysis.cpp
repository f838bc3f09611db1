#include "mi/analysis.hpp"

#include "mi/language_detect.hpp"
#include "mi/text.hpp"

namespace samskap::mi {

namespace {

std::string fill(std::string tmpl, std::string_view words) {
  auto at = tmpl.find("{words}");
  if (at != std::string::npos) tmpl.replace(at, 7, words);
  return tmpl;
}

// The participant's last sentence, folded, pronouns swapped, at most 14 words.
std::string swapped_words(const Templates& t, std::string_view text) {
  std::string s(text);
  // Last sentence with at least three words.
  std::vector<std::string> sentences;
  std::string cur;
  for (char c : s) {
    cur.push_back(c);
    if (c == '.' || c == '!' || c == '?') {
      sentences.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) sentences.push_back(cur);
  std::vector<std::string> tokens;
  for (auto it = sentences.rbegin(); it != sentences.rend(); ++it) {
    if (it->find('?') != std::string::npos) continue;
    tokens = tokenize(fold_case(*it));
    if (tokens.size() >= 3) break;
  }
  if (tokens.size() < 3) return {};
  if (tokens.size() > 14) tokens.erase(tokens.begin(), tokens.end() - 14);
  if (t.negation_before_verb && tokens.size() >= 3 && (tokens[2] == "ikke" || tokens[2] == "aldri"))
    std::swap(tokens[1], tokens[2]);
  std::string out;
  for (const auto& tok : tokens) {
    auto sw = t.swaps.find(tok);
    if (!out.empty()) out.push_back(' ');
    out += sw == t.swaps.end() ? tok : sw->second;
  }
  return out;
}

}  // namespace

std::string reflect_back(const Templates& t, std::string_view participant_text) {
  std::string words = swapped_words(t, participant_text);
  return words.empty() ? std::string() : fill(t.reflection, words);
}

Result<Analysis> analyse(const Engine& engine, std::string_view input,
                         const AnalyseOptions& options) {
  auto parsed = parse_transcript(input, options.format, options.limits);
  if (!parsed) return std::move(parsed).error();
  Analysis a;
  a.format = parsed->format;
  if (options.language) {
    a.language = *options.language;
  } else {
    auto lang = detect_language(*parsed, engine.stop_en, engine.stop_nb);
    if (!lang) return std::move(lang).error();
    a.language = *lang;
    a.language_detected = true;
  }
  auto roles = assign_roles(*parsed, engine.lexicon(a.language), options.roles);
  if (!roles) return std::move(roles).error();
  a.roles = std::move(roles).value();
  auto codes = code_transcript(engine, a.language, *parsed, a.roles, options.model);
  if (!codes) return std::move(codes).error();
  a.codes = std::move(codes).value();
  a.model = model_name(a.language, options.model);
  a.utterances = std::move(parsed).value().utterances;

  std::vector<MetricUtterance> m;
  m.reserve(a.utterances.size());
  for (std::size_t i = 0; i < a.utterances.size(); ++i) {
    const auto& u = a.utterances[i];
    std::optional<double> dur;
    if (u.start_s && u.end_s) dur = *u.end_s - *u.start_s;
    m.push_back({u.speaker, a.codes[i].code, word_count(u.text), dur});
  }
  a.summary = summarise(m);
  const Templates& tm = engine.templates(a.language);
  for (auto i : a.summary.righting_reflex) {
    RightingReflex r;
    r.utterance = i;
    for (std::size_t j = i; j-- > 0;) {
      if (a.codes[j].code.role == Role::participant) {
        std::string words = swapped_words(tm, a.utterances[j].text);
        if (!words.empty()) {
          r.reflection = fill(tm.reflection, words);
          r.open_question = fill(tm.question_with, words);
        }
        break;
      }
    }
    if (r.open_question.empty()) r.open_question = tm.question;
    a.feedback.push_back(std::move(r));
  }
  return a;
}

}  // namespace samskap::mi
