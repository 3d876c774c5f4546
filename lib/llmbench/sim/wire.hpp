#pragma once
// The simulator's bytes on the wire: HTTP/1.1 response heads and chunks, OpenAI's error body
// and SSE events, and the whitespace tokens usage counts. Internal to sim/; pure functions.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::sim {

// "HTTP/1.1 <status> <reason>", Content-Type, Content-Length, "Connection: close" unless
// `keep_alive`, then `extra_headers` (whole "Name: value\r\n" lines) and the blank line.
std::string response_head(int status, std::string_view content_type, std::size_t length, bool keep_alive,
                          std::string_view extra_headers = {});

// OpenAI's error object: {"error": {message, type, param: null, code}}, serialised.
std::string error_body(std::string_view message, std::string_view type, const nlohmann::json& code);

// One chunk of a chunked transfer encoding: hex size, CRLF, data, CRLF.
std::string chunked(std::string_view data);
// One SSE event "data: <json>\n\n", as a chunk.
std::string sse_event(const nlohmann::json& chunk);

// Seconds as a header writes them: "2", "0.5".
std::string format_seconds(double s);

// Splits text into tokens that concatenate back to it: each token is a word with the
// whitespace before it.
std::vector<std::string_view> split_tokens(std::string_view text);
// The tokens joined, without leading whitespace.
std::string join_tokens(const std::vector<std::string_view>& tokens);
// Whitespace-separated words: the simulator's token count.
std::size_t count_words(std::string_view text);

// The texts of a chat request's messages (string contents and text parts), a line each.
std::string prompt_text(const nlohmann::json& messages);
// max_completion_tokens, else max_tokens; -1 when the request sets neither.
long long requested_max_tokens(const nlohmann::json& body);

}  // namespace llmbench::sim
