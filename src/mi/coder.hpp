#pragma once
// Codes every utterance of a transcript: the linear models give the main
// behaviour, subtypes and talk type with probabilities; cue rules add
// affirmation, emphasising autonomy, summary, asking permission, and flag the
// righting reflex (advice or confrontation without permission) as
// MI-non-adherent. Thread-safe (the Engine is shared read-only).
//
// English uses the full model (words, character n-grams, cues, context).
// Norwegian uses the cue model: trained on English cue categories, applied to
// the Norwegian lexicon's categories (see docs/mi.md for how well that holds).

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

// The model name code_transcript uses: "en-full" or "cue".
std::string model_name(Language lang, ModelChoice choice);

}  // namespace samskap::mi
