// SSE parser: any bytes, split at any points, give the same events as fed at once, and
// overflow the line/event cap alike. The first byte picks the read size (1 + byte % 17) and,
// from 128 up, a 64-byte cap instead of the default 4 MiB, so huge lines are cut short.
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "llmbench/http/sse.hpp"

namespace {

struct Parsed {
  std::vector<std::string> events;
  bool overflowed = false;
  bool operator==(const Parsed&) const = default;
};

Parsed parse(std::string_view text, std::size_t chunk, std::size_t max_bytes) {
  llmbench::http::SseParser parser;
  parser.set_max_bytes(max_bytes);
  std::vector<std::string> events;
  const auto on_event = [&](const llmbench::http::SseEvent& event) {
    events.push_back(std::string(event.event) + '\0' + std::string(event.data));
  };
  for (std::size_t at = 0; at < text.size(); at += chunk) parser.feed(text.substr(at, chunk), on_event);
  if (text.empty()) parser.feed({}, on_event);
  llmbench::fuzz::require(parser.events_seen() == events.size(), "events_seen counts delivered events");
  for (const auto& event : events) {
    llmbench::fuzz::require(event.size() <= 2 * max_bytes + 1, "an event's name and data stay under the cap");
  }
  return {events, parser.overflowed()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 17;
  const std::size_t max_bytes = data[0] >= 128 ? 64 : llmbench::http::SseParser::kDefaultMaxBytes;
  const std::string_view text = llmbench::fuzz::as_text(data + 1, size - 1);
  const auto whole = parse(text, text.size() + 1, max_bytes);
  const auto split = parse(text, chunk, max_bytes);
  llmbench::fuzz::require(whole == split, "events do not depend on how the bytes are split");
  return 0;
}
