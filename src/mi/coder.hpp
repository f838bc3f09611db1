#pragma once
// Codes every utterance of a transcript: the linear models give the main
// behaviour, subtypes and talk type with probabilities; cue rules add
// affirmation, emphasising autonomy, summary, asking permission, and flag the
// righting reflex (advice or confrontation without permission) as
// MI-non-adherent. Thread-safe (the Engine is shared read-only).
//
// Each language has its full model (words, character n-grams, cues, context):
// English trained on AnnoMI, Norwegian on data/mi-nb. The cue model (English
// cue categories applied to either lexicon) is kept for comparison and can be
// chosen explicitly (see models/report.md for where it stands).

#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/language.hpp"
#include "core/mi_codes.hpp"
#include "mi/engine.hpp"
#include "mi/transcript.hpp"

namespace samskap::mi {

struct CodedUtterance {
  UtteranceCode code;
  std::vector<std::string> cues;  // lexicon categories that matched
};

enum class ModelChoice { automatic, full, cue };

// Errors: mi.error.no_model when the needed model is not loaded.
Result<std::vector<CodedUtterance>> code_transcript(const Engine& engine, Language lang,
                                                    const Transcript& t,
                                                    const std::map<std::string, Role>& roles,
                                                    ModelChoice choice = ModelChoice::automatic);

// The model name code_transcript uses: "en-full", "nb-full" or "cue".
std::string model_name(Language lang, ModelChoice choice);

// The model code_transcript uses, or nullptr when it is not loaded.
const ModelBundle* chosen_model(const Engine& engine, Language lang, ModelChoice choice);

}  // namespace samskap::mi
