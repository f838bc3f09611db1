#pragma once
// Cue lexicons: phrases that signal MI behaviours (questions, reflections,
// advice, change talk, ...), one file per language under content/mi/. The
// same category names are used in every language, so a model trained on
// English cue categories can be applied to Norwegian ones.
//
// File format (UTF-8, one cue a line, '#' starts a comment):
//   <category> <pattern>
// A pattern is a sequence of words separated by spaces. Words match by their
// Snowball stem (so "endre" matches "endrer", "endret"), "=word" matches the
// word exactly, "word*" matches any word that starts with "word", and "_"
// matches any one word. A leading "^" anchors the pattern at the start of the
// utterance (after fillers listed in the category "filler"), a trailing "$"
// at its end.
//
// Thread-safety: a loaded Lexicon is immutable; match() may be called from
// several threads at once.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "core/language.hpp"

namespace samskap::mi {

// Snowball stemming of lower-cased words. Each thread gets its own stemmer.
std::string stem(Language lang, std::string_view word);

struct Cue {
  std::string category;
  std::string pattern;  // as written, for explanations
};

class Lexicon {
 public:
  // Parses a lexicon file. Errors: mi.error.bad_lexicon with the line.
  static Result<Lexicon> parse(Language lang, std::string_view text);

  Language language() const noexcept { return lang_; }
  // Sorted, unique category names (excluding "filler").
  const std::vector<std::string>& categories() const noexcept { return categories_; }
  std::size_t size() const noexcept { return entries_.size(); }

  // Indices into categories() of every cue that matches, sorted and unique
  // per category count: result[i] is the number of distinct cues of
  // category i that match. `tokens` are tokenize(fold_case(text)).
  std::vector<std::uint8_t> match(const std::vector<std::string>& tokens) const;
  // The same with the tokens' stems already computed (stems(tokens)).
  std::vector<std::uint8_t> match(const std::vector<std::string>& tokens,
                                  const std::vector<std::string>& stems) const;

  // The words' stems as this lexicon compares them.
  std::vector<std::string> stems(const std::vector<std::string>& tokens) const;

 private:
  struct Word {
    enum Kind : std::uint8_t { stem, exact, prefix, any } kind = stem;
    std::string text;
  };
  struct Entry {
    std::size_t category = 0;
    bool anchored_start = false, anchored_end = false;
    std::vector<Word> words;
  };
  Language lang_ = Language::en;
  std::vector<std::string> categories_;
  std::vector<Entry> entries_;
  std::vector<std::string> fillers_;  // exact words skipped before "^" anchors
  // Entries by their first word, so match() only tries the cues that can
  // start at a token (one hash lookup per token and kind); entries starting
  // with a prefix or "_" are tried everywhere.
  std::unordered_map<std::string, std::vector<std::uint32_t>> by_stem_, by_exact_;
  std::vector<std::uint32_t> scan_;
  void build_index();
};

}  // namespace samskap::mi
