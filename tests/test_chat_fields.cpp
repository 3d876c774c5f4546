// The tree-free reading of chat bodies (http/chat_fields.cpp) against the tree reading it
// replaced, kept as parse_response_tree / on_data_tree: the same RequestRecord, ParseResult and
// stream events on the fuzz corpora, on the bodies of test_openai.cpp, on every prefix of
// those, and on generated bodies full of repeated keys and fields of the wrong type.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "llmbench/http/chat_fields.hpp"
#include "llmbench/http/openai.hpp"
#include "llmbench/http/sse.hpp"
#include "support/cli.hpp"

using namespace llmbench::http;

namespace {

// A record whose every field parse_response may leave alone holds a value it would not give.
RequestRecord filled_record() {
  RequestRecord record;
  record.content = "old content";
  record.reasoning = "old reasoning";
  record.finish_reason = "old";
  record.usage = Usage{11, 12, 13};
  return record;
}

// Returns whether the body gave an answer (status ok, content not empty).
bool check_response_alike(std::string_view body) {
  INFO("body: " << std::string(body));
  RequestRecord sax = filled_record();
  RequestRecord tree = filled_record();
  const ParseResult a = parse_response(ApiKind::chat, body, sax);
  const ParseResult b = detail::parse_response_tree(ApiKind::chat, body, tree);
  CHECK(a.status == b.status);
  CHECK(a.message == b.message);
  CHECK(a.error_code == b.error_code);
  CHECK(sax.content == tree.content);
  CHECK(sax.reasoning == tree.reasoning);
  CHECK(sax.finish_reason == tree.finish_reason);
  CHECK(sax.usage.prompt_tokens == tree.usage.prompt_tokens);
  CHECK(sax.usage.completion_tokens == tree.usage.completion_tokens);
  CHECK(sax.usage.total_tokens == tree.usage.total_tokens);
  return a.status == ParseStatus::ok && !sax.content.empty();
}

void check_stream_alike(const std::vector<std::string>& chunks) {
  ChatStreamAccumulator sax;
  ChatStreamAccumulator tree;
  double at = 0;
  for (const std::string& chunk : chunks) {
    INFO("chunk: " << chunk);
    at += 1;
    CHECK(sax.on_data(chunk, at) == tree.on_data_tree(chunk, at));
    CHECK(sax.error().status == tree.error().status);
    CHECK(sax.error().message == tree.error().message);
    CHECK(sax.error().error_code == tree.error().error_code);
    CHECK(sax.content_so_far() == tree.content_so_far());
    CHECK(sax.complete() == tree.complete());
  }
  RequestRecord a = filled_record();
  RequestRecord b = filled_record();
  sax.finish(a);
  tree.finish(b);
  CHECK(a.content == b.content);
  CHECK(a.reasoning == b.reasoning);
  CHECK(a.finish_reason == b.finish_reason);
  CHECK(a.usage.prompt_tokens == b.usage.prompt_tokens);
  CHECK(a.usage.completion_tokens == b.usage.completion_tokens);
  CHECK(a.usage.total_tokens == b.usage.total_tokens);
  CHECK(a.timings.token_ms == b.timings.token_ms);
  CHECK(a.timings.first_token_ms == b.timings.first_token_ms);
  CHECK(a.timings.first_answer_ms == b.timings.first_answer_ms);
}

// Chat bodies as test_openai.cpp and the servers send them, and edge cases of each field.
const std::vector<std::string>& sample_bodies() {
  static const std::vector<std::string> bodies = {
      R"({"choices":[{"message":{"role":"assistant","content":"4"},"finish_reason":"stop"}],)"
      R"("usage":{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10}})",
      R"({"choices":[{"message":{"content":"B","reasoning_content":"think","reasoning":" more "}}]})",
      R"({"choices":[{"message":{"content":"<think>a</think> B <think>c"}}]})",
      R"({"choices":[{"message":{"content":""},"finish_reason":"length"}]})",
      R"({"error":{"message":"bad model","code":404}})",
      R"({"error":"SyntaxError","message":"Unexpected token","status":500})",
      R"({"error":null,"choices":[{"message":{"content":"x"}}]})",
      R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})",
      R"({"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]})",
      R"({"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}})",
      R"({"choices":[{"index":1,"delta":{"content":"other"}},{"delta":{"content":"mine"}}]})",
      R"({"choices":[{"delta":{"content":[{"type":"text","text":"a"},7,{"text":1},{"text":"b","text":"c"}]}}]})",
      R"({"choices":[{"message":{"content":[{"text":"p1"},[{"text":"no"}],{"text":"p2"}]}}]})",
      R"({"choices":[{"message":{"content":"first","content":"last"}}],"choices":[{"message":{}}]})",
      R"({"choices":[{"message":{"content":"a"},"message":3}]})",
      R"({"choices":[{"index":4294967296,"delta":{"content":"wraps to 0"}}]})",
      R"({"choices":[{"index":1.0,"delta":{"content":"float index"}},{"index":-1,"delta":{"content":"x"}}]})",
      R"({"choices":[{"index":18446744073709551615,"delta":{"content":"u"}}]})",
      R"({"choices":[{"finish_reason":"stop","finish_reason":null,"delta":{}}]})",
      R"({"usage":{"prompt_tokens":1.9,"completion_tokens":-2e30,"total_tokens":18446744073709551615},"choices":[{"message":{}}]})",
      R"({"usage":{"prompt_tokens":1},"usage":{"total_tokens":"3"},"choices":[{"message":{"content":"x"}}]})",
      R"({"choices":"x"})",
      R"({"choices":[1,{"message":{"content":"second"}}]})",
      R"({"choices":[{"message":"text"}]})",
      R"([{"choices":[]}])",
      R"("just a string")",
      R"({"choices":[{"message":{"content":"é\u00e9\ud83d\ude00"}}]} )",
      R"({"choices":[{"message":{"content":"x"}}]} trailing)",
      R"({"a":{"choices":[{"message":{"content":"nested"}}],"error":{"message":"nested"}},"choices":[{"message":{}}]})",
      "[DONE]",
      " [DONE]\n",
      "",
      "{}",
  };
  return bodies;
}

// A random JSON text shaped like a chat body (the keys each level is read for, and others),
// with repeated keys, values of every type where a field is expected, and now and then a
// syntax error.
class BodyMaker {
 public:
  explicit BodyMaker(unsigned seed) : rng_(seed) {}

  std::string body() {
    std::string text;
    object(text, Level::root, 0);
    if (pick(12) == 0) text.resize(pick(text.size() + 1));
    return text;
  }

 private:
  enum class Level { root, choice, message, part, usage, other };

  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

  void object(std::string& text, Level level, int depth) {
    static const std::vector<std::vector<std::string>> keys = {
        {"choices", "choices", "usage", "id", "error"},
        {"index", "message", "delta", "finish_reason", "logprobs"},
        {"content", "content", "reasoning_content", "reasoning", "role"},
        {"text", "text", "type"},
        {"prompt_tokens", "completion_tokens", "total_tokens", "x"},
        {"content", "text", "choices", "x"}};
    const auto& names = keys[static_cast<std::size_t>(level)];
    text += '{';
    const std::size_t members = 1 + pick(4);
    for (std::size_t i = 0; i < members; ++i) {
      if (i > 0) text += ',';
      std::size_t key = pick(names.size());
      if (names[key] == "error" && pick(4) != 0) key = 0;  // error members stay rare
      text += '"' + names[key] + "\":";
      const std::string& name = names[key];
      if (pick(5) == 0 || depth >= 6) {
        value(text, depth + 1);
      } else if (name == "choices") {
        array(text, Level::choice, depth + 1);
      } else if (name == "message" || name == "delta") {
        object(text, Level::message, depth + 1);
      } else if (level == Level::message && name != "role" && pick(2) == 0) {
        array(text, Level::part, depth + 1);
      } else if (name == "usage") {
        object(text, Level::usage, depth + 1);
      } else {
        value(text, depth + 1);
      }
    }
    text += '}';
  }

  void array(std::string& text, Level element, int depth) {
    text += '[';
    const std::size_t elements = pick(4);
    for (std::size_t i = 0; i < elements; ++i) {
      if (i > 0) text += ',';
      if (pick(6) == 0) value(text, depth + 1);
      else object(text, element, depth + 1);
    }
    text += ']';
  }

  void value(std::string& text, int depth) {
    static const std::vector<std::string> scalars = {
        "null", "true", "0", "1", "-1", "4294967296", "18446744073709551615", "2.5", "1e300", "-0.0",
        R"("")", R"("stop")", R"(" <think>r</think> a ")", R"("\u00e9\n")", R"("</think>")", R"("ab")",
        R"("c")", R"("<think>")", R"(" d ")"};
    const std::size_t kind = depth >= 6 ? 0 : pick(6);
    if (kind <= 3) {
      text += scalars[pick(scalars.size())];
    } else if (kind == 4) {
      array(text, Level::other, depth);
    } else {
      object(text, Level::other, depth);
    }
  }

  std::mt19937 rng_;
};

std::vector<std::string> corpus_files() {
  std::vector<std::string> texts;
  const std::filesystem::path root = std::filesystem::path(LLMBENCH_SOURCE_DIR) / "fuzz" / "corpus";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) texts.push_back(llmbench::test::slurp(entry.path().string()));
  }
  return texts;
}

}  // namespace

TEST_CASE("chat fields: a response reads the same without a tree, for every sample body and prefix", "[openai]") {
  for (const std::string& body : sample_bodies()) {
    for (std::size_t size = 0; size <= body.size(); ++size) check_response_alike(std::string_view(body).substr(0, size));
  }
}

TEST_CASE("chat fields: stream chunks read the same without a tree, one by one and in sequence", "[openai]") {
  check_stream_alike(sample_bodies());
  for (const std::string& body : sample_bodies()) {
    for (std::size_t size = 0; size <= body.size(); ++size) check_stream_alike({body.substr(0, size)});
  }
}

TEST_CASE("chat fields: the fuzz corpora and their SSE events read the same without a tree", "[openai]") {
  const std::vector<std::string> files = corpus_files();
  REQUIRE(files.size() > 20);
  for (const std::string& text : files) {
    check_response_alike(text);
    std::vector<std::string> events;
    SseParser parser;
    parser.feed(text, [&](const SseEvent& event) { events.emplace_back(event.data); });
    check_stream_alike(events);
  }
}

TEST_CASE("chat fields: generated bodies with repeated keys and wrong types read the same without a tree", "[openai]") {
  BodyMaker maker(20261207);
  int answers = 0;
  for (int i = 0; i < 8000; ++i) {
    const std::string body = maker.body();
    answers += check_response_alike(body) ? 1 : 0;
    check_stream_alike({body, maker.body(), maker.body()});
  }
  CHECK(answers > 100);  // the bodies reach the fields, not only the error paths
}

TEST_CASE("chat fields: a usage count out of int64's range is left unset, not wrapped", "[openai]") {
  CHECK(detail::usage_count(1.9) == 1);
  CHECK(detail::usage_count(-2.5) == -2);
  CHECK_FALSE(detail::usage_count(1e300).has_value());
  CHECK_FALSE(detail::usage_count(9223372036854775808.0).has_value());
  RequestRecord record = filled_record();
  REQUIRE(parse_response(ApiKind::chat, R"({"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":1e300,"completion_tokens":3.0}})",
                         record).status == ParseStatus::ok);
  CHECK(record.usage.prompt_tokens == 11);
  CHECK(record.usage.completion_tokens == 3);
}
