#pragma once
// Readiness check-ins (issue 6): the stages of change, the questionnaire's
// answers, the staging rules and the privacy rules for showing results.
// Pure functions: no I/O.
//
// The vocabulary is the seed's six phases (Endringsarbeid): føroverveielse,
// overveielse, forberedelse, handling, vedlikehold, tilbakefall. Each maps to
// the knowledge base stage "stadium.<slug>" (content::kStageIds).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace samskap::readiness {

// ---------------------------------------------------------------- stages

enum class Stage { foroverveielse, overveielse, forberedelse, handling, vedlikehold, tilbakefall };
inline constexpr std::array kStages = {Stage::foroverveielse, Stage::overveielse,
                                       Stage::forberedelse,   Stage::handling,
                                       Stage::vedlikehold,    Stage::tilbakefall};
std::string_view slug(Stage s) noexcept;   // "foroverveielse", …
std::string_view kb_id(Stage s) noexcept;  // "stadium.foroverveielse", …
std::optional<Stage> parse_stage(std::string_view s) noexcept;
std::string name_key(Stage s);  // "readiness.stage.<slug>"
// 0..5 in model order (tilbakefall last).
int index(Stage s) noexcept;

// ---------------------------------------------------------------- answers

// The staging question, built from the seed's time criteria. One choice.
enum class StagingAnswer {
  no_plans,               // no plans to change (within 6 months)
  within_6_months,        // want to change within 6 months
  plan_within_1_month,    // a concrete plan to change within 1 month
  changing_now,           // changing now (changed practice for less than 6 months)
  changed_over_6_months,  // changed practice for more than 6 months
  fell_back,              // tried, and fell back to the old practice
};
inline constexpr std::array kStagingAnswers = {StagingAnswer::no_plans,
                                               StagingAnswer::within_6_months,
                                               StagingAnswer::plan_within_1_month,
                                               StagingAnswer::changing_now,
                                               StagingAnswer::changed_over_6_months,
                                               StagingAnswer::fell_back};
std::string_view slug(StagingAnswer a) noexcept;  // "ingen-planer", "innen-6-mnd", …
std::optional<StagingAnswer> parse_staging_answer(std::string_view s) noexcept;
std::string name_key(StagingAnswer a);  // "readiness.staging.<slug>"
// The stage an answer means (one to one, in kStages order).
Stage stage_for(StagingAnswer a) noexcept;

// One participant's answer to a round. Rulers are 0..10; everything but the
// staging question may be skipped.
struct Answer {
  std::optional<StagingAnswer> staging;
  std::optional<int> importance;  // "Hvor viktig er det for deg …" 0..10
  std::optional<int>
      confidence;  // mestringstillit: "Hvor sikker er du på at du får det til …" 0..10
};

// What the staging rules conclude about one answer.
enum class Flag {
  relapse_risk,       // acting or maintaining, with confidence 0..3
  external_pressure,  // preparing or acting, with importance 0..3
  ready_to_move,      // considering, with importance and confidence both 7..10
};
std::string_view slug(Flag f) noexcept;
std::string name_key(Flag f);  // "readiness.flag.<slug>"
// A one-line explanation for the facilitator: "readiness.flag_help.<slug>".
std::string help_key(Flag f);
inline constexpr std::array kFlags = {Flag::relapse_risk, Flag::external_pressure,
                                      Flag::ready_to_move};

struct Staging {
  std::optional<Stage> stage;  // nullopt when the staging question was skipped
  std::vector<Flag> flags;     // in enum order
};

// The staging rules. The stage follows the staging answer one to one (the
// seed's time criteria are in the answer texts); the rulers never change the
// stage, they only add flags for the facilitator. Out-of-range rulers
// (outside 0..10) are treated as skipped.
Staging stage_of(const Answer& answer) noexcept;

// How a linked participant moved between two rounds.
enum class Move { same, forward, backward, relapse };
// relapse: to tilbakefall from any other stage; backward: to an earlier
// stage (tilbakefall counts as the stage after vedlikehold only for
// ordering, never as forward); leaving tilbakefall for any stage is forward.
Move move_between(Stage from, Stage to) noexcept;
std::string_view slug(Move m) noexcept;  // "samme", "fram", "tilbake", "tilbakefall"

// ---------------------------------------------------------------- ORIC

// The optional organisation-level readiness scale (ORIC, Shea et al. 2014):
// 12 items, 5 on change commitment and 7 on change efficacy, each 1..5.
// The item texts are catalogue keys "readiness.oric.item.<n>" (n = 1..12);
// the Norwegian wording is our own translation.
inline constexpr int kOricItems = 12;
inline constexpr int kOricCommitmentItems = 5;  // items 1..5; 6..12 are efficacy

struct OricScores {
  std::optional<double> commitment;  // mean of answered commitment items, 1..5
  std::optional<double> efficacy;    // mean of answered efficacy items, 1..5
};
// Items are 1..5, 0 for skipped (any other value counts as skipped); a
// subscale needs at least half its items (commitment 3 of 5, efficacy 4 of 7).
OricScores oric_scores(const std::array<int, kOricItems>& items) noexcept;

// ---------------------------------------------------------------- privacy

// The minimum group size: the default, and the floor below which no setting goes.
inline constexpr int kDefaultMinGroup = 5;
inline constexpr int kMinGroupFloor = 3;
// The setting as configured, never below the floor.
int effective_min_group(int configured) noexcept;

// Which of a set of group counts may be shown. `min_group` below
// kMinGroupFloor counts as the floor; negative counts count as 0.
// - When the counts add up to 1..min_group-1, nothing is shown (and the
//   caller must not show that total either).
// - Otherwise a group is hidden when its count is 1..min_group-1.
// - Suppression is complementary when the total is shown: the smallest other
//   shown non-empty group (the first of equals) is hidden too, until the
//   hidden groups are at least two, add up to at least min_group and add up
//   to more than their number (so they are not all known to be 1). When no
//   such group is left, everything is hidden. So no hidden count can be
//   worked out from the total, the shown counts and the fact that a hidden
//   group is not empty (tests/unit/readiness_test.cpp checks this by brute
//   force).
// - Groups with a count of 0 are shown, except when everything is hidden.
// `shown[i]` corresponds to counts[i].
std::vector<bool> suppress(const std::vector<int>& counts, int min_group, bool total_shown = true);

}  // namespace samskap::readiness
