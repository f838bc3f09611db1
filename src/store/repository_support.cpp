#include "store/repository_support.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "core/credentials.hpp"
#include "store/secrets.hpp"

namespace samskap::store::detail {

Error db_error(const std::exception& e) {
  std::string what = e.what();
  auto nl = what.find('\n');
  if (nl != std::string::npos) what.resize(nl);
  return Error{ErrorCode::unavailable, "error.database_unavailable", what};
}

bool is_unique_violation(const std::exception& e) {
  std::string_view w = e.what();
  return w.find("UNIQUE constraint failed") != std::string_view::npos ||
         w.find("duplicate key value") != std::string_view::npos;
}

std::string new_id() {
  return token_hash(random_token()).substr(0, 32);
}

SystemTime parse_time(const std::string& s) {
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6)
    return SystemTime{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

Result<std::string> clean_name(std::string_view raw, const char* key) {
  return clean_text(raw, "name", key, 200, true, false);
}

Result<std::string> clean_text(std::string_view raw, std::string_view field, const char* key,
                               std::size_t max_bytes, bool required, bool multiline) {
  std::string text;
  text.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') continue;
    text += raw[i];
  }
  text = trim(text);
  std::string f(field);
  if (text.empty()) {
    if (required) return Error::invalid(key, f + " is empty");
    return text;
  }
  if (text.size() > max_bytes)
    return Error::invalid(key, f + " is over " + std::to_string(max_bytes) + " bytes");
  if (!is_valid_utf8(text)) return Error::invalid(key, f + " is not valid UTF-8");
  bool bad = std::any_of(text.begin(), text.end(), [&](char c) {
    auto u = static_cast<unsigned char>(c);
    if (multiline && (c == '\n' || c == '\t')) return false;
    return u < 0x20 || u == 0x7F;
  });
  if (bad) return Error::invalid(key, f + " has control characters");
  return text;
}

}  // namespace samskap::store::detail
