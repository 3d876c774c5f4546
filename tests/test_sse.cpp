#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "llmbench/http/sse.hpp"

using llmbench::http::SseEvent;
using llmbench::http::SseParser;

namespace {

struct Collected {
  std::vector<std::string> names;
  std::vector<std::string> data;
};

Collected feed_all(SseParser& parser, const std::vector<std::string>& chunks) {
  Collected out;
  const SseParser::Handler handler = [&](const SseEvent& event) {
    out.names.emplace_back(event.event);
    out.data.emplace_back(event.data);
  };
  for (const auto& chunk : chunks) parser.feed(chunk, handler);
  return out;
}

}  // namespace

TEST_CASE("sse: an event split across two reads is joined", "[http][sse]") {
  SseParser parser;
  const auto out = feed_all(parser, {"data: {\"a\":", "1}\n", "\n"});
  REQUIRE(out.data == std::vector<std::string>{"{\"a\":1}"});
  CHECK_FALSE(parser.has_partial());
}

TEST_CASE("sse: a stream split at every byte gives the same events", "[http][sse]") {
  const std::string stream = "data: one\r\n\r\n: ping\r\n\r\nevent: error\r\ndata: two\r\n\r\ndata: [DONE]\r\n\r\n";
  std::vector<std::string> bytes;
  for (char c : stream) bytes.emplace_back(1, c);
  SseParser parser;
  const auto out = feed_all(parser, bytes);
  REQUIRE(out.data == std::vector<std::string>{"one", "two", "[DONE]"});
  CHECK(out.names == std::vector<std::string>{"", "error", ""});
}

TEST_CASE("sse: CRLF, LF and lone CR line endings all end lines", "[http][sse]") {
  SseParser parser;
  const auto out = feed_all(parser, {"data: a\r\n\r\ndata: b\n\ndata: c\r\rdata: d\r", "\n\r\n"});
  CHECK(out.data == std::vector<std::string>{"a", "b", "c", "d"});
}

TEST_CASE("sse: comment lines are ignored and do not dispatch events", "[http][sse]") {
  SseParser parser;
  const auto out = feed_all(parser, {": ping\n\n: keep-alive\ndata: x\n\n"});
  CHECK(out.data == std::vector<std::string>{"x"});
  CHECK(parser.events_seen() == 1);
}

TEST_CASE("sse: multi-line data is joined with newlines", "[http][sse]") {
  SseParser parser;
  const auto out = feed_all(parser, {"data: first\ndata:second\ndata: third\n\n"});
  CHECK(out.data == std::vector<std::string>{"first\nsecond\nthird"});
}

TEST_CASE("sse: an event without its blank line is reported as partial", "[http][sse]") {
  SseParser parser;
  const auto out = feed_all(parser, {"data: {\"choices\":[]}\n\ndata: {\"cho"});
  CHECK(out.data.size() == 1);
  CHECK(parser.has_partial());
  parser.reset();
  CHECK_FALSE(parser.has_partial());
}

TEST_CASE("sse: [DONE] arrives as an ordinary data payload", "[http][sse]") {
  SseParser parser;
  const auto out = feed_all(parser, {"data: [DONE]\n\n"});
  CHECK(out.data == std::vector<std::string>{"[DONE]"});
}
