#include "llmbench/util/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>

#include "llmbench/util/text.hpp"

namespace llmbench::util {
namespace {

bool needs_work(std::string_view text, Newlines newlines) {
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x80) return true;  // checked on the slow path
    if (b < 0x20 || b == 0x7f) {
      if (newlines == Newlines::keep && (c == '\n' || c == '\t')) continue;
      return true;
    }
  }
  return false;
}

class SafeFormatter final : public spdlog::formatter {
 public:
  explicit SafeFormatter(const std::string& pattern) : pattern_(pattern), inner_(pattern) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    if (!needs_work(payload, Newlines::keep)) {
      inner_.format(msg, dest);
      return;
    }
    const std::string safe = terminal_safe(payload, Newlines::keep);
    spdlog::details::log_msg copy = msg;
    copy.payload = spdlog::string_view_t(safe.data(), safe.size());
    inner_.format(copy, dest);
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<SafeFormatter>(pattern_); }

 private:
  std::string pattern_;
  spdlog::pattern_formatter inner_;
};

}  // namespace

std::string terminal_safe(std::string_view text, Newlines newlines) {
  if (!needs_work(text, newlines)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto b = static_cast<unsigned char>(text[pos]);
    if (b < 0x80) {
      ++pos;
      if (b >= 0x20 && b != 0x7f) {
        out += static_cast<char>(b);
      } else if (b == '\n' || b == '\t') {
        if (newlines == Newlines::keep) out += static_cast<char>(b);
        else out += b == '\n' ? "\\n" : "\\t";
      } else {
        out += fmt::format("\\x{:02x}", b);
      }
      continue;
    }
    const std::size_t start = pos;
    const char32_t cp = decode_utf8(text, pos);
    if (cp >= 0x80 && cp <= 0x9f) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
    } else if (cp == kReplacementChar && pos - start == 1) {
      append_utf8(out, kReplacementChar);
    } else {
      out.append(text.substr(start, pos - start));
    }
  }
  return out;
}

std::size_t terminal_columns(std::FILE* out) {
  winsize size{};
  if (out != nullptr && ::ioctl(::fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    char* end = nullptr;
    const long n = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && n > 0 && n < 100000) return static_cast<std::size_t>(n);
  }
  return 80;
}

std::unique_ptr<spdlog::formatter> terminal_safe_formatter(const std::string& pattern) {
  return std::make_unique<SafeFormatter>(pattern);
}

bool colour_enabled(std::FILE* stream) {
  if (std::getenv("NO_COLOR") != nullptr) return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return stream != nullptr && ::isatty(::fileno(stream)) != 0;
}

std::string paint(std::string_view text, Colour colour, bool on) {
  if (!on) return std::string(text);
  const char* code = colour == Colour::red ? "31" : colour == Colour::green ? "32" : colour == Colour::yellow ? "33" : "36";
  return std::string("\033[") + code + "m" + std::string(text) + "\033[0m";
}

}  // namespace llmbench::util
