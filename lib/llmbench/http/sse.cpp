#include "llmbench/http/sse.hpp"

#include <cstring>

namespace llmbench::http {
namespace {

// Where the line from `pos` ends: the first '\r' or '\n', or npos. Two memchr scans, not
// find_first_of, which calls memchr on its two-byte set once per byte of the stream.
std::size_t line_end(std::string_view bytes, std::size_t pos) {
  const char* from = bytes.data() + pos;
  const std::size_t left = bytes.size() - pos;
  const auto* lf = static_cast<const char*>(std::memchr(from, '\n', left));
  const std::size_t before_lf = lf != nullptr ? static_cast<std::size_t>(lf - from) : left;
  const auto* cr = static_cast<const char*>(std::memchr(from, '\r', before_lf));
  if (cr != nullptr) return pos + static_cast<std::size_t>(cr - from);
  return lf != nullptr ? pos + before_lf : std::string_view::npos;
}

}  // namespace

void SseParser::reset() {
  line_.clear();
  data_.clear();
  event_.clear();
  has_data_ = false;
  after_cr_ = false;
  overflowed_ = false;
  events_seen_ = 0;
}

void SseParser::feed(std::string_view bytes, const Handler& on_event) {
  if (overflowed_) return;
  std::size_t pos = 0;
  if (after_cr_ && !bytes.empty()) {
    after_cr_ = false;
    if (bytes.front() == '\n') pos = 1;  // the "\n" of a "\r\n" split across reads
  }
  while (pos < bytes.size()) {
    const std::size_t end = line_end(bytes, pos);
    if (end == std::string_view::npos) {
      if (line_.size() + (bytes.size() - pos) > max_bytes_) {
        overflowed_ = true;
        return;
      }
      line_.append(bytes.substr(pos));
      return;
    }
    if (line_.size() + (end - pos) > max_bytes_) {
      overflowed_ = true;
      return;
    }
    std::string_view line = bytes.substr(pos, end - pos);
    if (!line_.empty()) {
      line_.append(line);
      line = line_;
    }
    // Copy out before on_line may clear line_ (on_line does not touch line_).
    on_line(line, on_event);
    if (overflowed_) return;
    line_.clear();
    pos = end + 1;
    if (bytes[end] == '\r') {
      if (pos < bytes.size()) {
        if (bytes[pos] == '\n') ++pos;
      } else {
        after_cr_ = true;
      }
    }
  }
}

void SseParser::on_line(std::string_view line, const Handler& on_event) {
  if (line.empty()) {  // dispatch
    if (has_data_) {
      ++events_seen_;
      on_event(SseEvent{event_, data_});
    }
    data_.clear();
    event_.clear();
    has_data_ = false;
    return;
  }
  if (line.front() == ':') return;  // comment / keep-alive ping
  std::string_view field = line;
  std::string_view value;
  const std::size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (data_.size() + value.size() + 1 > max_bytes_) {
      overflowed_ = true;
      return;
    }
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_.assign(value);
  }
  // id, retry and unknown fields are ignored.
}

}  // namespace llmbench::http
