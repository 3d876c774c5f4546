// Chat response and stream-chunk parsing: the tree-free reading (http/chat_fields.cpp) gives
// what the JSON-tree reading gives. The whole input is one response body; its lines are the
// data of a stream's events, fed in order.
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "llmbench/http/chat_fields.hpp"
#include "llmbench/http/openai.hpp"

namespace {

using namespace llmbench::http;
using llmbench::fuzz::require;

bool same(const ParseResult& a, const ParseResult& b) {
  return a.status == b.status && a.message == b.message && a.error_code == b.error_code;
}

bool same(const RequestRecord& a, const RequestRecord& b) {
  return a.content == b.content && a.reasoning == b.reasoning && a.finish_reason == b.finish_reason &&
         a.usage.prompt_tokens == b.usage.prompt_tokens && a.usage.completion_tokens == b.usage.completion_tokens &&
         a.usage.total_tokens == b.usage.total_tokens && a.timings.token_ms == b.timings.token_ms &&
         a.timings.first_token_ms == b.timings.first_token_ms &&
         a.timings.first_answer_ms == b.timings.first_answer_ms;
}

RequestRecord filled() {
  RequestRecord record;
  record.content = "old content";
  record.reasoning = "old reasoning";
  record.finish_reason = "old";
  record.usage = Usage{11, 12, 13};
  return record;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = llmbench::fuzz::as_text(data, size);
  RequestRecord sax = filled();
  RequestRecord tree = filled();
  require(same(parse_response(ApiKind::chat, text, sax), detail::parse_response_tree(ApiKind::chat, text, tree)),
          "a response body gives the same ParseResult with and without a tree");
  require(same(sax, tree), "a response body gives the same record with and without a tree");

  ChatStreamAccumulator sax_stream;
  ChatStreamAccumulator tree_stream;
  double at = 0;
  for (std::size_t begin = 0; begin <= text.size();) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view chunk = text.substr(begin, end - begin);
    at += 1;
    require(sax_stream.on_data(chunk, at) == tree_stream.on_data_tree(chunk, at),
            "a chunk gives the same event with and without a tree");
    require(same(sax_stream.error(), tree_stream.error()), "a chunk gives the same error with and without a tree");
    require(sax_stream.content_so_far() == tree_stream.content_so_far(), "chunks add the same content");
    require(sax_stream.complete() == tree_stream.complete(), "chunks complete a stream alike");
    begin = end + 1;
  }
  RequestRecord a = filled();
  RequestRecord b = filled();
  sax_stream.finish(a);
  tree_stream.finish(b);
  require(same(a, b), "a stream gives the same record with and without a tree");
  return 0;
}
