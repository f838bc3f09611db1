#pragma once
// What the application sends by e-mail (issue 13), composed from the message
// catalogue in the recipient's language and queued (store/mail_queue.hpp) —
// the one place web pages and `samskap admin` both call. Every link starts
// with public_url. When e-mail is off (no smtp_host), nothing is queued and
// the caller shows the link instead.

#include <string>

#include "content/catalog.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/language.hpp"
#include "store/database.hpp"

namespace samskap::mail {

struct OutboxOptions {
  std::string public_url = "http://127.0.0.1:8080";  // no trailing slash
  bool enabled = false;                              // smtp_host is set
};

class Outbox {
 public:
  // Borrows everything; all must outlive the Outbox. Thread-safe.
  Outbox(store::Database& db, const Clock& clock, const content::Catalog& catalog,
         OutboxOptions options)
      : db_(db), clock_(clock), catalog_(catalog), options_(std::move(options)) {}

  bool enabled() const noexcept { return options_.enabled; }
  const std::string& public_url() const noexcept { return options_.public_url; }

  // Each queues one message and returns its id, or "" when e-mail is off.
  // Errors: those of MailQueue::enqueue.

  // An invitation link (/invitasjon/TOKEN), valid `days`.
  Result<std::string> invitation(Language lang, const std::string& organisation_id,
                                 const std::string& user_id, const std::string& to,
                                 const std::string& name, const std::string& organisation,
                                 const std::string& token, int days) const;
  // A password-reset link (/nullstill/TOKEN), valid `hours`.
  Result<std::string> password_reset(Language lang, const std::string& organisation_id,
                                     const std::string& user_id, const std::string& to,
                                     const std::string& name, const std::string& token,
                                     int hours) const;
  // An invited collaborator's notice: `organisation` invites them into the
  // initiative `title` at `path` (an absolute path such as /initiativ/ID).
  Result<std::string> collaborator(Language lang, const std::string& organisation_id,
                                   const std::string& user_id, const std::string& to,
                                   const std::string& name, const std::string& organisation,
                                   const std::string& title, const std::string& path) const;
  // The first-run setup link (/oppsett/TOKEN), valid `hours`, to an operator.
  Result<std::string> setup(Language lang, const std::string& to, const std::string& token,
                            int hours) const;

 private:
  store::Database& db_;
  const Clock& clock_;
  const content::Catalog& catalog_;
  OutboxOptions options_;
};

// Replaces each "{{name}}" of `text` with its value (the catalogue's placeholders).
std::string fill_placeholders(
    std::string text, std::initializer_list<std::pair<std::string_view, std::string>> values);

}  // namespace samskap::mail
