#include "mail/message.hpp"

#include <cctype>
#include <ctime>

namespace samskap::mail {

namespace {

Error bad(std::string why) {
  return Error::invalid("error.config", std::move(why));
}

bool printable_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool valid_address(std::string_view a) {
  if (a.empty() || a.size() > 254 || !printable_ascii(a)) return false;
  auto at = a.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= a.size()) return false;
  auto local = a.substr(0, at);
  auto domain = a.substr(at + 1);
  if (local.size() > 64) return false;
  for (char c : local)
    if (c == ' ' || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';' ||
        c == ':' || c == '\\' || c == '"' || c == '[' || c == ']' || c == '@')
      return false;
  if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos)
    return false;
  for (char c : domain)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return false;
  return true;
}

}  // namespace

Result<Mailbox> parse_mailbox(std::string_view text) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  if (text.empty()) return bad("smtp_from is empty");
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f) return bad("smtp_from contains a line break or control character");
  Mailbox m;
  auto lt = text.find('<');
  if (lt == std::string_view::npos) {
    m.address = std::string(text);
  } else {
    if (text.back() != '>' || text.find('<', lt + 1) != std::string_view::npos)
      return bad("smtp_from: write it as name <address> or address");
    std::string_view name = text.substr(0, lt);
    while (!name.empty() && name.back() == ' ')
      name.remove_suffix(1);
    if (name.find_first_of("\"<>") != std::string_view::npos)
      return bad("smtp_from: the display name must not contain quotes or angle brackets");
    m.display_name = std::string(name);
    m.address = std::string(text.substr(lt + 1, text.size() - lt - 2));
  }
  if (!valid_address(m.address))
    return bad("smtp_from: '" + m.address.substr(0, 100) + "' is not an e-mail address");
  return m;
}

std::string encode_header_text(std::string_view text) {
  if (printable_ascii(text)) return std::string(text);
  // Encoded words of at most 75 characters: 45 bytes of text each, cut only
  // between UTF-8 characters.
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t n = std::min<std::size_t>(45, text.size() - i);
    while (n > 0 && i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80)
      --n;
    if (n == 0) n = std::min<std::size_t>(45, text.size() - i);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(i, n)) + "?=";
    i += n;
  }
  return out;
}

std::string quoted_printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  std::string line;
  auto flush_line = [&](bool hard) {
    // Trailing white space must be encoded.
    if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
      char c = line.back();
      line.pop_back();
      line += '=';
      line += kHex[(static_cast<unsigned char>(c) >> 4) & 15];
      line += kHex[static_cast<unsigned char>(c) & 15];
    }
    out += line;
    out += hard ? "\r\n" : "=\r\n";
    line.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r') continue;
    if (c == '\n') {
      flush_line(true);
      continue;
    }
    std::string piece;
    if ((c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t') {
      piece = static_cast<char>(c);
    } else {
      piece = {'=', kHex[c >> 4], kHex[c & 15]};
    }
    // Keep room for a soft break's '=' (and an encoded trailing space).
    if (line.size() + piece.size() > 73) flush_line(false);
    line += piece;
  }
  if (!line.empty()) flush_line(true);
  return out;
}

std::string rfc5322_date(SystemTime t) {
  auto tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string format_message(const Message& m) {
  std::string from = m.from.display_name.empty()
                         ? m.from.address
                         : encode_header_text(m.from.display_name) + " <" + m.from.address + ">";
  std::string out;
  out += "Date: " + rfc5322_date(m.date) + "\r\n";
  out += "From: " + from + "\r\n";
  out += "To: " + m.to + "\r\n";
  out += "Subject: " + encode_header_text(m.subject) + "\r\n";
  out += "Message-ID: <" + m.message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: quoted-printable\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  out += quoted_printable(m.body);
  return out;
}

}  // namespace samskap::mail
