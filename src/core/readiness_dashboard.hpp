#pragma once
// The facilitator's dashboard of readiness check-ins (issue 6): pure
// aggregation of an initiative's answers, with the privacy rules applied HERE,
// once, so that no page or export can show more than this result holds.
//
// Every count a page may show is a Cell. A suppressed cell holds no count at
// all (nullopt): the hidden figure never leaves this module, so a template
// cannot print it by mistake, and it is shown as "skjult", never as 0.
//
// Groupings (so that groups are not tiny):
// - per round: the six stages plus "unstaged" (staging skipped);
// - per round: answers per unit, plus "no unit given";
// - per round: each ruler (importance, confidence) in three bands 0–3, 4–6,
//   7–10 (the same bands as the staging rules' flags) plus "skipped";
// - between consecutive rounds (oldest first), for participants who kept a
//   private code and answered both: the 6×6 from-stage × to-stage matrix and
//   the moves (same, forward, backward, relapse) from readiness::move_between.
//
// Rules (readiness::suppress with effective_min_group):
// - a round's total is shown only when it is 0 or at least the minimum; when
//   it is not, no breakdown of that round is shown at all;
// - each breakdown of a round is suppressed on its own (complementary);
// - the transition matrix is suppressed as a whole, then again row by row
//   (a row's sum may equal a stage count shown for the earlier round),
//   column by column (the later round) and move group by move group, each
//   time with the row, column or group total taken as known, until nothing
//   changes; a move count is shown only when every cell of its group is
//   shown (so it tells nothing the cells do not).

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/readiness.hpp"

namespace samskap::readiness {

// A figure that may be shown, or nullopt when it is suppressed.
struct Cell {
  std::optional<int> count;
  bool suppressed() const noexcept { return !count.has_value(); }
  bool operator==(const Cell&) const = default;
};

// One answer as the dashboard needs it (nothing that identifies anyone).
struct DashboardAnswer {
  std::string round_id;
  std::string unit_id;            // empty when not given
  std::optional<Stage> stage;     // nullopt when the staging question was skipped
  std::optional<int> importance;  // 0..10; anything else counts as skipped
  std::optional<int> confidence;
  int participant = 0;  // 0 anonymous; equal numbers are the same person (one initiative)
};

struct DashboardRound {
  std::string id;
  std::vector<std::string> unit_ids;  // the round's units
  // How many each unit invited (its head count), parallel to unit_ids;
  // nullopt when not given. May be shorter than unit_ids (missing = none).
  std::vector<std::optional<int>> invited = {};
};

// The raw counts the dashboard is made of, before any suppression. Built
// either from every answer (count()) or from the tallies the store keeps at
// submit time; aggregate() gives the same Dashboard for equal counts.
inline constexpr std::size_t kRulerSkipped = 11;  // index of "skipped" in a ruler's counts
struct RoundCounts {
  std::array<int, 7> stages{};       // kStages order, then "unstaged"
  std::array<int, 12> importance{};  // by value 0..10, then skipped (kRulerSkipped)
  std::array<int, 12> confidence{};
  std::map<std::string, int> units;  // by the unit id the answer gave, "" none
  bool operator==(const RoundCounts&) const = default;
};
struct DashboardCounts {
  std::vector<RoundCounts> rounds;  // parallel to the rounds, oldest first
  // cells[from][to] between rounds k and k+1 (index(Stage) order), for
  // participants with a private code who answered both; size rounds - 1
  // (or 0 without rounds).
  std::vector<std::array<std::array<int, 6>, 6>> transitions;
  bool operator==(const DashboardCounts&) const = default;
};

// The ruler bands.
enum class Band { low, middle, high };  // 0–3, 4–6, 7–10
inline constexpr std::array kBands = {Band::low, Band::middle, Band::high};
std::optional<Band> band_of(std::optional<int> ruler) noexcept;

struct RulerSummary {
  std::array<Cell, 3> bands;  // kBands order
  Cell skipped;
  bool operator==(const RulerSummary&) const = default;
};

struct UnitCount {
  std::string unit_id;  // empty: "no unit given"
  Cell count;
  std::optional<int> invited;  // the head count given for the round, if any
  // Answers per 100 invited, rounded to the nearest whole number: only when
  // the count is shown and a head count above 0 was given (a hidden count
  // shows no rate either). May exceed 100 when the head count was low.
  std::optional<int> rate_percent;
  bool operator==(const UnitCount&) const = default;
};

struct RoundSummary {
  std::string round_id;
  Cell answers;  // the round's total
  // False when the round's total is 1..min-1: then every cell below is
  // suppressed and the page says only that too few have answered.
  bool enough = false;
  std::array<Cell, 6> stages;  // kStages order
  Cell unstaged;
  RulerSummary importance, confidence;
  std::vector<UnitCount> units;  // the round's units in the given order, then "no unit"
  bool operator==(const RoundSummary&) const = default;
};

struct Transition {
  std::string from_round, to_round;
  Cell linked;  // participants who answered both with the same private code
  bool enough = false;
  // matrix[from][to], index(Stage) order.
  std::array<std::array<Cell, 6>, 6> matrix;
  // same, forward, backward, relapse (Move order).
  std::array<Cell, 4> moves;
  bool operator==(const Transition&) const = default;
};

struct Dashboard {
  int min_group = kDefaultMinGroup;     // the effective minimum used
  std::vector<RoundSummary> rounds;     // in the given order (oldest first)
  std::vector<Transition> transitions;  // consecutive pairs of rounds
  // Relapses over all transitions: shown only when every transition's relapse
  // count is shown (else suppressed).
  Cell relapses;
  bool operator==(const Dashboard&) const = default;
};

inline constexpr std::array kMoves = {Move::same, Move::forward, Move::backward, Move::relapse};

// The raw counts of `answers` of `rounds` (oldest first): the plain
// recomputation. Answers of rounds not in the list are ignored.
DashboardCounts count(const std::vector<DashboardRound>& rounds,
                      const std::vector<DashboardAnswer>& answers);

// The dashboard of `rounds` (oldest first) from their raw counts (parallel
// to `rounds`; missing entries count as none), with the privacy rules
// applied. `configured_min_group` goes through effective_min_group.
Dashboard aggregate(const std::vector<DashboardRound>& rounds, const DashboardCounts& counts,
                    int configured_min_group);
// The same from every answer: aggregate(rounds, count(rounds, answers), m).
Dashboard aggregate(const std::vector<DashboardRound>& rounds,
                    const std::vector<DashboardAnswer>& answers, int configured_min_group);

// The hiding pass used for the matrix's rows, columns and move groups: given
// the counts of a group whose total is known and which cells are already
// hidden, hides more until the hidden cells are none, or at least two that
// add up to at least `min_group` and to more than their number; when that
// cannot be reached, hides every cell of the group (zeros too).
// Returns true when it hid anything.
bool protect_group(const std::vector<int>& counts, std::vector<bool>& hidden, int min_group);

// ---------------------------------------------------------------- CSV

// One CSV record per row, RFC 4180: fields with a comma, quote, CR or LF are
// quoted with quotes doubled; records end in CRLF. A field that starts with
// = + - @ (or a tab or CR) gets a leading apostrophe so that a spreadsheet
// does not run it as a formula. `bom` puts the UTF-8 byte order mark first,
// so Excel reads the file as UTF-8.
std::string csv_encode(const std::vector<std::vector<std::string>>& rows, bool bom = true);
// A field made safe from formula injection (the apostrophe rule above).
std::string spreadsheet_safe(std::string field);

}  // namespace samskap::readiness
