#pragma once
// Live co-creation workshops (issue 8): the activity types, what a
// participant may answer to each, and the live results of an activity.
// Pure functions: no I/O.
//
// A workshop is a list of activities run one at a time. Participants answer
// the current activity from their phones; the big screen shows its results.
// The vocabulary of the activity types follows the seeds: an open reflection
// question (Refleksjonsoppgave), a word cloud, a 0–10 scale or ruler,
// multiple choice, ranking, a stage check-in (the readiness questions) and
// 1.0/2.0/3.0 sorting of proposed answers to a case (Kommune 1.0/2.0/3.0).

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/readiness.hpp"

namespace samskap::workshop {

// ---------------------------------------------------------------- limits

inline constexpr std::size_t kPromptMaxBytes = 500;
inline constexpr std::size_t kOptionMaxBytes = 200;
inline constexpr std::size_t kMaxOptions = 12;        // choice, ranking, sorting cards
inline constexpr std::size_t kMinOptions = 2;         // choice, ranking, sorting cards
inline constexpr std::size_t kTextMaxBytes = 1000;    // one reflection answer
inline constexpr std::size_t kWordMaxBytes = 40;      // one word-cloud entry
inline constexpr std::size_t kMaxWords = 3;           // word-cloud entries per participant
inline constexpr std::size_t kMaxActivities = 50;     // per workshop
inline constexpr std::size_t kMaxTextsPerParticipant = 5;  // reflection answers per activity

// ---------------------------------------------------------------- activities

enum class ActivityType { reflection, word_cloud, scale, choice, ranking, stage_checkin, sorting };
inline constexpr std::array kActivityTypes = {
    ActivityType::reflection, ActivityType::word_cloud,    ActivityType::scale,
    ActivityType::choice,     ActivityType::ranking,       ActivityType::stage_checkin,
    ActivityType::sorting};
// "refleksjon", "ordsky", "skala", "flervalg", "rangering", "innsjekk", "sortering"
std::string_view slug(ActivityType t) noexcept;
std::optional<ActivityType> parse_activity_type(std::string_view s) noexcept;
std::string name_key(ActivityType t);  // "workshop.type.<slug>"

// What the facilitator defines. Texts are plain text (one line for options).
struct ActivityDef {
  ActivityType type = ActivityType::reflection;
  std::string prompt;                // required, ≤ kPromptMaxBytes
  std::vector<std::string> options;  // choice/ranking: the options; sorting: the cards
  bool multiple = false;             // choice: several options may be ticked
  std::string scale_min_label;       // scale: what 0 means ("Ikke viktig"); may be empty
  std::string scale_max_label;       // scale: what 10 means; may be empty
  std::string source_id;             // a knowledge-base id it was taken from ("refleksjon.…"); may be empty
};

// Checks a definition. invalid_input with keys:
// "workshop.error.prompt" (empty, too long, control characters),
// "workshop.error.options" (choice/ranking/sorting need kMinOptions..kMaxOptions
//   distinct non-empty options, each ≤ kOptionMaxBytes, one line; other types none),
// "workshop.error.label" (a scale label too long or not one line).
// Text is trimmed in the returned copy.
Result<ActivityDef> validate(ActivityDef def);

// ---------------------------------------------------------------- answers

// One participant's answer to one activity, as the form sends it. Only the
// fields of the activity's type are used; the others must be empty.
struct AnswerInput {
  std::string text;                 // reflection
  std::vector<std::string> words;   // word cloud: 1..kMaxWords entries (empty ones dropped)
  std::optional<int> value;         // scale: 0..10
  std::vector<int> choices;         // choice: option indices (one unless `multiple`)
  std::vector<int> order;           // ranking: every option index once, best first
  std::vector<int> levels;          // sorting: per card 1, 2 or 3 (0 = not placed; at least one placed)
  std::optional<readiness::StagingAnswer> staging;  // stage check-in: required
  std::optional<int> importance;    // stage check-in: 0..10 or skipped
  std::optional<int> confidence;    // stage check-in: 0..10 or skipped
};

// Checks an answer against its activity. invalid_input with keys:
// "workshop.error.text" (empty, over kTextMaxBytes, invalid UTF-8 or control
//   characters other than newline and tab),
// "workshop.error.words" (none, more than kMaxWords, one over kWordMaxBytes,
//   or containing no letter or digit),
// "workshop.error.value" (scale missing or outside 0..10),
// "workshop.error.choice" (none, out of range, repeated, several when not multiple),
// "workshop.error.order" (not a permutation of the options),
// "workshop.error.levels" (wrong count, a level outside 0..3, none placed),
// "workshop.error.staging" (stage check-in without a staging answer),
// "workshop.error.ruler" (importance/confidence outside 0..10).
// The returned copy is trimmed (texts, words) with empty words dropped.
Result<AnswerInput> validate(const ActivityDef& def, AnswerInput answer);

// ---------------------------------------------------------------- word cloud

// The key a word-cloud entry is counted under, in bokmål: lower case
// (including Æ Ø Å and accented Latin letters), punctuation trimmed at both
// ends, inner runs of spaces collapsed, and a light folding of word forms:
// the definite and plural endings -ene, -en, -et, -er, -a are removed from a
// single word when at least 4 letters remain ("pasientene", "pasienten",
// "pasienter" → "pasient"; "tillit" stays). Phrases (several words) fold
// only their last word. Empty when nothing is left.
std::string fold_word(std::string_view entry);

// ---------------------------------------------------------------- results

// One stored answer as the results see it.
struct StoredAnswer {
  std::string id;
  AnswerInput answer;
  bool hidden = false;  // hidden by the facilitator: not counted, not shown
  bool pinned = false;  // pinned: shown first
};

struct TextItem {
  std::string answer_id;
  std::string text;
  bool pinned = false;
};

struct WordCount {
  std::string key;      // fold_word()
  std::string display;  // the most frequent original form (lower-cased; ties: the shortest, then first in order)
  int count = 0;
};

struct OptionCount {
  std::string option;
  int count = 0;
};

struct RankedOption {
  std::string option;
  int points = 0;          // Borda: n-1 for first place … 0 for last, summed
  double mean_rank = 0.0;  // 1 = best; 0 when nobody ranked
};

struct SortedCard {
  std::string card;
  std::array<int, 3> counts{};  // placed under 1.0, 2.0, 3.0
};

// The results of one activity. `participants` counts visible answers
// (for reflection: distinct answers, not people).
struct Results {
  ActivityType type = ActivityType::reflection;
  int answers = 0;                  // visible (not hidden) answers
  std::vector<TextItem> texts;      // reflection: pinned first, then newest first (input order reversed)
  std::vector<WordCount> words;     // word cloud: by count desc, then key
  std::array<int, 11> histogram{};  // scale: answers per value 0..10
  std::optional<double> mean;       // scale: mean value; nullopt when no answers
  std::optional<double> median;     // scale
  std::vector<OptionCount> choices; // choice: in option order
  std::vector<RankedOption> ranking;  // ranking: by points desc, then option order
  // stage check-in: answers per stage (readiness::kStages order), shown only
  // when `stages_shown`: the answers are personal self-assessments, so the
  // distribution follows readiness::suppress with the minimum group size.
  // `stages_shown` is false when the total is under the minimum (nothing is
  // shown, not even the total); `stage_shown[i]` tells which counts may be shown.
  std::array<int, 6> stages{};
  bool stages_shown = false;
  std::array<bool, 6> stage_shown{};
  std::optional<double> importance_mean;  // stage check-in, only when stages_shown
  std::optional<double> confidence_mean;
  std::vector<SortedCard> sorting;  // sorting: per card, in card order
};

// Aggregates the answers of one activity. Hidden answers are left out.
// `answers` is in submission order (oldest first). `min_group` is the
// configured minimum group size (readiness::effective_min_group applies).
Results aggregate(const ActivityDef& def, const std::vector<StoredAnswer>& answers,
                  int min_group);

}  // namespace samskap::workshop
