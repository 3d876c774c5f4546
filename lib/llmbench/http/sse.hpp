#pragma once
// An incremental parser for Server-Sent Events (text/event-stream), as OpenAI-compatible
// servers use for streamed chat completions. Bytes may arrive split at any point; an event
// is delivered once its terminating blank line has been read.
//
// Handled: "\n", "\r\n" and "\r" line endings (also split across reads), comment lines
// (": ping"), multi-line `data:` (joined with "\n"), `event:` names, one optional space after
// the colon. `id:` and `retry:` are accepted and ignored.
//
// Bounded: a line or an event's data longer than max_bytes() stops the parser (overflowed()),
// so a hostile stream cannot grow memory without end.
//
// Not thread-safe; one parser per response.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace llmbench::http {

struct SseEvent {
  std::string_view event;  // "" when the event named none ("message" by default)
  std::string_view data;   // the data lines joined with "\n"
};

class SseParser {
 public:
  using Handler = std::function<void(const SseEvent&)>;

  static constexpr std::size_t kDefaultMaxBytes = 4u << 20;

  // Feeds the next bytes; calls `on_event` for each event completed by them. The views in
  // the event are valid only during the call. After an overflow, feeding does nothing.
  void feed(std::string_view bytes, const Handler& on_event);

  // The longest line and the longest event data accepted (bytes). Kept by reset().
  void set_max_bytes(std::size_t max_bytes) { max_bytes_ = max_bytes; }
  std::size_t max_bytes() const { return max_bytes_; }
  // True once a line or an event passed max_bytes(); the stream must be abandoned.
  bool overflowed() const { return overflowed_; }

  // True when bytes of an unterminated event (or line) are pending: the stream was cut
  // inside an event if it ends now.
  bool has_partial() const { return !line_.empty() || has_data_ || !event_.empty(); }

  // Forgets everything (a retry starts a new response).
  void reset();

  std::size_t events_seen() const { return events_seen_; }

 private:
  void on_line(std::string_view line, const Handler& on_event);

  std::string line_;   // the current line so far
  std::string data_;   // data lines of the current event
  std::string event_;  // event name of the current event
  bool has_data_ = false;
  bool after_cr_ = false;  // the previous byte was '\r': a following '\n' belongs to it
  bool overflowed_ = false;
  std::size_t max_bytes_ = kDefaultMaxBytes;
  std::size_t events_seen_ = 0;
};

}  // namespace llmbench::http
