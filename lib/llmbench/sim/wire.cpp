#include "llmbench/sim/wire.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace llmbench::sim {

using nlohmann::json;

namespace {

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

}  // namespace

std::string response_head(int status, std::string_view content_type, std::size_t length,
                          bool keep_alive, std::string_view extra_headers) {
  std::string head;
  head.reserve(192 + extra_headers.size());
  head += "HTTP/1.1 ";
  head += std::to_string(status);
  head += ' ';
  head += reason_phrase(status);
  head += "\r\nContent-Type: ";
  head += content_type;
  head += "\r\nContent-Length: ";
  head += std::to_string(length);
  head += "\r\n";
  if (!keep_alive) head += "Connection: close\r\n";
  head += extra_headers;
  head += "\r\n";
  return head;
}

std::string error_body(std::string_view message, std::string_view type, const json& code) {
  return json{{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}}.dump();
}

std::vector<std::string_view> split_tokens(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i == text.size()) break;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    tokens.push_back(text.substr(start, i - start));
  }
  return tokens;
}

std::size_t count_words(std::string_view text) {
  std::size_t n = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

std::string format_seconds(double s) {
  char buf[32];
  if (s == std::floor(s)) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(s));
  else std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

std::string chunked(std::string_view data) {
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string out(size);
  out.append(data);
  out += "\r\n";
  return out;
}

std::string sse_event(const json& chunk) { return chunked("data: " + chunk.dump() + "\n\n"); }

std::string join_tokens(const std::vector<std::string_view>& tokens) {
  std::string s;
  for (auto t : tokens) s += t;
  const std::size_t start = s.find_first_not_of(" \t\r\n");
  return start == std::string::npos ? std::string() : s.substr(start);
}

std::string prompt_text(const json& messages) {
  std::string prompt;
  for (const auto& m : messages) {
    if (!m.is_object()) continue;
    auto content = m.find("content");
    if (content == m.end()) continue;
    if (content->is_string()) {
      prompt += content->get_ref<const std::string&>();
      prompt += '\n';
    } else if (content->is_array()) {
      for (const auto& part : *content)
        if (part.is_object() && part.contains("text") && part["text"].is_string()) {
          prompt += part["text"].get_ref<const std::string&>();
          prompt += '\n';
        }
    }
  }
  return prompt;
}

long long requested_max_tokens(const json& body) {
  for (const char* key : {"max_completion_tokens", "max_tokens"})
    if (auto it = body.find(key); it != body.end() && it->is_number_integer()) return it->get<long long>();
  return -1;
}

}  // namespace llmbench::sim
