#pragma once
// The MI behaviour codes (issue 7): value types shared by the MI engine, the
// store and the web layer. Pure data and string conversions; no I/O.
//
// The string forms follow AnnoMI's label vocabulary ("reflection",
// "therapist_input", "change", ...), so CSV files round-trip unchanged.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace samskap::mi {

// Who a speaker is in the conversation.
enum class Role { facilitator, participant };

// Main behaviour of a facilitator utterance (AnnoMI main_therapist_behaviour).
enum class Behaviour { reflection, question, input, other };
// Participant talk type (AnnoMI client_talk_type).
enum class TalkType { change, neutral, sustain };
enum class QuestionType { open, closed };
enum class ReflectionType { simple, complex };
// Facilitator input subtype (AnnoMI therapist_input_subtype).
enum class InputType { information, advice, negotiation, options };

inline constexpr std::array kBehaviours = {Behaviour::reflection, Behaviour::question,
                                           Behaviour::input, Behaviour::other};
inline constexpr std::array kTalkTypes = {TalkType::change, TalkType::neutral, TalkType::sustain};

// Stable string forms (AnnoMI vocabulary): "facilitator", "reflection",
// "therapist_input", "change", "open", "complex", "advice", ...
std::string_view to_string(Role r) noexcept;
std::string_view to_string(Behaviour b) noexcept;
std::string_view to_string(TalkType t) noexcept;
std::string_view to_string(QuestionType q) noexcept;
std::string_view to_string(ReflectionType r) noexcept;
std::string_view to_string(InputType i) noexcept;

// Parsers for the string forms. Case-sensitive, exact; nullopt otherwise.
// parse_role also accepts AnnoMI's "therapist" / "client".
std::optional<Role> parse_role(std::string_view s) noexcept;
std::optional<Behaviour> parse_behaviour(std::string_view s) noexcept;
std::optional<TalkType> parse_talk_type(std::string_view s) noexcept;
std::optional<QuestionType> parse_question_type(std::string_view s) noexcept;
std::optional<ReflectionType> parse_reflection_type(std::string_view s) noexcept;
std::optional<InputType> parse_input_type(std::string_view s) noexcept;

// A code together with the coder's confidence in it, in [0, 1].
template <typename T>
struct Scored {
  T value{};
  double confidence = 0.0;
};

// Everything the coder says about one utterance. Facilitator fields are set
// only for facilitator utterances, `talk` only for participant utterances;
// subtypes only when the main behaviour calls for them.
struct UtteranceCode {
  Role role = Role::participant;
  std::optional<Scored<Behaviour>> behaviour;
  std::optional<Scored<QuestionType>> question;
  std::optional<Scored<ReflectionType>> reflection;
  std::optional<Scored<InputType>> input;
  std::optional<Scored<TalkType>> talk;
  // Cue-based MI-consistent behaviours (the seed's "bekreftelse",
  // "betone selvbestemmelse", "oppsummeringer").
  bool affirmation = false;
  bool autonomy = false;
  bool summary = false;
  // MI-non-adherent: advice or persuasion without permission, confronting
  // (the seed's "korreksjonsrefleksen").
  bool non_adherent = false;
  bool permission_asked = false;  // the facilitator asked before giving input
};

}  // namespace samskap::mi
