#include "llmbench/sim/pacer.hpp"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <queue>
#include <thread>
#include <unordered_set>

#include "llmbench/error.hpp"
#include "llmbench/sim/http_server.hpp"
#include "llmbench/util/epoll_wait.hpp"

namespace llmbench::sim {
namespace {

using Clock = std::chrono::steady_clock;

// One stream being paced. Its handler waits on `cv` until `result` is set; everything else
// belongs to the shard's thread.
struct Stream {
  int fd = -1;
  std::vector<PacedChunk> chunks;
  std::vector<Clock::time_point>* token_times = nullptr;
  std::size_t next = 0;    // the chunk being written
  std::size_t offset = 0;  // its bytes already sent
  bool polling = false;    // in epoll, waiting for EPOLLOUT

  std::mutex mutex;
  std::condition_variable cv;
  int result = 0;  // 0 pending, 1 all written, -1 failed
};

struct Due {
  Clock::time_point at;
  Stream* stream;
  bool operator>(const Due& other) const { return at > other.at; }
};

// epoll tags of a shard's own descriptors (streams are tagged with their Stream*).
char stop_tag, wake_tag;

}  // namespace

struct Pacer::Shard {
  explicit Shard(const StopSignal& stop_signal);
  ~Shard();
  bool submit(Stream* s);
  void loop();

 private:
  void add(int fd, std::uint32_t events, void* tag) const;
  void pump(Stream& s);
  void finish(Stream& s, int result);
  void run_due();
  std::optional<std::chrono::nanoseconds> wait_time() const;
  void shut_down();

  const StopSignal& stop;
  int epoll_fd = -1, wake_fd = -1;

  std::mutex mutex;  // guards inbox, stopped, quit
  std::vector<Stream*> inbox;
  bool stopped = false;  // the loop has ended: no stream is taken any more
  bool quit = false;     // the Pacer is being destroyed

  // The loop thread's own.
  std::priority_queue<Due, std::vector<Due>, std::greater<>> heap;  // streams waiting for a chunk's time
  std::unordered_set<Stream*> live;

 public:
  std::thread thread;
};

Pacer::Shard::Shard(const StopSignal& stop_signal) : stop(stop_signal) {
  epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd < 0 || wake_fd < 0) {
    for (int fd : {epoll_fd, wake_fd})
      if (fd >= 0) ::close(fd);
    throw Error("sim: cannot create the pacer's descriptors", ExitCode::internal);
  }
  add(stop.wake_fd(), EPOLLIN, &stop_tag);
  add(wake_fd, EPOLLIN, &wake_tag);
}

Pacer::Shard::~Shard() {
  {
    std::lock_guard lock(mutex);
    quit = true;
  }
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd, &one, sizeof one);
  if (thread.joinable()) thread.join();
  ::close(epoll_fd);
  ::close(wake_fd);
}

void Pacer::Shard::add(int fd, std::uint32_t events, void* tag) const {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = tag;
  ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

bool Pacer::Shard::submit(Stream* s) {
  {
    std::lock_guard lock(mutex);
    if (stopped || stop.stopped()) return false;
    inbox.push_back(s);
  }
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd, &one, sizeof one);
  return true;
}

void Pacer::Shard::loop() {
  ::prctl(PR_SET_TIMERSLACK, 1000UL);  // wake within a microsecond of the due time, not 50
  epoll_event events[64];
  for (;;) {
    const int n = util::epoll_wait_for(epoll_fd, events, 64, wait_time());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == &stop_tag) return shut_down();
      if (tag == &wake_tag) {
        std::uint64_t count;
        [[maybe_unused]] auto r = ::read(wake_fd, &count, sizeof count);
        std::vector<Stream*> fresh;
        {
          std::lock_guard lock(mutex);
          if (quit) break;
          fresh.swap(inbox);
        }
        for (Stream* s : fresh) {
          live.insert(s);
          pump(*s);
        }
      } else {
        // A stream whose socket can take more: it may have ended earlier in this batch.
        auto* s = static_cast<Stream*>(tag);
        if (live.count(s) == 0 || !s->polling) continue;
        ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, s->fd, nullptr);
        s->polling = false;
        pump(*s);
      }
    }
    {
      std::lock_guard lock(mutex);
      if (quit) break;
    }
    run_due();
  }
  shut_down();
}

// Writes the stream's chunks that are due; stops at one not yet due (queued for its time),
// at a full socket (waits for EPOLLOUT) or at the end.
void Pacer::Shard::pump(Stream& s) {
  for (;;) {
    if (s.next == s.chunks.size()) return finish(s, 1);
    PacedChunk& c = s.chunks[s.next];
    if (c.due > Clock::now()) {
      heap.push({c.due, &s});
      return;
    }
    while (s.offset < c.bytes.size()) {
      ssize_t n = ::send(s.fd, c.bytes.data() + s.offset, c.bytes.size() - s.offset, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n >= 0) {
        s.offset += static_cast<std::size_t>(n);
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        epoll_event ev{};
        ev.events = EPOLLOUT;
        ev.data.ptr = &s;
        if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, s.fd, &ev) != 0) return finish(s, -1);
        s.polling = true;
        return;
      } else if (errno != EINTR) {
        return finish(s, -1);  // the peer is gone (EPIPE, ECONNRESET) or the socket shut down
      }
    }
    if (s.token_times != nullptr) s.token_times->insert(s.token_times->end(), c.tokens, Clock::now());
    c.bytes = std::string();
    ++s.next;
    s.offset = 0;
  }
}

// Ends the stream and wakes its handler; `s` may be gone once this returns.
void Pacer::Shard::finish(Stream& s, int result) {
  live.erase(&s);
  if (s.polling) ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, s.fd, nullptr);
  s.polling = false;
  std::lock_guard lock(s.mutex);
  s.result = result;
  s.cv.notify_one();  // under the lock: the handler cannot free `s` before this returns
}

void Pacer::Shard::run_due() {
  while (!heap.empty() && heap.top().at <= Clock::now()) {
    Stream* s = heap.top().stream;
    heap.pop();
    pump(*s);
  }
}

// How long to wait for the earliest due chunk (zero when one is due); nullopt: none is queued.
std::optional<std::chrono::nanoseconds> Pacer::Shard::wait_time() const {
  if (heap.empty()) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(heap.top().at - Clock::now());
}

// The server is stopping or the Pacer going: every pending stream fails, none is taken later.
void Pacer::Shard::shut_down() {
  std::vector<Stream*> pending;
  {
    std::lock_guard lock(mutex);
    stopped = true;
    pending.swap(inbox);
  }
  pending.insert(pending.end(), live.begin(), live.end());
  heap = {};
  for (Stream* s : pending) finish(*s, -1);
}

Pacer::Pacer(int threads, const StopSignal& stop) {
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) {
    shards_.push_back(std::make_unique<Shard>(stop));
    Shard* shard = shards_.back().get();
    shard->thread = std::thread([shard] { shard->loop(); });
    ::pthread_setname_np(shard->thread.native_handle(), "sim-pacer");
  }
}

Pacer::~Pacer() = default;  // each Shard joins its thread

bool Pacer::write(int fd, std::vector<PacedChunk> chunks, std::vector<Clock::time_point>* token_times) {
  Stream s;
  s.fd = fd;
  s.chunks = std::move(chunks);
  s.token_times = token_times;
  Shard& shard = *shards_[static_cast<std::size_t>(fd) % shards_.size()];
  if (!shard.submit(&s)) return false;
  std::unique_lock lock(s.mutex);
  s.cv.wait(lock, [&s] { return s.result != 0; });
  return s.result > 0;
}

}  // namespace llmbench::sim
