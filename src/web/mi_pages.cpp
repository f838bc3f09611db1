#include "web/mi_pages.hpp"

#include <cmath>
#include <cstdio>
#include <memory>
#include <regex>
#include <string>

#include "mi/analysis.hpp"
#include "mi/engine.hpp"
#include "web/app.hpp"

namespace samskap::web {

namespace {

// The form fields and their size caps (the body limit caps the transcript).
constexpr std::size_t kMaxSpeakerBytes = 200;

// The engine with the embedded lexicons and models: loaded on first use,
// immutable and shared by every thread afterwards (thread-safe static init).
const Result<mi::Engine>& engine() {
  static const Result<mi::Engine> e = mi::Engine::load();
  return e;
}

Data bool_data(bool b) {
  return b ? Data::type::bool_true : Data::type::bool_false;
}

std::string field(const Request& req, const std::string& name) {
  auto it = req.form.find(name);
  return it == req.form.end() ? std::string{} : it->second;
}

std::string trim(std::string v) {
  auto b = v.find_first_not_of(" \t\r\n");
  auto e = v.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string{} : v.substr(b, e - b + 1);
}

// Replaces every "{name}" in `text`.
std::string fill(std::string text,
                 std::initializer_list<std::pair<std::string, std::string>> vars) {
  for (const auto& [name, value] : vars) {
    const std::string token = "{" + name + "}";
    for (auto p = text.find(token); p != std::string::npos; p = text.find(token, p + value.size()))
      text.replace(p, token.size(), value);
  }
  return text;
}

// A number with a decimal comma in Norwegian.
std::string number(double v, int decimals, Language lang) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (lang == Language::nb)
    for (auto& c : s)
      if (c == '.') c = ',';
  return s;
}

std::string percent(double fraction_0_1, Language lang) {
  return number(std::round(fraction_0_1 * 100.0), 0, lang) + " %";
}

// The catalogue key of a summary count ("question.open" -> "mi.code.question_open").
std::string code_key(std::string_view count) {
  std::string k = "mi.code." + std::string(count);
  for (std::size_t i = std::string_view("mi.code.").size(); i < k.size(); ++i)
    if (k[i] == '.') k[i] = '_';
  return k;
}

// Which form field an engine error concerns.
std::string error_field(const std::string& key) {
  if (key == "mi.error.unknown_speaker" || key == "mi.error.no_participant" ||
      key == "mi.error.no_facilitator" || key == "mi.error.bad_role")
    return "facilitator";
  if (key == "mi.error.unknown_language") return "lang";
  return "transcript";
}

// The line an engine error names: its English detail says "line N" (docs/mi.md).
std::string error_line(const std::string& detail) {
  static const std::regex line(R"(\bline ([0-9]{1,9})\b)");
  std::smatch m;
  return std::regex_search(detail, m, line) ? m[1].str() : std::string{};
}

// The form, with what the user typed and, when `error_key` is set, the error
// (followed by "See line N." when `line` is set).
Data form_data(const App& app, const Request& req, const std::string& transcript,
               const std::string& lang, const std::string& facilitator,
               const std::string& error_key, const std::string& line = {}) {
  const auto& r = app.renderer();
  Data d{Data::type::object};
  d.set("csrf", req.principal ? req.principal->csrf_token : std::string{});
  d.set("transcript", transcript);
  d.set("facilitator", facilitator);
  d.set("lang_auto", bool_data(lang != "nb" && lang != "en"));
  d.set("lang_nb", bool_data(lang == "nb"));
  d.set("lang_en", bool_data(lang == "en"));
  d.set("transcript_hint", fill(std::string(r.text(req.lang, "mi.form.transcript_hint")),
                                {{"limit", human_size(app.options().max_body_bytes, req.lang)}}));
  Data by_field{Data::type::object};
  Data list{Data::type::list};
  if (!error_key.empty()) {
    std::string message(r.text(req.lang, error_key));
    if (!line.empty())
      message += " " + fill(std::string(r.text(req.lang, "mi.error.at_line")), {{"line", line}});
    std::string f = error_field(error_key);
    by_field.set(f, message);
    Data item{Data::type::object};
    item.set("field", f);
    item.set("message", message);
    list.push_back(item);
  }
  d.set("errors", by_field);
  d.set("error_list", list);
  d.set("has_errors", bool_data(!error_key.empty()));
  return d;
}

Data figure_row(const App& app, const Request& req, std::string_view name, const std::string& value,
                std::string_view threshold_key, mi::Rating rating) {
  const auto& r = app.renderer();
  Data row{Data::type::object};
  row.set("name", std::string(r.text(req.lang, "mi.figure." + std::string(name))));
  row.set("value", value);
  row.set("threshold", std::string(r.text(req.lang, threshold_key.empty()
                                                        ? std::string_view("mi.result.no_threshold")
                                                        : threshold_key)));
  row.set("rating", std::string(r.text(req.lang, "mi.rating." + std::string(to_string(rating)))));
  row.set("rating_class", std::string(to_string(rating)));
  return row;
}

std::string figure_value(const App& app, const Request& req, const mi::Figure& f, bool is_percent) {
  if (!f.value) return std::string(app.renderer().text(req.lang, "mi.result.undefined"));
  if (is_percent) return percent(*f.value / 100.0, req.lang);
  return number(*f.value, 1, req.lang);
}

std::string confidence(double c, Language lang) {
  return percent(c, lang);
}

// The codes of one utterance as a list of {label, confidence?, flag} items.
Data utterance_codes(const App& app, const Request& req, const mi::UtteranceCode& c) {
  const auto& r = app.renderer();
  Data list{Data::type::list};
  auto add = [&](const std::string& count_key, std::optional<double> conf, std::string kind) {
    Data item{Data::type::object};
    item.set("label", std::string(r.text(req.lang, code_key(count_key))));
    if (conf) item.set("confidence", confidence(*conf, req.lang));
    item.set("kind", std::move(kind));
    list.push_back(item);
  };
  if (c.behaviour)
    add(std::string(to_string(c.behaviour->value)), c.behaviour->confidence,
        std::string(to_string(c.behaviour->value)));
  if (c.question)
    add("question." + std::string(to_string(c.question->value)), c.question->confidence, "sub");
  if (c.reflection)
    add("reflection." + std::string(to_string(c.reflection->value)), c.reflection->confidence,
        "sub");
  if (c.input)
    add("therapist_input." + std::string(to_string(c.input->value)), c.input->confidence, "sub");
  if (c.talk)
    add("talk." + std::string(to_string(c.talk->value)), c.talk->confidence,
        "talk-" + std::string(to_string(c.talk->value)));
  if (c.affirmation) add("affirmation", std::nullopt, "adherent");
  if (c.autonomy) add("autonomy", std::nullopt, "adherent");
  if (c.summary) add("summary", std::nullopt, "adherent");
  if (c.permission_asked) add("permission", std::nullopt, "adherent");
  if (c.non_adherent) add("non_adherent", std::nullopt, "non-adherent");
  return list;
}

Data result_data(const App& app, const Request& req, const mi::Analysis& a, const Data& form) {
  const auto& r = app.renderer();
  const auto& s = a.summary;
  const Language lang = req.lang;
  auto role_text = [&](mi::Role role) {
    return std::string(r.text(lang, "mi.role." + std::string(to_string(role))));
  };
  Data d = form;

  std::string language(r.text(lang, "mi.language." + std::string(code(a.language))));
  language +=
      " (" +
      std::string(r.text(lang, a.language_detected ? "mi.result.detected" : "mi.result.chosen")) +
      ")";
  std::string model_key = "mi.model." + a.model;
  for (auto& c : model_key)
    if (c == '-') c = '_';
  const std::string model(r.text(lang, model_key));
  d.set("about", fill(std::string(r.text(lang, "mi.result.about")),
                      {{"language", language},
                       {"model", model},
                       {"count", std::to_string(a.utterances.size())}}));

  // Key figures with their MITI thresholds.
  Data figures{Data::type::list};
  figures.push_back(figure_row(
      app, req, "reflection_to_question", figure_value(app, req, s.reflection_to_question, false),
      "mi.figure.reflection_to_question_threshold", s.reflection_to_question.rating));
  figures.push_back(figure_row(app, req, "percent_complex",
                               figure_value(app, req, s.percent_complex, true),
                               "mi.figure.percent_complex_threshold", s.percent_complex.rating));
  figures.push_back(figure_row(app, req, "percent_open",
                               figure_value(app, req, s.percent_open, true),
                               "mi.figure.percent_open_threshold", s.percent_open.rating));
  figures.push_back(
      figure_row(app, req, "adherent", std::to_string(s.mi_adherent), "", mi::Rating::none));
  figures.push_back(figure_row(app, req, "non_adherent", std::to_string(s.mi_non_adherent), "",
                               mi::Rating::none));
  figures.push_back(
      figure_row(app, req, "change_talk", std::to_string(s.change_talk), "", mi::Rating::none));
  figures.push_back(
      figure_row(app, req, "sustain_talk", std::to_string(s.sustain_talk), "", mi::Rating::none));
  figures.push_back(figure_row(app, req, "percent_change_talk",
                               figure_value(app, req, s.percent_change_talk, true), "",
                               s.percent_change_talk.rating));
  d.set("figures", figures);

  // Counts per code, in the order of the code list in the catalogue.
  Data counts{Data::type::list};
  for (const char* key : {"question",
                          "question.open",
                          "question.closed",
                          "reflection",
                          "reflection.simple",
                          "reflection.complex",
                          "therapist_input",
                          "therapist_input.information",
                          "therapist_input.advice",
                          "therapist_input.negotiation",
                          "therapist_input.options",
                          "other",
                          "affirmation",
                          "autonomy",
                          "summary",
                          "permission",
                          "non_adherent",
                          "talk.change",
                          "talk.neutral",
                          "talk.sustain"}) {
    auto it = s.counts.find(key);
    Data row{Data::type::object};
    row.set("code", std::string(r.text(lang, code_key(key))));
    row.set("count", std::to_string(it == s.counts.end() ? 0 : it->second));
    row.set("sub", bool_data(std::string_view(key).find('.') != std::string_view::npos &&
                             !std::string_view(key).starts_with("talk.")));
    counts.push_back(row);
  }
  d.set("counts", counts);

  // Talk time per speaker.
  const bool seconds = s.talk_basis == "seconds";
  d.set("talk_basis",
        std::string(r.text(lang, seconds ? "mi.result.talk_seconds" : "mi.result.talk_words")));
  d.set("talk_amount_header",
        std::string(r.text(lang, seconds ? "mi.result.col_seconds" : "mi.result.col_words")));
  Data talk{Data::type::list};
  for (const auto& sh : s.talk_share) {
    Data row{Data::type::object};
    row.set("speaker", sh.speaker);
    row.set("role", role_text(sh.role));
    row.set("share", percent(sh.share, lang));
    row.set("amount", number(sh.amount, seconds ? 1 : 0, lang));
    talk.push_back(row);
  }
  d.set("talk", talk);

  if (s.most_change_talk) {
    const auto& st = *s.most_change_talk;
    d.set("stretch", fill(std::string(r.text(lang, "mi.result.stretch")),
                          {{"first", std::to_string(st.first + 1)},
                           {"last", std::to_string(st.last + 1)},
                           {"change", std::to_string(st.change)},
                           {"sustain", std::to_string(st.sustain)}}));
  }

  // Righting-reflex moments with the suggested alternatives.
  Data reflexes{Data::type::list};
  for (const auto& f : a.feedback) {
    if (f.utterance >= a.utterances.size()) continue;
    const auto& u = a.utterances[f.utterance];
    Data item{Data::type::object};
    item.set("heading", fill(std::string(r.text(lang, "mi.result.reflex_utterance")),
                             {{"n", std::to_string(f.utterance + 1)}}));
    item.set("anchor", "ytring-" + std::to_string(f.utterance + 1));
    item.set("speaker", u.speaker);
    item.set("text", u.text);
    if (!f.reflection.empty()) item.set("reflection", f.reflection);
    if (!f.open_question.empty()) item.set("question", f.open_question);
    reflexes.push_back(item);
  }
  d.set("reflexes", reflexes);
  d.set("has_reflexes", bool_data(!a.feedback.empty()));

  // Every utterance.
  Data rows{Data::type::list};
  for (std::size_t i = 0; i < a.utterances.size(); ++i) {
    const auto& u = a.utterances[i];
    Data row{Data::type::object};
    row.set("n", std::to_string(i + 1));
    row.set("anchor", "ytring-" + std::to_string(i + 1));
    row.set("speaker", u.speaker);
    auto role = a.roles.find(u.speaker);
    if (role != a.roles.end()) row.set("role", role_text(role->second));
    row.set("text", u.text);
    if (i < a.codes.size()) {
      row.set("codes", utterance_codes(app, req, a.codes[i].code));
      row.set("non_adherent", bool_data(a.codes[i].code.non_adherent));
    }
    rows.push_back(row);
  }
  d.set("utterances", rows);
  return d;
}

}  // namespace

void add_mi_routes(const App& app, std::vector<Route>& routes) {
  auto pages = std::make_shared<const MiPages>(app);
  Guard guard{true, Permission::manage_initiatives, false};
  routes.push_back({Method::get, "/mi", Exec::worker,
                    [pages](const Request& r) { return pages->form(r); }, guard});
  routes.push_back({Method::post, "/mi", Exec::worker,
                    [pages](const Request& r) { return pages->analyse(r); }, guard});
}

Response MiPages::form(const Request& req) const {
  return app_.page(req, "mi", "mi.title", form_data(app_, req, "", "auto", "", ""));
}

Response MiPages::analyse(const Request& req) const {
  // Nothing here is logged or stored: the transcript lives only in this request.
  const std::string transcript = field(req, "transcript");
  std::string lang = field(req, "lang");
  if (lang != "nb" && lang != "en") lang = "auto";
  std::string facilitator = trim(field(req, "facilitator"));
  if (facilitator.size() > kMaxSpeakerBytes) facilitator.resize(kMaxSpeakerBytes);

  auto invalid = [&](const std::string& key, const std::string& line = {}) {
    Response r = app_.page(req, "mi", "mi.title",
                           form_data(app_, req, transcript, lang, facilitator, key, line));
    r.status = 422;
    return r;
  };
  if (trim(transcript).empty()) return invalid("mi.error.empty");

  const auto& eng = engine();
  if (!eng) return app_.error_page(req, 503);

  mi::AnalyseOptions options;
  if (lang != "auto") options.language = parse_language(lang);
  if (!facilitator.empty()) options.roles.push_back({facilitator, mi::Role::facilitator});
  auto a = mi::analyse(*eng, transcript, options);
  if (!a) {
    const Error& e = a.error();
    if (e.code == ErrorCode::invalid_input || e.code == ErrorCode::too_large ||
        e.code == ErrorCode::not_found)
      return invalid(e.message_key, error_line(e.detail));
    return app_.error_page(req, status_for(e.code));
  }
  Data form = form_data(app_, req, transcript, lang, facilitator, "");
  return app_.page(req, "mi_result", "mi.result.title", result_data(app_, req, *a, form));
}

}  // namespace samskap::web
