#pragma once
// The product's languages and how a request's language is chosen.
// Pure functions over strings: no I/O.

#include <optional>
#include <string_view>

namespace samskap {

enum class Language { nb, en };

constexpr Language kDefaultLanguage = Language::nb;

// "nb" / "en".
std::string_view code(Language lang) noexcept;

// Parses a language code from a query string or cookie. Accepts "nb", "no",
// "nn" (served as bokmål until nynorsk exists), "en", case-insensitively, with
// an optional region ("en-GB"). Anything else yields nullopt.
std::optional<Language> parse_language(std::string_view text) noexcept;

// Picks the best supported language from an Accept-Language header value
// (RFC 9110 §12.5.4: comma-separated ranges with optional ;q= weights).
// Malformed parts are skipped, never fatal. Returns nullopt when no range
// matches a supported language (the caller then uses kDefaultLanguage).
// Input longer than 4 KiB is ignored as hostile.
std::optional<Language> negotiate_language(std::string_view accept_language) noexcept;

// Chooses the request's language: explicit choice (query) > cookie >
// Accept-Language > default.
Language choose_language(std::string_view query_lang, std::string_view cookie_lang,
                         std::string_view accept_language) noexcept;

}  // namespace samskap
