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
inline constexpr std::size_t kMaxOptions = 12;             // choice, ranking, sorting cards
inline constexpr std::size_t kMinOptions = 2;              // choice, ranking, sorting cards
inline constexpr std::size_t kTextMaxBytes = 1000;         // one reflection answer
inline constexpr std::size_t kWordMaxBytes = 40;           // one word-cloud entry
inline constexpr std::size_t kMaxWords = 3;                // word-cloud entries per participant
inline constexpr std::size_t kMaxActivities = 50;          // per workshop
inline constexpr std::size_t kMaxTextsPerParticipant = 5;  // reflection answers per activity

// ---------------------------------------------------------------- activities

enum class ActivityType { reflection, word_cloud, scale, choice, ranking, stage_checkin, sorting };
inline constexpr std::array kActivityTypes = {ActivityType::reflection, ActivityType::word_cloud,
                                              ActivityType::scale,      ActivityType::choice,
                                              ActivityType::ranking,    ActivityType::stage_checkin,
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
  std::string source_id;  // a knowledge-base id it was taken from ("refleksjon.…"); may be empty
};

// Checks a definition. invalid_input with keys:
// "workshop.error.prompt" (empty, too long, invalid UTF-8, control characters
//   other than newline and tab),
// "workshop.error.options" (choice/ranking/sorting need kMinOptions..kMaxOptions
//   distinct non-empty options, each ≤ kOptionMaxBytes, one line; other types none),
// "workshop.error.label" (a scale label too long or not one line),
// "workshop.error.source" (source_id not made of a-z, 0-9, '.', '-', '_', or
//   over 120 bytes).
// Texts are trimmed in the returned copy (white space of every kind; CR LF and
// a lone CR become a newline), and byte limits apply after trimming. Blank
// options are dropped before counting (a form may send empty fields); options
// differing only in case or surrounding space count as repeated. Bidirectional
// embedding/override/isolate characters (U+202A–202E, U+2066–2069) count as
// control characters. `multiple` is false unless a choice; the scale labels are
// emptied unless a scale.
Result<ActivityDef> validate(ActivityDef def);

// ---------------------------------------------------------------- answers

// One participant's answer to one activity, as the form sends it. Only the
// fields of the activity's type are used; the others must be empty.
struct AnswerInput {
  std::string text;                // reflection
  std::vector<std::string> words;  // word cloud: 1..kMaxWords entries (empty ones dropped)
  std::optional<int> value;        // scale: 0..10
  std::vector<int> choices;        // choice: option indices (one unless `multiple`)
  std::vector<int> order;          // ranking: every option index once, best first
  // sorting: per card 1, 2 or 3 (0 = not placed; at least one placed)
  std::vector<int> levels;
  std::optional<readiness::StagingAnswer> staging;  // stage check-in: required
  std::optional<int> importance;                    // stage check-in: 0..10 or skipped
  std::optional<int> confidence;                    // stage check-in: 0..10 or skipped
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
// A field of another type that is not empty gets that field's key (a blank
// text or blank words count as empty). Texts follow the rules of the
// definition's texts above (words are one line).
// The returned copy is trimmed (texts, words) with empty words dropped.
// Words repeated by one participant are kept here; aggregate() counts each
// folded word once per answer.
Result<AnswerInput> validate(const ActivityDef& def, AnswerInput answer);

// ---------------------------------------------------------------- word cloud

// The key a word-cloud entry is counted under, in bokmål: lower case
// (including Æ Ø Å and accented Latin letters), punctuation trimmed at both
// ends, inner runs of spaces collapsed, and a light folding of word forms:
// the definite and plural endings -ene, -en, -et, -er, -a are removed from a
// single word when at least 4 letters remain ("pasientene", "pasienten",
// "pasienter" → "pasient"; "tillit" stays). Phrases (several words) fold
// only their last word. Empty when nothing is left.
// Beyond the rule above: a final -e is an ending too, so the four forms of
// the -e nouns meet ("tjeneste", "tjenesten", "tjenester", "tjenestene" →
// "tjenest"); the -et of -het and -itet is not an ending ("trygghet" and
// "tryggheten" → "trygghet", "kvalitet" stays). Only the longest matching
// ending is tried. Letters are code points, not bytes ("båten" stays).
// "Punctuation" is everything but letters and digits of any script: ASCII
// and Latin-1 punctuation and symbols, the Unicode punctuation, symbol and
// emoji blocks, spaces and controls; soft hyphens and zero-width characters
// are removed. Only Latin letters are lower-cased. Invalid UTF-8 bytes read
// as U+FFFD, so the key is always valid UTF-8.
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
  std::string display;  // the most frequent original form (lower-cased; ties: the shortest, then
                        // first in order) — trimmed and spaced like the key, with its ending kept
  int count = 0;        // answers that contain the word (once per answer)
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

// The results of one activity. `answers` counts visible answers
// (for reflection: distinct answers, not people). Answers that validate()
// would refuse (only from a broken store or an activity edited after
// answering) are left out, and not counted.
struct Results {
  ActivityType type = ActivityType::reflection;
  int answers = 0;  // visible (not hidden) answers
  // reflection: pinned first, then newest first (input order reversed)
  std::vector<TextItem> texts;
  std::vector<WordCount> words;       // word cloud: by count desc, then key
  std::array<int, 11> histogram{};    // scale: answers per value 0..10
  std::optional<double> mean;         // scale: mean value; nullopt when no answers
  std::optional<double> median;       // scale
  std::vector<OptionCount> choices;   // choice: in option order
  std::vector<RankedOption> ranking;  // ranking: by points desc, then option order
  // stage check-in: answers per stage (readiness::kStages order), shown only
  // when `stages_shown`: the answers are personal self-assessments, so the
  // distribution follows readiness::suppress with the minimum group size.
  // `stages_shown` is false when the total is under the minimum (nothing is
  // shown, not even the total: `answers` is 0 then); `stage_shown[i]` tells
  // which counts may be shown, and a count not shown is 0 here, so a
  // serialised Results cannot hand it out.
  std::array<int, 6> stages{};
  bool stages_shown = false;
  std::array<bool, 6> stage_shown{};
  std::optional<double> importance_mean;  // stage check-in, only when stages_shown and
  std::optional<double> confidence_mean;  // at least the minimum answered that ruler
  std::vector<SortedCard> sorting;        // sorting: per card, in card order
};

// Aggregates the answers of one activity. Hidden answers are left out.
// `answers` is in submission order (oldest first). `min_group` is the
// configured minimum group size (readiness::effective_min_group applies).
Results aggregate(const ActivityDef& def, const std::vector<StoredAnswer>& answers, int min_group);

}  // namespace samskap::workshop
