#pragma once
// Language of a transcript (English or Norwegian bokmål) from stop-word hits
// and the letters æ, ø, å. Pure and thread-safe.

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/language.hpp"
#include "mi/transcript.hpp"

namespace samskap::mi {

struct LanguageScores {
  std::size_t tokens = 0;
  double en = 0.0;  // share of tokens that are English stop words
  double nb = 0.0;  // share of tokens that are Norwegian stop words (+ æøå bonus)
};

LanguageScores language_scores(const Transcript& t, const std::vector<std::string>& stop_en,
                               const std::vector<std::string>& stop_nb);

// Fewer words than this are never enough to tell the language ("Ja." /
// "Yes."); two are, when they are clear («Ja, stemmer.», "I don't.").
inline constexpr std::size_t kMinLanguageWords = 2;

// The more likely language. Errors (mi.error.unknown_language) when the text
// has fewer than kMinLanguageWords words, neither language reaches 15 % stop words, or the two
// are within 20 % of each other (mixed or another language). Stop-word lists
// must be sorted.
Result<Language> detect_language(const Transcript& t, const std::vector<std::string>& stop_en,
                                 const std::vector<std::string>& stop_nb);

}  // namespace samskap::mi
