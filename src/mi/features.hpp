#pragma once
// Utterance features for the linear models. Features are hashed strings
// (FNV-1a, 32 bit) with binary values, grouped in blocks; each block is
// scaled to unit L2 norm times its weight, so long utterances do not drown
// short ones. Deterministic: the same input always gives the same vector in
// the same order. Stateless apart from the borrowed Lexicon; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/mi_codes.hpp"
#include "mi/lexicon.hpp"

namespace samskap::mi {

// What the model may look at.
enum class FeatureSet : std::uint32_t {
  full = 1,  // words, word bigrams, character n-grams, cues, context (English model)
  cue = 2,   // cue categories and language-independent features only (transfers to nb)
};

// One utterance prepared once and shared by its own features and the next
// utterance's context features.
struct Prepared {
  Role role = Role::participant;
  std::string folded;
  std::vector<std::string> tokens;
  std::vector<std::string> stems;
  std::vector<std::uint8_t> cues;  // per Lexicon::categories()
  bool question_mark = false;
};

Prepared prepare(const Lexicon& lex, Role role, std::string_view text);

// A sparse feature vector: (hash, value), sorted by hash, unique; or, from
// extract(…, FeatureOrder::any), in no order and with a hash possibly more
// than once (its values add up, as a linear model reads them).
using FeatureVector = std::vector<std::pair<std::uint32_t, float>>;

enum class FeatureOrder {
  sorted,  // for training (LIBLINEAR wants sorted, unique indices)
  any,     // for coding: the sort is skipped (a linear model only sums)
};

std::uint32_t feature_hash(std::string_view prefix, std::string_view text) noexcept;

// Features of utterance `i` of the conversation `conv` (every utterance of
// the transcript, prepared, in order): its own text, its position, the
// previous utterance, and the speaker's own previous turn.
FeatureVector extract(FeatureSet set, const Lexicon& lex, const std::vector<Prepared>& conv,
                      std::size_t i, FeatureOrder order = FeatureOrder::sorted);

}  // namespace samskap::mi
