#pragma once
// A fixed set of worker threads that run jobs in submission order (programs in the sandbox,
// beside the HTTP loop). Jobs must not throw. The destructor lets the queued jobs run and
// joins the threads.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace llmbench::sandbox {

class WorkerPool {
 public:
  // `threads` workers (at least one).
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `job`; any thread.
  void submit(std::function<void()> job);

  // The core count (std::thread::hardware_concurrency, at least 1).
  static unsigned core_count();

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  bool closing_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace llmbench::sandbox
