#pragma once
// A small HTTP/1.1 server over POSIX sockets for the simulator. It gives the handler
// byte-level control of the connection (so faults can close without a response, cut a
// body short or stall), which general-purpose server libraries do not.
//
// Model: one accept thread and a pool of worker threads ("sim-worker") that grows on demand
// up to `max_threads`; a worker serves one connection at a time, request after request
// (keep-alive), so `max_threads` connections are served at once and further ones wait in
// the accept queue. A paced reply (a streamed one) is written by the server's Pacer
// (pacer.hpp: `pacer_threads` epoll loops, "sim-pacer") while the worker sleeps until it is
// done, so 1,000 streams are not 1,000 threads waking for every token. Requests: Content-Length bodies (8 MiB at most, else 413), heads of
// at most 64 KiB (else 431), `Expect: 100-continue` answered, `Connection: close` and
// HTTP/1.0 honoured. A keep-alive connection idle between requests is closed after
// 5 minutes, or after 100 ms when other connections wait for a worker (a new connection,
// before its first request, after 2 s). stop() is prompt:
// it wakes every waiting or sleeping handler and shuts every open connection down, so it
// never waits for a stalled client.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "llmbench/sim/pacer.hpp"

namespace llmbench::sim {

inline constexpr std::size_t kMaxHeadBytes = 64 * 1024;
inline constexpr std::size_t kMaxBodyBytes = 8 * 1024 * 1024;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // target without the query string
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  bool keep_alive = true;  // the client allows another request on this connection
  // When the last bytes of the request arrived: the kernel's receive time of the read that
  // completed it, or that read's time where the socket gives none.
  std::chrono::steady_clock::time_point received;

  // The first header named `name` (lower case), or "" when absent.
  std::string_view header(std::string_view name) const;
};

// What the server does with the connection once the handler returns.
enum class AfterResponse { keep_alive, close };

// Shared stop signal: sleeping handlers wake when the server stops.
class StopSignal {
 public:
  StopSignal();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;
  void trigger();
  bool stopped() const { return stopped_.load(std::memory_order_acquire); }
  int wake_fd() const { return pipe_[0]; }  // readable once triggered
  // Sleeps `ms` milliseconds; returns false (early) if the server is stopping.
  bool sleep_ms(double ms) const;
  // Sleeps until `deadline` (at once if it has passed); false (early) if the server is stopping.
  bool sleep_until(std::chrono::steady_clock::time_point deadline) const;

 private:
  std::atomic<bool> stopped_{false};
  int pipe_[2] = {-1, -1};
};

// One client connection as the handler sees it. Not thread-safe: one handler at a time.
class HttpConnection {
 public:
  HttpConnection(int fd, const StopSignal& stop, Pacer& pacer) : fd_(fd), stop_(stop), pacer_(pacer) {}
  // Writes all of `data`; false if the peer is gone or the server is stopping.
  bool write(std::string_view data);
  // Writes each chunk at its time through the server's Pacer, returning when all are written
  // (true) or the peer is gone or the server is stopping (false). `token_times` (if given)
  // gets, per token, when the send() that completed its chunk returned.
  bool write_paced(std::vector<PacedChunk> chunks,
                   std::vector<std::chrono::steady_clock::time_point>* token_times = nullptr) {
    return pacer_.write(fd_, std::move(chunks), token_times);
  }
  // Sleeps, waking early (false) when the server stops.
  bool sleep_ms(double ms) const { return stop_.sleep_ms(ms); }
  bool sleep_until(std::chrono::steady_clock::time_point deadline) const { return stop_.sleep_until(deadline); }
  bool stopping() const { return stop_.stopped(); }
  int fd() const { return fd_; }

 private:
  int fd_;
  const StopSignal& stop_;
  Pacer& pacer_;
};

// Handles one complete request. Must not throw; writes the whole response (or the
// deliberate lack of one) before returning.
using HttpHandler = std::function<AfterResponse(const HttpRequest&, HttpConnection&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // numeric IPv4 or IPv6 address, or "localhost"
  int port = 0;                    // 0: any free port
  int max_threads = 256;           // connections served at once
  int pacer_threads = 2;           // threads writing paced (streamed) replies (2 paced 1,000
                                   // streams better than 1 on the 2-core machine: docs/performance.md)
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the accept thread; returns the bound port. Throws Error.
  int start();
  // Stops accepting, wakes and disconnects every connection, joins all threads. Idempotent.
  void stop();
  int port() const { return port_; }

 private:
  void accept_loop();
  void worker_loop();
  void serve(int fd);
  void track(int fd, bool add);

  HttpServerOptions options_;
  HttpHandler handler_;
  StopSignal stop_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::unique_ptr<Pacer> pacer_;  // from start() to stop()

  std::atomic<int> queued_{0};  // queue_.size(), readable without the lock

  std::mutex mutex_;  // guards everything below
  std::condition_variable queue_cv_;
  std::deque<int> queue_;       // accepted, not yet served
  std::vector<std::thread> workers_;
  int idle_workers_ = 0;
  std::set<int> open_fds_;      // being served: shut down on stop
  bool stopped_ = false;
};

}  // namespace llmbench::sim
