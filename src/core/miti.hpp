#pragma once
// MITI-style summary metrics of one coded conversation (issue 7). Pure
// functions over coded utterances; no I/O, no language.
//
// Thresholds are those of MITI 4.2.1 (Moyers, Manuel & Ernst, "Motivational
// Interviewing Treatment Integrity Coding Manual 4.2.1", 2014/2016):
//   reflection-to-question ratio   fair >= 1.0   good >= 2.0
//   % complex reflections          fair >= 40 %  good >= 50 %
// MITI 4 has no thresholds for % open questions (MITI 3.1.1 had 50 % / 70 %,
// reported here as "fair"/"good" with that provenance), MI-adherence, change
// talk or talk time; those figures carry Rating::none.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/mi_codes.hpp"

namespace samskap::mi {

// One coded utterance as the metrics see it.
struct MetricUtterance {
  std::string speaker;
  UtteranceCode code;
  std::size_t words = 0;             // word count of the utterance text
  std::optional<double> duration_s;  // from cue timings when present
};

enum class Rating { none, below_fair, fair, good };
std::string_view to_string(Rating r) noexcept;

// A figure with its MITI rating (Rating::none where MITI sets no threshold,
// and value nullopt where the figure is undefined, e.g. no questions at all).
struct Figure {
  std::optional<double> value;
  Rating rating = Rating::none;
};

struct SpeakerShare {
  std::string speaker;
  Role role = Role::participant;
  double share = 0.0;   // in [0, 1]; shares of all speakers sum to 1
  double amount = 0.0;  // seconds or words, see Summary::talk_basis
};

// A stretch of consecutive utterances [first, last] (indices into the input).
struct Stretch {
  std::size_t first = 0;
  std::size_t last = 0;
  int change = 0;
  int sustain = 0;
};

struct Summary {
  std::size_t utterances = 0;
  std::map<std::string, int> counts;  // "reflection", "question.open", "talk.change", ...
  int questions = 0, open_questions = 0, closed_questions = 0;
  int reflections = 0, simple_reflections = 0, complex_reflections = 0;
  int inputs = 0;
  int mi_adherent = 0;      // affirmation + emphasising autonomy + asking permission
  int mi_non_adherent = 0;  // advice/persuasion without permission, confronting
  int change_talk = 0, sustain_talk = 0, neutral_talk = 0;
  Figure reflection_to_question;  // reflections / questions
  Figure percent_complex;         // 100 * complex / reflections
  Figure percent_open;            // 100 * open / questions (MITI 3.1.1 thresholds)
  Figure percent_change_talk;     // 100 * change / (change + sustain)
  std::string talk_basis;         // "seconds" when every utterance has a duration, else "words"
  std::vector<SpeakerShare> talk_share;      // in order of first appearance
  std::vector<std::size_t> righting_reflex;  // indices of non-adherent utterances
  std::optional<Stretch> most_change_talk;   // best window, when any change talk
};

// Computes the summary. `window` is the number of consecutive utterances in
// the "most change talk" stretch (clamped to [1, size]). Never fails: an empty
// conversation gives an all-zero summary with undefined figures.
Summary summarise(const std::vector<MetricUtterance>& utterances, std::size_t window = 8);

// Ratings per MITI 4.2.1 (see the file comment).
Rating rate_reflection_to_question(double ratio) noexcept;
Rating rate_percent_complex(double percent) noexcept;
Rating rate_percent_open(double percent) noexcept;

}  // namespace samskap::mi
