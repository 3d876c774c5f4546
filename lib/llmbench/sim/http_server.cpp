#include "llmbench/sim/http_server.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <optional>

#include "llmbench/error.hpp"
#include "llmbench/util/receive_time.hpp"

namespace llmbench::sim {
namespace {

constexpr int kIdleTimeoutMs = 300'000;  // a keep-alive connection idle this long is closed
constexpr int kYieldAfterMs = 100;       // ... or this long, when other connections wait for a worker
constexpr int kFreshYieldAfterMs = 2000;  // ... or this long before its first request (a client
                                          // opening many connections at once is slow to fill them)

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool contains_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

std::string plain_error(int status, std::string_view reason, std::string_view message) {
  std::string body = R"({"error":{"message":")" + std::string(message) +
                     R"(","type":"invalid_request_error","code":null}})";
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

// Parses the request line and headers in head (without the final blank line).
bool parse_head(std::string_view head, HttpRequest& req) {
  std::size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return false;
  std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return false;
  req.method.assign(line.substr(0, sp1));
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (version.substr(0, 5) != "HTTP/") return false;
  req.path.assign(target.substr(0, target.find('?')));
  req.keep_alive = version != "HTTP/1.0";
  req.headers.clear();
  while (eol != std::string_view::npos) {
    std::size_t start = eol + 2;
    eol = head.find("\r\n", start);
    std::string_view h = head.substr(start, eol == std::string_view::npos ? eol : eol - start);
    if (h.empty()) continue;
    std::size_t colon = h.find(':');
    if (colon == std::string_view::npos) return false;
    std::string name(trim(h.substr(0, colon)));
    for (char& c : name) c = lower(c);
    req.headers.emplace_back(std::move(name), std::string(trim(h.substr(colon + 1))));
  }
  std::string_view connection = req.header("connection");
  if (contains_token(connection, "close")) req.keep_alive = false;
  if (contains_token(connection, "keep-alive")) req.keep_alive = true;
  return true;
}

}  // namespace

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

// ---- StopSignal ----

StopSignal::StopSignal() {
  if (::pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) != 0) throw Error("sim: cannot create a pipe", ExitCode::internal);
}

StopSignal::~StopSignal() {
  ::close(pipe_[0]);
  ::close(pipe_[1]);
}

void StopSignal::trigger() {
  stopped_.store(true, std::memory_order_release);
  char c = 1;
  [[maybe_unused]] auto n = ::write(pipe_[1], &c, 1);  // the byte stays: every poll wakes
}

bool StopSignal::sleep_ms(double ms) const {
  if (stopped()) return false;
  if (ms <= 0) return true;
  return sleep_until(std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double, std::milli>(ms)));
}

bool StopSignal::sleep_until(std::chrono::steady_clock::time_point deadline) const {
  using Clock = std::chrono::steady_clock;
  for (;;) {
    if (stopped()) return false;
    auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - Clock::now());
    if (left.count() <= 0) return true;
    timespec ts{static_cast<time_t>(left.count() / 1'000'000'000),
                static_cast<long>(left.count() % 1'000'000'000)};
    pollfd p{pipe_[0], POLLIN, 0};
    int r = ::ppoll(&p, 1, &ts, nullptr);
    if (r > 0 || stopped()) return false;
  }
}

// ---- HttpConnection ----

bool HttpConnection::write(std::string_view data) {
  while (!data.empty()) {
    if (stop_.stopped()) return false;
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// ---- HttpServer ----

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {
  if (options_.max_threads < 1) options_.max_threads = 1;
}

HttpServer::~HttpServer() { stop(); }

int HttpServer::start() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(options_.port);
  if (int rc = ::getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &found); rc != 0)
    throw Error("sim: cannot resolve host \"" + options_.host + "\": " + ::gai_strerror(rc) +
                "; use a numeric address such as 127.0.0.1");
  std::string last_error = "no address";
  for (addrinfo* a = found; a != nullptr && listen_fd_ < 0; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 1024) == 0) {
      listen_fd_ = fd;
    } else {
      last_error = std::strerror(errno);
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (listen_fd_ < 0)
    throw Error("sim: cannot listen on " + options_.host + ":" + port + ": " + last_error +
                "; pick another --port (0 = any free port)");
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                     : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  pacer_ = std::make_unique<Pacer>(options_.pacer_threads, stop_);
  acceptor_ = std::thread([this] { accept_loop(); });
  return port_;
}

void HttpServer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!stopped_) {
      stopped_ = true;
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
      for (int fd : queue_) ::close(fd);
      queue_.clear();
    }
  }
  stop_.trigger();
  queue_cv_.notify_all();
  if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mutex_);
    workers.swap(workers_);
  }
  for (auto& w : workers) w.join();
  pacer_.reset();  // its threads ended when stop_ was triggered
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
}

void HttpServer::accept_loop() {
  while (!stop_.stopped()) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_.wake_fd(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (stop_.stopped()) return;
    if (!(fds[0].revents & POLLIN)) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE) stop_.sleep_ms(10);  // let connections finish
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    util::enable_receive_times(fd);
    std::lock_guard lock(mutex_);
    if (stopped_) {
      ::close(fd);
      return;
    }
    queue_.push_back(fd);
    queued_.store(static_cast<int>(queue_.size()), std::memory_order_relaxed);
    if (static_cast<int>(queue_.size()) > idle_workers_ &&
        static_cast<int>(workers_.size()) < options_.max_threads) {
      workers_.emplace_back([this] { worker_loop(); });
      ::pthread_setname_np(workers_.back().native_handle(), "sim-worker");
    }
    queue_cv_.notify_one();
  }
}

void HttpServer::worker_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_workers_;
    queue_cv_.wait(lock, [this] { return stopped_ || !queue_.empty(); });
    --idle_workers_;
    if (stopped_) return;
    int fd = queue_.front();
    queue_.pop_front();
    queued_.store(static_cast<int>(queue_.size()), std::memory_order_relaxed);
    open_fds_.insert(fd);
    lock.unlock();
    serve(fd);
    lock.lock();
    open_fds_.erase(fd);
    ::close(fd);  // under the lock: stop() never shuts down a reused descriptor
  }
}

void HttpServer::serve(int fd) {
  HttpConnection conn(fd, stop_, *pacer_);
  std::string buf;
  buf.reserve(16 * 1024);
  char chunk[16 * 1024];
  bool served = false;  // a request has been answered on this connection
  // The kernel's receive time of the last bytes read (util/receive_time.hpp): a request's
  // arrival is not when this worker got round to reading it.
  std::optional<std::chrono::steady_clock::time_point> arrived;
  // Appends what the peer sent next; false on EOF, error, idle timeout or stop. Between
  // requests an idle connection gives its worker up when other connections are queued.
  auto read_more = [&]() -> bool {
    int idle_ms = 0;
    for (;;) {
      pollfd fds[2] = {{fd, POLLIN, 0}, {stop_.wake_fd(), POLLIN, 0}};
      int r = ::poll(fds, 2, kYieldAfterMs);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 || stop_.stopped()) return false;
      if (r == 0) {
        idle_ms += kYieldAfterMs;
        const int yield_after_ms = served ? kYieldAfterMs : kFreshYieldAfterMs;
        if (idle_ms >= kIdleTimeoutMs ||
            (buf.empty() && idle_ms >= yield_after_ms && queued_.load(std::memory_order_relaxed) > 0))
          return false;
        continue;
      }
      const std::optional<util::ReceiveStamp> stamp = util::peek_receive_time(fd);
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      arrived = stamp ? std::optional(stamp->received) : std::nullopt;
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buf.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
  };
  HttpRequest req;
  for (;;) {
    std::size_t head_end;
    while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (buf.size() > kMaxHeadBytes) {
        conn.write(plain_error(431, "Request Header Fields Too Large", "request head over 64 KiB"));
        return;
      }
      if (!read_more()) return;
    }
    if (head_end > kMaxHeadBytes) {
      conn.write(plain_error(431, "Request Header Fields Too Large", "request head over 64 KiB"));
      return;
    }
    if (!parse_head(std::string_view(buf).substr(0, head_end), req)) {
      conn.write(plain_error(400, "Bad Request", "malformed HTTP request"));
      return;
    }
    if (!req.header("transfer-encoding").empty()) {
      conn.write(plain_error(411, "Length Required", "send the body with Content-Length"));
      return;
    }
    std::size_t length = 0;
    if (std::string_view cl = req.header("content-length"); !cl.empty()) {
      for (char c : cl) {
        if (c < '0' || c > '9' || length > kMaxBodyBytes) {
          conn.write(plain_error(400, "Bad Request", "bad Content-Length"));
          return;
        }
        length = length * 10 + static_cast<std::size_t>(c - '0');
      }
    }
    if (length > kMaxBodyBytes) {
      conn.write(plain_error(413, "Payload Too Large", "request body over 8 MiB"));
      return;
    }
    const std::size_t total = head_end + 4 + length;
    if (buf.size() < total && iequals(req.header("expect"), "100-continue"))
      if (!conn.write("HTTP/1.1 100 Continue\r\n\r\n")) return;
    while (buf.size() < total)
      if (!read_more()) return;
    req.received = arrived.value_or(std::chrono::steady_clock::now());
    req.body.assign(buf, head_end + 4, length);
    buf.erase(0, total);
    AfterResponse after = handler_(req, conn);
    served = true;
    if (after == AfterResponse::close || !req.keep_alive || stop_.stopped()) return;
  }
}

}  // namespace llmbench::sim
