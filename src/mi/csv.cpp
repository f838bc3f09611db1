#include "mi/csv.hpp"

namespace samskap::mi {

Result<std::vector<CsvRecord>> read_csv(std::string_view text, std::size_t max_field_bytes) {
  std::vector<CsvRecord> records;
  CsvRecord rec;
  std::string field;
  std::size_t line = 1;
  rec.line = 1;
  bool in_quotes = false, was_quoted = false, any = false;
  std::size_t quote_line = 0;
  auto end_field = [&]() -> bool {
    if (field.size() > max_field_bytes) return false;
    rec.fields.push_back(std::move(field));
    field.clear();
    was_quoted = false;
    return true;
  };
  auto too_long = [&] {
    return Error{ErrorCode::too_large, "mi.error.line_too_long",
                 "CSV field longer than " + std::to_string(max_field_bytes) + " bytes at line " +
                     std::to_string(rec.line)};
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      if (field.size() > max_field_bytes) return too_long();
      continue;
    }
    if (c == '"') {
      if (!field.empty() || was_quoted)
        return Error::invalid("mi.error.bad_csv", "stray quote inside an unquoted field at line " +
                                                      std::to_string(line));
      in_quotes = was_quoted = any = true;
      quote_line = line;
      continue;
    }
    if (was_quoted && c != ',' && c != '\n' && c != '\r')
      return Error::invalid("mi.error.bad_csv",
                            "text after a closing quote at line " + std::to_string(line));
    if (c == ',') {
      if (!end_field()) return too_long();
      any = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        if (!end_field()) return too_long();
        records.push_back(std::move(rec));
      }
      rec = CsvRecord{};
      ++line;
      rec.line = line;
      any = false;
    } else {
      field.push_back(c);
      any = true;
      if (field.size() > max_field_bytes) return too_long();
    }
  }
  if (in_quotes)
    return Error::invalid("mi.error.bad_csv", "quote opened at line " + std::to_string(quote_line) +
                                                  " is never closed");
  if (any || !field.empty()) {
    if (!end_field()) return too_long();
    records.push_back(std::move(rec));
  }
  return records;
}

void append_csv_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace samskap::mi
