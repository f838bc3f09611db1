#pragma once
// The e-mail queue (issue 13, migration 0010). Requests only enqueue; a
// worker (mail/worker.hpp) claims due messages, sends them and reports back.
//
// Exactly one sender at a time: claim() takes a message for `lease` with a
// conditional UPDATE, so of several nodes claiming the same row only one
// gets it. A node that dies while sending loses its claim when the lease
// runs out and the message is tried again, so a crash between the SMTP
// server's "250 OK" and mark_sent() can send a message twice; nothing else
// can. Blocking; thread-safe (each call leases a connection).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/database.hpp"

namespace samskap::store {

enum class MailKind { invitation, password_reset, collaborator, setup };
std::string_view to_string(MailKind k) noexcept;

struct MailDraft {
  std::string organisation_id;  // "" for operator mail (the first-run link)
  std::string user_id;          // the recipient's account, "" when there is none
  MailKind kind = MailKind::invitation;
  std::string to;       // one address, already checked
  std::string subject;  // one line
  std::string body;     // plain text, UTF-8
};

struct QueuedMail {
  std::string id;
  std::string organisation_id;
  std::string user_id;
  std::string kind;
  std::string to;
  std::string subject;
  std::string body;
  std::string status;  // queued | sent | failed
  int attempts = 0;
  std::string last_error;
  SystemTime created_at{};
  SystemTime next_attempt_at{};
};

class MailQueue {
 public:
  static constexpr int kMaxAttempts = 8;
  static constexpr std::size_t kMaxBodyBytes = 64 * 1024;

  MailQueue(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Queues a message, due now. invalid_input ("error.mail") when the address
  // or subject holds a line break or the body is over kMaxBodyBytes.
  // Returns the message id.
  Result<std::string> enqueue(const MailDraft& draft);

  // Claims up to `limit` due messages for `node` for `lease`, counting an
  // attempt on each. Returned messages are this node's to send until the
  // lease ends.
  Result<std::vector<QueuedMail>> claim(const std::string& node, std::size_t limit,
                                        std::chrono::seconds lease);

  // The message went: status sent, body cleared. not_found when the claim
  // was lost (another node took it after the lease ran out).
  Status mark_sent(const std::string& id, const std::string& node);

  // The attempt failed with `error` (one line, for the administrator). Queued
  // again after the back-off for its attempt count, or failed for good after
  // kMaxAttempts or when `permanent`.
  Status mark_failed(const std::string& id, const std::string& node, const std::string& error,
                     bool permanent);

  // The latest message to each of the organisation's users that is not sent
  // (queued with an earlier failure, or failed), for the users page.
  Result<std::vector<QueuedMail>> problems(const std::string& organisation_id);

  // Every message to `to`, newest first (tests and operators).
  Result<std::vector<QueuedMail>> to_address(const std::string& to);

  // The wait before attempt `attempts + 1`: 1, 2, 5, 10, 30, 60, 120 minutes.
  static std::chrono::seconds backoff(int attempts) noexcept;

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace samskap::store
