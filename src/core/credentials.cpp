#include "core/credentials.hpp"

#include <cstdint>

namespace samskap {
namespace {

constexpr std::size_t kMaxEmailBytes = 254;
constexpr std::size_t kMaxLocalPartBytes = 64;

// Decodes one code point at `i` and advances past it; -1 (without advancing)
// for a malformed sequence.
long decode(std::string_view s, std::size_t& i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int extra = 0;
  long cp = 0;
  long min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    extra = 1;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    extra = 2;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    extra = 3;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return -1;
  }
  if (i + static_cast<std::size_t>(extra) >= s.size()) return -1;  // truncated
  for (int k = 1; k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  i += static_cast<std::size_t>(extra) + 1;
  return cp;
}

// Code points that have no place in an address: controls (C0, DEL, C1) and
// spaces of every kind, including the invisible ones.
bool forbidden_in_email(long cp) noexcept {
  if (cp <= 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0xA0)) return true;
  if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200F) || cp == 0x2028 || cp == 0x2029 ||
      cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF)
    return true;
  return false;
}

bool ascii_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && ascii_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && ascii_space(s.back()))
    s.remove_suffix(1);
  return s;
}

void append_utf8(std::string& out, long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

long lower(long cp) noexcept {
  if (cp >= 'A' && cp <= 'Z') return cp + 0x20;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;  // Latin-1: À…Þ except ×
  // Latin Extended-A: pairs of capital and small letters, with a few gaps.
  if ((cp >= 0x100 && cp <= 0x12F) || (cp >= 0x132 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
    return (cp % 2 == 0) ? cp + 1 : cp;
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
    return (cp % 2 == 1) ? cp + 1 : cp;
  if (cp == 0x178) return 0xFF;  // Ÿ
  return cp;
}

std::string_view strip_trailing_digits(std::string_view s) noexcept {
  while (!s.empty() && s.back() >= '0' && s.back() <= '9')
    s.remove_suffix(1);
  return s;
}

Error email_invalid(std::string detail) {
  return Error::invalid("account.error.email_invalid", std::move(detail));
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size())
    if (decode(text, i) < 0) return false;
  return true;
}

std::string fold_case(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    long cp = decode(text, i);
    if (cp < 0) {
      out += text[start];
      i = start + 1;
      continue;
    }
    append_utf8(out, lower(cp));
  }
  return out;
}

Result<std::string> normalise_email(std::string_view email) {
  // Refuse absurd input before looking at it byte by byte.
  if (email.size() > 4 * kMaxEmailBytes) return email_invalid("over 254 bytes");
  std::string_view e = trim(email);
  if (e.empty()) return email_invalid("empty");
  if (e.size() > kMaxEmailBytes) return email_invalid("over 254 bytes");
  if (!is_valid_utf8(e)) return email_invalid("not valid UTF-8");

  std::size_t i = 0;
  while (i < e.size()) {
    long cp = decode(e, i);
    if (forbidden_in_email(cp)) return email_invalid("contains a space or control character");
  }
  const auto at = e.find('@');
  if (at == std::string_view::npos) return email_invalid("no '@'");
  if (e.find('@', at + 1) != std::string_view::npos) return email_invalid("more than one '@'");
  std::string_view local = e.substr(0, at);
  std::string_view domain = e.substr(at + 1);
  if (local.empty()) return email_invalid("empty local part");
  if (local.size() > kMaxLocalPartBytes) return email_invalid("local part over 64 bytes");
  if (domain.find('.') == std::string_view::npos) return email_invalid("the domain has no dot");
  if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string_view::npos)
    return email_invalid("the domain has an empty label");
  if (domain.front() == '-' || domain.find(".-") != std::string_view::npos ||
      domain.find("-.") != std::string_view::npos || domain.back() == '-')
    return email_invalid("a domain label starts or ends with '-'");

  std::string out(e);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  return out;
}

Status check_new_password(std::string_view password, std::string_view email,
                          const std::set<std::string, std::less<>>& common) {
  if (password.size() > kMaxPasswordBytes)
    return Error::invalid("account.error.password_too_long", "over 1024 bytes");
  if (!is_valid_utf8(password))
    return Error::invalid("account.error.password_invalid", "not valid UTF-8");
  std::size_t points = 0;
  for (std::size_t i = 0; i < password.size();) {
    long cp = decode(password, i);
    if (cp < 0x20 || cp == 0x7F)
      return Error::invalid("account.error.password_invalid", "contains a control character");
    ++points;
  }
  if (points < kMinPasswordLength)
    return Error::invalid("account.error.password_too_short",
                          std::to_string(points) + " characters");

  const std::string folded = fold_case(password);
  auto mail = normalise_email(email);
  const std::string address = fold_case(mail ? std::string_view(*mail) : trim(email));
  if (!address.empty()) {
    const std::string_view local = std::string_view(address).substr(0, address.find('@'));
    for (std::string_view candidate : {std::string_view(folded), strip_trailing_digits(folded)})
      if (candidate == address || (!local.empty() && candidate == local))
        return Error::invalid("account.error.password_like_email");
  }

  if (common.contains(folded) || common.contains(strip_trailing_digits(folded)))
    return Error::invalid("account.error.password_common");
  return ok_status();
}

std::chrono::seconds throttle_delay(int consecutive_failures) noexcept {
  if (consecutive_failures <= kFreeAttempts) return std::chrono::seconds{0};
  const int doublings = consecutive_failures - kFreeAttempts - 1;
  // 2^doublings seconds; stop doubling once past the cap (and long before overflow).
  if (doublings >= 30) return kMaxDelay;
  const std::chrono::seconds d{std::int64_t{1} << doublings};
  return d < kMaxDelay ? d : kMaxDelay;
}

}  // namespace samskap
