#include "mi/language_detect.hpp"

#include <algorithm>
#include <cstdio>

#include "mi/text.hpp"

namespace samskap::mi {

LanguageScores language_scores(const Transcript& t, const std::vector<std::string>& stop_en,
                               const std::vector<std::string>& stop_nb) {
  LanguageScores s;
  std::size_t en = 0, nb = 0, special = 0;
  for (const auto& u : t.utterances) {
    for (const auto& tok : tokenize(fold_case(u.text))) {
      ++s.tokens;
      if (std::binary_search(stop_en.begin(), stop_en.end(), tok)) ++en;
      if (std::binary_search(stop_nb.begin(), stop_nb.end(), tok)) ++nb;
      if (tok.find("æ") != std::string::npos || tok.find("ø") != std::string::npos ||
          tok.find("å") != std::string::npos)
        ++special;
    }
  }
  if (s.tokens == 0) return s;
  auto n = static_cast<double>(s.tokens);
  s.en = static_cast<double>(en) / n;
  s.nb = static_cast<double>(nb + special) / n;
  return s;
}

Result<Language> detect_language(const Transcript& t, const std::vector<std::string>& stop_en,
                                 const std::vector<std::string>& stop_nb) {
  auto s = language_scores(t, stop_en, stop_nb);
  char buf[160];
  std::snprintf(buf, sizeof buf, "%zu words, %.0f %% English and %.0f %% Norwegian stop words",
                s.tokens, 100 * s.en, 100 * s.nb);
  if (s.tokens < 5)
    return Error::invalid(
        "mi.error.unknown_language",
        std::string("too little text to tell the language (") + buf + "); choose it with --lang");
  double hi = std::max(s.en, s.nb), lo = std::min(s.en, s.nb);
  if (hi < 0.15 || lo > 0.8 * hi)
    return Error::invalid("mi.error.unknown_language",
                          std::string("neither English nor Norwegian bokmål, or mixed (") + buf +
                              "); choose it with --lang");
  return s.nb > s.en ? Language::nb : Language::en;
}

}  // namespace samskap::mi
