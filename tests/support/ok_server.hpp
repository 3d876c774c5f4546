#pragma once
// A loopback chat server (on RawServer) that answers every request with the same short
// completion (which a test may change) and keeps each request it saw, for tests of what llmbench sends.

#include <mutex>
#include <string>
#include <vector>

#include "support/raw_server.hpp"

namespace llmbench::test {

class OkServer {
 public:
  explicit OkServer(std::string content = "ok");
  std::string url(const std::string& prefix) const { return server_.url(prefix); }
  std::vector<RawRequest> requests() const;  // a copy, in arrival order
  void set_content(std::string content);      // what later requests are answered with

 private:
  std::string content_;
  mutable std::mutex mutex_;
  std::vector<RawRequest> seen_;
  RawServer server_;  // last: stops (joins its threads) before the members it uses go
};

}  // namespace llmbench::test
