#pragma once
// A fixed pool of threads for blocking work (database calls, password
// hashing, page rendering), so that HTTP I/O threads never block.
//
// Thread-safe. Tasks must not throw (the HTTP layer catches around handlers);
// an escaping exception is caught, logged once and dropped.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace samskap::web {

class WorkerPool {
 public:
  // Starts `threads` threads (at least 1). At most `max_queue` tasks wait;
  // submit() refuses more (the caller answers 503).
  WorkerPool(std::size_t threads, std::size_t max_queue);
  ~WorkerPool();  // finishes queued tasks, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues a task. False when the queue is full or the pool is stopping.
  bool submit(std::function<void()> task);

  // Waits until no task is queued or running, or the timeout passes.
  // Returns true when idle.
  bool wait_idle(std::chrono::milliseconds timeout);

  std::size_t threads() const noexcept { return threads_.size(); }
  std::size_t queued() const;
  std::size_t busy() const;

 private:
  void run();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> queue_;
  std::size_t max_queue_;
  std::size_t busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace samskap::web
