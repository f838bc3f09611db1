#pragma once
// One call from raw transcript bytes to coded utterances, the MITI-style
// summary and feedback: parse -> language -> roles -> code -> summarise.
// Thread-safe (the Engine is shared read-only).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/language.hpp"
#include "core/miti.hpp"
#include "mi/coder.hpp"
#include "mi/engine.hpp"
#include "mi/roles.hpp"
#include "mi/transcript.hpp"

namespace samskap::mi {

struct AnalyseOptions {
  std::optional<Language> language;  // nullopt: detect
  std::optional<Format> format;      // nullopt: detect
  std::vector<RoleOverride> roles;
  ModelChoice model = ModelChoice::automatic;
  Limits limits;
};

// A righting-reflex moment with an MI-consistent alternative built from the
// participant's previous words.
struct RightingReflex {
  std::size_t utterance = 0;
  std::string reflection;  // empty when there were no participant words to reflect
  std::string open_question;
};

struct Analysis {
  Format format = Format::text;
  Language language = Language::nb;
  bool language_detected = false;
  std::string model;  // "en-full", "nb-full" or "cue"
  std::map<std::string, Role> roles;
  std::vector<Utterance> utterances;
  std::vector<CodedUtterance> codes;  // parallel to utterances
  Summary summary;
  std::vector<RightingReflex> feedback;
};

// Errors: everything parse_transcript, detect_language, assign_roles and
// code_transcript return.
Result<Analysis> analyse(const Engine& engine, std::string_view input,
                         const AnalyseOptions& options = {});

// "It sounds like you ..." from the last statement of `participant_text`,
// turned into a clause about the participant by the language's templates
// (pronouns, and Norwegian word order); the template's fallback reflection,
// which splices nothing, when that cannot be done.
std::string reflect_back(const Templates& t, std::string_view participant_text);
// The open question built the same way ("What makes you say that you ...?"),
// or the plain open question.
std::string ask_back(const Templates& t, std::string_view participant_text);

}  // namespace samskap::mi
