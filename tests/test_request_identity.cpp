// The one request identity (http/request_identity.hpp) keys the response cache on disk, so its
// text is pinned: a change here silently loses every cached answer a resume relies on.
#include <catch2/catch.hpp>

#include "llmbench/http/request_identity.hpp"

using namespace llmbench::http;

TEST_CASE("request identity: the canonical text and key are byte-identical to those stored caches use",
          "[http][cache][identity]") {
  // Expected values computed by the cache code before the identity moved to its own file.
  ApiRequest chat;
  chat.endpoint.base_url = "https://api.example.com/v1";
  chat.endpoint.api_key = "sk-secret";
  chat.model = "gpt-x";
  chat.messages = {{"system", "Be brief."}, {"user", "Caf\xc3\xa9 \"quoted\"\n2+2?"}};
  chat.params = {{"temperature", 0}, {"max_tokens", 64}, {"seed", 7}};
  chat.repeat_index = 2;
  CHECK(canonical_request_json(chat) ==
        R"({"base_url":"https://api.example.com/v1","inputs":[],"kind":"chat","messages":[["system","Be brief."],)"
        R"(["user","Caf)" "\xc3\xa9" R"( \"quoted\"\n2+2?"]],"model":"gpt-x","params":{"max_tokens":64,"seed":7,)"
        R"("temperature":0},"repeat_index":2,"v":1})");
  CHECK(request_key(chat) == "db8a900bbd4e119a8544eaeed66b8451d09585d27d29926e27564fbf0147111c");

  ApiRequest embed;
  embed.kind = ApiKind::embeddings;
  embed.endpoint.base_url = "http://127.0.0.1:9/v1";
  embed.endpoint.cache_url = "sim://local";
  embed.model = "emb";
  embed.inputs = {"a", "b"};
  embed.params = nullptr;
  CHECK(canonical_request_json(embed) ==
        R"({"base_url":"sim://local","inputs":["a","b"],"kind":"embeddings","messages":[],"model":"emb",)"
        R"("params":{},"repeat_index":0,"v":1})");
  CHECK(request_key(embed) == "0c82a008382d51651db022bc70515a336385340d873242c5a0cab436176643f8");
}

TEST_CASE("request identity: streaming and the API key do not change it, the repeat index does",
          "[http][cache][identity]") {
  ApiRequest a;
  a.endpoint.base_url = "http://127.0.0.1:1/v1";
  a.model = "m";
  a.messages = {{"user", "hi"}};
  ApiRequest b = a;
  b.stream = Stream::yes;
  b.endpoint.api_key = "sk-other";
  CHECK(request_key(a) == request_key(b));
  b.repeat_index = 1;
  CHECK(request_key(a) != request_key(b));
}

namespace {

// The canonical text as the cache computed it before it was written directly: a JSON tree,
// dumped (keys sorted, compact, invalid UTF-8 replaced).
std::string canonical_the_old_way(const ApiRequest& request) {
  using nlohmann::json;
  json messages = json::array();
  for (const auto& message : request.messages) messages.push_back({message.role, message.content});
  const json canonical = {{"v", 1},
                          {"base_url", request.endpoint.cache_url.empty() ? request.endpoint.base_url : request.endpoint.cache_url},
                          {"model", request.model},
                          {"kind", to_string(request.kind)},
                          {"messages", std::move(messages)},
                          {"inputs", request.inputs},
                          {"params", request.params.is_null() ? json::object() : request.params},
                          {"repeat_index", request.repeat_index}};
  return canonical.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("request identity: hostile text and fractional params give the key the JSON tree gave",
          "[http][cache][identity]") {
  ApiRequest hostile;
  hostile.endpoint.base_url = "http://127.0.0.1:9/v1";
  hostile.endpoint.cache_url = "sim://local";
  hostile.model = "m\xc3\xa9";
  hostile.messages = {{"system", "Tab\there, bell \x07, bad \xff\xfe, cut \xe2\x82"},
                      {"user", "Emoji \xf0\x9f\x98\x80 and surrogate \xed\xa0\x80 end \xc3"}};
  hostile.params = {{"temperature", 0.7}, {"top_p", 0.95}, {"max_tokens", 512}, {"stop", {"\n\n", "Q:"}},
                    {"response_format", {{"type", "json_object"}}}};
  hostile.repeat_index = 3;
  // Computed by the tree-building code (a JSON tree, dumped) before this one replaced it.
  CHECK(request_key(hostile) == "22d0c60f96231b0f4c5b61ff71932261eae701fe28a6c36d861b6a5fc2042f2f");
  CHECK(canonical_request_json(hostile) == canonical_the_old_way(hostile));

  ApiRequest odd = hostile;  // params that are not an object, and no messages
  odd.kind = ApiKind::embeddings;
  odd.messages.clear();
  odd.inputs = {"", "\"quoted\"", "\x01\x1f"};
  for (const nlohmann::json& params : {nlohmann::json(nullptr), nlohmann::json::array({1, 2.5}), nlohmann::json("x"),
                                       nlohmann::json::object()}) {
    odd.params = params;
    CHECK(canonical_request_json(odd) == canonical_the_old_way(odd));
  }
}
