#include "core/mi_codes.hpp"

namespace samskap::mi {

std::string_view to_string(Role r) noexcept {
  return r == Role::facilitator ? "facilitator" : "participant";
}

std::string_view to_string(Behaviour b) noexcept {
  switch (b) {
    case Behaviour::reflection:
      return "reflection";
    case Behaviour::question:
      return "question";
    case Behaviour::input:
      return "therapist_input";
    case Behaviour::other:
      return "other";
  }
  return "other";
}

std::string_view to_string(TalkType t) noexcept {
  switch (t) {
    case TalkType::change:
      return "change";
    case TalkType::neutral:
      return "neutral";
    case TalkType::sustain:
      return "sustain";
  }
  return "neutral";
}

std::string_view to_string(QuestionType q) noexcept {
  return q == QuestionType::open ? "open" : "closed";
}

std::string_view to_string(ReflectionType r) noexcept {
  return r == ReflectionType::simple ? "simple" : "complex";
}

std::string_view to_string(InputType i) noexcept {
  switch (i) {
    case InputType::information:
      return "information";
    case InputType::advice:
      return "advice";
    case InputType::negotiation:
      return "negotiation";
    case InputType::options:
      return "options";
  }
  return "information";
}

std::optional<Role> parse_role(std::string_view s) noexcept {
  if (s == "facilitator" || s == "therapist") return Role::facilitator;
  if (s == "participant" || s == "client") return Role::participant;
  return std::nullopt;
}

std::optional<Behaviour> parse_behaviour(std::string_view s) noexcept {
  for (auto b : kBehaviours)
    if (to_string(b) == s) return b;
  return std::nullopt;
}

std::optional<TalkType> parse_talk_type(std::string_view s) noexcept {
  for (auto t : kTalkTypes)
    if (to_string(t) == s) return t;
  return std::nullopt;
}

std::optional<QuestionType> parse_question_type(std::string_view s) noexcept {
  if (s == "open") return QuestionType::open;
  if (s == "closed") return QuestionType::closed;
  return std::nullopt;
}

std::optional<ReflectionType> parse_reflection_type(std::string_view s) noexcept {
  if (s == "simple") return ReflectionType::simple;
  if (s == "complex") return ReflectionType::complex;
  return std::nullopt;
}

std::optional<InputType> parse_input_type(std::string_view s) noexcept {
  for (auto i :
       {InputType::information, InputType::advice, InputType::negotiation, InputType::options})
    if (to_string(i) == s) return i;
  return std::nullopt;
}

}  // namespace samskap::mi
