#pragma once
// Readiness check-ins (issue 6): rounds of an initiative, the units a round
// covers, and the participants' anonymous answers.
//
// Two sides:
// - The facilitator's side takes the caller (Actor) on every method and
//   reaches a round only through its initiative, by the initiative rules
//   (detail::reach: the owning organisation with the leader rule, or an
//   invited collaborator). Everything else is not_found
//   "readiness.error.not_found", exactly like a missing round.
// - The participant's side is NOT scoped by an Actor: participants have no
//   account. It goes by the round's join code only, and reveals nothing but
//   what the answer page needs (PublicRound).
//
// Privacy by design: an answer row holds the round, the optional unit, the
// answers, the submission DAY (UTC; no time of day) and two optional keys,
// each a SHA-256 that links rows and nothing else:
// - participant_key = SHA-256(initiative id + ":" + private code), only when
//   the participant chose to keep a private code, so their answers link up
//   across the rounds of one initiative and nowhere else;
// - device_key = SHA-256(round id + ":" + a random token the phone keeps in
//   a cookie), so a second submission from the same phone within a round
//   replaces the first instead of counting twice.
// No IP address, user agent, account or time of day is ever stored. The
// aggregation method returns neither key, only an opaque per-initiative
// participant number.
//
// All methods block (database); call them from worker threads. Thread-safe.

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/initiative.hpp"
#include "core/readiness.hpp"
#include "core/readiness_dashboard.hpp"
#include "store/database.hpp"
#include "store/initiatives.hpp"

namespace samskap::store {

// Limits.
inline constexpr std::size_t kRoundTitleMaxBytes = 200;
inline constexpr std::size_t kRoundMaxUnits = 200;
inline constexpr std::size_t kReflectionMaxBytes = 2000;
inline constexpr std::size_t kJoinCodeLength = 8;
inline constexpr std::size_t kDeviceTokenMaxBytes = 200;
inline constexpr int kMaxInvited = 100000;  // a unit's head count for a round

struct RoundUnit {
  std::string id;
  std::string name;
  std::optional<int> invited = {};  // how many the unit invited (head count), when given
};

struct ReadinessRound {
  std::string id;
  std::string initiative_id;
  std::string organisation_id;  // the initiative's owner
  std::string title;
  std::string join_code;  // kJoinCodeLength characters of kJoinCodeAlphabet
  bool open = true;
  bool include_oric = false;
  std::vector<RoundUnit> units;  // by name
  std::string created_by;        // user id
  SystemTime created_at;
  std::optional<SystemTime> closed_at;
  int version = 1;
  int answer_count = 0;
};

struct RoundDraft {
  std::string title;                  // required, ≤200 bytes, one line
  std::vector<std::string> unit_ids;  // units of the initiative's organisation (≤200; may be empty)
  bool include_oric = false;
  // Optional head count per unit (how many were invited), 0..kMaxInvited,
  // only for units in unit_ids: invalid_input "readiness.error.invited".
  std::map<std::string, int> invited = {};
};

// What a participant's phone sees of a round.
struct PublicRound {
  std::string join_code;
  std::string title;
  std::string initiative_title;
  std::vector<RoundUnit> units;  // by name
  bool include_oric = false;
  bool open = true;
};

// One participant's answers, as the form sends them.
struct Submission {
  std::optional<readiness::StagingAnswer> staging;  // required: "readiness.error.staging"
  std::string unit_id;                              // empty, or one of the round's units
  std::optional<int> importance;                    // 0..10 or skipped
  std::optional<int> confidence;                    // 0..10 or skipped
  std::string reflection;                           // ≤2,000 bytes, may be empty
  std::array<int, readiness::kOricItems> oric{};    // 0 skipped, 1..5; all 0 when not asked
  std::string private_code;  // empty: anonymous; else a code from new_private_code()
  std::string device_token;  // empty, or the phone's random per-round token (≤200 bytes)
};

struct Submitted {
  readiness::Staging staging;  // the participant's stage, for the feedback page
  bool replaced = false;       // an earlier answer from this phone or code was replaced
};

// One answer, for aggregation. Nothing identifies the person.
struct ReadinessAnswerRow {
  std::string round_id;
  std::string unit_id;  // empty when not given
  readiness::StagingAnswer staging = readiness::StagingAnswer::no_plans;
  std::optional<int> importance;
  std::optional<int> confidence;
  std::array<int, readiness::kOricItems> oric{};  // 0 skipped
  initiative::Date answered_on;                   // the day only
  // 0 when anonymous; otherwise 1..n, equal for answers given with the same
  // private code within this initiative. Meaningless outside one call's
  // result for one initiative (numbered by the keys' hash order).
  int participant = 0;
  bool has_reflection = false;
};

// What the dashboard is made of: the initiative's rounds oldest first (the
// order the dashboard shows and transitions pair: created_at, then id
// descending), each with its units by name and their head counts, and the
// raw counts parallel to them, read from the tallies submit keeps (a few
// dozen rows, however many answered). Equal to readiness::count() over
// answers() — the tests and the benchmark check it.
struct ReadinessCounts {
  std::vector<readiness::DashboardRound> rounds;
  readiness::DashboardCounts counts;
};

// The join code alphabet: upper-case letters and digits without look-alikes
// (no 0/O, 1/I/L).
inline constexpr std::string_view kJoinCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

// A new random join code (kJoinCodeLength characters).
std::string new_join_code();
// A join code as typed (spaces, hyphens, lower case) in its stored form.
// Empty when it cannot be one.
std::string normalise_join_code(std::string_view typed);

// A new random private code for a participant's phone: 12 characters of
// kJoinCodeAlphabet in groups of four ("K7QM-3XPA-9RWD"), about 59 bits.
std::string new_private_code();
// The stored key of a private code: SHA-256 hex of (initiative id + ":" +
// the code without hyphens or spaces, upper case). invalid_input
// "readiness.error.private_code" unless the code is 10..64 characters of
// letters, digits, hyphens and spaces with at least 10 letters or digits.
Result<std::string> participant_key(const std::string& initiative_id, std::string_view code);

class ReadinessRepository {
 public:
  ReadinessRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // ------------------------------------------------ the facilitator's side

  // A new open round with a fresh join code (unique among open rounds).
  // Errors: not_found (initiative out of reach), invalid_input
  // "readiness.error.title" / "readiness.error.units" (a unit of another
  // organisation, too many).
  Result<ReadinessRound> create_round(const Actor& who, const std::string& initiative_id,
                                      const RoundDraft& draft);
  // The initiative's rounds with their answer counts, newest first.
  Result<std::vector<ReadinessRound>> rounds(const Actor& who, const std::string& initiative_id);
  Result<ReadinessRound> round(const Actor& who, const std::string& initiative_id,
                               const std::string& round_id);
  // Closes or reopens a round; `version` is the one the caller saw (conflict
  // "readiness.error.stale" when it changed). A reopened round whose code
  // was taken meanwhile by another open round gets a new code.
  Result<ReadinessRound> set_open(const Actor& who, const std::string& initiative_id,
                                  const std::string& round_id, int version, bool open);

  // Sets the head counts of the round's units: each unit in `invited` gets
  // its count, every other unit none. `version` as for set_open. Errors:
  // not_found, conflict "readiness.error.stale", invalid_input
  // "readiness.error.invited" (a unit the round does not cover, or a count
  // outside 0..kMaxInvited); nothing is changed on error.
  Result<ReadinessRound> set_invited(const Actor& who, const std::string& initiative_id,
                                     const std::string& round_id, int version,
                                     const std::map<std::string, int>& invited);

  // The answers of one round (round_id given) or of every round of the
  // initiative, for the dashboard. In no meaningful order. The caller
  // applies the minimum group size (readiness::suppress).
  Result<std::vector<ReadinessAnswerRow>> answers(const Actor& who,
                                                  const std::string& initiative_id,
                                                  const std::string& round_id = {});
  // The dashboard's rounds and raw counts (ReadinessCounts), from the
  // tallies. The caller applies the privacy rules (readiness::aggregate).
  Result<ReadinessCounts> counts(const Actor& who, const std::string& initiative_id);
  // The free-text reflections of every round of the initiative, sorted by
  // text (so their order links them to nothing), and only when the group
  // is at least effective_min_group(min_group); else empty. The group is
  // the answer count of the initiative's largest round, not the sum over
  // rounds: one person answers in every round, and must not count as many.
  Result<std::vector<std::string>> reflections(const Actor& who, const std::string& initiative_id,
                                               int min_group);

  // ------------------------------------------------ the participant's side
  // Not scoped by an Actor: anyone with the join code.

  // not_found "readiness.error.code_unknown" for an unknown code. A closed
  // round is returned with open = false.
  Result<PublicRound> public_round(std::string_view join_code);

  // Validates everything and stores one answer; nothing is stored on error.
  // Errors: not_found "readiness.error.code_unknown", conflict
  // "readiness.error.round_closed", invalid_input "readiness.error.staging",
  // "readiness.error.unit" (not one of the round's units),
  // "readiness.error.ruler" (outside 0..10), "readiness.error.oric" (outside
  // 0..5, or answered when the round does not ask), "readiness.error.text"
  // (over 2,000 bytes, invalid UTF-8, control characters),
  // "readiness.error.private_code", "readiness.error.device".
  // An earlier answer in the same round with the same device token or the
  // same private code is replaced.
  Result<Submitted> submit(std::string_view join_code, const Submission& answer);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace samskap::store
