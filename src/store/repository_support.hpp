#pragma once
// Small helpers shared by the repositories: ids, error mapping, time text and
// the checks every typed-in text goes through. Internal to the store layer.

#include <exception>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace samskap::store::detail {

// unavailable "error.database_unavailable" with the first line of the
// driver's message as detail (never shown to users).
Error db_error(const std::exception& e);

// True when the exception is a UNIQUE violation on either engine.
bool is_unique_violation(const std::exception& e);

// 16 random bytes as 32 lower-case hex characters: ids that reveal nothing
// (not even how many objects exist) and cannot be guessed.
std::string new_id();

// Parses iso_utc() text; the epoch for anything else.
SystemTime parse_time(const std::string& s);

// True when `s` has an ASCII control character (including newlines).
bool has_control(std::string_view s);

// `s` without leading and trailing spaces, tabs and line breaks.
std::string trim(std::string_view s);

// A name typed by a person: trimmed, 1–200 bytes of UTF-8 without control
// characters. invalid_input with `key` otherwise.
Result<std::string> clean_name(std::string_view raw, const char* key);

// A typed-in text: trimmed; at most `max_bytes`; valid UTF-8; no control
// characters except (when `multiline`) line feeds and tabs (CR LF becomes
// LF). Empty is an error only when `required`. invalid_input with `key`,
// `field` in the detail.
Result<std::string> clean_text(std::string_view raw, std::string_view field, const char* key,
                               std::size_t max_bytes, bool required, bool multiline);

}  // namespace samskap::store::detail
