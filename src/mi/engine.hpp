#pragma once
// The loaded MI engine: cue lexicons, stop-word lists, feedback templates and
// the trained models. Load once, share everywhere: an Engine is immutable
// after load() and safe to use from several threads at once.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/language.hpp"
#include "mi/lexicon.hpp"
#include "mi/model.hpp"

namespace samskap::mi {

// File names of the shipped models (under models/).
inline constexpr std::string_view kFullModelFile = "mi-en-full.bin";
inline constexpr std::string_view kNbFullModelFile = "mi-nb-full.bin";
inline constexpr std::string_view kCueModelFile = "mi-cue.bin";

// The MI-consistent alternatives offered where the righting reflex shows
// (content/mi/templates-*.txt). {words} is the participant's own sentence
// turned into a clause about them ("I'm not sure" -> "you're not sure";
// «Ærlig talt er jeg skeptisk» -> «du ærlig talt er skeptisk»).
struct Templates {
  std::string reflection, question, question_with;
  // Offered instead when the sentence cannot be turned around (no first
  // person, words addressed to the facilitator, too long): nothing spliced.
  std::string reflection_fallback;
  std::map<std::string, std::string> swaps;
  // Two-word swaps tried first ("i was" -> "you were").
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> swaps2;
  // Norwegian word order: a main clause has the verb second («Ærlig talt ER
  // jeg skeptisk»), a clause after «som»/«at» has subject, adverbs, verb
  // («som du ærlig talt ER skeptisk», «som du ikke HAR tid»).
  bool verb_second = false;
  // Sorted word lists: first-person subjects to find, sentence adverbs that
  // stand before the verb in a subordinate clause, fillers dropped at the
  // start, and words addressed to the facilitator (then the fallback).
  std::vector<std::string> subjects, adverbs, fillers, addressee;
  // Openings dropped like fillers ("i guess", "to be honest").
  std::vector<std::vector<std::string>> hedges;
};

struct Engine {
  Lexicon en, nb;
  std::vector<std::string> stop_en, stop_nb;  // sorted
  Templates templates_en, templates_nb;
  std::optional<ModelBundle> full_en;  // words + characters + cues + context, English
  std::optional<ModelBundle> full_nb;  // the same features, trained on data/mi-nb (bokmål)
  std::optional<ModelBundle> cue;      // cue categories only, any language

  const Lexicon& lexicon(Language l) const noexcept { return l == Language::nb ? nb : en; }
  const Templates& templates(Language l) const noexcept {
    return l == Language::nb ? templates_nb : templates_en;
  }

  // Loads the lexicons and templates compiled into the binary and the models:
  // from `models_dir` when given (files mi-en-full.bin, mi-nb-full.bin and mi-cue.bin), else
  // the embedded ones. A missing model leaves its optional empty (the engine
  // then cannot code that language: see coder.hpp). Errors: mi.error.bad_model,
  // mi.error.bad_lexicon, mi.error.io.
  static Result<Engine> load(const std::optional<std::filesystem::path>& models_dir = {});
};

// An embedded file by path relative to the repository ("content/mi/cues-nb.txt").
std::optional<std::string_view> embedded_data(std::string_view path);

// Reads a whole file, refusing more than `max_bytes`. Errors: mi.error.io,
// mi.error.too_large.
Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes);

}  // namespace samskap::mi
