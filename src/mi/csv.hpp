#pragma once
// RFC 4180 CSV: reading records with their line numbers, and writing fields.
// Stateless and thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace samskap::mi {

struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t line = 0;  // 1-based line where the record starts
};

// Reads all records. Quoted fields may hold commas, doubled quotes and line
// breaks; CRLF and LF are both record ends. A trailing empty line is ignored.
// Errors: mi.error.bad_csv (unterminated quote, text after a closing quote),
// mi.error.line_too_long (a field over `max_field_bytes`).
Result<std::vector<CsvRecord>> read_csv(std::string_view text, std::size_t max_field_bytes);

// Appends `field` to `out`, quoted when it holds a comma, quote or line break.
void append_csv_field(std::string& out, std::string_view field);

}  // namespace samskap::mi
