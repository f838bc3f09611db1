#pragma once
// Requests and change initiatives (issue 5): the vocabularies, calendar dates
// as users type them, the SMART check of a goal and the Cynefin suggestion.
// Pure functions: no I/O, no clock (callers pass "today" where it matters).
//
// Every enum has a stable lower-case slug (stored in the database, used in
// forms and the JSON API) and a catalogue key for its name ("initiative.status.ide").

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/language.hpp"

namespace samskap::initiative {

// ---------------------------------------------------------------- dates

// A calendar date without a time zone (deadlines, activity days).
struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31, valid for the month

  auto operator<=>(const Date&) const = default;
};

// Accepts "dd.mm.åååå" (also "d.m.åååå") and ISO "åååå-mm-dd", surrounding
// spaces ignored, years 1900..2199. Errors (invalid_input):
//   "initiative.error.date_format"  – not one of the two forms;
//   "initiative.error.date_invalid" – no such day (31.02.2027).
Result<Date> parse_date(std::string_view text);
// "2027-03-01".
std::string to_iso(const Date& d);
// "01.03.2027".
std::string to_norwegian(const Date& d);
// The date as shown to a user of `lang` (nb: 01.03.2027, en: 2027-03-01).
std::string format_date(const Date& d, Language lang);
// Days from a to b (negative when b is earlier).
int days_between(const Date& a, const Date& b);
// True when `d` is a real day in 1900..2199 (what parse_date accepts).
bool is_valid(const Date& d) noexcept;

// ---------------------------------------------------------------- requests

// The three kinds of answer to a request (Kommune 1.0 / 2.0 / 3.0).
enum class AnswerLevel {
  rule,      // 1.0: answer by rule or mandate
  course,    // 2.0: deliver a course
  workshop,  // 3.0: a workshop with the relevant partners
};
inline constexpr std::array kAnswerLevels = {AnswerLevel::rule, AnswerLevel::course,
                                             AnswerLevel::workshop};
std::string_view slug(AnswerLevel a) noexcept;  // "1.0", "2.0", "3.0"
std::optional<AnswerLevel> parse_answer_level(std::string_view s) noexcept;

enum class RequestStatus { open, triaged, closed };
inline constexpr std::array kRequestStatuses = {RequestStatus::open, RequestStatus::triaged,
                                                RequestStatus::closed};
std::string_view slug(RequestStatus s) noexcept;  // "open", "triaged", "closed"
std::optional<RequestStatus> parse_request_status(std::string_view s) noexcept;

// ---------------------------------------------------------------- initiatives

enum class Status { ide, forankring, gjennomforing, vedlikehold, avsluttet };
inline constexpr std::array kStatuses = {Status::ide, Status::forankring, Status::gjennomforing,
                                         Status::vedlikehold, Status::avsluttet};
std::string_view slug(Status s) noexcept;  // "ide", "forankring", "gjennomforing", ...
std::optional<Status> parse_status(std::string_view s) noexcept;

// The seven anchoring items of Forankring, in the seed's order. Each maps to
// the knowledge base item with the same meaning (kb_id).
enum class AnchoringItem {
  tydelig_visjon,
  smarte_mal,
  eierskap,
  ledelse,
  medbestemmelse,
  tillit_respekt,
  maloppnaelse,
};
inline constexpr std::array kAnchoringItems = {
    AnchoringItem::tydelig_visjon, AnchoringItem::smarte_mal,     AnchoringItem::eierskap,
    AnchoringItem::ledelse,        AnchoringItem::medbestemmelse, AnchoringItem::tillit_respekt,
    AnchoringItem::maloppnaelse};
std::string_view slug(AnchoringItem a) noexcept;   // "tydelig-visjon", ...
std::string_view kb_id(AnchoringItem a) noexcept;  // "forankring.tydelig-visjon", ...
std::optional<AnchoringItem> parse_anchoring_item(std::string_view s) noexcept;

// Co-creation partner types (Samskaping).
enum class PartnerType {
  ansatte,                  // employees
  ledere,                   // leaders
  politikere,               // politicians
  innbyggere,               // citizens / service users
  brukerorganisasjoner,     // user organisations
  parorende,                // relatives
  naeringsliv,              // business
  spesialisthelsetjeneste,  // hospital / specialist health service
  utdanning_forskning,      // education and research
  frivillige,               // volunteers
  annet,                    // other
};
inline constexpr std::array kPartnerTypes = {PartnerType::ansatte,
                                             PartnerType::ledere,
                                             PartnerType::politikere,
                                             PartnerType::innbyggere,
                                             PartnerType::brukerorganisasjoner,
                                             PartnerType::parorende,
                                             PartnerType::naeringsliv,
                                             PartnerType::spesialisthelsetjeneste,
                                             PartnerType::utdanning_forskning,
                                             PartnerType::frivillige,
                                             PartnerType::annet};
std::string_view slug(PartnerType p) noexcept;  // "ansatte", "utdanning-forskning", ...
std::optional<PartnerType> parse_partner_type(std::string_view s) noexcept;
// The partner types a 3.0 answer should involve (all but `annet`): the
// "missing against 3.0" view lists those of them not taking part.
std::vector<PartnerType> missing_for_co_creation(const std::vector<PartnerType>& present);

enum class EvidenceKind { forskning, erfaring, brukerkunnskap };
inline constexpr std::array kEvidenceKinds = {EvidenceKind::forskning, EvidenceKind::erfaring,
                                              EvidenceKind::brukerkunnskap};
std::string_view slug(EvidenceKind k) noexcept;
std::optional<EvidenceKind> parse_evidence_kind(std::string_view s) noexcept;

// How balanced the three kinds of knowledge are: counts per kind and the
// kinds that are missing. `balanced` when every kind has at least one entry
// and no kind has more than half of all entries.
struct EvidenceBalance {
  std::array<int, 3> counts{};  // by kEvidenceKinds order
  std::vector<EvidenceKind> missing;
  bool balanced = false;
};
EvidenceBalance evidence_balance(const std::vector<EvidenceKind>& entries);

enum class ActivityType { mote, verksted, opplaering, samtale, evaluering };
inline constexpr std::array kActivityTypes = {ActivityType::mote, ActivityType::verksted,
                                              ActivityType::opplaering, ActivityType::samtale,
                                              ActivityType::evaluering};
std::string_view slug(ActivityType t) noexcept;
std::optional<ActivityType> parse_activity_type(std::string_view s) noexcept;

enum class ActivityStatus { planlagt, pagar, fullfort, avlyst };
inline constexpr std::array kActivityStatuses = {ActivityStatus::planlagt, ActivityStatus::pagar,
                                                 ActivityStatus::fullfort, ActivityStatus::avlyst};
std::string_view slug(ActivityStatus s) noexcept;  // "planlagt", "pagar", "fullfort", "avlyst"
std::optional<ActivityStatus> parse_activity_status(std::string_view s) noexcept;

// Catalogue key of a value's name: "initiative.status.ide",
// "initiative.partner.ansatte", "request.level.3-0", ...
std::string name_key(AnswerLevel a);
std::string name_key(RequestStatus s);
std::string name_key(Status s);
std::string name_key(AnchoringItem a);
std::string name_key(PartnerType p);
std::string name_key(EvidenceKind k);
std::string name_key(ActivityType t);
std::string name_key(ActivityStatus s);

// ---------------------------------------------------------------- SMART check

// A goal as the facilitator wrote it. Free text may already contain what a
// structured field lacks ("Redusere fall med 20 % innen 1. juni 2027").
struct GoalDraft {
  std::string statement;           // the goal in words
  std::string indicator;           // what is measured ("antall fall per måned")
  std::optional<double> baseline;  // value now
  std::optional<double> target;    // value wanted
  std::optional<Date> due;         // by when
  std::string owner;               // who answers for it
};

// What the check found missing or weak. Advice only: it never blocks saving.
enum class SmartGap {
  indicator,  // no measurable indicator (no field, no number or measure in the text)
  target,     // no target value
  baseline,   // no baseline
  due_date,   // no date (no field, no date or deadline in the text)
  owner,      // nobody answers for it
  vague,      // the statement uses vague words ("bedre", "improve") without a number
  past_due,   // the date has passed (relative to `today`)
};
std::string_view slug(SmartGap g) noexcept;  // "indicator", ..., "due-date", "past-due"
std::string name_key(SmartGap g);            // "initiative.smart.indicator", ...

// The gaps of a goal, in the order of the enum. The statement is read with
// the bokmål and the English word lists at once, so both are understood
// whatever the user's language (the rules are documented in initiative.cpp).
// `today` is used for past_due and for "this year" / "next year" in the
// text. Only the first kSmartMaxStatementBytes of the statement are read.
inline constexpr std::size_t kSmartMaxStatementBytes = 4096;
std::vector<SmartGap> smart_gaps(const GoalDraft& goal, const Date& today);

// ---------------------------------------------------------------- Cynefin

enum class CynefinDomain { clear, complicated, complex, chaotic, disorder };
std::string_view slug(CynefinDomain d) noexcept;   // "clear", ...
std::string_view kb_id(CynefinDomain d) noexcept;  // "cynefin.clear", ...
std::optional<CynefinDomain> parse_cynefin_domain(std::string_view s) noexcept;

enum class Answer { yes, no, unsure };
std::optional<Answer> parse_answer(
    std::string_view s) noexcept;          // "ja"/"yes", "nei"/"no", "usikker"/"unsure"
std::string_view slug(Answer a) noexcept;  // "yes", "no", "unsure"

// The guided questions, in order; their texts are catalogue keys
// "initiative.cynefin.q.<slug>" (name_key) and their help texts
// "initiative.cynefin.help.<slug>" (help_key). (A TOML key cannot be both a
// text and a table, so the help cannot live under "q.<slug>.help".)
enum class CynefinQuestion {
  crisis,          // Is there a crisis that must be stabilised now?
  agreement,       // Do those involved agree on what the problem is?
  known_solution,  // Is there a known, proven solution everyone would accept?
  expertise,       // Could experts work out the answer by analysis?
  predictable,     // Can one predict what a change will lead to?
};
inline constexpr std::array kCynefinQuestions = {
    CynefinQuestion::crisis, CynefinQuestion::agreement, CynefinQuestion::known_solution,
    CynefinQuestion::expertise, CynefinQuestion::predictable};
std::string_view slug(CynefinQuestion q) noexcept;  // "crisis", "known-solution", ...
std::string name_key(CynefinQuestion q);            // "initiative.cynefin.q.crisis"
std::string help_key(CynefinQuestion q);            // "initiative.cynefin.help.crisis"

// Answers by kCynefinQuestions order; a missing answer counts as unsure.
using CynefinAnswers = std::array<Answer, kCynefinQuestions.size()>;

// The suggested domain and why (catalogue key of the reason).
struct CynefinSuggestion {
  CynefinDomain domain = CynefinDomain::disorder;
  std::string reason_key;  // "initiative.cynefin.reason.crisis", ... (rules in initiative.cpp)
};
CynefinSuggestion suggest_cynefin(const CynefinAnswers& answers);

// ---------------------------------------------------------------- tags

// SDG tags are the goal numbers 1..17. Parses "3", "sdg.3"; nullopt otherwise.
std::optional<int> parse_sdg(std::string_view s) noexcept;

}  // namespace samskap::initiative
