#pragma once
// Sending one message over SMTP with libcurl (issue 13). No SMTP of our own:
// libcurl speaks the protocol, STARTTLS, implicit TLS and AUTH.

#include <chrono>
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "mail/message.hpp"

namespace samskap::mail {

enum class Security { starttls, tls, none };
// "starttls" | "tls" | "none"; nullopt otherwise.
std::optional<Security> parse_security(std::string_view text) noexcept;

struct SmtpSettings {
  std::string host;  // "" : no e-mail; the links are shown to the administrator instead
  std::uint16_t port = 587;
  Security security = Security::starttls;
  std::string user;      // "" : no AUTH
  std::string password;  // from SAMSKAP_SMTP_PASSWORD or smtp_password_file, never TOML
  Mailbox from;
  std::chrono::seconds timeout{30};  // connect and whole-transfer limit
  bool enabled() const noexcept { return !host.empty(); }
};

struct SendFailure {
  std::string reason;      // one line for the administrator (no password)
  bool permanent = false;  // the server refused with a 5xx: trying again will not help
};

// Sends `message` (format_message()'s text) from settings.from to `to`.
// Blocking for up to settings.timeout; thread-safe (one curl handle per call).
// Returns nullopt on success.
std::optional<SendFailure> send(const SmtpSettings& settings, const std::string& to,
                                const std::string& message);

// Connects (and for tls, completes the handshake) without sending anything.
// nullopt when the server answered; the reason otherwise. For the start-up check.
std::optional<std::string> probe(const SmtpSettings& settings);

}  // namespace samskap::mail
