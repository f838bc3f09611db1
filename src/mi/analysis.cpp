#include "mi/analysis.hpp"

#include <algorithm>

#include "mi/language_detect.hpp"
#include "mi/text.hpp"

namespace samskap::mi {

namespace {

std::string fill(std::string tmpl, std::string_view words) {
  auto at = tmpl.find("{words}");
  if (at != std::string::npos) tmpl.replace(at, 7, words);
  return tmpl;
}

bool in(const std::vector<std::string>& sorted, const std::string& w) {
  return std::binary_search(sorted.begin(), sorted.end(), w);
}

constexpr std::size_t kMaxClauseWords = 16;

// The participant's last statement (at least two words, not a question),
// folded into words.
std::vector<std::string> last_statement(std::string_view text) {
  std::vector<std::string> sentences;
  std::string cur;
  for (char c : text) {
    cur.push_back(c);
    if (c == '.' || c == '!' || c == '?') {
      sentences.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) sentences.push_back(std::move(cur));
  for (auto it = sentences.rbegin(); it != sentences.rend(); ++it) {
    if (it->find('?') != std::string::npos) continue;
    auto tokens = tokenize(fold_case(*it));
    if (tokens.size() >= 2) return tokens;
  }
  return {};
}

// Norwegian: a main clause («Ærlig talt er jeg skeptisk», «Jeg har ikke
// tid») as a subordinate one («jeg ærlig talt er skeptisk», «jeg ikke har
// tid»): the first-person subject first, then the sentence adverbs (and a
// fronted adverbial), then the verb; a fronted object or place goes last
// («Det vet jeg ikke» -> «jeg ikke vet det»). Empty when there is no
// first-person subject in the verb-second place.
std::vector<std::string> subordinate(const Templates& t, std::vector<std::string> w) {
  std::size_t k = 0;
  while (k < w.size() && k < 5 && !in(t.subjects, w[k]))
    ++k;
  if (k >= w.size() || k >= 5 || k == 1) return {};
  std::vector<std::string> out;
  if (k == 0) {
    if (w.size() < 2) return {};
    std::size_t r = 2;
    out.push_back(w[0]);
    while (r < w.size() && in(t.adverbs, w[r]))
      out.push_back(w[r++]);
    out.push_back(w[1]);
    out.insert(out.end(), w.begin() + static_cast<std::ptrdiff_t>(r), w.end());
    return out;
  }
  // w[0..k-2] fronted, w[k-1] the verb, w[k] the subject.
  const std::vector<std::string> fronted(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(k - 1));
  const bool adverbial =
      std::all_of(fronted.begin(), fronted.end(), [&](const auto& x) { return in(t.adverbs, x); });
  std::size_t r = k + 1;
  out.push_back(w[k]);
  if (adverbial) out.insert(out.end(), fronted.begin(), fronted.end());
  while (r < w.size() && in(t.adverbs, w[r]))
    out.push_back(w[r++]);
  out.push_back(w[k - 1]);
  out.insert(out.end(), w.begin() + static_cast<std::ptrdiff_t>(r), w.end());
  if (!adverbial) out.insert(out.end(), fronted.begin(), fronted.end());
  return out;
}

// The participant's last statement as a clause about them, pronouns turned
// ("I'm not sure it works" -> "you're not sure it works"), or empty when it
// cannot be done without splicing words into a broken sentence.
std::string clause_about_participant(const Templates& t, std::string_view text) {
  auto w = last_statement(text);
  std::size_t lead = 0;
  for (bool more = true; more;) {
    more = false;
    while (lead < w.size() && in(t.fillers, w[lead])) {
      ++lead;
      more = true;
    }
    for (const auto& h : t.hedges) {
      if (w.size() - lead > h.size() &&
          std::equal(h.begin(), h.end(), w.begin() + static_cast<std::ptrdiff_t>(lead))) {
        lead += h.size();
        more = true;
      }
    }
  }
  w.erase(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(lead));
  if (w.size() < 2 || w.size() > kMaxClauseWords) return {};
  for (const auto& x : w)
    if (in(t.addressee, x)) return {};  // "you" / «du» would have to turn too
  if (t.verb_second) {
    w = subordinate(t, std::move(w));
    if (w.empty()) return {};
  }
  std::string out;
  for (std::size_t i = 0; i < w.size(); ++i) {
    std::string word = w[i];
    if (i + 1 < w.size()) {
      if (auto two = t.swaps2.find({w[i], w[i + 1]}); two != t.swaps2.end()) {
        out += (out.empty() ? "" : " ") + two->second.first + " " + two->second.second;
        ++i;
        continue;
      }
    }
    if (auto sw = t.swaps.find(word); sw != t.swaps.end()) word = sw->second;
    if (!out.empty()) out.push_back(' ');
    out += word;
  }
  return out;
}

}  // namespace

std::string reflect_back(const Templates& t, std::string_view participant_text) {
  std::string words = clause_about_participant(t, participant_text);
  return words.empty() ? t.reflection_fallback : fill(t.reflection, words);
}

std::string ask_back(const Templates& t, std::string_view participant_text) {
  std::string words = clause_about_participant(t, participant_text);
  return words.empty() ? t.question : fill(t.question_with, words);
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
        r.reflection = reflect_back(tm, a.utterances[j].text);
        r.open_question = ask_back(tm, a.utterances[j].text);
        break;
      }
    }
    if (r.open_question.empty()) r.open_question = tm.question;
    a.feedback.push_back(std::move(r));
  }
  return a;
}

}  // namespace samskap::mi
