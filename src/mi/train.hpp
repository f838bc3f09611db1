#pragma once
// Training and evaluation of the MI coder on AnnoMI-style data: loading the
// CSV files, grouped cross-validation (by video, never by utterance), LIBLINEAR
// training, and macro-F1 reports. Deterministic: the same data and options
// give the same models byte for byte.
//
// Thread-safety: train_bundle() calls srand() (LIBLINEAR uses rand() in some
// solvers) and must not run concurrently with other users of rand().

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "mi/features.hpp"
#include "mi/lexicon.hpp"
#include "mi/model.hpp"

namespace samskap::mi {

// One labelled utterance. Labels are AnnoMI strings, "" where not annotated.
struct Example {
  std::string transcript;
  std::string group;  // video_url (falls back to transcript_id): the CV unit
  long utterance_id = 0;
  Role role = Role::participant;
  std::string text;
  std::map<std::string, std::string> labels;  // task -> class
};

// The tasks, in report order: "main", "talk", "question", "reflection", "input".
const std::vector<std::string>& task_names();

// Loads AnnoMI rows ordered by (transcript_id, utterance_id). `simple` gives the
// main behaviour and talk type (columns main_therapist_behaviour,
// client_talk_type); `full` (may be empty) adds the subtypes by majority vote
// over annotators (ties go to the alphabetically first label). Rows whose
// labels are all missing are kept as context. Errors: mi.error.bad_csv,
// mi.error.bad_header, mi.error.invalid_utf8.
Result<std::vector<Example>> load_annomi(std::string_view simple, std::string_view full = {});

// Replaces the text of the examples by the translations in `csv` (columns
// transcript_id, utterance_id, utterance_text; data/mi-nb/annomi-nb/*.csv).
// Returns how many were replaced. Errors: mi.error.bad_csv for a row whose
// (transcript, utterance) is not in `data`, an empty text or a duplicate,
// mi.error.bad_header, mi.error.invalid_utf8.
Result<std::size_t> apply_translation(std::vector<Example>& data, std::string_view csv);

// The Norwegian corpus (data/mi-nb, see its README): AnnoMI's shared training
// split with every utterance translated (labels and order from the English
// files in `annomi_dir`), and the team's own conversations, each file one
// conversation (its transcript_id is the CV group). Errors as load_annomi and
// apply_translation, mi.error.io, and mi.error.bad_csv when an utterance has
// no translation.
struct NorwegianCorpus {
  std::vector<Example> translated;
  std::vector<Example> conversations;
};
Result<NorwegianCorpus> load_norwegian_corpus(const std::filesystem::path& annomi_dir,
                                              const std::filesystem::path& mi_nb_dir);

struct TrainOptions {
  double c = 1.0;  // LIBLINEAR cost when c_grid is empty
  // When not empty: each task's C is chosen from these by grouped
  // cross-validation inside the training data only (inner_folds folds), and
  // per-class offsets of the decision values are tuned on the same
  // out-of-fold predictions to maximise macro-F1. In cross_validate() this
  // happens again inside every outer training fold (nested), so the test
  // fold never takes part in the choice.
  // Off by default: neither improved the grouped CV scores (docs/mi.md).
  std::vector<double> c_grid;
  int inner_folds = 4;
  bool tune_offsets = false;
  bool balanced = true;  // class weights n / (k * n_class)
  int folds = 5;
  int min_df = 2;            // drop features seen in fewer training utterances
  unsigned seed = 20261122;  // passed to srand()
};

struct TaskReport {
  std::string task;
  std::size_t examples = 0;
  std::vector<std::string> classes;
  std::vector<double> f1;  // per class
  double macro_f1 = 0.0;
  double accuracy = 0.0;
  std::vector<std::vector<int>> confusion;  // [gold][predicted]
};

// What the tuning chose for one task (C, and the offset added to each class's
// bias, in the order of the model's classes).
struct TaskChoice {
  double c = 1.0;
  std::vector<float> offsets;
};

// Trains one model per task on all of `data` (features from `set` and `lex`).
// `chosen`, when given, receives each task's tuned C and offsets.
ModelBundle train_bundle(const std::vector<Example>& data, FeatureSet set, const Lexicon& lex,
                         const TrainOptions& opt,
                         std::map<std::string, TaskChoice>* chosen = nullptr);

// Grouped k-fold cross-validation: groups are assigned to folds by a fixed
// hash of their name, so the split does not depend on the order of rows.
std::vector<TaskReport> cross_validate(const std::vector<Example>& data, FeatureSet set,
                                       const Lexicon& lex, const TrainOptions& opt);

// Scores a trained bundle on labelled data (no training).
std::vector<TaskReport> evaluate(const ModelBundle& bundle, const std::vector<Example>& data,
                                 const Lexicon& lex);

// Builds a report from gold and predicted labels of one task.
TaskReport score(std::string task, const std::vector<std::string>& gold,
                 const std::vector<std::string>& predicted);

// Features of every example in conversation order (context from the previous
// row of the same transcript).
std::vector<FeatureVector> featurise(const std::vector<Example>& data, FeatureSet set,
                                     const Lexicon& lex);

}  // namespace samskap::mi
