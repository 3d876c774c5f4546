#pragma once
// Reading a chat completion body, or one stream chunk's data, without building a JSON tree:
// one SAX pass keeps only the fields openai.cpp reads from the tree, with the tree's
// semantics (of a repeated key the last value wins; a field of the wrong type counts as
// absent). Internal to http/: openai.cpp's parse_response and ChatStreamAccumulator use it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "llmbench/http/openai.hpp"

namespace llmbench::http::detail {

enum class ChatShape {
  response,  // choices[0].message, all of it required
  chunk,     // every choices[i].delta whose index is 0 or absent, all optional
};

// The fields of a chat body that a RequestRecord takes.
struct ChatFields {
  ParseResult result;   // ok, or malformed with parse_response's / on_data's message
  std::string content;  // the message's (response) or index-0 deltas' (chunk) content text, in order
  std::string reasoning;                     // their reasoning_content text, then reasoning text
  std::optional<std::string> finish_reason;  // the last string finish_reason of those choices
  std::optional<std::int64_t> prompt_tokens;  // usage's numbers (a float is truncated)
  std::optional<std::int64_t> completion_tokens;
  std::optional<std::int64_t> total_tokens;
};

// Fills `fields` from `body` and returns true; returns false, `fields` unspecified, when the
// body has a top-level `error` member that is not null (the caller reads that with a tree).
bool read_chat_fields(std::string_view body, ChatShape shape, ChatFields& fields);

// parse_response reading the body through a JSON tree: what it falls back on for chat bodies
// with an `error` member and uses for the other kinds, and the reference its tests compare
// it with. Same contract.
ParseResult parse_response_tree(ApiKind kind, std::string_view body, RequestRecord& record);

// A usage count from a JSON float as nlohmann's get<std::int64_t>() gives it (truncated),
// or nullopt when it is out of int64's range (where that cast is undefined).
std::optional<std::int64_t> usage_count(double value);

}  // namespace llmbench::http::detail
