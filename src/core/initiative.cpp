#include "core/initiative.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <initializer_list>

namespace samskap::initiative {

namespace {

// ---------------------------------------------------------------- helpers

bool is_ascii_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_ascii_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_ascii_space(s.back()))
    s.remove_suffix(1);
  return s;
}

// The value of an all-digit string of at most 4 digits, or -1.
int small_number(std::string_view s) noexcept {
  if (s.empty() || s.size() > 4) return -1;
  int v = 0;
  for (char c : s) {
    if (!is_digit(c)) return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool is_leap(int y) noexcept {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) noexcept {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  return m == 2 && is_leap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

// Days since 1970-01-01 in the proleptic Gregorian calendar (the well-known
// era-based civil-to-days conversion: 400-year eras of 146097 days, years
// starting in March so the leap day is the last day of the year).
std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;                                    // [0, 399]
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

Date last_day_of_month(int y, int m) noexcept {
  return Date{y, m, days_in_month(y, m)};
}

// Looks `s` up in a slug table indexed like the enum's k<Values> array.
template <typename Enum, std::size_t N>
std::optional<Enum> parse_slug(std::string_view s, const std::array<Enum, N>& values,
                               const std::array<std::string_view, N>& slugs) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    if (slugs[i] == s) return values[i];
  return std::nullopt;
}

template <typename Enum, std::size_t N>
std::string_view slug_of(Enum e, const std::array<Enum, N>& values,
                         const std::array<std::string_view, N>& slugs) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    if (values[i] == e) return slugs[i];
  return {};
}

std::string key(std::string_view prefix, std::string_view slug) {
  std::string k(prefix);
  k += slug;
  return k;
}

constexpr std::array<std::string_view, 3> kAnswerLevelSlugs = {"1.0", "2.0", "3.0"};
constexpr std::array<std::string_view, 3> kRequestStatusSlugs = {"open", "triaged", "closed"};
constexpr std::array<std::string_view, 5> kStatusSlugs = {"ide", "forankring", "gjennomforing",
                                                          "vedlikehold", "avsluttet"};
constexpr std::array<std::string_view, 7> kAnchoringSlugs = {
    "tydelig-visjon", "smarte-mal",     "eierskap",    "ledelse",
    "medbestemmelse", "tillit-respekt", "maloppnaelse"};
constexpr std::array<std::string_view, 7> kAnchoringKbIds = {
    "forankring.tydelig-visjon", "forankring.smarte-mal",     "forankring.eierskap",
    "forankring.ledelse",        "forankring.medbestemmelse", "forankring.tillit-respekt",
    "forankring.maloppnaelse"};
constexpr std::array<std::string_view, 11> kPartnerSlugs = {"ansatte",
                                                            "ledere",
                                                            "politikere",
                                                            "innbyggere",
                                                            "brukerorganisasjoner",
                                                            "parorende",
                                                            "naeringsliv",
                                                            "spesialisthelsetjeneste",
                                                            "utdanning-forskning",
                                                            "frivillige",
                                                            "annet"};
constexpr std::array<std::string_view, 3> kEvidenceSlugs = {"forskning", "erfaring",
                                                            "brukerkunnskap"};
constexpr std::array<std::string_view, 5> kActivityTypeSlugs = {"mote", "verksted", "opplaering",
                                                                "samtale", "evaluering"};
constexpr std::array<std::string_view, 4> kActivityStatusSlugs = {"planlagt", "pagar", "fullfort",
                                                                  "avlyst"};
constexpr std::array kSmartGapValues = {SmartGap::indicator, SmartGap::target, SmartGap::baseline,
                                        SmartGap::due_date,  SmartGap::owner,  SmartGap::vague,
                                        SmartGap::past_due};
constexpr std::array<std::string_view, 7> kSmartGapSlugs = {
    "indicator", "target", "baseline", "due-date", "owner", "vague", "past-due"};
constexpr std::array kCynefinDomainValues = {CynefinDomain::clear, CynefinDomain::complicated,
                                             CynefinDomain::complex, CynefinDomain::chaotic,
                                             CynefinDomain::disorder};
constexpr std::array<std::string_view, 5> kCynefinDomainSlugs = {"clear", "complicated", "complex",
                                                                 "chaotic", "disorder"};
constexpr std::array<std::string_view, 5> kCynefinDomainKbIds = {
    "cynefin.clear", "cynefin.complicated", "cynefin.complex", "cynefin.chaotic",
    "cynefin.disorder"};
constexpr std::array<std::string_view, 5> kCynefinQuestionSlugs = {
    "crisis", "agreement", "known-solution", "expertise", "predictable"};
constexpr std::array kAnswerValues = {Answer::yes, Answer::no, Answer::unsure};
constexpr std::array<std::string_view, 3> kAnswerSlugs = {"yes", "no", "unsure"};

}  // namespace

// ---------------------------------------------------------------- dates

// Strict grammar after trimming ASCII whitespace:
//   Norwegian: D{1,2} "." M{1,2} "." YYYY
//   ISO:       YYYY "-" MM "-" DD
// with ASCII digits only (no signs, no Unicode digits, no embedded NUL).
// Anything else is date_format; a well-formed date that does not exist (month
// 13, 31.04, 29.02 outside leap years) or a year outside 1900..2199 is
// date_invalid.
Result<Date> parse_date(std::string_view text) {
  const auto format_error = [&] {
    return Error::invalid("initiative.error.date_format", "not dd.mm.yyyy or yyyy-mm-dd");
  };
  const std::string_view s = trim(text);
  if (s.size() > 10) return format_error();

  int year = 0, month = 0, day = 0;
  const auto dash1 = s.find('-');
  if (dash1 != std::string_view::npos) {
    if (s.size() != 10 || dash1 != 4 || s[7] != '-') return format_error();
    year = small_number(s.substr(0, 4));
    month = small_number(s.substr(5, 2));
    day = small_number(s.substr(8, 2));
  } else {
    const auto dot1 = s.find('.');
    if (dot1 == std::string_view::npos || dot1 < 1 || dot1 > 2) return format_error();
    const auto dot2 = s.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || dot2 - dot1 - 1 < 1 || dot2 - dot1 - 1 > 2)
      return format_error();
    if (s.size() - dot2 - 1 != 4) return format_error();
    day = small_number(s.substr(0, dot1));
    month = small_number(s.substr(dot1 + 1, dot2 - dot1 - 1));
    year = small_number(s.substr(dot2 + 1));
  }
  if (year < 0 || month < 0 || day < 0) return format_error();

  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1 ||
      day > days_in_month(year, month))
    return Error::invalid("initiative.error.date_invalid", "no such day");
  return Date{year, month, day};
}

bool is_valid(const Date& d) noexcept {
  return d.year >= 1900 && d.year <= 2199 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= days_in_month(d.year, d.month);
}

std::string to_iso(const Date& d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string to_norwegian(const Date& d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02d.%02d.%04d", d.day, d.month, d.year);
  return buf;
}

std::string format_date(const Date& d, Language lang) {
  return lang == Language::en ? to_iso(d) : to_norwegian(d);
}

int days_between(const Date& a, const Date& b) {
  return static_cast<int>(days_from_civil(b.year, b.month, b.day) -
                          days_from_civil(a.year, a.month, a.day));
}

// ---------------------------------------------------------------- vocabularies

std::string_view slug(AnswerLevel a) noexcept {
  return slug_of(a, kAnswerLevels, kAnswerLevelSlugs);
}
std::optional<AnswerLevel> parse_answer_level(std::string_view s) noexcept {
  return parse_slug(s, kAnswerLevels, kAnswerLevelSlugs);
}

std::string_view slug(RequestStatus s) noexcept {
  return slug_of(s, kRequestStatuses, kRequestStatusSlugs);
}
std::optional<RequestStatus> parse_request_status(std::string_view s) noexcept {
  return parse_slug(s, kRequestStatuses, kRequestStatusSlugs);
}

std::string_view slug(Status s) noexcept {
  return slug_of(s, kStatuses, kStatusSlugs);
}
std::optional<Status> parse_status(std::string_view s) noexcept {
  return parse_slug(s, kStatuses, kStatusSlugs);
}

std::string_view slug(AnchoringItem a) noexcept {
  return slug_of(a, kAnchoringItems, kAnchoringSlugs);
}
std::string_view kb_id(AnchoringItem a) noexcept {
  return slug_of(a, kAnchoringItems, kAnchoringKbIds);
}
std::optional<AnchoringItem> parse_anchoring_item(std::string_view s) noexcept {
  return parse_slug(s, kAnchoringItems, kAnchoringSlugs);
}

std::string_view slug(PartnerType p) noexcept {
  return slug_of(p, kPartnerTypes, kPartnerSlugs);
}
std::optional<PartnerType> parse_partner_type(std::string_view s) noexcept {
  return parse_slug(s, kPartnerTypes, kPartnerSlugs);
}

std::vector<PartnerType> missing_for_co_creation(const std::vector<PartnerType>& present) {
  std::vector<PartnerType> missing;
  for (auto p : kPartnerTypes) {
    if (p == PartnerType::annet) continue;
    if (std::find(present.begin(), present.end(), p) == present.end()) missing.push_back(p);
  }
  return missing;
}

std::string_view slug(EvidenceKind k) noexcept {
  return slug_of(k, kEvidenceKinds, kEvidenceSlugs);
}
std::optional<EvidenceKind> parse_evidence_kind(std::string_view s) noexcept {
  return parse_slug(s, kEvidenceKinds, kEvidenceSlugs);
}

EvidenceBalance evidence_balance(const std::vector<EvidenceKind>& entries) {
  EvidenceBalance b;
  for (auto e : entries)
    for (std::size_t i = 0; i < kEvidenceKinds.size(); ++i)
      if (kEvidenceKinds[i] == e) ++b.counts[i];
  long long total = 0;
  int largest = 0;
  for (std::size_t i = 0; i < kEvidenceKinds.size(); ++i) {
    if (b.counts[i] == 0) b.missing.push_back(kEvidenceKinds[i]);
    total += b.counts[i];
    largest = std::max(largest, b.counts[i]);
  }
  b.balanced = b.missing.empty() && 2LL * largest <= total;
  return b;
}

std::string_view slug(ActivityType t) noexcept {
  return slug_of(t, kActivityTypes, kActivityTypeSlugs);
}
std::optional<ActivityType> parse_activity_type(std::string_view s) noexcept {
  return parse_slug(s, kActivityTypes, kActivityTypeSlugs);
}

std::string_view slug(ActivityStatus s) noexcept {
  return slug_of(s, kActivityStatuses, kActivityStatusSlugs);
}
std::optional<ActivityStatus> parse_activity_status(std::string_view s) noexcept {
  return parse_slug(s, kActivityStatuses, kActivityStatusSlugs);
}

std::string name_key(AnswerLevel a) {
  std::string s(slug(a));
  std::replace(s.begin(), s.end(), '.', '-');  // "3.0" -> "3-0": a dot would nest the key
  return key("request.level.", s);
}
std::string name_key(RequestStatus s) {
  return key("request.status.", slug(s));
}
std::string name_key(Status s) {
  return key("initiative.status.", slug(s));
}
std::string name_key(AnchoringItem a) {
  return key("initiative.anchoring.", slug(a));
}
std::string name_key(PartnerType p) {
  return key("initiative.partner.", slug(p));
}
std::string name_key(EvidenceKind k) {
  return key("initiative.evidence.", slug(k));
}
std::string name_key(ActivityType t) {
  return key("initiative.activity.", slug(t));
}
std::string name_key(ActivityStatus s) {
  return key("initiative.activity_status.", slug(s));
}

std::string_view slug(SmartGap g) noexcept {
  return slug_of(g, kSmartGapValues, kSmartGapSlugs);
}
std::string name_key(SmartGap g) {
  return key("initiative.smart.", slug(g));
}

std::string_view slug(CynefinDomain d) noexcept {
  return slug_of(d, kCynefinDomainValues, kCynefinDomainSlugs);
}
std::string_view kb_id(CynefinDomain d) noexcept {
  return slug_of(d, kCynefinDomainValues, kCynefinDomainKbIds);
}
std::optional<CynefinDomain> parse_cynefin_domain(std::string_view s) noexcept {
  return parse_slug(s, kCynefinDomainValues, kCynefinDomainSlugs);
}

std::string_view slug(Answer a) noexcept {
  return slug_of(a, kAnswerValues, kAnswerSlugs);
}
std::optional<Answer> parse_answer(std::string_view s) noexcept {
  if (s == "ja") return Answer::yes;
  if (s == "nei") return Answer::no;
  if (s == "usikker") return Answer::unsure;
  return parse_slug(s, kAnswerValues, kAnswerSlugs);
}

std::string_view slug(CynefinQuestion q) noexcept {
  return slug_of(q, kCynefinQuestions, kCynefinQuestionSlugs);
}
std::string name_key(CynefinQuestion q) {
  return key("initiative.cynefin.q.", slug(q));
}
std::string help_key(CynefinQuestion q) {
  return key("initiative.cynefin.help.", slug(q));
}

// ---------------------------------------------------------------- SMART check
//
// The check reads the statement as a sequence of tokens and knows a few small
// word lists in bokmål and English at once (a statement may mix them). It is
// deliberately simple and deterministic; it advises and never blocks.
//
// 1. Folding: ASCII and Latin-1 capitals (Æ Ø Å É …) are lower-cased; other
//    text is kept. Tokens are words (letters, including any non-ASCII letter
//    of Latin-1 Supplement / Latin Extended), numbers ("20", "4,5", "1.5"),
//    numeric dates ("01.06.2027", "1.6.2027", "2027-06-01", validated with
//    parse_date) and "%". Everything else separates tokens.
// 2. Time expressions are found first and "used up", so their numbers do not
//    count as measurements:
//    a. numeric dates;
//    b. month names with a year: "juni 2027", "1. juni 2027", "June 1, 2027",
//       "1st of June 2027", "March 2027" (a month without a day means its last
//       day; a month name without a year is ignored, so "may" is not a month);
//       quarters: "Q1 2027", "1. kvartal 2027", "first quarter of 2027" (the
//       quarter's last day); this and next year, relative to `today`: "i år",
//       "innen utgangen av året", "by the end of the year", "neste år";
//    c. a year 1900..2199 preceded within four tokens by a deadline word
//       (innen, før, ved, utgangen, slutten, løpet, senest, i, by, before, end,
//       until, till, during, in, within): "innen utgangen av 2027", "by the end
//       of 2027", "i 2027" mean 31 December of that year. A year followed by
//       "%" or a percent word is a number, not a year;
//    d. a duration, (number or number word) + time unit, preceded within three
//       tokens by innen, om, løpet, etter, før, within, in, after: "innen 6
//       måneder", "within six months", "i løpet av ett år". A duration gives
//       a deadline but no date.
// 3. What is left: numbers N (tokens not used up by time expressions).
//    - target from text: N is not empty.
//    - indicator from text: a measure word (antall, andel, prosent, %,
//      gjennomsnitt, skår, score, rate, share of, number of, proportion,
//      percentage, average, ratio, …) or a number in N followed by "%", a
//      percent word or another word that is not a small connector (og, til,
//      innen, and, to, by, …), as in "3 møter", or a "fra X til Y" (below):
//      a change from one number to another says that something is measured.
//      A bare "til 80" gives a target but no indicator (80 of what?).
//    - baseline from text: "fra X … til Y" / "from X … to Y" with X and Y in
//      N and at most four tokens between X and "til"/"to".
//    - due from text: any time expression of step 2.
//    - vague: a vague word (bedre, mer, økt, styrke, forbedre, flinkere,
//      improve, better, more, strengthen, enhance, …) and N empty.
//    A number followed by "per" ("10 per måned", "25 per cent") is measured.
//    Known limit: a number 1900..2199 right after a deadline word is read as
//    a year ("increase by 2000 users" loses its target).
//    Only the first kSmartMaxStatementBytes of the statement are read.
// 4. Structured fields win: a non-blank indicator or owner, a finite baseline
//    or target, a due date each fill their gap. past_due compares the due
//    field, or else the latest date found in the text, with `today`.

namespace {

enum class Tok { word, number, percent, date };

struct Token {
  Tok kind = Tok::word;
  std::string text;          // folded word, or the digits of a number
  long long value = -1;      // integer part of a number (capped), -1 if none
  bool integer = false;      // a number without decimals
  std::size_t digits = 0;    // digits of the integer part
  std::optional<Date> date;  // Tok::date
  bool used = false;         // part of a time expression
};

// Decodes one UTF-8 sequence at s[i]; returns the code point and advances i.
// Invalid bytes yield U+FFFD and advance by one.
char32_t decode(std::string_view s, std::size_t& i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return 0xFFFD;
  }
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return 0xFFFD;
  }
  i += static_cast<std::size_t>(len);
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Letters of the scripts our users write: ASCII, Latin-1 Supplement and
// Latin Extended-A/B (æ ø å é ü ß …), without × and ÷.
bool is_letter(char32_t cp) noexcept {
  if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return true;
  if (cp == 0xD7 || cp == 0xF7) return false;
  return cp >= 0xC0 && cp <= 0x24F;
}

char32_t fold(char32_t cp) noexcept {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;  // À..Þ -> à..þ
  return cp;
}

// Tries a numeric date at s[i] (i at a digit that does not follow a digit):
// "d.m.yyyy", "dd.mm.yyyy" or "yyyy-mm-dd", not followed by a digit.
std::optional<std::pair<Date, std::size_t>> numeric_date_at(std::string_view s, std::size_t i) {
  std::size_t j = i;
  while (j < s.size() && j - i < 5 && is_digit(s[j]))
    ++j;
  const std::size_t first = j - i;
  std::size_t end = 0;
  if (first == 4 && j < s.size() && s[j] == '-') {
    end = i + 10;
    if (end > s.size()) return std::nullopt;
  } else if ((first == 1 || first == 2) && j < s.size() && s[j] == '.') {
    std::size_t k = j + 1;
    std::size_t second = 0;
    while (k < s.size() && is_digit(s[k]) && second < 3)
      ++k, ++second;
    if (second < 1 || second > 2 || k >= s.size() || s[k] != '.') return std::nullopt;
    std::size_t m = k + 1;
    std::size_t third = 0;
    while (m < s.size() && is_digit(s[m]) && third < 5)
      ++m, ++third;
    if (third != 4) return std::nullopt;
    end = m;
  } else {
    return std::nullopt;
  }
  if (end < s.size() && is_digit(s[end])) return std::nullopt;
  auto d = parse_date(s.substr(i, end - i));
  if (!d) return std::nullopt;
  return std::pair{*d, end};
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (is_digit(c)) {
      if (auto d = numeric_date_at(s, i)) {
        Token t;
        t.kind = Tok::date;
        t.date = d->first;
        out.push_back(std::move(t));
        i = d->second;
        continue;
      }
      Token t;
      t.kind = Tok::number;
      t.integer = true;
      long long v = 0;
      while (i < s.size() && is_digit(s[i])) {
        if (v < 1'000'000'000) v = v * 10 + (s[i] - '0');
        t.text += s[i];
        ++t.digits;
        ++i;
      }
      t.value = v;
      if (i + 1 < s.size() && (s[i] == ',' || s[i] == '.') && is_digit(s[i + 1])) {
        t.integer = false;
        ++i;
        while (i < s.size() && is_digit(s[i]))
          ++i;
      }
      out.push_back(std::move(t));
      continue;
    }
    if (c == '%') {
      Token t;
      t.kind = Tok::percent;
      t.text = "%";
      out.push_back(std::move(t));
      ++i;
      continue;
    }
    std::size_t j = i;
    char32_t cp = decode(s, j);
    if (!is_letter(cp)) {
      i = j;
      continue;
    }
    Token t;
    while (is_letter(cp)) {
      append_utf8(t.text, fold(cp));
      i = j;
      if (i >= s.size()) break;
      cp = decode(s, j);
    }
    out.push_back(std::move(t));
  }
  return out;
}

bool in(std::string_view w, std::initializer_list<std::string_view> list) noexcept {
  return std::find(list.begin(), list.end(), w) != list.end();
}

bool starts_with_any(std::string_view w, std::initializer_list<std::string_view> list) noexcept {
  return std::any_of(list.begin(), list.end(),
                     [&](std::string_view p) { return w.starts_with(p); });
}

bool is_word(const Token& t, std::initializer_list<std::string_view> list) noexcept {
  return t.kind == Tok::word && in(t.text, list);
}

int month_number(std::string_view w) noexcept {
  static constexpr std::array<std::array<std::string_view, 5>, 12> kMonths = {{
      {"januar", "january", "jan", "", ""},
      {"februar", "february", "feb", "", ""},
      {"mars", "march", "mar", "", ""},
      {"april", "apr", "", "", ""},
      {"mai", "may", "", "", ""},
      {"juni", "june", "jun", "", ""},
      {"juli", "july", "jul", "", ""},
      {"august", "aug", "", "", ""},
      {"september", "sep", "sept", "", ""},
      {"oktober", "october", "okt", "oct", ""},
      {"november", "nov", "", "", ""},
      {"desember", "december", "des", "dec", ""},
  }};
  if (w.empty()) return 0;
  for (std::size_t m = 0; m < kMonths.size(); ++m)
    for (auto name : kMonths[m])
      if (!name.empty() && name == w) return static_cast<int>(m) + 1;
  return 0;
}

bool is_year(const Token& t) noexcept {
  return t.kind == Tok::number && !t.used && t.integer && t.digits == 4 && t.value >= 1900 &&
         t.value <= 2199;
}

bool is_day(const Token& t) noexcept {
  return t.kind == Tok::number && !t.used && t.integer && t.digits <= 2 && t.value >= 1 &&
         t.value <= 31;
}

bool is_percent_word(const Token& t) noexcept {
  return t.kind == Tok::percent ||
         is_word(t, {"prosent", "prosentpoeng", "percent", "percentage", "pct", "pst"});
}

struct Found {
  bool due = false;            // any time expression
  std::optional<Date> latest;  // the latest date among them
  void add(const Date& d) {
    due = true;
    if (!latest || *latest < d) latest = d;
  }
};

// Step 2b: month names with a year.
void find_month_dates(std::vector<Token>& t, Found& found) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i].kind != Tok::word || t[i].used) continue;
    const int month = month_number(t[i].text);
    if (month == 0) continue;
    std::size_t last = i;
    std::optional<int> day;
    int year = 0;
    if (i + 1 < t.size() && is_year(t[i + 1])) {  // "juni 2027"
      year = static_cast<int>(t[i + 1].value);
      last = i + 1;
    } else if (i + 2 < t.size() && is_day(t[i + 1]) && is_year(t[i + 2])) {  // "June 1, 2027"
      day = static_cast<int>(t[i + 1].value);
      year = static_cast<int>(t[i + 2].value);
      last = i + 2;
    } else if (i + 3 < t.size() && is_day(t[i + 1]) &&
               is_word(t[i + 2], {"st", "nd", "rd", "th"}) &&
               is_year(t[i + 3])) {  // "June 1st, 2027"
      day = static_cast<int>(t[i + 1].value);
      year = static_cast<int>(t[i + 3].value);
      last = i + 3;
    } else {
      continue;
    }
    std::size_t first = i;
    if (!day) {  // "1. juni 2027", "1 June 2027", "1st of June 2027"
      std::size_t k = i;
      if (k >= 1 && is_word(t[k - 1], {"of"})) --k;
      if (k >= 1 && is_word(t[k - 1], {"st", "nd", "rd", "th"})) --k;
      if (k >= 1 && is_day(t[k - 1])) {
        day = static_cast<int>(t[k - 1].value);
        first = k - 1;
      }
    }
    Date d = last_day_of_month(year, month);
    if (day && *day <= d.day) d.day = *day;
    for (std::size_t k = first; k <= last; ++k)
      t[k].used = true;
    found.add(d);
  }
}

// Step 2b (continued): quarters with a year: "Q1 2027", "1. kvartal 2027",
// "første kvartal 2027", "first quarter of 2027" mean the quarter's last day.
void find_quarters(std::vector<Token>& t, Found& found) {
  const auto ordinal = [](const Token& w) -> int {
    if (w.kind == Tok::number && !w.used && w.integer && w.value >= 1 && w.value <= 4)
      return static_cast<int>(w.value);
    if (w.kind != Tok::word) return 0;
    if (in(w.text, {"første", "first"})) return 1;
    if (in(w.text, {"andre", "second"})) return 2;
    if (in(w.text, {"tredje", "third"})) return 3;
    if (in(w.text, {"fjerde", "fourth"})) return 4;
    return 0;
  };
  for (std::size_t i = 0; i + 1 < t.size(); ++i) {
    if (t[i].used) continue;
    int quarter = 0;
    std::size_t first = i;
    std::size_t y = 0;
    if (is_word(t[i], {"q", "k"}) && i + 2 < t.size()) {  // "Q1 2027", "K1 2027"
      if (t[i + 1].kind == Tok::number) quarter = ordinal(t[i + 1]);
      y = i + 2;
    } else if (is_word(t[i], {"kvartal", "quarter"}) && i >= 1) {  // "1. kvartal 2027"
      quarter = ordinal(t[i - 1]);
      first = i - 1;
      y = i + 1;
      if (y < t.size() && is_word(t[y], {"of"})) ++y;
    }
    if (quarter == 0 || y >= t.size() || !is_year(t[y])) continue;
    for (std::size_t k = first; k <= y; ++k)
      t[k].used = true;
    found.add(last_day_of_month(static_cast<int>(t[y].value), quarter * 3));
  }
}

// Step 2b (continued): this year and next year, relative to `today`: "i år",
// "this year", "neste år", "next year"; "året" and "the year" only with a
// deadline word at most four tokens before them ("innen utgangen av året",
// "by the end of the year"), so "året rundt" is no deadline.
void find_relative_years(std::vector<Token>& t, int this_year, Found& found) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i].used || t[i].kind != Tok::word) continue;
    if (i + 1 < t.size() && !t[i + 1].used && is_word(t[i + 1], {"år", "year"})) {
      int year = 0;
      if (is_word(t[i], {"i", "this"})) year = this_year;
      if (is_word(t[i], {"neste", "next"})) year = this_year + 1;
      if (year != 0) {
        t[i].used = t[i + 1].used = true;
        found.add(Date{year, 12, 31});
        continue;
      }
    }
    const bool the_year =
        t[i].text == "året" || (t[i].text == "year" && i >= 1 && is_word(t[i - 1], {"the"}));
    if (!the_year) continue;
    for (std::size_t back = 1; back <= 4 && back <= i; ++back) {
      const Token& w = t[i - back];
      if (w.used) break;
      if (is_word(w, {"innen", "før", "utgangen", "slutten", "løpet", "by", "before", "end",
                      "until", "during", "within"})) {
        for (std::size_t k = i - back; k <= i; ++k)
          t[k].used = true;
        found.add(Date{this_year, 12, 31});
        break;
      }
    }
  }
}

// Step 2c: a year after a deadline word.
void find_deadline_years(std::vector<Token>& t, Found& found) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!is_year(t[i])) continue;
    if (i + 1 < t.size() && is_percent_word(t[i + 1])) continue;
    for (std::size_t back = 1; back <= 4 && back <= i; ++back) {
      const Token& w = t[i - back];
      if (w.used) break;
      if (is_word(w, {"innen", "før", "ved", "utgangen", "slutten", "løpet", "senest", "i", "by",
                      "before", "end", "until", "till", "during", "in", "within"})) {
        for (std::size_t k = i - back; k <= i; ++k)
          t[k].used = true;
        found.add(Date{static_cast<int>(t[i].value), 12, 31});
        break;
      }
    }
  }
}

// Step 2d: a duration after a deadline word.
void find_durations(std::vector<Token>& t, Found& found) {
  for (std::size_t i = 0; i + 1 < t.size(); ++i) {
    const Token& n = t[i];
    if (n.used) continue;
    const bool count =
        (n.kind == Tok::number) ||
        is_word(n, {"en",    "ei",    "et",   "ett",  "to",     "tre",   "fire",   "fem",
                    "seks",  "sju",   "syv",  "åtte", "ni",     "ti",    "elleve", "tolv",
                    "a",     "an",    "one",  "two",  "three",  "four",  "five",   "six",
                    "seven", "eight", "nine", "ten",  "eleven", "twelve"});
    if (!count) continue;
    if (!is_word(t[i + 1], {"dag",     "dager",     "dagen",   "døgn",  "uke",     "uker",
                            "uka",     "måned",     "måneder", "mnd",   "år",      "året",
                            "kvartal", "kvartaler", "day",     "days",  "week",    "weeks",
                            "month",   "months",    "year",    "years", "quarter", "quarters"}))
      continue;
    for (std::size_t back = 1; back <= 3 && back <= i; ++back) {
      const Token& w = t[i - back];
      if (w.used) break;
      if (is_word(w, {"innen", "om", "løpet", "etter", "før", "within", "in", "after"})) {
        for (std::size_t k = i - back; k <= i + 1; ++k)
          t[k].used = true;
        found.due = true;
        break;
      }
    }
  }
}

bool is_connector(const Token& t) noexcept {
  return is_word(t, {"og",  "eller", "til",  "fra",    "innen", "i",   "på",   "av", "med",
                     "for", "før",   "ved",  "and",    "or",    "to",  "from", "by", "in",
                     "on",  "of",    "with", "before", "at",    "the", "a",    "an"});
}

bool is_measure_word(const std::vector<Token>& t, std::size_t i) noexcept {
  const Token& w = t[i];
  if (w.kind == Tok::percent) return true;
  if (w.kind != Tok::word) return false;
  if (starts_with_any(w.text, {"antall", "andel", "prosent", "gjennomsnitt", "skår", "score",
                               "percent", "proportion", "ratio"}))
    return true;
  if (in(w.text, {"rate", "raten", "average", "snitt", "snittet", "pct"})) return true;
  const bool next_of = i + 1 < t.size() && is_word(t[i + 1], {"of"});
  return next_of && in(w.text, {"share", "number", "percentage", "rate", "count"});
}

bool is_vague_word(const Token& t) noexcept {
  if (t.kind != Tok::word) return false;
  if (in(t.text,
         {"bedre",     "mer",        "mere",   "mindre",   "færre",   "flere",    "økt",
          "økte",      "øke",        "øker",   "økes",     "økning",  "økende",   "heve",
          "hevet",     "høyere",     "lavere", "flinkere", "god",     "gode",     "godt",
          "bra",       "better",     "more",   "less",     "fewer",   "increase", "increased",
          "increases", "increasing", "raise",  "higher",   "lower",   "greater",  "stronger",
          "good",      "boost",      "reduce", "reduced",  "reduces", "reducing", "reduction"}))
    return true;
  return starts_with_any(t.text, {"forbedr", "styrk", "redus", "videreutvikl", "improv",
                                  "strengthen", "enhanc", "optimi"});
}

bool blank(std::string_view s) noexcept {
  return trim(s).empty();
}

}  // namespace

std::vector<SmartGap> smart_gaps(const GoalDraft& goal, const Date& today) {
  // Goal statements are a sentence or two; reading only the first 4 KiB keeps
  // the work and memory per call small whatever a client sends.
  std::string_view statement = goal.statement;
  if (statement.size() > kSmartMaxStatementBytes)
    statement = statement.substr(0, kSmartMaxStatementBytes);
  std::vector<Token> t = tokenize(statement);

  Found found;
  for (const auto& tok : t)
    if (tok.kind == Tok::date) found.add(*tok.date);
  for (auto& tok : t)
    if (tok.kind == Tok::date) tok.used = true;
  find_month_dates(t, found);
  find_quarters(t, found);
  find_relative_years(t, today.year, found);
  find_deadline_years(t, found);
  find_durations(t, found);

  bool any_number = false;
  bool measured_number = false;
  bool measure_word = false;
  bool baseline_text = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i].used) continue;
    if (is_measure_word(t, i)) measure_word = true;
    if (t[i].kind != Tok::number) continue;
    any_number = true;
    if (i + 1 < t.size() && !t[i + 1].used &&
        (is_percent_word(t[i + 1]) || (t[i + 1].kind == Tok::word && !is_connector(t[i + 1]))))
      measured_number = true;
    // "fra X … til Y" / "from X … to Y"
    if (i >= 1 && is_word(t[i - 1], {"fra", "from"}) && !t[i - 1].used) {
      for (std::size_t k = i + 1; k < t.size() && k <= i + 5; ++k) {
        if (t[k].used || t[k].kind == Tok::number || t[k].kind == Tok::date) break;
        if (is_word(t[k], {"til", "to"})) {
          if (k + 1 < t.size() && !t[k + 1].used && t[k + 1].kind == Tok::number)
            baseline_text = true;
          break;
        }
      }
    }
  }
  const bool vague = !any_number && std::any_of(t.begin(), t.end(), [](const Token& tok) {
    return !tok.used && is_vague_word(tok);
  });

  const bool has_indicator =
      !blank(goal.indicator) || measure_word || measured_number || baseline_text;
  const bool has_target = (goal.target && std::isfinite(*goal.target)) || any_number;
  const bool has_baseline = (goal.baseline && std::isfinite(*goal.baseline)) || baseline_text;
  const bool has_due = goal.due.has_value() || found.due;
  const std::optional<Date> due = goal.due ? goal.due : found.latest;

  std::vector<SmartGap> gaps;
  if (!has_indicator) gaps.push_back(SmartGap::indicator);
  if (!has_target) gaps.push_back(SmartGap::target);
  if (!has_baseline) gaps.push_back(SmartGap::baseline);
  if (!has_due) gaps.push_back(SmartGap::due_date);
  if (blank(goal.owner)) gaps.push_back(SmartGap::owner);
  if (vague) gaps.push_back(SmartGap::vague);
  if (due && *due < today) gaps.push_back(SmartGap::past_due);
  return gaps;
}

// ---------------------------------------------------------------- Cynefin
//
// The first rule that matches decides (answers by kCynefinQuestions order):
//  1. crisis = yes                               -> chaotic      (reason "crisis")
//  2. three or more answers unsure               -> disorder     (reason "unsure")
//  3. agreement = yes and known_solution = yes   -> clear        (reason "known-solution")
//  4. expertise = yes                            -> complicated  (reason "expertise")
//  5. predictable = no                           -> complex      (reason "unpredictable")
//  6. agreement = no                             -> complex      (reason "disagreement")
//  7. predictable = yes                          -> complicated  (reason "predictable")
//  8. otherwise (the answers point nowhere)      -> disorder     (reason "mixed")
// A crisis comes first because it must be met by acting now whatever else is
// unclear; rule 2 keeps a guess from being made on mostly "unsure" answers.
// Rule 7: nobody disagrees and the outcome of a change can be predicted, so
// cause and effect can be worked out even if no one has done it yet.
// Reason texts: "initiative.cynefin.reason.<reason>".
CynefinSuggestion suggest_cynefin(const CynefinAnswers& answers) {
  const auto a = [&](CynefinQuestion q) { return answers[static_cast<std::size_t>(q)]; };
  const auto suggestion = [](CynefinDomain d, std::string_view reason) {
    return CynefinSuggestion{d, key("initiative.cynefin.reason.", reason)};
  };
  const auto unsure = std::count(answers.begin(), answers.end(), Answer::unsure);

  if (a(CynefinQuestion::crisis) == Answer::yes)
    return suggestion(CynefinDomain::chaotic, "crisis");
  if (unsure >= 3) return suggestion(CynefinDomain::disorder, "unsure");
  if (a(CynefinQuestion::agreement) == Answer::yes &&
      a(CynefinQuestion::known_solution) == Answer::yes)
    return suggestion(CynefinDomain::clear, "known-solution");
  if (a(CynefinQuestion::expertise) == Answer::yes)
    return suggestion(CynefinDomain::complicated, "expertise");
  if (a(CynefinQuestion::predictable) == Answer::no)
    return suggestion(CynefinDomain::complex, "unpredictable");
  if (a(CynefinQuestion::agreement) == Answer::no)
    return suggestion(CynefinDomain::complex, "disagreement");
  if (a(CynefinQuestion::predictable) == Answer::yes)
    return suggestion(CynefinDomain::complicated, "predictable");
  return suggestion(CynefinDomain::disorder, "mixed");
}

// ---------------------------------------------------------------- tags

// Canonical forms only: "1".."17" or "sdg.1".."sdg.17", no leading zero, sign,
// space or other characters.
std::optional<int> parse_sdg(std::string_view s) noexcept {
  if (s.starts_with("sdg.")) s.remove_prefix(4);
  if (s.empty() || s.size() > 2 || s.front() == '0') return std::nullopt;
  const int v = small_number(s);
  if (v < 1 || v > 17) return std::nullopt;
  return v;
}

}  // namespace samskap::initiative
