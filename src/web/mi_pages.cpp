#include "web/mi_pages.hpp"
#include "web/forms.hpp"

#include <cmath>
#include <cstdio>
#include <memory>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "mi/analysis.hpp"
#include "mi/engine.hpp"
#include "store/accounts.hpp"
#include "store/mi_analyses.hpp"
#include "store/sql_time.hpp"
#include "web/app.hpp"
#include "web/charts.hpp"
#include "web/multipart.hpp"

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
  if (key.starts_with("mi.upload.")) return "file";
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
// What the form carries besides the text: the upload and the save choice.
struct FormExtras {
  std::string filename;  // set when the text came from an uploaded file
  bool save = false;
  std::string title;
};

Data form_data(const App& app, const Request& req, const std::string& transcript,
               const std::string& lang, const std::string& facilitator,
               const std::string& error_key, const std::string& line = {},
               const FormExtras& extras = {}) {
  const auto& r = app.renderer();
  Data d{Data::type::object};
  d.set("csrf", req.principal ? req.principal->csrf_token : std::string{});
  d.set("transcript", transcript);
  d.set("facilitator", facilitator);
  d.set("lang_value", lang);
  d.set("save_checked", bool_data(extras.save));
  d.set("title", extras.title);
  d.set("upload_hint", fill(std::string(r.text(req.lang, "mi.upload.hint")),
                            {{"limit", human_size(app.options().max_body_bytes, req.lang)}}));
  d.set("lang_auto", bool_data(lang != "nb" && lang != "en"));
  d.set("lang_nb", bool_data(lang == "nb"));
  d.set("lang_en", bool_data(lang == "en"));
  d.set("transcript_hint", fill(std::string(r.text(req.lang, "mi.form.transcript_hint")),
                                {{"limit", human_size(app.options().max_body_bytes, req.lang)}}));
  Data by_field{Data::type::object};
  Data list{Data::type::list};
  if (!error_key.empty()) {
    std::string message =
        fill(std::string(r.text(req.lang, error_key)), {{"file", extras.filename}});
    if (!line.empty())
      message += " " + fill(std::string(r.text(req.lang, "mi.error.at_line")), {{"line", line}});
    std::string f = error_field(error_key);
    if (!extras.filename.empty() && f == "transcript") {
      // The problem is in the uploaded file: say which, next to the file input.
      if (!error_key.starts_with("mi.upload."))
        message =
            fill(std::string(r.text(req.lang, "mi.upload.in_file")), {{"file", extras.filename}}) +
            " " + message;
      f = "file";
    }
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

// ---------------------------------------------------------------- upload

// The file the user chose, if any: its name (folders dropped) and bytes.
struct Upload {
  std::string filename;
  std::string data;
};

// The "file" part of a multipart form; nullopt when the request is not
// multipart or no file was chosen (browsers send an empty part then).
std::optional<Upload> uploaded_file(const Request& req) {
  const auto type = req.header("content-type");
  if (!type.starts_with("multipart/form-data")) return std::nullopt;
  auto boundary = multipart_boundary(type);
  if (!boundary) return std::nullopt;  // App::before has already refused such a body
  auto parts = parse_multipart(req.body, *boundary);
  if (!parts) return std::nullopt;
  for (auto& p : *parts) {
    if (p.name != "file" || !p.filename || p.filename->empty()) continue;
    std::string name = *p.filename;
    if (auto slash = name.find_last_of("/\\"); slash != std::string::npos)
      name = name.substr(slash + 1);
    if (!valid_utf8(name)) name = "?";
    return Upload{name, std::move(p.data)};
  }
  return std::nullopt;
}

std::string lower_extension(const std::string& name) {
  auto dot = name.rfind('.');
  if (dot == std::string::npos) return {};
  std::string ext = name.substr(dot + 1);
  for (auto& c : ext)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

// UTF-16 with a byte-order mark (Windows Notepad's "Unicode") as UTF-8;
// nullopt for an odd length or an unpaired surrogate.
std::optional<std::string> utf16_to_utf8(std::string_view in) {
  const bool le = static_cast<unsigned char>(in[0]) == 0xFF;
  in.remove_prefix(2);
  if (in.size() % 2 != 0) return std::nullopt;
  auto unit = [&](std::size_t i) {
    auto a = static_cast<unsigned char>(in[i]), b = static_cast<unsigned char>(in[i + 1]);
    return static_cast<char32_t>(le ? (a | (b << 8)) : ((a << 8) | b));
  };
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); i += 2) {
    char32_t c = unit(i);
    if (c >= 0xD800 && c <= 0xDBFF) {
      if (i + 2 >= in.size()) return std::nullopt;
      char32_t lo = unit(i + 2);
      if (lo < 0xDC00 || lo > 0xDFFF) return std::nullopt;
      c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
      i += 2;
    } else if (c >= 0xDC00 && c <= 0xDFFF) {
      return std::nullopt;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// The text of an uploaded file, or the catalogue key of why it cannot be read.
Result<std::string> upload_text(Upload u) {
  const std::string ext = lower_extension(u.filename);
  const std::string_view d = u.data;
  const bool office_or_pdf =
      d.starts_with("PK\x03\x04") || d.starts_with("%PDF") || d.starts_with("{\\rtf") ||
      d.starts_with("\xD0\xCF\x11\xE0");  // zip (docx, xlsx, odt), PDF, RTF, old Office
  if (office_or_pdf || (!ext.empty() && ext != "txt" && ext != "vtt" && ext != "srt" &&
                        ext != "csv" && ext != "text"))
    return Error::invalid("mi.upload.error.unknown_format", "not a text, VTT, SRT or CSV file");
  if (d.size() >= 2 &&
      ((static_cast<unsigned char>(d[0]) == 0xFF && static_cast<unsigned char>(d[1]) == 0xFE) ||
       (static_cast<unsigned char>(d[0]) == 0xFE && static_cast<unsigned char>(d[1]) == 0xFF))) {
    auto text = utf16_to_utf8(d);
    if (!text) return Error::invalid("mi.upload.error.utf16", "broken UTF-16");
    return std::move(*text);
  }
  return std::move(u.data);
}

// ---------------------------------------------------------------- saved analyses

std::string date_text(SystemTime t, Language lang) {
  const std::string iso = store::iso_utc(t);  // 2026-11-22T20:08:24Z
  if (lang == Language::nb)
    return iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4) + " " +
           iso.substr(11, 5);
  return iso.substr(0, 10) + " " + iso.substr(11, 5);
}

store::MiFigures figures_of(const mi::Summary& s, std::size_t utterances) {
  store::MiFigures f;
  f.reflection_to_question = s.reflection_to_question.value;
  f.percent_complex = s.percent_complex.value;
  f.percent_open = s.percent_open.value;
  f.adherent = s.mi_adherent;
  f.non_adherent = s.mi_non_adherent;
  f.change_talk = s.change_talk;
  f.sustain_talk = s.sustain_talk;
  f.utterances = static_cast<int>(utterances);
  return f;
}

// A chart for app.js (web/charts.hpp); the table beside it is the text alternative.
using Series = ChartSeries;

Data chart(const std::string& id, const std::string& label, const std::string& type,
           const std::vector<std::string>& labels, const std::vector<Series>& series, bool percent,
           std::optional<double> y_max = std::nullopt) {
  ChartSpec spec;
  spec.id = id;
  spec.label = label;
  spec.type = type;
  spec.labels = labels;
  spec.series = series;
  for (auto& s : spec.series)
    for (auto& v : s.values)
      if (v) v = std::round(*v * 100.0) / 100.0;
  spec.percent = percent;
  spec.y_min = 0.0;
  spec.y_max = y_max;
  return chart_data(spec);
}

// The result page's charts: this conversation's figures against the MITI
// "fair" and "good" thresholds (core/miti.hpp), as two bar charts (a ratio
// and percentages do not share an axis). The figures table is their text
// alternative.
Data result_charts(const App& app, const Request& req, const mi::Summary& s) {
  const auto& r = app.renderer();
  auto t = [&](const char* key) { return std::string(r.text(req.lang, key)); };
  Data list{Data::type::list};
  list.push_back(chart("mi-chart-ratio", t("mi.chart.ratio_label"), "bar",
                       {t("mi.figure.reflection_to_question")},
                       {{t("mi.chart.this"), {s.reflection_to_question.value}},
                        {t("mi.chart.fair"), {1.0}},
                        {t("mi.chart.good"), {2.0}}},
                       false));
  list.push_back(chart("mi-chart-percent", t("mi.chart.percent_label"), "bar",
                       {t("mi.figure.percent_complex"), t("mi.figure.percent_open")},
                       {{t("mi.chart.this"), {s.percent_complex.value, s.percent_open.value}},
                        {t("mi.chart.fair"), {40.0, 50.0}},
                        {t("mi.chart.good"), {50.0, 70.0}}},
                       true, 100.0));
  return list;
}

// Which field a save error concerns.
std::string saved_error_field(const std::string& key) {
  return key == "mi.saved.error.title" ? "title" : "transcript";
}

}  // namespace

void add_mi_routes(App& app, std::vector<Route>& routes) {
  auto pages = std::make_shared<const MiPages>(app);
  Guard guard{true, Permission::manage_initiatives, false};
  auto add = [&](Method m, const char* pattern, Response (MiPages::*fn)(const Request&) const) {
    routes.push_back({m, pattern, Exec::worker,
                      [pages, fn](const Request& r) { return ((*pages).*fn)(r); }, guard});
  };
  add(Method::get, "/mi", &MiPages::form);
  add(Method::post, "/mi", &MiPages::analyse);
  add(Method::get, "/mi/analyser", &MiPages::list);
  add(Method::post, "/mi/analyser", &MiPages::save);
  add(Method::get, "/mi/analyser/:id", &MiPages::show);
  add(Method::post, "/mi/analyser/:id/slett", &MiPages::remove);
}

Response MiPages::form(const Request& req) const {
  return app_.page(req, "mi", "mi.title", form_data(app_, req, "", "auto", "", ""));
}

Response MiPages::analyse(const Request& req) const {
  // Nothing here is logged, and nothing is stored unless the user asked to save.
  std::string transcript = field(req, "transcript");
  std::string lang = field(req, "lang");
  if (lang != "nb" && lang != "en") lang = "auto";
  std::string facilitator = trim(field(req, "facilitator"));
  if (facilitator.size() > kMaxSpeakerBytes) facilitator.resize(kMaxSpeakerBytes);
  FormExtras extras;
  extras.save = field(req, "save") == "1";
  extras.title = trim(field(req, "title")).substr(0, 200);
  const std::string pasted = transcript;

  auto invalid = [&](const std::string& key, const std::string& line = {}) {
    Response r = app_.page(req, "mi", "mi.title",
                           form_data(app_, req, pasted, lang, facilitator, key, line, extras));
    r.status = 422;
    return r;
  };
  if (auto upload = uploaded_file(req)) {
    extras.filename = upload->filename;
    auto text = upload_text(std::move(*upload));
    if (!text) return invalid(text.error().message_key);
    transcript = std::move(*text);
  }
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
  if (extras.save) return store(req, transcript, lang, facilitator, extras.title);
  Data form = form_data(app_, req, transcript, lang, facilitator, "", {}, extras);
  Data d = result_data(app_, req, *a, form);
  d.set("charts", result_charts(app_, req, a->summary));
  d.set("can_save", bool_data(true));
  if (!extras.filename.empty())
    d.set("from_file", fill(std::string(app_.renderer().text(req.lang, "mi.upload.analysed")),
                            {{"file", extras.filename}}));
  return app_.page(req, "mi_result", "mi.result.title", d);
}

Response MiPages::store(const Request& req, const std::string& transcript, const std::string& lang,
                        const std::string& facilitator, const std::string& title_in) const {
  const auto& p = *req.principal;
  const auto& eng = engine();
  if (!eng) return app_.error_page(req, 503);
  mi::AnalyseOptions options;
  if (lang != "auto") options.language = parse_language(lang);
  if (!facilitator.empty()) options.roles.push_back({facilitator, mi::Role::facilitator});
  auto a = mi::analyse(*eng, transcript, options);
  auto invalid = [&](const std::string& key, const std::string& line = {}) {
    FormExtras extras{{}, true, title_in};
    Response r = app_.page(req, "mi", "mi.title",
                           form_data(app_, req, transcript, lang, facilitator, key, line, extras));
    r.status = 422;
    return r;
  };
  if (!a) {
    const Error& e = a.error();
    if (e.code == ErrorCode::invalid_input || e.code == ErrorCode::too_large ||
        e.code == ErrorCode::not_found)
      return invalid(e.message_key, error_line(e.detail));
    return app_.error_page(req, status_for(e.code));
  }
  store::NewMiAnalysis n;
  n.title = trim(title_in);
  if (n.title.empty())
    n.title = fill(std::string(app_.renderer().text(req.lang, "mi.save.default_title")),
                   {{"date", date_text(app_.clock().now(), req.lang)}});
  n.language = std::string(code(a->language));
  n.language_choice = lang;
  n.facilitator = facilitator;
  n.transcript = transcript;
  n.figures = figures_of(a->summary, a->utterances.size());
  store::MiAnalysisRepository repo(app_.db(), app_.clock());
  auto saved = repo.save(p.organisation_id, p.user_id, n);
  if (!saved) {
    const Error& e = saved.error();
    if (e.code == ErrorCode::invalid_input || e.code == ErrorCode::too_large ||
        e.code == ErrorCode::conflict) {
      FormExtras extras{{}, true, title_in};
      Data form = form_data(app_, req, transcript, lang, facilitator, "", {}, extras);
      // The error goes next to the field it concerns.
      std::string message(app_.renderer().text(req.lang, e.message_key));
      std::string f = saved_error_field(e.message_key);
      Data by_field{Data::type::object};
      by_field.set(f, message);
      Data item{Data::type::object};
      item.set("field", f);
      item.set("message", message);
      Data list{Data::type::list};
      list.push_back(item);
      form.set("errors", by_field);
      form.set("error_list", list);
      form.set("has_errors", bool_data(true));
      Response r = app_.page(req, "mi", "mi.title", form);
      r.status = 422;
      return r;
    }
    return app_.error_page(req, status_for(e.code));
  }
  (void)store::AuditLog(app_.db(), app_.clock())
      .record(p.organisation_id, p.user_id, "mi_analysis_saved", "mi_analysis", saved->id);
  return App::redirect("/mi/analyser/" + saved->id + "?lagret=1");
}

Response MiPages::save(const Request& req) const {
  std::string lang = field(req, "lang");
  if (lang != "nb" && lang != "en") lang = "auto";
  std::string facilitator = trim(field(req, "facilitator"));
  if (facilitator.size() > kMaxSpeakerBytes) facilitator.resize(kMaxSpeakerBytes);
  const std::string transcript = field(req, "transcript");
  if (trim(transcript).empty()) {
    Response r = app_.page(req, "mi", "mi.title",
                           form_data(app_, req, "", lang, facilitator, "mi.error.empty"));
    r.status = 422;
    return r;
  }
  return store(req, transcript, lang, facilitator, field(req, "title"));
}

Response MiPages::list(const Request& req) const {
  const auto& p = *req.principal;
  const auto& r = app_.renderer();
  auto t = [&](const char* key) { return std::string(r.text(req.lang, key)); };
  auto all =
      store::MiAnalysisRepository(app_.db(), app_.clock()).list(p.organisation_id, p.user_id);
  if (!all) return app_.error_page(req, status_for(all.error().code));
  auto num = [&](std::optional<double> v, bool pct) {
    if (!v) return t("mi.result.undefined");
    return pct ? number(*v, 0, req.lang) + " %" : number(*v, 1, req.lang);
  };
  Data rows{Data::type::list};
  std::vector<std::string> labels;
  Series ratio{t("mi.figure.reflection_to_question"), {}};
  Series complex{t("mi.figure.percent_complex"), {}}, open{t("mi.figure.percent_open"), {}};
  Series adherent{t("mi.saved.col_adherent"), {}}, non_adherent{t("mi.saved.col_non_adherent"), {}};
  for (const auto& a : *all) {
    const std::string date = date_text(a.created_at, req.lang);
    Data row{Data::type::object};
    row.set("href", "/mi/analyser/" + a.id);
    row.set("title", a.title);
    row.set("date", date);
    row.set("utterances", std::to_string(a.figures.utterances));
    row.set("ratio", num(a.figures.reflection_to_question, false));
    row.set("complex", num(a.figures.percent_complex, true));
    row.set("open", num(a.figures.percent_open, true));
    row.set("adherent", std::to_string(a.figures.adherent));
    row.set("non_adherent", std::to_string(a.figures.non_adherent));
    rows.push_back(row);
    labels.push_back(date.substr(0, 10));
    ratio.values.push_back(a.figures.reflection_to_question);
    complex.values.push_back(a.figures.percent_complex);
    open.values.push_back(a.figures.percent_open);
    adherent.values.push_back(a.figures.adherent);
    non_adherent.values.push_back(a.figures.non_adherent);
  }
  Data d{Data::type::object};
  d.set("csrf", p.csrf_token);
  d.set("rows", rows);
  d.set("has_rows", bool_data(!all->empty()));
  d.set("count", fill(t("mi.saved.count"), {{"n", std::to_string(all->size())}}));
  d.set("deleted", bool_data(req.query_param("slettet") == "1"));
  if (all->size() >= 2) {
    Data charts{Data::type::list};
    charts.push_back(
        chart("mi-trend-ratio", t("mi.saved.chart_ratio"), "line", labels, {ratio}, false));
    charts.push_back(chart("mi-trend-percent", t("mi.saved.chart_percent"), "line", labels,
                           {complex, open}, true, 100.0));
    charts.push_back(chart("mi-trend-adherence", t("mi.saved.chart_adherence"), "bar", labels,
                           {adherent, non_adherent}, false));
    d.set("charts", charts);
    d.set("has_trend", bool_data(true));
  }
  return app_.page(req, "mi_saved", "mi.saved.title", d);
}

Response MiPages::show(const Request& req) const {
  const auto& p = *req.principal;
  auto a = store::MiAnalysisRepository(app_.db(), app_.clock())
               .get(p.organisation_id, p.user_id, req.route.at("id"));
  if (!a) return app_.error_page(req, status_for(a.error().code));
  const auto& eng = engine();
  if (!eng) return app_.error_page(req, 503);
  mi::AnalyseOptions options;
  if (a->language_choice != "auto") options.language = parse_language(a->language_choice);
  if (!a->facilitator.empty()) options.roles.push_back({a->facilitator, mi::Role::facilitator});
  auto result = mi::analyse(*eng, a->transcript, options);
  if (!result) return app_.error_page(req, 500);  // it was analysed when saved
  Data form = form_data(app_, req, "", a->language_choice, a->facilitator, "");
  Data d = result_data(app_, req, *result, form);
  d.set("charts", result_charts(app_, req, result->summary));
  Data saved{Data::type::object};
  saved.set("title", a->title);
  saved.set("action", "/mi/analyser/" + a->id + "/slett");
  saved.set("when", fill(std::string(app_.renderer().text(req.lang, "mi.saved.saved_at")),
                         {{"date", date_text(a->created_at, req.lang)}}));
  saved.set("just_saved", bool_data(req.query_param("lagret") == "1"));
  d.set("saved", saved);
  return app_.page_titled(req, "mi_result", a->title, d);
}

Response MiPages::remove(const Request& req) const {
  const auto& p = *req.principal;
  const std::string id = req.route.at("id");
  auto st =
      store::MiAnalysisRepository(app_.db(), app_.clock()).remove(p.organisation_id, p.user_id, id);
  if (!st) return app_.error_page(req, status_for(st.error().code));
  (void)store::AuditLog(app_.db(), app_.clock())
      .record(p.organisation_id, p.user_id, "mi_analysis_deleted", "mi_analysis", id);
  return App::redirect("/mi/analyser?slettet=1");
}

Result<std::string> mi_analyses_export_json(App& app, const std::string& org,
                                            const std::string& user) {
  auto all = store::MiAnalysisRepository(app.db(), app.clock()).export_all(org, user);
  if (!all) return std::move(all).error();
  nlohmann::json out = nlohmann::json::array();
  auto opt = [](std::optional<double> v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  for (const auto& a : *all)
    out.push_back({{"id", a.id},
                   {"title", a.title},
                   {"created_at", store::iso_utc(a.created_at)},
                   {"language", a.language},
                   {"language_choice", a.language_choice},
                   {"facilitator", a.facilitator},
                   {"transcript", a.transcript},
                   {"figures",
                    {{"utterances", a.figures.utterances},
                     {"reflection_to_question", opt(a.figures.reflection_to_question)},
                     {"percent_complex", opt(a.figures.percent_complex)},
                     {"percent_open", opt(a.figures.percent_open)},
                     {"mi_adherent", a.figures.adherent},
                     {"mi_non_adherent", a.figures.non_adherent},
                     {"change_talk", a.figures.change_talk},
                     {"sustain_talk", a.figures.sustain_talk}}}});
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace samskap::web
