// SSE parser: any bytes, split at any points, give the same events as fed at once.
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "llmbench/http/sse.hpp"

namespace {

std::vector<std::string> parse(std::string_view text, std::size_t chunk) {
  llmbench::http::SseParser parser;
  std::vector<std::string> events;
  const auto on_event = [&](const llmbench::http::SseEvent& event) {
    events.push_back(std::string(event.event) + '\0' + std::string(event.data));
  };
  for (std::size_t at = 0; at < text.size(); at += chunk) parser.feed(text.substr(at, chunk), on_event);
  if (text.empty()) parser.feed({}, on_event);
  llmbench::fuzz::require(parser.events_seen() == events.size(), "events_seen counts delivered events");
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 17;  // the first byte picks the read size
  const std::string_view text = llmbench::fuzz::as_text(data + 1, size - 1);
  const auto whole = parse(text, text.size() + 1);
  const auto split = parse(text, chunk);
  llmbench::fuzz::require(whole == split, "events do not depend on how the bytes are split");
  return 0;
}
