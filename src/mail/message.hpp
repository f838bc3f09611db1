#pragma once
// E-mail messages as RFC 5322 text (issue 13): UTF-8 plain text, the subject
// as an RFC 2047 encoded word when it is not plain ASCII, the body in
// quoted-printable so no line is over 76 characters. Pure functions; no I/O.

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace samskap::mail {

// A mailbox as written in smtp_from: "samskap@kommune.no" or
// "Samskap <samskap@kommune.no>".
struct Mailbox {
  std::string display_name;  // "" when none
  std::string address;       // local@domain
};

// Parses a mailbox. The address must be local@domain with a dot-separated
// domain, printable ASCII, at most 254 bytes; the display name must not hold
// '<', '>', '"', line breaks or control characters. invalid_input
// ("error.config") with a reason otherwise.
Result<Mailbox> parse_mailbox(std::string_view text);

struct Message {
  Mailbox from;
  std::string to;       // one address
  std::string subject;  // one line, UTF-8
  std::string body;     // UTF-8, lines separated by \n
  SystemTime date{};
  std::string message_id;  // without the angle brackets: "id@domain"
};

// The whole message, CRLF line endings, ready for SMTP DATA.
std::string format_message(const Message& m);

// Quoted-printable (RFC 2045 §6.7) of UTF-8 text with \n line breaks; lines
// end in CRLF, soft breaks keep every line at 76 characters or less.
std::string quoted_printable(std::string_view text);

// "=?UTF-8?B?…?=" words when `text` is not plain printable ASCII; `text` otherwise.
std::string encode_header_text(std::string_view text);

// RFC 5322 date in UTC: "Fri, 04 Dec 2026 17:40:22 +0000".
std::string rfc5322_date(SystemTime t);

}  // namespace samskap::mail
