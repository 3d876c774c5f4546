#pragma once
// A hostile HTTP/1.1 server on 127.0.0.1 (port 0) written on raw sockets, for responses no
// well-behaved server library would send: endless or lying bodies, gzip bombs, 429s asking
// for a day's wait. Each connection gets one response and is closed.

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace llmbench::test {

struct RawRequest {
  std::string path;     // e.g. /json/v1/chat/completions
  std::string head;     // request line and headers, as received
  std::string body;
  std::string header(std::string_view name) const;  // "" when absent (name case-insensitive)
};

// Sends bytes to the client; false once the client has gone (stop generating then).
using RawWrite = std::function<bool(std::string_view)>;
using RawHandler = std::function<void(const RawRequest&, const RawWrite&)>;

// Writes one whole response: "HTTP/1.1 <status>", Content-Type: application/json, Content-Length,
// Connection: close, then `body`.
bool write_json_response(const RawWrite& write, const std::string& status, const std::string& body);

// The body of a chat completion that answers `content` (finish_reason stop, usage set).
std::string chat_completion_json(const std::string& content);

class RawServer {
 public:
  explicit RawServer(RawHandler handler);
  ~RawServer();
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;
  int port() const { return port_; }
  std::string url(const std::string& prefix) const;  // http://127.0.0.1:PORT/prefix/v1

 private:
  void serve(int fd);
  RawHandler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<std::thread> connections_;
};

}  // namespace llmbench::test
