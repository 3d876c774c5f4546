#pragma once
// Paced writes of streamed replies without a thread per stream. A handler hands its whole
// schedule (chunks of bytes, each due at a time) to the server's Pacer and waits, asleep on a
// condition variable, until the last chunk has left or the stream failed; it is not woken per
// token. The Pacer's few threads (streams sharded by socket) each run an epoll loop that
// sleeps (util::epoll_wait_for: nanoseconds, 1 us timer slack) until the earliest due chunk:
// at each wake it writes every due chunk with a non-blocking send(); a partial write keeps its remainder for EPOLLOUT and the chunks after
// it queue behind it. A chunk is never sent before its time; a late one is sent at once, so
// lateness does not add up along a stream.
//
// A chunk's tokens are timed when the send() that completed its bytes returned (the write
// log's meaning). A stream fails when the peer is gone (EPIPE, ECONNRESET, ...) or the
// server stops: the StopSignal's descriptor is in every loop, so stop() ends pending streams
// at once and wakes their handlers.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace llmbench::sim {

class StopSignal;

struct PacedChunk {
  std::chrono::steady_clock::time_point due;  // not sent before this
  std::string bytes;                          // may be empty: a wait until `due`
  std::size_t tokens = 0;                     // tokens whose last byte is in `bytes`
};

class Pacer {
 public:
  // Starts `threads` (at least 1) pacing threads, each watching `stop`.
  Pacer(int threads, const StopSignal& stop);
  ~Pacer();  // joins the threads; call after `stop` has been triggered or with no stream pending
  Pacer(const Pacer&) = delete;
  Pacer& operator=(const Pacer&) = delete;

  // Writes `chunks` to the connected socket `fd`, each at its time, in order; blocks until
  // all have been written (true) or the stream failed (false: the peer is gone or the server
  // is stopping). When `token_times` is given, appends one time per token written.
  bool write(int fd, std::vector<PacedChunk> chunks,
             std::vector<std::chrono::steady_clock::time_point>* token_times);

 private:
  struct Shard;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace llmbench::sim
