#pragma once
// The e-mail sender of one node (issue 13): a thread that claims due messages
// from the queue (store/mail_queue.hpp), sends them with mail::send() and
// marks each sent or failed. Several nodes may run one each on the same
// database; the queue's claims keep them from sending a message twice.
// Never runs inside a request.

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.hpp"
#include "mail/smtp.hpp"
#include "store/database.hpp"

namespace samskap::mail {

class Worker {
 public:
  // Borrows db and clock; both must outlive the Worker. `node` names this
  // node in the queue's claims (unique per process).
  Worker(store::Database& db, const Clock& clock, SmtpSettings settings, std::string node,
         std::chrono::milliseconds poll = std::chrono::seconds(5));
  ~Worker();  // stops
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();
  // Finishes the message being sent (bounded by the SMTP timeout) and joins. Idempotent.
  void stop();
  // Looks at the queue now instead of at the next poll.
  void wake();
  // One pass: claims what is due and sends it. Returns how many were sent.
  std::size_t run_once();

 private:
  store::Database& db_;
  const Clock& clock_;
  SmtpSettings settings_;
  std::string node_;
  std::chrono::milliseconds poll_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

// A node name for the queue's claims: host name, process id and a random part.
std::string node_name();

}  // namespace samskap::mail
