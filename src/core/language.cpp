#include "core/language.hpp"

#include <cctype>

namespace samskap {
namespace {

char lower(char c) noexcept {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Parses a qvalue ("0", "0.5", "1", "1.000"); returns -1 when malformed.
int parse_qvalue_millis(std::string_view q) noexcept {
  if (q.empty() || q.size() > 5) return -1;
  if (q[0] != '0' && q[0] != '1') return -1;
  int whole = q[0] - '0';
  if (q.size() == 1) return whole * 1000;
  if (q[1] != '.') return -1;
  int frac = 0;
  int digits = 0;
  for (std::size_t i = 2; i < q.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(q[i]))) return -1;
    frac = frac * 10 + (q[i] - '0');
    ++digits;
  }
  while (digits < 3) {
    frac *= 10;
    ++digits;
  }
  int value = whole * 1000 + frac;
  return value > 1000 ? -1 : value;
}

}  // namespace

std::string_view code(Language lang) noexcept {
  switch (lang) {
    case Language::nb:
      return "nb";
    case Language::en:
      return "en";
  }
  return "nb";
}

std::optional<Language> parse_language(std::string_view text) noexcept {
  text = trim(text);
  if (text.size() > 16) return std::nullopt;
  auto dash = text.find_first_of("-_");
  std::string_view primary = text.substr(0, dash);
  if (dash != std::string_view::npos) {
    std::string_view region = text.substr(dash + 1);
    if (region.empty()) return std::nullopt;
    for (char c : region)
      if (!std::isalnum(static_cast<unsigned char>(c))) return std::nullopt;
  }
  if (iequals(primary, "nb") || iequals(primary, "no") || iequals(primary, "nn"))
    return Language::nb;
  if (iequals(primary, "en")) return Language::en;
  return std::nullopt;
}

std::optional<Language> negotiate_language(std::string_view header) noexcept {
  if (header.size() > 4096) return std::nullopt;
  std::optional<Language> best;
  int best_q = 0;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);

    auto semi = item.find(';');
    std::string_view range = trim(item.substr(0, semi));
    int q = 1000;
    if (semi != std::string_view::npos) {
      std::string_view params = trim(item.substr(semi + 1));
      if (params.size() >= 2 && lower(params[0]) == 'q' && params[1] == '=') {
        q = parse_qvalue_millis(trim(params.substr(2)));
      } else {
        q = -1;  // unknown parameter: skip this range
      }
    }
    if (q <= 0) continue;
    std::optional<Language> lang;
    if (range == "*") {
      lang = kDefaultLanguage;
    } else {
      lang = parse_language(range);
    }
    // Strictly greater: earlier ranges win ties, as listed by the client.
    if (lang && q > best_q) {
      best = lang;
      best_q = q;
    }
  }
  return best;
}

Language choose_language(std::string_view query_lang, std::string_view cookie_lang,
                         std::string_view accept_language) noexcept {
  if (auto l = parse_language(query_lang)) return *l;
  if (auto l = parse_language(cookie_lang)) return *l;
  if (auto l = negotiate_language(accept_language)) return *l;
  return kDefaultLanguage;
}

}  // namespace samskap
