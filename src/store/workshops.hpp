#pragma once
// Live co-creation workshops (issue 8): workshops of an initiative, their
// activities, the run state, the participants' anonymous answers, and the
// ordered event log that drives the live screens.
//
// Two sides, as for readiness check-ins:
// - The facilitator's side takes the caller (Actor) on every method and
//   reaches a workshop only through its initiative (detail::reach: the
//   owning organisation with the leader rule, or an invited collaborator).
//   Everything else is not_found "workshop.error.not_found".
// - The participant's side is NOT scoped by an Actor: participants have no
//   account. It goes by the workshop's join code only.
//
// Privacy: an answer row holds the activity, the answer, the moderation
// flags, the submission day (no time of day) and a device_key =
// SHA-256(workshop id + ":" + the phone's random token), which links one
// phone's answers within one workshop (so a changed answer replaces the
// earlier one) and nothing else. No IP address, user agent or account.
// Answers are not linked to units, so the minimum group size applies only
// to the stage check-in's distribution (workshop::aggregate).
//
// The event log: every change a screen or phone must see (the run state,
// an answer, a moderation) appends an event with the workshop's next
// sequence number (1, 2, 3 … per workshop, assigned under the workshop
// row's lock, so events commit in sequence order). A stream resumes after
// the last sequence number it saw (SSE Last-Event-ID). On PostgreSQL the
// same transaction sends NOTIFY on channel kNotifyChannel with the workshop
// id as payload, so every app node learns of it (store/notify.hpp).
//
// All methods block (database); call them from worker threads. Thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/initiative.hpp"
#include "core/workshop.hpp"
#include "store/database.hpp"
#include "store/initiatives.hpp"

namespace samskap::store {

inline constexpr std::size_t kWorkshopTitleMaxBytes = 200;
inline constexpr std::string_view kNotifyChannel = "samskap_workshop";

struct WorkshopActivity {
  std::string id;
  int position = 0;  // 0-based order in the workshop
  workshop::ActivityDef def;
};

// The run state. `current` is an index into the activities, or -1 before the
// first is shown. Answering is possible only when `open` and current >= 0.
// `revealed`: the screen shows the current activity's results (hidden until
// revealed, to avoid group-think; a new current activity starts unrevealed).
struct WorkshopState {
  int current = -1;
  bool open = false;
  bool revealed = false;
  bool ended = false;    // the session is over; the join code no longer works
  std::int64_t seq = 0;  // the last event's sequence number
};

struct Workshop {
  std::string id;
  std::string initiative_id;
  std::string organisation_id;  // the initiative's owner
  std::string title;
  std::string join_code;  // kJoinCodeLength characters of kJoinCodeAlphabet (store/readiness.hpp),
                          // unique among workshops not ended
  std::vector<WorkshopActivity> activities;  // by position
  WorkshopState state;
  std::string created_by;
  SystemTime created_at;
  int version = 1;  // of the title and activity list (not of the run state)
  int answer_count = 0;
};

// What a phone sees: the current activity only (nothing of the others).
struct PublicWorkshop {
  std::string id;  // needed for the event stream; not secret (the code is the secret)
  std::string join_code;
  std::string title;
  std::string initiative_title;
  WorkshopState state;
  std::optional<WorkshopActivity> current;  // when state.current >= 0
  int activity_count = 0;
};

enum class EventKind { state, answer, moderation };
std::string_view slug(EventKind k) noexcept;  // "state", "answer", "moderation"

struct WorkshopEvent {
  std::int64_t seq = 0;
  EventKind kind = EventKind::state;
  std::string activity_id;  // answer/moderation: the activity; state: the current one or empty
};

struct WorkshopAnswerRow {
  std::string activity_id;
  workshop::StoredAnswer stored;
};

class WorkshopRepository {
 public:
  WorkshopRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // ------------------------------------------------ the facilitator's side

  // A new workshop with a fresh join code and no activities, state current -1.
  // Errors: not_found (initiative out of reach), invalid_input "workshop.error.title".
  Result<Workshop> create(const Actor& who, const std::string& initiative_id, std::string title);
  // The initiative's workshops (without activities; answer counts), newest first.
  Result<std::vector<Workshop>> list(const Actor& who, const std::string& initiative_id);
  Result<Workshop> get(const Actor& who, const std::string& initiative_id,
                       const std::string& workshop_id);
  Result<Workshop> rename(const Actor& who, const std::string& initiative_id,
                          const std::string& workshop_id, int version, std::string title);
  Status remove(const Actor& who, const std::string& initiative_id, const std::string& workshop_id);

  // Activities. `version` is the workshop's (conflict "workshop.error.stale").
  // The definition is checked with workshop::validate (its errors pass through);
  // invalid_input "workshop.error.too_many" past kMaxActivities. Changing or
  // removing an activity that has answers: conflict "workshop.error.has_answers".
  Result<Workshop> add_activity(const Actor& who, const std::string& initiative_id,
                                const std::string& workshop_id, int version,
                                workshop::ActivityDef def);
  Result<Workshop> update_activity(const Actor& who, const std::string& initiative_id,
                                   const std::string& workshop_id, int version,
                                   const std::string& activity_id, workshop::ActivityDef def);
  Result<Workshop> remove_activity(const Actor& who, const std::string& initiative_id,
                                   const std::string& workshop_id, int version,
                                   const std::string& activity_id);
  // Moves an activity one place up (delta -1) or down (+1); at an end: no change.
  Result<Workshop> move_activity(const Actor& who, const std::string& initiative_id,
                                 const std::string& workshop_id, int version,
                                 const std::string& activity_id, int delta);

  // Run control. Each appends a state event (and NOTIFY on PostgreSQL) and
  // returns the new state. Not versioned: the last click wins.
  // go_to: index -1..n-1 (invalid_input "workshop.error.activity" otherwise);
  // a new current activity starts open = true, revealed = false.
  Result<WorkshopState> go_to(const Actor& who, const std::string& initiative_id,
                              const std::string& workshop_id, int index);
  Result<WorkshopState> set_open(const Actor& who, const std::string& initiative_id,
                                 const std::string& workshop_id, bool open);
  Result<WorkshopState> set_revealed(const Actor& who, const std::string& initiative_id,
                                     const std::string& workshop_id, bool revealed);
  // Ends (ended = true, open = false) or restarts (ended = false) the session.
  Result<WorkshopState> set_ended(const Actor& who, const std::string& initiative_id,
                                  const std::string& workshop_id, bool ended);

  // Moderation: hide/unhide, pin/unpin one answer; appends a moderation event.
  // not_found "workshop.error.answer" for an answer not in this workshop.
  Status moderate(const Actor& who, const std::string& initiative_id,
                  const std::string& workshop_id, const std::string& answer_id,
                  std::optional<bool> hidden, std::optional<bool> pinned);

  // The answers of one activity (all activities when activity_id is empty),
  // oldest first, hidden ones included (flagged), for the results, the
  // control view and the exports.
  Result<std::vector<WorkshopAnswerRow>> answers(const Actor& who, const std::string& initiative_id,
                                                 const std::string& workshop_id,
                                                 const std::string& activity_id = {});

  // ------------------------------------------------ live streams
  // Not scoped by an Actor: the web layer checks access before it streams.

  // The workshop as a phone sees it, by id (for the stream fan-out).
  Result<PublicWorkshop> public_by_id(const std::string& workshop_id);
  // Events after `after_seq`, oldest first, at most `limit`.
  Result<std::vector<WorkshopEvent>> events_after(const std::string& workshop_id,
                                                  std::int64_t after_seq, std::size_t limit = 1000);
  // The answers of one activity by id, oldest first, hidden ones flagged.
  // With `changed_after` > 0: only those given, replaced or moderated after
  // that event sequence number (still oldest first), for a reader that keeps
  // the rest from before.
  Result<std::vector<workshop::StoredAnswer>> activity_answers(const std::string& workshop_id,
                                                               const std::string& activity_id,
                                                               std::int64_t changed_after = 0);

  // ------------------------------------------------ the participant's side

  // not_found "workshop.error.code_unknown" for an unknown code or an ended workshop.
  Result<PublicWorkshop> public_workshop(std::string_view join_code);

  // Validates and stores one answer to the CURRENT activity, appends an
  // answer event (and NOTIFY). `activity_id` is the activity the phone
  // answered: conflict "workshop.error.moved_on" when it is no longer the
  // current one, conflict "workshop.error.closed" when answering is closed.
  // Other errors: not_found "workshop.error.code_unknown", the
  // workshop::validate answer errors, invalid_input "workshop.error.device"
  // (token missing, or outside 16..200 bytes).
  // One answer per phone per activity, a later one replacing the earlier
  // (keeping its moderation flags), except reflection, where a phone may
  // give up to kMaxTextsPerParticipant answers (rate_limited
  // "workshop.error.too_many_texts" beyond). Returns the answer's id.
  Result<std::string> submit(std::string_view join_code, const std::string& activity_id,
                             const std::string& device_token, const workshop::AnswerInput& answer);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace samskap::store
