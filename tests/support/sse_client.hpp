#pragma once
// A raw-socket client for server-sent events in tests: it sends the request,
// reads the status, the headers and the (chunked) body, and splits the body
// into events, so tests see exactly what the server wrote.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace samskap::testing {

using namespace std::chrono_literals;

struct Event {
  std::string id;
  std::string event;
  std::string data;
  std::string comment;  // a comment-only block (keep-alive)
  std::string retry;
  bool has_data = false;
};

// One SSE connection: sends the request, then reads the status, the headers
// and the chunked body, and splits it into events.
class SseClient {
 public:
  explicit SseClient(std::uint16_t port, const std::string& path,
                     const std::vector<std::string>& headers = {}, int rcvbuf = 0,
                     const std::string& method = "GET") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& h : headers)
      req += h + "\r\n";
    req += "\r\n";
    ::send(fd_, req.data(), req.size(), MSG_NOSIGNAL);
  }
  ~SseClient() { disconnect(); }
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  void disconnect() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool connected() const { return fd_ >= 0; }

  // Waits for the status line and headers; the status (0 when none came).
  int open(std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (status_ == 0 && !eof_ && std::chrono::steady_clock::now() < deadline)
      read_some(deadline);
    return status_;
  }
  std::string header(const std::string& lower) const {
    auto it = headers_.find(lower);
    return it == headers_.end() ? std::string{} : it->second;
  }

  // The next event or keep-alive comment; nullopt when none arrived in time
  // or the stream ended.
  std::optional<Event> next(std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    if (open(timeout) == 0) return std::nullopt;
    for (;;) {
      auto end = text_.find("\n\n");
      if (end != std::string::npos) {
        auto block = text_.substr(0, end);
        text_.erase(0, end + 2);
        return parse(block);
      }
      if (eof_ || ended_ || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      read_some(deadline);
    }
  }

  // The next event with data, skipping comments and retry-only blocks.
  std::optional<Event> next_event(std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto e = next(left);
      if (!e || e->has_data) return e;
    }
  }

  // True once the server ended the response (last chunk) or closed the
  // connection, within `timeout`.
  bool ends_within(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!eof_ && !ended_ && std::chrono::steady_clock::now() < deadline)
      read_some(deadline);
    return eof_ || ended_;
  }
  bool last_chunk_seen() const { return ended_; }
  const std::string& raw_body() const { return body_raw_; }

 private:
  static Event parse(const std::string& block) {
    Event e;
    std::size_t start = 0;
    bool first_data = true;
    while (start <= block.size()) {
      auto end = block.find('\n', start);
      if (end == std::string::npos) end = block.size();
      auto line = block.substr(start, end - start);
      start = end + 1;
      if (line.empty()) continue;
      if (line[0] == ':') {
        e.comment += line.substr(1);
        continue;
      }
      auto colon = line.find(':');
      auto field = line.substr(0, colon);
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      if (field == "id") e.id = value;
      if (field == "event") e.event = value;
      if (field == "retry") e.retry = value;
      if (field == "data") {
        e.has_data = true;
        if (!first_data) e.data += '\n';
        e.data += value;
        first_data = false;
      }
    }
    return e;
  }

  void read_some(std::chrono::steady_clock::time_point deadline) {
    if (fd_ < 0) {
      eof_ = true;
      return;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::max<long>(0, left.count()))) <= 0) return;
    char buf[65536];
    auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      return;
    }
    in_.append(buf, static_cast<std::size_t>(n));
    decode();
  }

  void decode() {
    if (status_ == 0) {
      auto end = in_.find("\r\n\r\n");
      if (end == std::string::npos) return;
      auto head = in_.substr(0, end);
      in_.erase(0, end + 4);
      status_ = std::atoi(head.substr(9, 3).c_str());
      std::size_t start = head.find("\r\n");
      while (start != std::string::npos && start + 2 < head.size()) {
        auto next = head.find("\r\n", start + 2);
        auto line = head.substr(start + 2,
                                next == std::string::npos ? std::string::npos : next - start - 2);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
          auto name = line.substr(0, colon);
          for (auto& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          auto value = line.substr(colon + 1);
          while (!value.empty() && value[0] == ' ')
            value.erase(0, 1);
          headers_[name] = value;
        }
        start = next;
      }
      chunked_ = header("transfer-encoding") == "chunked";
    }
    if (!chunked_) {
      body_raw_ += in_;
      text_ += in_;
      in_.clear();
      return;
    }
    for (;;) {
      auto eol = in_.find("\r\n");
      if (eol == std::string::npos) return;
      std::size_t size = std::stoul(in_.substr(0, eol), nullptr, 16);
      if (in_.size() < eol + 2 + size + 2) return;
      if (size == 0) {
        ended_ = true;
        in_.clear();
        return;
      }
      auto chunk = in_.substr(eol + 2, size);
      body_raw_ += chunk;
      text_ += chunk;
      in_.erase(0, eol + 2 + size + 2);
    }
  }

  int fd_ = -1;
  std::string in_;
  std::string text_;
  std::string body_raw_;
  int status_ = 0;
  std::map<std::string, std::string> headers_;
  bool chunked_ = false;
  bool eof_ = false;
  bool ended_ = false;
};

template <class F>
bool eventually(F&& f, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!f()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

}  // namespace samskap::testing
