#include "support/ok_server.hpp"

#include <nlohmann/json.hpp>

namespace llmbench::test {

OkServer::OkServer(std::string content)
    : content_(std::move(content)), server_([this](const RawRequest& request, const RawWrite& send) {
        std::string answer;
        {
          std::lock_guard lock(mutex_);
          seen_.push_back(request);
          answer = content_;
        }
        const nlohmann::json reply = {
            {"id", "x"},
            {"object", "chat.completion"},
            {"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", answer}}},
                          {"finish_reason", "stop"}}}},
            {"usage", {{"prompt_tokens", 3}, {"completion_tokens", 1}, {"total_tokens", 4}}}};
        const std::string body = reply.dump();
        send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\nConnection: close\r\n\r\n" + body);
      }) {}

void OkServer::set_content(std::string content) {
  std::lock_guard lock(mutex_);
  content_ = std::move(content);
}

std::vector<RawRequest> OkServer::requests() const {
  std::lock_guard lock(mutex_);
  return seen_;
}

}  // namespace llmbench::test
