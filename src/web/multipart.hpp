#pragma once
// multipart/form-data (RFC 7578 over RFC 2046): the body of an HTML form with
// a file input. Outside input: every problem is an Error (invalid_input,
// message key "error.bad_request", an English detail for logs and tests),
// never an exception or a crash.
//
// Contract
// - The body must be complete: an opening delimiter, parts separated by
//   CRLF "--boundary", and a closing "--boundary--". A preamble before the
//   first delimiter and an epilogue after the last are ignored (RFC 2046).
// - Each part needs a `Content-Disposition: form-data; name="…"` header;
//   `filename` marks a file. Other headers are ignored except Content-Type.
// - Limits (MultipartLimits) on the number of parts and the header bytes
//   per part keep a hostile client from costing more than the body size.
// - Part data is returned as bytes, unchanged and unchecked: text fields are
//   checked for UTF-8 by multipart_form_fields, files by their consumer.
// - Stateless and thread-safe.
//
// We write this ourselves rather than use RESTinio's multipart helpers:
// those report no reason for a failure (an empty list), have no limits on a
// part's headers, and refuse a body whose closing delimiter is not followed by
// CRLF, which RFC 2046 allows.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "web/http.hpp"

namespace samskap::web {

struct MultipartLimits {
  std::size_t max_parts = 32;
  std::size_t max_header_bytes = 4096;  // all header lines of one part together
  std::size_t max_name_bytes = 200;     // a field name or file name
};

struct FormPart {
  std::string name;                     // the form field's name
  std::optional<std::string> filename;  // set for a file input (may be empty: no file chosen)
  std::string content_type;             // as sent; empty when absent
  std::string data;                     // the bytes of the field or file
};

// The boundary of a `multipart/form-data; boundary=…` Content-Type value
// (quoted or not; 1–70 characters of RFC 2046's bchars, not ending in a
// space). Errors: not multipart/form-data, missing or invalid boundary.
Result<std::string> multipart_boundary(std::string_view content_type);

// The parts of `body`, in order. Errors: no opening delimiter, a part without
// the blank line after its headers or without a closing delimiter
// (truncated), a malformed header line, a missing or malformed
// Content-Disposition, too many parts, headers over the limit.
Result<std::vector<FormPart>> parse_multipart(std::string_view body, std::string_view boundary,
                                              const MultipartLimits& limits = {});

// The text fields (parts without a filename) of a multipart/form-data body as
// a form; files are left out. Errors: everything above, plus a field that is
// not valid UTF-8. When a name repeats, the last value wins (as in
// parse_urlencoded).
Result<Params> multipart_form_fields(std::string_view content_type, std::string_view body,
                                     const MultipartLimits& limits = {});

}  // namespace samskap::web
