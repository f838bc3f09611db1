#pragma once
// Requests (henvendelser) and change initiatives with their parts: vision,
// SMART goals and progress, anchoring assessments, partners, Cynefin
// complexity, evidence, plan activities and SDG tags (issue 5).
//
// Access: every method takes the caller (Actor). An initiative is visible to
// members of its organisation and to collaborators invited into it (a
// facilitator of a USHT); everything else is ErrorCode::not_found, exactly
// like a missing object. Requests belong to one organisation only.
// Role permissions (manage_initiatives, view_results) are checked by the web
// layer's route guards; this layer checks which objects the caller may reach.
//
// Concurrent edits: update methods take the version the caller started from
// and fail with conflict "initiative.error.stale" when it changed meanwhile.
//
// All methods block (database); call them from worker threads. Thread-safe.
// Text fields are trimmed and checked (valid UTF-8, no control characters
// except newlines in long texts, a maximum length); invalid_input errors name
// the field in `detail` and carry a catalogue key.

#include <optional>
#include <string>
#include <vector>

#include "core/access.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/initiative.hpp"
#include "store/database.hpp"

namespace samskap::store {

// The caller of a repository method.
struct Actor {
  std::string org;      // the caller's organisation id
  std::string user_id;  // the caller's user id
  Role role = Role::deltaker;
};

// ------------------------------------------------------------------ requests

struct ChangeRequest {
  std::string id;
  std::string organisation_id;
  std::string requester_org;  // who asked (an organisation's name)
  std::string contact;        // contact person as typed; may be empty
  std::string body;           // what they asked
  initiative::Date received_on;
  std::vector<std::string> tags;  // folded to lower case, unique, in order given
  initiative::RequestStatus status = initiative::RequestStatus::open;
  std::optional<initiative::AnswerLevel> answer_level;
  std::string reason;  // why that answer
  std::string triaged_by;
  std::optional<SystemTime> triaged_at;
  std::string initiative_id;  // the initiative a 3.0 answer created, or empty
  std::string created_by;
  SystemTime created_at;
  int version = 1;
};

struct RequestDraft {
  std::string requester_org;  // required, ≤200 bytes
  std::string contact;        // ≤200 bytes
  std::string body;           // required, ≤10,000 bytes
  initiative::Date received_on;
  std::vector<std::string> tags;  // each ≤50 bytes, at most 20
};

// Per month ("2027-03") of triage: how many requests were answered at each level.
struct TriageMonth {
  std::string month;
  int rule = 0;
  int course = 0;
  int workshop = 0;
};

class RequestRepository {
 public:
  RequestRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<ChangeRequest> create(const Actor& who, const RequestDraft& draft);
  Result<ChangeRequest> get(const Actor& who, const std::string& id);
  // Newest received first; `status` filters when given.
  Result<std::vector<ChangeRequest>> list(
      const Actor& who, std::optional<initiative::RequestStatus> status = std::nullopt);
  Result<ChangeRequest> update(const Actor& who, const std::string& id, int version,
                               const RequestDraft& draft);
  // Records the answer and the reason (required, ≤2,000 bytes); status
  // becomes triaged. Choosing again is allowed until closed.
  Result<ChangeRequest> triage(const Actor& who, const std::string& id, int version,
                               initiative::AnswerLevel level, const std::string& reason);
  // Links the initiative created from a 3.0 answer.
  Status link_initiative(const Actor& who, const std::string& id, const std::string& initiative_id);
  Result<ChangeRequest> set_status(const Actor& who, const std::string& id, int version,
                                   initiative::RequestStatus status);
  // Triaged requests per month of triage, oldest month first.
  Result<std::vector<TriageMonth>> triage_by_month(const Actor& who);

 private:
  Database& db_;
  const Clock& clock_;
};

// --------------------------------------------------------------- initiatives

struct Initiative {
  std::string id;
  std::string organisation_id;
  std::string organisation_name;
  std::string unit_id;  // may be empty
  std::string unit_name;
  std::string title;
  initiative::Status status = initiative::Status::ide;
  std::string facilitator_user_id;  // may be empty
  std::string facilitator_name;
  std::string leader_user_id;  // may be empty
  std::string leader_name;
  std::optional<initiative::Date> starts_on;
  std::optional<initiative::Date> ends_on;
  std::string vision;
  // Complexity: the guided answers (empty when never answered), the suggested
  // domain, the facilitator's choice (overrides the suggestion) and a note.
  std::optional<initiative::CynefinAnswers> cynefin_answers;
  std::optional<initiative::CynefinDomain> cynefin_suggested;
  std::optional<initiative::CynefinDomain> cynefin_chosen;
  std::string cynefin_note;
  std::vector<int> sdgs;   // 1..17, ascending
  std::string request_id;  // the request it came from, or empty
  std::string created_by;
  SystemTime created_at;
  SystemTime updated_at;
  int version = 1;
  bool collaborating = false;  // the caller sees it as an invited collaborator

  // The domain in force: the choice, else the suggestion.
  std::optional<initiative::CynefinDomain> cynefin() const {
    return cynefin_chosen ? cynefin_chosen : cynefin_suggested;
  }
};

struct InitiativeDraft {
  std::string title;  // required, ≤200 bytes
  initiative::Status status = initiative::Status::ide;
  std::string unit_id;              // a unit of the initiative's organisation, or empty
  std::string facilitator_user_id;  // a user of the organisation, or empty
  std::string leader_user_id;       // a user of the organisation, or empty
  std::optional<initiative::Date> starts_on;
  std::optional<initiative::Date> ends_on;  // not before starts_on
  std::string vision;                       // ≤4,000 bytes
  std::vector<int> sdgs;                    // each 1..17
  std::string request_id;                   // only on create
};

struct Collaborator {
  std::string user_id;
  std::string display_name;
  std::string email;
  std::string organisation_name;
  SystemTime since;
};

// A goal with its progress, oldest measurement first.
struct ProgressEntry {
  std::string id;
  double value = 0;
  initiative::Date measured_on;
  std::string note;
};

struct Goal {
  std::string id;
  std::string initiative_id;
  std::string statement;
  std::string indicator;
  std::optional<double> baseline;
  std::optional<double> target;
  std::optional<initiative::Date> due;
  std::string owner;
  int version = 1;
  std::vector<ProgressEntry> progress;

  initiative::GoalDraft draft() const {
    return {statement, indicator, baseline, target, due, owner};
  }
};

struct AnchoringScore {
  initiative::AnchoringItem item = initiative::AnchoringItem::tydelig_visjon;
  int score = 1;  // 1..5
  std::string note;
};

struct AnchoringAssessment {
  std::string id;
  initiative::Date assessed_on;
  std::string created_by_name;
  std::vector<AnchoringScore> scores;  // in kAnchoringItems order, all seven

  double average() const;
};

struct Partner {
  std::string id;
  initiative::PartnerType type = initiative::PartnerType::annet;
  std::string name;     // ≤200 bytes, required
  std::string role;     // their role in the initiative, ≤200 bytes
  std::string contact;  // ≤200 bytes
  int version = 1;
};

struct Evidence {
  std::string id;
  initiative::EvidenceKind kind = initiative::EvidenceKind::forskning;
  std::string source;  // required, ≤500 bytes
  std::string note;    // ≤4,000 bytes
  int version = 1;
};

struct Activity {
  std::string id;
  initiative::ActivityType type = initiative::ActivityType::mote;
  std::string title;  // required, ≤200 bytes
  initiative::Date starts_on;
  std::optional<initiative::Date> ends_on;  // not before starts_on
  std::string responsible;                  // ≤200 bytes
  initiative::ActivityStatus status = initiative::ActivityStatus::planlagt;
  bool milestone = false;
  int version = 1;
};

class InitiativeRepository {
 public:
  InitiativeRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // The caller's organisation owns it.
  Result<Initiative> create(const Actor& who, const InitiativeDraft& draft);
  Result<Initiative> get(const Actor& who, const std::string& id);
  // The caller's organisation's initiatives and those they collaborate on,
  // newest change first.
  Result<std::vector<Initiative>> list(const Actor& who);
  Result<Initiative> update(const Actor& who, const std::string& id, int version,
                            const InitiativeDraft& draft);
  // Deletes it and all its parts. Only the owning organisation.
  Status remove(const Actor& who, const std::string& id);

  // Complexity: stores the answers and the suggestion computed from them,
  // the override (nullopt: follow the suggestion) and a note (≤2,000 bytes).
  Result<Initiative> set_complexity(const Actor& who, const std::string& id, int version,
                                    const initiative::CynefinAnswers& answers,
                                    std::optional<initiative::CynefinDomain> chosen,
                                    const std::string& note);

  // Collaborators: only the owning organisation manages them. The user must
  // be an active prosessveileder of a USHT organisation other than the owner.
  Status add_collaborator(const Actor& who, const std::string& id, const std::string& user_id);
  Status remove_collaborator(const Actor& who, const std::string& id, const std::string& user_id);
  Result<std::vector<Collaborator>> collaborators(const Actor& who, const std::string& id);

  // Goals, in the order added.
  Result<std::vector<Goal>> goals(const Actor& who, const std::string& id);
  Result<Goal> add_goal(const Actor& who, const std::string& id, const initiative::GoalDraft& g);
  Result<Goal> update_goal(const Actor& who, const std::string& id, const std::string& goal_id,
                           int version, const initiative::GoalDraft& g);
  Status remove_goal(const Actor& who, const std::string& id, const std::string& goal_id);
  Result<ProgressEntry> add_progress(const Actor& who, const std::string& id,
                                     const std::string& goal_id, double value,
                                     const initiative::Date& measured_on, const std::string& note);
  Status remove_progress(const Actor& who, const std::string& id, const std::string& goal_id,
                         const std::string& progress_id);

  // Anchoring: a new assessment needs all seven items scored 1..5; notes ≤2,000 bytes.
  Result<AnchoringAssessment> add_assessment(const Actor& who, const std::string& id,
                                             const initiative::Date& assessed_on,
                                             const std::vector<AnchoringScore>& scores);
  // Oldest first.
  Result<std::vector<AnchoringAssessment>> assessments(const Actor& who, const std::string& id);

  Result<std::vector<Partner>> partners(const Actor& who, const std::string& id);
  Result<Partner> add_partner(const Actor& who, const std::string& id, const Partner& p);
  Result<Partner> update_partner(const Actor& who, const std::string& id, const Partner& p);
  Status remove_partner(const Actor& who, const std::string& id, const std::string& partner_id);

  Result<std::vector<Evidence>> evidence(const Actor& who, const std::string& id);
  Result<Evidence> add_evidence(const Actor& who, const std::string& id, const Evidence& e);
  Result<Evidence> update_evidence(const Actor& who, const std::string& id, const Evidence& e);
  Status remove_evidence(const Actor& who, const std::string& id, const std::string& evidence_id);

  // By start date, then title.
  Result<std::vector<Activity>> activities(const Actor& who, const std::string& id);
  Result<Activity> add_activity(const Actor& who, const std::string& id, const Activity& a);
  Result<Activity> update_activity(const Actor& who, const std::string& id, const Activity& a);
  Status remove_activity(const Actor& who, const std::string& id, const std::string& activity_id);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace samskap::store
