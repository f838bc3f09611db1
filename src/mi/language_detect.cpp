#include "mi/language_detect.hpp"

#include <algorithm>
#include <cstdio>

#include "mi/text.hpp"

namespace samskap::mi {

namespace {

// "don't", "she's", "we're", "I'll", "they've", "I'd", "I'm": English
// contractions, also those not in the stop-word list. Norwegian writes no
// such endings (its apostrophes are rare and mark other things).
bool english_contraction(std::string_view tok) {
  const auto q = tok.rfind('\'');
  if (q == std::string_view::npos || q == 0) return false;
  const std::string_view tail = tok.substr(q + 1);
  if (tail == "s" || tail == "m" || tail == "d" || tail == "re" || tail == "ll" || tail == "ve")
    return true;
  return tail == "t" && tok[q - 1] == 'n';
}

bool has_nordic_letter(std::string_view tok) {
  return tok.find("æ") != std::string_view::npos || tok.find("ø") != std::string_view::npos ||
         tok.find("å") != std::string_view::npos;
}

enum class Spelling { unknown, english, norwegian };

// Letters and letter groups that (almost) only one of the two languages
// writes: w, q, c, x, z, "th", "sh", "ch", "ck", "ph", "oo", "ee", "ea", "ou"
// and a final "y" ("mostly", "honestly") in English; "kj", "sj", "gj", "hj"
// and the endings «-lig», «-ene», «-het» in Norwegian. A word with signs
// of both, or neither, says nothing.
Spelling spelling(std::string_view w) {
  auto has = [&](std::string_view g) { return w.find(g) != std::string_view::npos; };
  auto ends = [&](std::string_view g) {
    return w.size() > g.size() && w.compare(w.size() - g.size(), g.size(), g) == 0;
  };
  const bool en = w.find_first_of("wqcxz") != std::string_view::npos || has("th") || has("sh") ||
                  has("ph") || has("oo") || has("ee") || has("ea") || has("ou") ||
                  (w.size() > 3 && ends("y"));
  const bool nb =
      has("kj") || has("sj") || has("gj") || has("hj") || ends("lig") || ends("ene") || ends("het");
  if (en == nb) return Spelling::unknown;
  return en ? Spelling::english : Spelling::norwegian;
}

}  // namespace

LanguageScores language_scores(const Transcript& t, const std::vector<std::string>& stop_en,
                               const std::vector<std::string>& stop_nb) {
  LanguageScores s;
  double en = 0, nb = 0;
  for (const auto& u : t.utterances) {
    for (const auto& tok : tokenize(fold_case(u.text))) {
      ++s.tokens;
      const bool stop_e = std::binary_search(stop_en.begin(), stop_en.end(), tok);
      const bool stop_n = std::binary_search(stop_nb.begin(), stop_nb.end(), tok);
      en += stop_e ? 1.0 : 0.0;
      nb += stop_n ? 1.0 : 0.0;
      if (has_nordic_letter(tok)) {
        nb += 1.0;
      } else if (english_contraction(tok)) {
        en += 1.0;
      } else if (!stop_e && !stop_n) {
        // Spelling, for words in neither list: half the weight of a stop word.
        const Spelling sp = spelling(tok);
        if (sp == Spelling::english) en += 0.5;
        if (sp == Spelling::norwegian) nb += 0.5;
      }
    }
  }
  if (s.tokens == 0) return s;
  auto n = static_cast<double>(s.tokens);
  s.en = en / n;
  s.nb = nb / n;
  return s;
}

Result<Language> detect_language(const Transcript& t, const std::vector<std::string>& stop_en,
                                 const std::vector<std::string>& stop_nb) {
  auto s = language_scores(t, stop_en, stop_nb);
  char buf[160];
  std::snprintf(buf, sizeof buf, "%zu words, %.0f %% English and %.0f %% Norwegian stop words",
                s.tokens, 100 * s.en, 100 * s.nb);
  if (s.tokens < kMinLanguageWords)
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
