#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "llmbench/http/openai.hpp"

using namespace llmbench::http;
using nlohmann::json;

namespace {

ApiRequest chat_request(Stream stream = Stream::no) {
  ApiRequest request;
  request.endpoint.base_url = "http://127.0.0.1:9/v1";
  request.model = "m1";
  request.messages = {{"system", "Be brief."}, {"user", "What is 2+2?"}};
  request.params = {{"temperature", 0.2}, {"max_tokens", 64}};
  request.stream = stream;
  return request;
}

}  // namespace

TEST_CASE("openai: a chat body holds model, messages and the params merged in", "[http][openai]") {
  const auto request = chat_request();
  CHECK(request_url(request) == "http://127.0.0.1:9/v1/chat/completions");
  CHECK(request_method(request) == "POST");
  const json body = json::parse(request_body(request));
  CHECK(body["model"] == "m1");
  CHECK(body["messages"].size() == 2);
  CHECK(body["messages"][1]["role"] == "user");
  CHECK(body["messages"][1]["content"] == "What is 2+2?");
  CHECK(body["temperature"] == 0.2);
  CHECK(body["max_tokens"] == 64);
  CHECK_FALSE(body.contains("stream"));
}

TEST_CASE("openai: a streamed chat body asks for usage in the stream", "[http][openai]") {
  const json body = json::parse(request_body(chat_request(Stream::yes)));
  CHECK(body["stream"] == true);
  CHECK(body["stream_options"]["include_usage"] == true);
}

// The body as the tree-built version wrote it: params merged in, then model, messages and the
// stream fields set, dumped with invalid UTF-8 replaced.
std::string dumped_body(const ApiRequest& request) {
  json body = request.params.is_object() ? request.params : json::object();
  body["model"] = request.model;
  json messages = json::array();
  for (const auto& m : request.messages) messages.push_back({{"role", m.role}, {"content", m.content}});
  body["messages"] = messages;
  if (request.stream == Stream::yes) {
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
  } else {
    body.erase("stream");
    body.erase("stream_options");
  }
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

TEST_CASE("openai: a chat body is byte for byte the dump of its JSON object, whatever the params' keys",
          "[http][openai]") {
  auto request = chat_request();
  CHECK(request_body(request) == dumped_body(request));
  request.stream = Stream::yes;
  CHECK(request_body(request) == dumped_body(request));
  // Keys before and after "messages", one that params may not override, stream fields in params.
  request.params = {{"a", 1}, {"messages", "x"}, {"mz", {{"k", "v"}}}, {"zz", json::array({1.5, nullptr})},
                    {"stream", false}, {"stream_options", 3}, {"logit_bias", json::object()}};
  request.stream = Stream::no;
  CHECK(request_body(request) == dumped_body(request));
  request.stream = Stream::yes;
  CHECK(request_body(request) == dumped_body(request));
  // Escapes, non-ASCII, invalid UTF-8 (replaced), no messages, no params.
  request.messages = {{"user", "quote \" back\\ tab\t nl\n \x01 caf\xC3\xA9 bad\xFF\xC3 end"}};
  request.params = nullptr;
  request.stream = Stream::no;
  CHECK(request_body(request) == dumped_body(request));
  request.messages.clear();
  CHECK(request_body(request) == dumped_body(request));
  request.params = {{"aa", 1}};
  CHECK(request_body(request) == dumped_body(request));
}

TEST_CASE("openai: embeddings and models requests go to their paths", "[http][openai]") {
  ApiRequest request;
  request.kind = ApiKind::embeddings;
  request.endpoint.base_url = "http://h/v1";
  request.model = "e";
  request.inputs = {"a", "b"};
  CHECK(request_url(request) == "http://h/v1/embeddings");
  CHECK(json::parse(request_body(request))["input"] == json::array({"a", "b"}));
  request.kind = ApiKind::models;
  CHECK(request_url(request) == "http://h/v1/models");
  CHECK(request_method(request) == "GET");
  CHECK(request_body(request).empty());
}

TEST_CASE("openai: token cost is prompt chars / 4 plus max_tokens", "[http][openai]") {
  auto request = chat_request();  // 9 + 12 = 21 chars -> 6 tokens, + 64
  CHECK(estimate_tokens(request) == 6 + 64);
  request.params = json::object();
  CHECK(estimate_tokens(request) == 6);
}

TEST_CASE("openai: a chat response gives content, finish_reason and usage", "[http][openai]") {
  RequestRecord record;
  const auto result = parse_response(ApiKind::chat, R"({"choices":[{"index":0,
      "message":{"role":"assistant","content":"4"},"finish_reason":"stop"}],
      "usage":{"prompt_tokens":12,"completion_tokens":1,"total_tokens":13}})", record);
  REQUIRE(result.status == ParseStatus::ok);
  CHECK(record.content == "4");
  CHECK(record.reasoning.empty());
  CHECK(record.finish_reason == "stop");
  CHECK(record.usage.prompt_tokens == 12);
  CHECK(record.usage.completion_tokens == 1);
  CHECK(record.usage.total_tokens == 13);
}

TEST_CASE("openai: reasoning fields are kept apart from the answer", "[http][openai]") {
  RequestRecord record;
  REQUIRE(parse_response(ApiKind::chat, R"({"choices":[{"message":{"content":"B",
      "reasoning_content":"compare options"},"finish_reason":"stop"}]})", record).status ==
          ParseStatus::ok);
  CHECK(record.content == "B");
  CHECK(record.reasoning == "compare options");
  RequestRecord other;
  REQUIRE(parse_response(ApiKind::chat, R"({"choices":[{"message":{"content":"C",
      "reasoning":"hmm"}}]})", other).status == ParseStatus::ok);
  CHECK(other.content == "C");
  CHECK(other.reasoning == "hmm");
  CHECK_FALSE(other.usage.known());
}

TEST_CASE("openai: <think> blocks in content count as reasoning", "[http][openai]") {
  std::string content, reasoning;
  split_think("<think>step 1\nstep 2</think>\n\nThe answer is 7.", content, reasoning);
  CHECK(content == "The answer is 7.");
  CHECK(reasoning == "step 1\nstep 2");

  content.clear(); reasoning.clear();
  split_think("<think>still thinking when cut off", content, reasoning);
  CHECK(content.empty());
  CHECK(reasoning == "still thinking when cut off");

  content.clear(); reasoning.clear();
  split_think("opened in the template</think>Answer: A", content, reasoning);
  CHECK(content == "Answer: A");
  CHECK(reasoning == "opened in the template");

  content.clear(); reasoning.clear();
  split_think("plain answer", content, reasoning);
  CHECK(content == "plain answer");
  CHECK(reasoning.empty());
}

TEST_CASE("openai: finish_reason length with empty content is visible to the caller", "[http][openai]") {
  RequestRecord record;
  REQUIRE(parse_response(ApiKind::chat, R"({"choices":[{"message":{"content":"<think>long"},
      "finish_reason":"length"}]})", record).status == ParseStatus::ok);
  CHECK(record.content.empty());
  CHECK(record.finish_reason == "length");
}

TEST_CASE("openai: an error object and malformed JSON are told apart", "[http][openai]") {
  RequestRecord record;
  const auto error = parse_response(ApiKind::chat, R"({"error":{"message":"overloaded","code":503}})", record);
  CHECK(error.status == ParseStatus::api_error);
  CHECK(error.message == "overloaded");
  CHECK(error.error_code == 503);
  CHECK(parse_response(ApiKind::chat, R"({"choices":[{"message":{"cont)", record).status ==
        ParseStatus::malformed);
  CHECK(parse_response(ApiKind::chat, R"({"id":"x"})", record).status == ParseStatus::malformed);
}

TEST_CASE("openai: an {\"error\": name, \"message\": text} body keeps both, as express servers send it", "[http][openai]") {
  RequestRecord record;
  // @dwmkerr/mock-llm's answer when its response template does not render to JSON
  const auto error = parse_response(
      ApiKind::chat, R"({"error":"SyntaxError","message":"Bad control character in string literal","status":500})", record);
  CHECK(error.status == ParseStatus::api_error);
  CHECK(error.message == "SyntaxError: Bad control character in string literal");
  CHECK(error.error_code == 500);
  CHECK(parse_response(ApiKind::chat, R"({"error":"overloaded"})", record).message == "overloaded");
}

TEST_CASE("openai: embedding vectors come back in input order", "[http][openai]") {
  RequestRecord record;
  REQUIRE(parse_response(ApiKind::embeddings, R"({"data":[
      {"index":2,"embedding":[3.0]},{"index":0,"embedding":[1.0,1.5]},{"index":1,"embedding":[2.0]}],
      "usage":{"prompt_tokens":3,"total_tokens":3}})", record).status == ParseStatus::ok);
  REQUIRE(record.embeddings.size() == 3);
  CHECK(record.embeddings[0] == std::vector<float>{1.0f, 1.5f});
  CHECK(record.embeddings[1] == std::vector<float>{2.0f});
  CHECK(record.embeddings[2] == std::vector<float>{3.0f});
  CHECK(record.usage.prompt_tokens == 3);
}

TEST_CASE("openai: a models list gives the model ids", "[http][openai]") {
  RequestRecord record;
  REQUIRE(parse_response(ApiKind::models, R"({"object":"list","data":[{"id":"a"},{"id":"b"}]})",
                         record).status == ParseStatus::ok);
  CHECK(record.model_ids == std::vector<std::string>{"a", "b"});
}

TEST_CASE("openai: a stream accumulates deltas, reasoning, finish_reason and usage", "[http][openai]") {
  ChatStreamAccumulator stream;
  using Event = ChatStreamAccumulator::Event;
  CHECK(stream.on_data(R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})", 1) == Event::none);
  CHECK(stream.on_data(R"({"choices":[{"index":0,"delta":{"reasoning_content":"let me see"}}]})", 2) ==
        Event::token);
  CHECK(stream.on_data(R"({"choices":[{"index":0,"delta":{"content":"<think>more</think>Hel"}}]})", 3) ==
        Event::token);
  CHECK(stream.on_data(R"({"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]})", 4) ==
        Event::token);
  CHECK(stream.on_data(R"({"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}})", 5) ==
        Event::none);
  CHECK_FALSE(stream.saw_done());
  CHECK(stream.complete());
  CHECK(stream.on_data("[DONE]", 6) == Event::done);
  RequestRecord record;
  stream.finish(record);
  CHECK(record.content == "Hello");
  CHECK(record.reasoning == "let me see\nmore");
  CHECK(record.finish_reason == "stop");
  CHECK(record.usage.completion_tokens == 2);
  CHECK(record.timings.token_ms == std::vector<double>{2, 3, 4});
  CHECK(record.timings.first_token_ms == 2);
  CHECK(record.timings.first_answer_ms == 3);  // "Hel" follows the think block in the same chunk
}

TEST_CASE("openai: the answer of a stream begins after its reasoning, however the reasoning is sent", "[http][openai]") {
  using Event = ChatStreamAccumulator::Event;
  auto times = [](const std::vector<std::string>& contents) {
    ChatStreamAccumulator stream;
    double at = 10;
    for (const std::string& content : contents) {
      const json chunk = {{"choices", {{{"index", 0}, {"delta", {{"content", content}}}}}}};
      const Event event = stream.on_data(chunk.dump(), at);
      CHECK(event == (content.empty() ? Event::none : Event::token));
      at += 10;
    }
    CHECK(stream.on_data(R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})", at) == Event::none);
    RequestRecord record;
    stream.finish(record);
    return record.timings;
  };
  // A <think> block split over chunks, then whitespace, then the answer.
  Timings t = times({"<thi", "nk>step one", " step two</th", "ink>\n\n", "", "B"});
  CHECK(t.first_token_ms == 10);
  CHECK(t.first_answer_ms == 60);
  CHECK(t.token_ms.size() == 5);
  // The opening tag was in the prompt template: everything before </think> is reasoning.
  t = times({"reasoning here", "</think>", " The answer", " is B"});
  CHECK(t.first_answer_ms == 30);
  // No reasoning: the first text is the answer.
  t = times({"  ", "Answer: C"});
  CHECK(t.first_token_ms == 10);
  CHECK(t.first_answer_ms == 20);
  // An unclosed think block holds no answer.
  t = times({"<think>still thinking"});
  CHECK(t.first_token_ms == 10);
  CHECK(t.first_answer_ms == -1);
}

TEST_CASE("openai: an error object inside a stream is an error", "[http][openai]") {
  ChatStreamAccumulator stream;
  CHECK(stream.on_data(R"({"error":{"message":"model crashed"}})", 0) == ChatStreamAccumulator::Event::error);
  CHECK(stream.has_error());
  CHECK(stream.error().message == "model crashed");
  CHECK_FALSE(stream.complete());
}
