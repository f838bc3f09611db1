#include "cli/mi_command.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "mi/analysis.hpp"
#include "mi/csv.hpp"
#include "mi/engine.hpp"
#include "mi/language_detect.hpp"
#include "mi/train.hpp"

namespace samskap::cli {

namespace fs = std::filesystem;
using namespace samskap::mi;

namespace {

struct MiOptions {
  std::string which;
  // analyse / code
  std::string file, format = "text", lang = "auto", input_format, model = "auto";
  std::vector<std::string> roles;
  // shared
  std::string models_dir, data_dir, data_file, input, output, nb_dir;
  // train
  bool skip_cv = false;
  double c = 0.0;
};

constexpr std::size_t kMaxDataBytes = 64u << 20;

int fail(const Error& e) {
  std::cerr << "samskap mi: " << e.message_key << ": " << e.detail << "\n";
  return 1;
}

// The repository root: the nearest ancestor of the working directory with
// models/ and content/mi/.
fs::path repo_root() {
  std::error_code ec;
  fs::path p = fs::current_path(ec);
  for (fs::path q = p; !q.empty(); q = q.parent_path()) {
    if (fs::is_directory(q / "content" / "mi", ec) && fs::is_directory(q / "models", ec)) return q;
    if (q == q.parent_path()) break;
  }
  return p;
}

fs::path data_dir(const MiOptions& o) {
  if (!o.data_dir.empty()) return o.data_dir;
  if (const char* env = std::getenv("SAMSKAP_ANNOMI_DIR"); env && *env) return env;
  return repo_root() / ".." / "shared" / "data" / "annomi";
}

Result<Engine> load_engine(const MiOptions& o) {
  if (o.models_dir.empty()) return Engine::load();
  return Engine::load(fs::path(o.models_dir));
}

std::string fmt(double v, int decimals = 3) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

fs::path nb_data_dir(const MiOptions& o) {
  if (!o.nb_dir.empty()) return o.nb_dir;
  return repo_root() / "data" / "mi-nb";
}

// One line per task: "main 0.748 · talk 0.513 · …".
std::string summary_line(const std::vector<TaskReport>& reports) {
  std::string out;
  for (const auto& r : reports) {
    char b[64];
    std::snprintf(b, sizeof b, "%s%s %.3f", out.empty() ? "" : " · ", r.task.c_str(), r.macro_f1);
    out += b;
  }
  return out;
}

Result<std::vector<Example>> load_training(const MiOptions& o) {
  fs::path d = data_dir(o);
  auto simple = read_file(d / "train-simple.csv", kMaxDataBytes);
  if (!simple) return std::move(simple).error();
  auto full = read_file(d / "train-full.csv", kMaxDataBytes);
  if (!full) return std::move(full).error();
  return load_annomi(*simple, *full);
}

std::string report_table(const std::vector<TaskReport>& reports) {
  std::ostringstream out;
  for (const auto& r : reports) {
    out << r.task << ": macro-F1 " << fmt(r.macro_f1) << ", accuracy " << fmt(r.accuracy) << ", n "
        << r.examples << "\n";
    for (std::size_t c = 0; c < r.classes.size(); ++c)
      out << "  " << r.classes[c] << " F1 " << fmt(r.f1[c]) << "\n";
    out << "  confusion (rows gold, columns predicted):";
    for (const auto& c : r.classes)
      out << " " << c;
    out << "\n";
    for (std::size_t g = 0; g < r.classes.size(); ++g) {
      out << "    " << r.classes[g] << ":";
      for (int n : r.confusion[g])
        out << " " << n;
      out << "\n";
    }
  }
  return out.str();
}

nlohmann::json report_json(const std::vector<TaskReport>& reports) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& r : reports) {
    nlohmann::json t;
    t["macro_f1"] = r.macro_f1;
    t["accuracy"] = r.accuracy;
    t["examples"] = r.examples;
    t["classes"] = r.classes;
    t["f1"] = r.f1;
    t["confusion"] = r.confusion;
    j[r.task] = t;
  }
  return j;
}

// Writes a trained model to out/file and adds its size, checksum and feature
// counts to the report.
Status write_model(const ModelBundle& b, const fs::path& out, std::string_view file,
                   std::ostringstream& report) {
  std::string bytes = b.serialise();
  std::error_code ec;
  fs::create_directories(out, ec);
  std::ofstream f(out / file, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) return Error::invalid("mi.error.io", (out / file).string() + ": cannot write");
  char sum[32];
  std::snprintf(sum, sizeof sum, "%016llx", static_cast<unsigned long long>(fnv1a64(bytes)));
  report << "\nSize " << bytes.size() << " bytes, FNV-1a-64 " << sum << "; features per task:";
  for (const auto& [task, m] : b.tasks)
    report << " " << task << " " << m.features();
  report << ".\n";
  std::cout << "wrote " << (out / file).string() << " (" << bytes.size() << " bytes, fnv " << sum
            << ")\n";
  return ok_status();
}

// The Norwegian full model from data/mi-nb: grouped CV on the whole corpus
// and on each part, each part tested on a model trained on the other, the
// (English-trained) cue model on the same data for comparison, then the
// model trained on everything.
int train_norwegian(const MiOptions& o, const Engine& engine,
                    const std::optional<ModelBundle>& cue_bundle, const fs::path& out,
                    std::ostringstream& report) {
  using clock = std::chrono::steady_clock;
  auto corpus = load_norwegian_corpus(data_dir(o), nb_data_dir(o));
  if (!corpus) return fail(corpus.error());
  std::vector<Example> all = corpus->translated;
  all.insert(all.end(), corpus->conversations.begin(), corpus->conversations.end());
  std::set<std::string> conversations;
  for (const auto& e : corpus->conversations)
    conversations.insert(e.transcript);
  TrainOptions opt;
  if (o.c > 0) opt.c = o.c;
  report << "\n## Norwegian full model (the same features with Norwegian stems, cues and "
            "negation words)\n\nFile: `models/"
         << kNbFullModelFile
         << "`\n\nTrained on `data/mi-nb` (written by the project team; see its "
            "README): AnnoMI translated into bokmål, "
         << corpus->translated.size() << " utterances, and the team's own conversations from "
         << "municipal health and care, " << conversations.size() << " conversations, "
         << corpus->conversations.size()
         << " utterances. Cross-validation groups by video (translated part) and by "
            "conversation (own part).\n";
  if (!o.skip_cv) {
    auto t1 = clock::now();
    auto cv = cross_validate(all, FeatureSet::full, engine.nb, opt);
    report << "\nGrouped cross-validation on the whole corpus ("
           << fmt(std::chrono::duration<double>(clock::now() - t1).count(), 1) << " s):\n\n```\n"
           << report_table(cv) << "```\n";
    for (const auto& r : cv)
      std::cout << "cv " << kNbFullModelFile << " " << r.task << " macro-F1 " << fmt(r.macro_f1)
                << "\n";
    report << "\nThe parts separately (macro-F1 per task):\n\n"
           << "| trained on | tested on | model | macro-F1 |\n|---|---|---|---|\n";
    auto row = [&](const char* train, const char* test, const char* model,
                   const std::vector<TaskReport>& r) {
      report << "| " << train << " | " << test << " | " << model << " | " << summary_line(r)
             << " |\n";
    };
    row("translated (CV)", "translated", "nb-full",
        cross_validate(corpus->translated, FeatureSet::full, engine.nb, opt));
    row("own conversations (CV)", "own conversations", "nb-full",
        cross_validate(corpus->conversations, FeatureSet::full, engine.nb, opt));
    const auto transfer =
        evaluate(train_bundle(corpus->translated, FeatureSet::full, engine.nb, opt),
                 corpus->conversations, engine.nb);
    row("translated", "own conversations", "nb-full", transfer);
    row("own conversations", "translated", "nb-full",
        evaluate(train_bundle(corpus->conversations, FeatureSet::full, engine.nb, opt),
                 corpus->translated, engine.nb));
    if (cue_bundle) {
      row("English AnnoMI", "translated", "cue",
          evaluate(*cue_bundle, corpus->translated, engine.nb));
      const auto cue_own = evaluate(*cue_bundle, corpus->conversations, engine.nb);
      row("English AnnoMI", "own conversations", "cue", cue_own);
      // Where the cue model still wins: on the own conversations, which
      // neither it nor a model trained on the translated part has seen.
      std::string wins;
      for (std::size_t i = 0; i < cue_own.size() && i < transfer.size(); ++i)
        if (cue_own[i].macro_f1 > transfer[i].macro_f1)
          wins += (wins.empty() ? "" : ", ") + cue_own[i].task;
      report << "\nThe cue model was trained on the English originals of the translated part, "
                "so its row on that part is not held out. On the own conversations, which "
                "neither it nor the model trained on the translated part has seen, the cue "
                "model is better at: "
             << (wins.empty() ? std::string("nothing") : wins)
             << ". So without Norwegian data from a new setting, the cue model transfers "
                "better; with it, the Norwegian model is the one to use. On the hand-labelled "
                "set that no model has seen (tests/mi/data/nb-testset.csv), the Norwegian model "
                "beats the cue model on main behaviour and talk type and equals it on "
                "open/closed (MiEngine.NorwegianTestSetScore checks this). The cue model stays "
                "for comparison and `--model cue`.\n";
    }
  }
  auto written = write_model(train_bundle(all, FeatureSet::full, engine.nb, opt), out,
                             kNbFullModelFile, report);
  return written ? 0 : fail(written.error());
}

int run_train(const MiOptions& o) {
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  auto data = load_training(o);
  if (!data) return fail(data.error());
  auto engine = Engine::load(fs::path("/nonexistent"));  // lexicons only
  if (!engine) return fail(engine.error());
  TrainOptions opt;
  if (o.c > 0) opt.c = o.c;
  fs::path out = o.models_dir.empty() ? repo_root() / "models" : fs::path(o.models_dir);
  std::ostringstream report;
  report << "# MI models: training report\n\n"
         << "Generated by `samskap mi train` from AnnoMI (Wu et al., ICASSP 2022; Future Internet "
            "15(3):110, 2023), "
         << data->size() << " utterances in the shared training split. Do not edit by hand.\n\n"
         << "Solver: LIBLINEAR L2-regularised logistic regression (one-vs-rest), C = " << opt.c
         << ", balanced class weights, features seen in fewer than " << opt.min_df
         << " utterances dropped, srand(" << opt.seed << ").\n"
         << "Cross-validation: " << opt.folds
         << " folds grouped by video_url (every utterance of a video in the same fold).\n";
  struct Spec {
    FeatureSet set;
    std::string_view file;
    const char* title;
  };
  std::optional<ModelBundle> cue_bundle;
  for (const Spec& s : {Spec{FeatureSet::full, kFullModelFile,
                             "English full model (words, word bigrams, negation scope, character "
                             "2-5-grams, cues, previous utterance, the speaker's own previous "
                             "turn)"},
                        Spec{FeatureSet::cue, kCueModelFile,
                             "Cue model (lexicon categories and language-independent features; "
                             "used for Norwegian)"}}) {
    report << "\n## " << s.title << "\n\nFile: `models/" << s.file << "`\n\n";
    if (!o.skip_cv) {
      auto t1 = clock::now();
      auto cv = cross_validate(*data, s.set, engine->en, opt);
      report << "Grouped cross-validation ("
             << fmt(std::chrono::duration<double>(clock::now() - t1).count(), 1) << " s):\n\n```\n"
             << report_table(cv) << "```\n";
      for (const auto& r : cv)
        std::cout << "cv " << s.file << " " << r.task << " macro-F1 " << fmt(r.macro_f1) << "\n";
    }
    ModelBundle b = train_bundle(*data, s.set, engine->en, opt);
    if (auto written = write_model(b, out, s.file, report); !written) return fail(written.error());
    if (s.set == FeatureSet::cue) cue_bundle = std::move(b);
  }
  if (int rc = train_norwegian(o, *engine, cue_bundle, out, report); rc != 0) return rc;
  if (!o.skip_cv) {
    std::ofstream r(out / "report.md", std::ios::trunc);
    r << report.str();
  }
  std::cout << "mi train: " << fmt(std::chrono::duration<double>(clock::now() - t0).count(), 1)
            << " s\n";
  return 0;
}

Result<std::vector<RoleOverride>> parse_roles(const std::vector<std::string>& specs) {
  std::vector<RoleOverride> out;
  for (const auto& s : specs) {
    auto eq = s.rfind('=');
    if (eq == std::string::npos || eq == 0)
      return Error::invalid("mi.error.bad_role",
                            "expected NAME=facilitator or NAME=participant: " + s);
    auto role = parse_role(s.substr(eq + 1));
    if (!role) return Error::invalid("mi.error.bad_role", "unknown role in " + s);
    out.push_back({s.substr(0, eq), *role});
  }
  return out;
}

nlohmann::json code_json(const CodedUtterance& c) {
  nlohmann::json j;
  const auto& k = c.code;
  if (k.behaviour)
    j["behaviour"] = {{"code", to_string(k.behaviour->value)},
                      {"confidence", k.behaviour->confidence}};
  if (k.question)
    j["question"] = {{"code", to_string(k.question->value)},
                     {"confidence", k.question->confidence}};
  if (k.reflection)
    j["reflection"] = {{"code", to_string(k.reflection->value)},
                       {"confidence", k.reflection->confidence}};
  if (k.input)
    j["input"] = {{"code", to_string(k.input->value)}, {"confidence", k.input->confidence}};
  if (k.talk) j["talk"] = {{"code", to_string(k.talk->value)}, {"confidence", k.talk->confidence}};
  if (k.role == Role::facilitator) {
    j["affirmation"] = k.affirmation;
    j["autonomy"] = k.autonomy;
    j["summary"] = k.summary;
    j["permission_asked"] = k.permission_asked;
    j["non_adherent"] = k.non_adherent;
  }
  j["cues"] = c.cues;
  return j;
}

nlohmann::json figure_json(const Figure& f) {
  nlohmann::json j;
  j["value"] = f.value ? nlohmann::json(*f.value) : nlohmann::json(nullptr);
  j["rating"] = to_string(f.rating);
  return j;
}

std::string label_of(const UtteranceCode& k) {
  std::string s;
  auto conf = [](double c) { return " " + fmt(c, 2); };
  if (k.behaviour) {
    s = std::string(to_string(k.behaviour->value)) + conf(k.behaviour->confidence);
    if (k.question) s += " / " + std::string(to_string(k.question->value));
    if (k.reflection) s += " / " + std::string(to_string(k.reflection->value));
    if (k.input) s += " / " + std::string(to_string(k.input->value));
  }
  if (k.talk) s = std::string(to_string(k.talk->value)) + conf(k.talk->confidence);
  if (k.affirmation) s += " +affirmation";
  if (k.autonomy) s += " +autonomy";
  if (k.summary) s += " +summary";
  if (k.permission_asked) s += " +permission";
  if (k.non_adherent) s += " !non-adherent";
  return s;
}

std::string figure_text(const Figure& f, const char* unit) {
  if (!f.value) return "n/a";
  std::string s = fmt(*f.value, unit[0] == '%' ? 0 : 2) + unit;
  if (f.rating != Rating::none) s += " (" + std::string(to_string(f.rating)) + ")";
  return s;
}

int run_analyse(const MiOptions& o) {
  AnalyseOptions ao;
  if (o.lang != "auto") {
    auto l = parse_language(o.lang);
    if (!l) {
      std::cerr << "samskap mi: --lang must be auto, nb or en\n";
      return 2;
    }
    ao.language = *l;
  }
  if (!o.input_format.empty()) ao.format = parse_format(o.input_format);
  if (o.model == "full") ao.model = ModelChoice::full;
  if (o.model == "cue") ao.model = ModelChoice::cue;
  auto roles = parse_roles(o.roles);
  if (!roles) {
    std::cerr << "samskap mi: " << roles.error().detail << "\n";
    return 2;
  }
  ao.roles = std::move(roles).value();
  auto input = read_file(o.file, ao.limits.max_bytes);
  if (!input) return fail(input.error());
  auto engine = load_engine(o);
  if (!engine) return fail(engine.error());
  auto a = analyse(*engine, *input, ao);
  if (!a) return fail(a.error());
  const auto& s = a->summary;
  if (o.format == "json") {
    nlohmann::json j;
    j["format"] = to_string(a->format);
    j["language"] = code(a->language);
    j["language_detected"] = a->language_detected;
    j["model"] = a->model;
    for (const auto& [sp, r] : a->roles)
      j["roles"][sp] = to_string(r);
    j["utterances"] = nlohmann::json::array();
    for (std::size_t i = 0; i < a->utterances.size(); ++i) {
      const auto& u = a->utterances[i];
      nlohmann::json ju = code_json(a->codes[i]);
      ju["index"] = i;
      ju["line"] = u.line;
      ju["speaker"] = u.speaker;
      ju["role"] = to_string(a->codes[i].code.role);
      ju["text"] = u.text;
      if (u.start_s) ju["start_s"] = *u.start_s;
      if (u.end_s) ju["end_s"] = *u.end_s;
      j["utterances"].push_back(ju);
    }
    nlohmann::json js;
    js["counts"] = s.counts;
    js["reflection_to_question"] = figure_json(s.reflection_to_question);
    js["percent_complex_reflections"] = figure_json(s.percent_complex);
    js["percent_open_questions"] = figure_json(s.percent_open);
    js["percent_change_talk"] = figure_json(s.percent_change_talk);
    js["mi_adherent"] = s.mi_adherent;
    js["mi_non_adherent"] = s.mi_non_adherent;
    js["change_talk"] = s.change_talk;
    js["sustain_talk"] = s.sustain_talk;
    js["talk_basis"] = s.talk_basis;
    js["talk_share"] = nlohmann::json::array();
    for (const auto& sh : s.talk_share)
      js["talk_share"].push_back(
          {{"speaker", sh.speaker}, {"role", to_string(sh.role)}, {"share", sh.share}});
    if (s.most_change_talk)
      js["most_change_talk"] = {{"first", s.most_change_talk->first},
                                {"last", s.most_change_talk->last},
                                {"change", s.most_change_talk->change},
                                {"sustain", s.most_change_talk->sustain}};
    j["summary"] = js;
    j["feedback"] = nlohmann::json::array();
    for (const auto& f : a->feedback)
      j["feedback"].push_back({{"utterance", f.utterance},
                               {"reflection", f.reflection},
                               {"open_question", f.open_question}});
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  if (o.format == "csv") {
    std::string out = "index,speaker,role,code,text\n";
    for (std::size_t i = 0; i < a->utterances.size(); ++i) {
      out += std::to_string(i) + ",";
      append_csv_field(out, a->utterances[i].speaker);
      out += "," + std::string(to_string(a->codes[i].code.role)) + ",";
      append_csv_field(out, label_of(a->codes[i].code));
      out += ",";
      append_csv_field(out, a->utterances[i].text);
      out += "\n";
    }
    std::cout << out;
    return 0;
  }
  std::cout << "format " << to_string(a->format) << ", language " << code(a->language)
            << (a->language_detected ? " (detected)" : "") << ", model " << a->model << "\n";
  for (std::size_t i = 0; i < a->utterances.size(); ++i) {
    const auto& u = a->utterances[i];
    std::string text = u.text.size() > 70 ? u.text.substr(0, 67) + "..." : u.text;
    std::cout << i << "\t" << u.speaker << " (" << to_string(a->codes[i].code.role) << ")\t"
              << label_of(a->codes[i].code) << "\t" << text << "\n";
  }
  std::cout << "\nreflection:question " << figure_text(s.reflection_to_question, "")
            << "\ncomplex reflections " << figure_text(s.percent_complex, "%")
            << "\nopen questions " << figure_text(s.percent_open, "%") << "\nMI-adherent "
            << s.mi_adherent << ", MI-non-adherent " << s.mi_non_adherent << "\nchange talk "
            << s.change_talk << ", sustain talk " << s.sustain_talk << "\ntalk share ("
            << s.talk_basis << "):";
  for (const auto& sh : s.talk_share)
    std::cout << " " << sh.speaker << " " << fmt(100 * sh.share, 0) << "%";
  std::cout << "\n";
  if (s.most_change_talk)
    std::cout << "most change talk: utterances " << s.most_change_talk->first << "-"
              << s.most_change_talk->last << "\n";
  for (const auto& f : a->feedback) {
    std::cout << "righting reflex at " << f.utterance << ":";
    if (!f.reflection.empty()) std::cout << " try \"" << f.reflection << "\" or";
    std::cout << " \"" << f.open_question << "\"\n";
  }
  return 0;
}

int run_classify(const MiOptions& o) {
  auto text = read_file(o.input, kMaxDataBytes);
  if (!text) return fail(text.error());
  auto recs = read_csv(*text, 1 << 20);
  if (!recs) return fail(recs.error());
  if (recs->empty()) return fail(Error::invalid("mi.error.empty", o.input + " has no rows"));
  auto engine = load_engine(o);
  if (!engine) return fail(engine.error());
  std::vector<std::string> header = recs->front().fields;
  auto col = [&](std::string_view n) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == n) return i;
    return std::nullopt;
  };
  auto tid = col("transcript_id"), uid = col("utterance_id"), who = col("interlocutor"),
       txt = col("utterance_text");
  if (!tid || !uid || !who || !txt)
    return fail(Error::invalid("mi.error.bad_header",
                               "need transcript_id, utterance_id, interlocutor, utterance_text"));
  const char* outs[] = {"main_therapist_behaviour", "client_talk_type", "question_subtype",
                        "reflection_subtype", "therapist_input_subtype"};
  std::vector<std::size_t> out_col;
  for (const char* n : outs) {
    auto c = col(n);
    if (!c) {
      header.emplace_back(n);
      c = header.size() - 1;
    }
    out_col.push_back(*c);
  }
  // Group rows by transcript, ordered by utterance_id, code each as a conversation.
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t r = 1; r < recs->size(); ++r) {
    auto& f = (*recs)[r].fields;
    if (f.size() < recs->front().fields.size())
      return fail(Error::invalid("mi.error.bad_csv",
                                 "too few fields at line " + std::to_string((*recs)[r].line)));
    f.resize(header.size());
    groups[f[*tid]].push_back(r);
  }
  // The language of the whole file (every row together), unless chosen:
  // a CSV of short Norwegian rows must not be coded as English.
  Language lang = Language::en;
  if (o.lang == "nb") {
    lang = Language::nb;
  } else if (o.lang != "en") {
    Transcript all;
    for (std::size_t r = 1; r < recs->size(); ++r)
      all.utterances.push_back({"", (*recs)[r].fields[*txt], {}, {}, (*recs)[r].line});
    auto detected = detect_language(all, engine->stop_en, engine->stop_nb);
    if (!detected) return fail(detected.error());
    lang = *detected;
    std::cerr << "samskap mi classify: language " << code(lang)
              << " (detected; --lang to choose)\n";
  }
  for (auto& [id, rows] : groups) {
    std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
      return std::strtol((*recs)[a].fields[*uid].c_str(), nullptr, 10) <
             std::strtol((*recs)[b].fields[*uid].c_str(), nullptr, 10);
    });
    Transcript t;
    std::map<std::string, Role> roles;
    for (auto r : rows) {
      const auto& f = (*recs)[r].fields;
      auto role = parse_role(f[*who]);
      if (!role)
        return fail(Error::invalid(
            "mi.error.bad_csv", "unknown interlocutor at line " + std::to_string((*recs)[r].line)));
      t.utterances.push_back({f[*who], f[*txt], {}, {}, (*recs)[r].line});
      roles[f[*who]] = *role;
    }
    auto codes = code_transcript(*engine, lang, t, roles);
    if (!codes) return fail(codes.error());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto& f = (*recs)[rows[i]].fields;
      const auto& k = (*codes)[i].code;
      f[out_col[0]] = k.behaviour ? std::string(to_string(k.behaviour->value)) : "n/a";
      f[out_col[1]] = k.talk ? std::string(to_string(k.talk->value)) : "n/a";
      f[out_col[2]] = k.question ? std::string(to_string(k.question->value)) : "n/a";
      f[out_col[3]] = k.reflection ? std::string(to_string(k.reflection->value)) : "n/a";
      f[out_col[4]] = k.input ? std::string(to_string(k.input->value)) : "n/a";
    }
  }
  std::string out;
  auto write_row = [&](const std::vector<std::string>& f) {
    for (std::size_t i = 0; i < f.size(); ++i) {
      if (i) out.push_back(',');
      append_csv_field(out, f[i]);
    }
    out.push_back('\n');
  };
  write_row(header);
  for (std::size_t r = 1; r < recs->size(); ++r)
    write_row((*recs)[r].fields);
  std::ofstream f(o.output, std::ios::binary | std::ios::trunc);
  f << out;
  if (!f) return fail(Error::invalid("mi.error.io", o.output + ": cannot write"));
  return 0;
}

int run_evaluate(const MiOptions& o) {
  if (o.data_file.empty()) {
    // Grouped cross-validation on the training data (no model files needed).
    auto data = load_training(o);
    if (!data) return fail(data.error());
    auto engine = Engine::load(fs::path("/nonexistent"));
    if (!engine) return fail(engine.error());
    TrainOptions opt;
    if (o.c > 0) opt.c = o.c;
    FeatureSet set = o.model == "cue" ? FeatureSet::cue : FeatureSet::full;
    auto cv = cross_validate(*data, set, engine->en, opt);
    if (o.format == "json")
      std::cout << report_json(cv).dump(2) << "\n";
    else
      std::cout << "grouped " << opt.folds << "-fold cross-validation, "
                << (set == FeatureSet::cue ? "cue" : "full") << " features, C " << opt.c << "\n"
                << report_table(cv);
    return 0;
  }
  auto text = read_file(o.data_file, kMaxDataBytes);
  if (!text) return fail(text.error());
  auto data = load_annomi(*text, *text);
  if (!data) return fail(data.error());
  auto engine = load_engine(o);
  if (!engine) return fail(engine.error());
  Language lang = o.lang == "nb" ? Language::nb : Language::en;
  ModelChoice choice = o.model == "cue"    ? ModelChoice::cue
                       : o.model == "full" ? ModelChoice::full
                                           : ModelChoice::automatic;
  const ModelBundle* bundle = chosen_model(*engine, lang, choice);
  if (!bundle)
    return fail(Error::invalid("mi.error.no_model", "model not loaded; run `samskap mi train`"));
  auto reports = mi::evaluate(*bundle, *data, engine->lexicon(lang));
  if (o.format == "json")
    std::cout << report_json(reports).dump(2) << "\n";
  else
    std::cout << "model " << model_name(lang, choice) << ", language " << code(lang) << ", "
              << data->size() << " utterances\n"
              << report_table(reports);
  return 0;
}

}  // namespace

std::function<int()> add_mi_command(CLI::App& app) {
  auto o = std::make_shared<MiOptions>();
  auto* mi = app.add_subcommand("mi", "Analyse motiverende samtaler (MI)");
  mi->require_subcommand(1);

  auto* train = mi->add_subcommand("train", "Train the MI models from AnnoMI into models/");
  train->add_option("--data", o->data_dir,
                    "AnnoMI folder (default ../shared/data/annomi from the repo root)");
  train->add_option("--nb-data", o->nb_dir,
                    "Norwegian corpus folder (default data/mi-nb from the repo root)");
  train->add_option("--models", o->models_dir, "Output folder (default models/)");
  train->add_flag("--skip-cv", o->skip_cv, "Train only; no cross-validation or report");
  train->add_option("--c", o->c, "LIBLINEAR cost (default 1)");
  train->callback([o] { o->which = "train"; });

  for (const char* name : {"analyse", "code"}) {
    auto* an = mi->add_subcommand(name, "Code every utterance of a transcript and summarise it");
    an->add_option("file", o->file, "Transcript: text, WebVTT, SRT or CSV")->required();
    an->add_option("--format", o->format, "Output format")
        ->check(CLI::IsMember({"text", "table", "json", "csv"}));
    an->add_option("--lang", o->lang, "Transcript language")
        ->check(CLI::IsMember({"auto", "nb", "en"}));
    an->add_option("--role", o->roles, "NAME=facilitator or NAME=participant (repeatable)");
    an->add_option("--input-format", o->input_format, "Force the input format")
        ->check(CLI::IsMember({"text", "vtt", "srt", "csv"}));
    an->add_option("--model", o->model, "Model")->check(CLI::IsMember({"auto", "full", "cue"}));
    an->add_option("--models", o->models_dir,
                   "Load models from this folder instead of the built-in ones");
    an->callback([o] { o->which = "analyse"; });
  }

  auto* cl = mi->add_subcommand("classify", "Fill AnnoMI label columns of a CSV file");
  cl->add_option("--input", o->input, "Input CSV")->required();
  cl->add_option("--output", o->output, "Output CSV")->required();
  cl->add_option("--lang", o->lang, "Language of the utterances")
      ->check(CLI::IsMember({"en", "nb", "auto"}));
  cl->add_option("--models", o->models_dir, "Model folder");
  cl->callback([o] { o->which = "classify"; });

  auto* ev = mi->add_subcommand("evaluate", "Macro-F1 of the models (grouped CV, or on --data)");
  ev->add_option("--data", o->data_file,
                 "Labelled CSV (AnnoMI columns) to score the shipped model on");
  ev->add_option("--annomi", o->data_dir, "AnnoMI folder for cross-validation");
  ev->add_option("--lang", o->lang, "Language of --data")
      ->check(CLI::IsMember({"en", "nb", "auto"}));
  ev->add_option("--model", o->model, "Model")->check(CLI::IsMember({"auto", "full", "cue"}));
  ev->add_option("--models", o->models_dir, "Model folder");
  ev->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"text", "json"}));
  ev->add_option("--c", o->c, "LIBLINEAR cost for cross-validation");
  ev->callback([o] { o->which = "evaluate"; });

  return [o] {
    try {
      if (o->which == "train") return run_train(*o);
      if (o->which == "analyse") return run_analyse(*o);
      if (o->which == "classify") return run_classify(*o);
      if (o->which == "evaluate") return run_evaluate(*o);
    } catch (const std::exception& e) {
      std::cerr << "samskap mi: internal error: " << e.what() << "\n";
      return 1;
    }
    std::cerr << "samskap mi: choose train, analyse, classify or evaluate\n";
    return 2;
  };
}

}  // namespace samskap::cli
