#pragma once
// Text utilities for the MI engine: UTF-8 validation, case folding and word
// tokenisation. Stateless and thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace samskap::mi {

// Position of the first byte that is not part of valid UTF-8 (overlongs,
// surrogates and code points above U+10FFFF are invalid), or nullopt.
std::optional<std::size_t> find_invalid_utf8(std::string_view s) noexcept;

// 1-based line number of byte offset `pos` in `s`.
std::size_t line_of(std::string_view s, std::size_t pos) noexcept;

// Lower-cases valid UTF-8 (ICU simple case mapping, so "ÆØÅ" -> "æøå").
// Typographic apostrophes become "'". Input must be valid UTF-8.
std::string fold_case(std::string_view s);

// Splits lower-cased text into word tokens: runs of letters and digits, with
// inner apostrophes and hyphens kept ("don't", "e-post"). Punctuation is dropped.
std::vector<std::string> tokenize(std::string_view folded);

// Collapses runs of whitespace to single spaces and trims the ends.
std::string squeeze_spaces(std::string_view s);

// Number of word tokens (used for talk time when no timings exist).
std::size_t word_count(std::string_view s);

}  // namespace samskap::mi
