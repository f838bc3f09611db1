#include "web/sse.hpp"

#include <stdexcept>
#include <utility>

namespace samskap::web::sse {

namespace {

bool valid_event_name(std::string_view event) noexcept {
  if (event.empty() || event.size() > 32) return false;
  for (char c : event)
    if (!((c >= 'a' && c <= 'z') || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

std::string frame(std::string_view event, std::string_view data, std::optional<std::int64_t> id) {
  if (!valid_event_name(event))
    throw std::invalid_argument("sse::frame: event names are [a-z_-]{1,32}");
  std::string out;
  out.reserve(data.size() + event.size() + 40);
  if (id) {
    out += "id: ";
    out += std::to_string(*id);
    out += '\n';
  }
  out += "event: ";
  out += event;
  out += '\n';
  // Every line of the data gets its own "data: " prefix; a carriage return
  // would end a line for the browser too, so it is dropped rather than let
  // the data start a field of its own.
  out += "data: ";
  for (char c : data) {
    if (c == '\r') continue;
    if (c == '\n') {
      out += "\ndata: ";
      continue;
    }
    out += c;
  }
  out += "\n\n";
  return out;
}

std::string comment(std::string_view text) {
  std::string out = ": ";
  for (char c : text)
    out += (c == '\n' || c == '\r') ? ' ' : c;
  out += "\n\n";
  return out;
}

std::string retry(std::chrono::milliseconds ms) {
  return "retry: " + std::to_string(std::max<std::int64_t>(0, ms.count())) + "\n\n";
}

std::optional<std::int64_t> parse_last_event_id(std::string_view header) noexcept {
  if (header.empty() || header.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : header) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');  // 18 digits stay below 2^63
  }
  return v;
}

Channels::Channels(std::chrono::milliseconds keepalive)
    : keepalive_(std::max(keepalive, std::chrono::milliseconds(1))) {
  thread_ = std::thread([this] { keepalive_loop(); });
}

Channels::~Channels() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  close_all();
}

void Channels::subscribe(const std::string& topic, std::shared_ptr<EventSink> sink) {
  if (!sink || sink->closed()) return;
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      auto& t = topics_[topic];
      if (!t) t = std::make_shared<Topic>();
      t->sinks.push_back(std::move(sink));
      return;
    }
  }
  sink->close();
}

std::shared_ptr<Channels::Topic> Channels::topic_of(const std::string& topic) {
  std::lock_guard lock(mu_);
  auto& t = topics_[topic];
  if (!t) t = std::make_shared<Topic>();
  return t;
}

std::size_t Channels::publish(const std::string& topic, const std::string& bytes) {
  std::shared_ptr<Topic> t;
  {
    std::lock_guard lock(mu_);
    auto it = topics_.find(topic);
    if (it == topics_.end()) return 0;
    t = it->second;
  }
  std::lock_guard order(t->send_mu);
  Sinks copy;
  {
    std::lock_guard lock(mu_);
    copy = t->sinks;
  }
  std::size_t sent = 0;
  bool dead = false;
  for (const auto& s : copy) {
    if (s->send(bytes))
      ++sent;
    else
      dead = true;
  }
  if (dead) prune(topic);
  return sent;
}

bool Channels::send_and_subscribe(const std::string& topic, std::shared_ptr<EventSink> sink,
                                  std::string bytes) {
  if (!sink) return false;
  auto t = topic_of(topic);
  std::lock_guard order(t->send_mu);
  if (!sink->send(std::move(bytes))) return false;
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      // The topic may have been dropped while empty; subscribe to the live one.
      auto& live = topics_[topic];
      if (!live) live = t;
      live->sinks.push_back(sink);
      return true;
    }
  }
  sink->close();
  return false;
}

void Channels::prune(const std::string& topic) {
  Sinks dead;
  {
    std::lock_guard lock(mu_);
    auto it = topics_.find(topic);
    if (it == topics_.end()) return;
    auto& sinks = it->second->sinks;
    for (auto& s : sinks)
      if (s->closed()) dead.push_back(s);
    std::erase_if(sinks, [](const auto& s) { return s->closed(); });
  }
  // close() lets go of the connection of a sink whose client has gone.
  for (auto& s : dead)
    s->close();
}

std::size_t Channels::subscribers(const std::string& topic) const {
  std::lock_guard lock(mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return 0;
  std::size_t n = 0;
  for (const auto& s : it->second->sinks)
    n += s->closed() ? 0 : 1;
  return n;
}

std::size_t Channels::total() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [name, t] : topics_)
    for (const auto& s : t->sinks)
      n += s->closed() ? 0 : 1;
  return n;
}

void Channels::close_all() {
  std::unordered_map<std::string, std::shared_ptr<Topic>> all;
  {
    std::lock_guard lock(mu_);
    all.swap(topics_);
  }
  for (auto& [name, t] : all) {
    std::lock_guard order(t->send_mu);
    for (auto& s : t->sinks)
      s->close();
  }
}

void Channels::keepalive_loop() {
  const std::string ping = comment();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (cv_.wait_for(lock, keepalive_, [this] { return stopping_; })) break;
    Sinks all;
    for (const auto& [name, t] : topics_)
      all.insert(all.end(), t->sinks.begin(), t->sinks.end());
    lock.unlock();
    for (const auto& s : all)
      s->send(ping);
    all.clear();
    lock.lock();
    // Drop the closed sinks and the topics nobody is in (use_count 1: no
    // publisher holds it right now, and none can get it without the lock).
    Sinks dead;
    for (auto it = topics_.begin(); it != topics_.end();) {
      auto& sinks = it->second->sinks;
      for (auto& s : sinks)
        if (s->closed()) dead.push_back(s);
      std::erase_if(sinks, [](const auto& s) { return s->closed(); });
      if (sinks.empty() && it->second.use_count() == 1)
        it = topics_.erase(it);
      else
        ++it;
    }
    lock.unlock();
    for (auto& s : dead)
      s->close();
    dead.clear();
    lock.lock();
  }
}

}  // namespace samskap::web::sse
