#include "web/multipart.hpp"

#include <algorithm>
#include <functional>

namespace samskap::web {

namespace {

Error bad(std::string detail) {
  return Error::invalid("error.bad_request", std::move(detail));
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// RFC 7230 tchar.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 2046 bchars (digits, letters, '()+_,-./:=? and space).
bool is_bchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// `type; a=b; c="d"`: the type and the parameters (names in lower case).
struct HeaderValue {
  std::string type;
  std::vector<std::pair<std::string, std::string>> params;
  const std::string* param(std::string_view name) const {
    for (const auto& [n, v] : params)
      if (n == name) return &v;
    return nullptr;
  }
};

Result<HeaderValue> parse_header_value(std::string_view v, std::string_view what) {
  HeaderValue out;
  auto semi = v.find(';');
  std::string_view type = trim_ows(v.substr(0, semi));
  if (type.empty()) return bad(std::string(what) + ": no value");
  for (char c : type) {
    if (!is_tchar(c) && c != '/') return bad(std::string(what) + ": invalid type");
    out.type += lower(c);
  }
  std::string_view rest = semi == std::string_view::npos ? std::string_view{} : v.substr(semi + 1);
  while (true) {
    rest = trim_ows(rest);
    if (rest.empty()) break;
    auto eq = rest.find('=');
    if (eq == std::string_view::npos) return bad(std::string(what) + ": a parameter without '='");
    std::string_view name = trim_ows(rest.substr(0, eq));
    if (name.empty()) return bad(std::string(what) + ": an empty parameter name");
    std::string lname;
    for (char c : name) {
      if (!is_tchar(c)) return bad(std::string(what) + ": invalid parameter name");
      lname += lower(c);
    }
    rest = trim_ows(rest.substr(eq + 1));
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      // WHATWG's encoding of form-data names: a quoted string without
      // backslash escapes (browsers send '"' as %22).
      auto close = rest.find('"', 1);
      if (close == std::string_view::npos)
        return bad(std::string(what) + ": an unterminated quoted string");
      value = std::string(rest.substr(1, close - 1));
      rest = trim_ows(rest.substr(close + 1));
      if (!rest.empty() && rest.front() != ';')
        return bad(std::string(what) + ": text after a quoted string");
    } else {
      auto end = rest.find(';');
      value = std::string(trim_ows(rest.substr(0, end)));
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    }
    out.params.emplace_back(std::move(lname), std::move(value));
    if (out.params.size() > 16) return bad(std::string(what) + ": too many parameters");
    if (!rest.empty()) rest.remove_prefix(1);  // the ';'
  }
  return out;
}

// The headers of one part (without the blank line) into `part`.
Status parse_part_headers(std::string_view headers, FormPart& part, std::size_t index,
                          const MultipartLimits& limits) {
  const std::string where = "part " + std::to_string(index + 1);
  bool has_disposition = false;
  while (!headers.empty()) {
    auto eol = headers.find("\r\n");
    std::string_view line = headers.substr(0, eol);
    headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return bad(where + ": a header line without a name and ':'");
    std::string_view name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), is_tchar))
      return bad(where + ": an invalid header name");
    std::string_view value = trim_ows(line.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), [](char c) {
          auto u = static_cast<unsigned char>(c);
          return (u < 0x20 && c != '\t') || u == 0x7F;
        }))
      return bad(where + ": a control character in a header");
    if (iequals(name, "content-disposition")) {
      if (has_disposition) return bad(where + ": two Content-Disposition headers");
      has_disposition = true;
      auto hv = parse_header_value(value, where + " Content-Disposition");
      if (!hv) return std::move(hv).error();
      if (hv->type != "form-data") return bad(where + ": Content-Disposition is not form-data");
      const std::string* n = hv->param("name");
      if (!n || n->empty()) return bad(where + ": Content-Disposition has no name");
      if (n->size() > limits.max_name_bytes) return bad(where + ": the field name is too long");
      part.name = *n;
      if (const std::string* f = hv->param("filename")) {
        if (f->size() > limits.max_name_bytes) return bad(where + ": the file name is too long");
        part.filename = *f;
      }
    } else if (iequals(name, "content-type")) {
      part.content_type = std::string(value.substr(0, 200));
    }
  }
  if (!has_disposition) return bad(where + ": no Content-Disposition header");
  return ok_status();
}

}  // namespace

Result<std::string> multipart_boundary(std::string_view content_type) {
  auto hv = parse_header_value(content_type, "Content-Type");
  if (!hv) return std::move(hv).error();
  if (hv->type != "multipart/form-data") return bad("Content-Type is not multipart/form-data");
  const std::string* b = hv->param("boundary");
  if (!b) return bad("Content-Type has no boundary");
  if (b->empty() || b->size() > 70) return bad("the boundary must have 1 to 70 characters");
  if (!std::all_of(b->begin(), b->end(), is_bchar) || b->back() == ' ')
    return bad("the boundary has characters RFC 2046 does not allow");
  return *b;
}

Result<std::vector<FormPart>> parse_multipart(std::string_view body, std::string_view boundary,
                                              const MultipartLimits& limits) {
  if (boundary.empty() || boundary.size() > 70) return bad("invalid boundary");
  const std::string delimiter = "\r\n--" + std::string(boundary);
  const std::boyer_moore_horspool_searcher search(delimiter.begin(), delimiter.end());
  auto find = [&](std::size_t from) -> std::size_t {
    auto it = std::search(body.begin() + static_cast<std::ptrdiff_t>(from), body.end(), search);
    return it == body.end() ? std::string_view::npos : static_cast<std::size_t>(it - body.begin());
  };

  // The opening delimiter: at the very start (without the CRLF) or after a preamble.
  std::size_t pos;
  std::string_view first(delimiter);
  first.remove_prefix(2);
  if (body.starts_with(first)) {
    pos = first.size();
  } else {
    auto at = find(0);
    if (at == std::string_view::npos) return bad("no opening boundary");
    pos = at + delimiter.size();
  }

  std::vector<FormPart> parts;
  while (true) {
    // After a delimiter: "--" closes the body; otherwise optional padding and CRLF.
    std::string_view rest = body.substr(pos);
    if (rest.starts_with("--")) return parts;  // the epilogue, if any, is ignored
    std::size_t pad = 0;
    while (pad < rest.size() && (rest[pad] == ' ' || rest[pad] == '\t') && pad < 64)
      ++pad;
    if (rest.substr(pad).size() < 2) return bad("truncated after a boundary");
    if (rest.substr(pad, 2) != "\r\n") return bad("a boundary is not followed by CRLF");
    pos += pad + 2;

    if (parts.size() == limits.max_parts)
      return bad("more than " + std::to_string(limits.max_parts) + " parts");
    FormPart part;
    // Headers end at the first blank line (a part may have none: CRLF at once).
    std::size_t header_end;
    std::size_t data_start;
    if (body.substr(pos).starts_with("\r\n")) {
      header_end = pos;
      data_start = pos + 2;
    } else {
      const std::size_t window = std::min(body.size() - pos, limits.max_header_bytes + 4);
      auto blank = body.substr(pos, window).find("\r\n\r\n");
      if (blank == std::string_view::npos) {
        if (window == body.size() - pos)
          return bad("part " + std::to_string(parts.size() + 1) +
                     ": truncated in its headers (no blank line)");
        return bad("part " + std::to_string(parts.size() + 1) + ": headers over " +
                   std::to_string(limits.max_header_bytes) + " bytes");
      }
      header_end = pos + blank;
      data_start = header_end + 4;
    }
    auto st = parse_part_headers(body.substr(pos, header_end - pos), part, parts.size(), limits);
    if (!st) return std::move(st).error();

    auto next = find(data_start - 2);  // the data may be empty: CRLF of the blank line is shared
    if (next == std::string_view::npos)
      return bad("part " + std::to_string(parts.size() + 1) + ": truncated (no closing boundary)");
    if (next < data_start) {
      // An empty part whose blank line doubles as the delimiter's CRLF.
      part.data.clear();
    } else {
      part.data = std::string(body.substr(data_start, next - data_start));
    }
    parts.push_back(std::move(part));
    pos = next + delimiter.size();
  }
}

Result<Params> multipart_form_fields(std::string_view content_type, std::string_view body,
                                     const MultipartLimits& limits) {
  auto boundary = multipart_boundary(content_type);
  if (!boundary) return std::move(boundary).error();
  auto parts = parse_multipart(body, *boundary, limits);
  if (!parts) return std::move(parts).error();
  Params form;
  for (auto& p : *parts) {
    if (p.filename) continue;
    if (!valid_utf8(p.name) || !valid_utf8(p.data))
      return bad("the field '" + (valid_utf8(p.name) ? p.name : std::string("?")) +
                 "' is not valid UTF-8");
    form[p.name] = std::move(p.data);
  }
  return form;
}

}  // namespace samskap::web
