#pragma once
// Which speaker leads the conversation (facilitator) and who takes part
// (participants). Pure and thread-safe.

#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/mi_codes.hpp"
#include "mi/lexicon.hpp"
#include "mi/transcript.hpp"

namespace samskap::mi {

struct RoleOverride {
  std::string speaker;
  Role role = Role::facilitator;
};

// Per speaker, how much they sound like a facilitator. Higher is more likely.
// Counts per utterance: questions ("?" or a question cue) 2, reflection,
// summary, affirmation or permission cues 1, second-person words minus
// first-person words 0.5 each (capped at ±1); averaged, plus 0.3 for
// speaking first.
std::map<std::string, double> facilitator_scores(const Transcript& t, const Lexicon& lex);

// Assigns roles. Overrides win; without a facilitator override the speaker
// with the highest score among the others becomes the facilitator (AnnoMI's
// "therapist"/"client" map directly), everyone else a participant. Errors:
// mi.error.single_speaker (fewer than two speakers), mi.error.unknown_speaker
// (an override names nobody in the transcript), mi.error.no_participant.
Result<std::map<std::string, Role>> assign_roles(const Transcript& t, const Lexicon& lex,
                                                 const std::vector<RoleOverride>& overrides);

}  // namespace samskap::mi
