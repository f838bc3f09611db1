#include "mail/worker.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <random>

#include "store/mail_queue.hpp"

namespace samskap::mail {

Worker::Worker(store::Database& db, const Clock& clock, SmtpSettings settings, std::string node,
               std::chrono::milliseconds poll)
    : db_(db), clock_(clock), settings_(std::move(settings)), node_(std::move(node)), poll_(poll) {}

Worker::~Worker() {
  stop();
}

void Worker::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      try {
        run_once();
      } catch (const std::exception& e) {
        spdlog::error("mail: {}", e.what());
      }
      lock.lock();
      cv_.wait_for(lock, poll_, [this] { return stopping_ || woken_; });
      woken_ = false;
    }
  });
}

void Worker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Worker::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

std::size_t Worker::run_once() {
  store::MailQueue queue(db_, clock_);
  // The lease outlasts one send's timeout with room to mark it.
  auto claimed = queue.claim(node_, 10, settings_.timeout * 2 + std::chrono::seconds(30));
  if (!claimed) {
    spdlog::warn("mail: cannot read the queue: {}", claimed.error().detail);
    return 0;
  }
  std::size_t sent = 0;
  for (const auto& m : *claimed) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;  // the claim runs out and another pass sends it
    }
    Message msg;
    msg.from = settings_.from;
    msg.to = m.to;
    msg.subject = m.subject;
    msg.body = m.body;
    msg.date = clock_.now();
    auto at = settings_.from.address.rfind('@');
    msg.message_id = m.id + "." + std::to_string(m.attempts) + "@" +
                     settings_.from.address.substr(at == std::string::npos ? 0 : at + 1);
    auto failure = send(settings_, m.to, format_message(msg));
    if (!failure) {
      if (auto st = queue.mark_sent(m.id, node_); !st.ok())
        spdlog::warn("mail {}: sent, but could not mark it: {}", m.id, st.error().detail);
      spdlog::info("mail {} ({}) sent", m.id, m.kind);
      ++sent;
    } else {
      spdlog::warn("mail {} ({}) attempt {} failed: {}", m.id, m.kind, m.attempts, failure->reason);
      if (auto st = queue.mark_failed(m.id, node_, failure->reason, failure->permanent); !st.ok())
        spdlog::warn("mail {}: could not record the failure: {}", m.id, st.error().detail);
    }
  }
  return sent;
}

std::string node_name() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::random_device rd;
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + std::to_string(rd() % 100000);
}

}  // namespace samskap::mail
