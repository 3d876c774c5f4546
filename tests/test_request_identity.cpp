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

TEST_CASE("request identity: streaming and the API key do not change it; the repeat index does",
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
