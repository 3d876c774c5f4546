#include "llmbench/run/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "llmbench/util/terminal.hpp"
#include "llmbench/util/text.hpp"

namespace llmbench::run {
namespace {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  auto s = static_cast<long>(std::lround(seconds));
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

std::size_t code_points(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace

void ProgressSnapshot::take(const http::ExecutorStats& stats) {
  backing_off = stats.backing_off;
  retrying = stats.retrying;
  retry_wait_s = stats.retry_wait_s;
}

std::string format_progress(const ProgressSnapshot& snapshot, double elapsed_s) {
  const std::uint64_t kept = std::min(snapshot.kept, snapshot.done);
  const double rate = elapsed_s > 0 ? static_cast<double>(snapshot.done - kept) / elapsed_s : 0;
  const double pct = snapshot.total ? 100.0 * static_cast<double>(snapshot.done) /
                                          static_cast<double>(snapshot.total)
                                    : 100.0;
  std::string eta = "?";
  if (snapshot.done >= snapshot.total) {
    eta = "0s";
  } else if (rate > 0) {
    eta = format_duration(static_cast<double>(snapshot.total - snapshot.done) / rate);
  }
  std::string line = fmt::format("{}/{} ({:.0f}%) {:.1f} items/s ETA {}", snapshot.done,
                                 snapshot.total, pct, rate, eta);
  if (kept > 0) line += fmt::format(" ({} kept from before)", kept);
  std::uint64_t errors = 0;
  std::string kinds;
  for (const auto& [kind, count] : snapshot.errors) {
    errors += count;
    kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", kind, count);
  }
  if (errors > 0) line += fmt::format(" | errors {} ({})", errors, kinds);
  if (snapshot.retrying > 0) {
    line += fmt::format(" | retrying {}", snapshot.retrying);
    if (snapshot.retry_wait_s > 0) line += fmt::format(" (back-off {})", format_duration(std::ceil(snapshot.retry_wait_s)));
  }
  for (std::size_t i = 0; i < snapshot.backing_off.size(); ++i) {
    const auto& wait = snapshot.backing_off[i];
    const bool reset = wait.why == http::ProviderWait::Why::budget_reset;
    line += fmt::format("{}{} {} {}{}", i == 0 ? " | " : ", ", wait.provider, reset ? "waiting" : "backing off",
                        format_duration(std::ceil(wait.wait_s)), reset ? " for its rate-limit reset" : "");
  }
  return util::terminal_safe(line);
}

std::string format_check_progress(const CheckProgress& p, double elapsed_s) {
  const std::string models = fmt::format("{} model{}", p.total, p.total == 1 ? "" : "s");
  if (p.waiting.empty()) {
    std::string line = fmt::format("checked {}: {}/{} ok", models, p.ok, p.total);
    if (p.failed > 0) line += fmt::format(", {} failed", p.failed);
    return util::terminal_safe(line);
  }
  std::string line = fmt::format("checking {}: {}/{} ok", models, p.ok, p.total);
  if (p.failed > 0) line += fmt::format(", {} failed", p.failed);
  constexpr std::size_t kNamed = 3;
  std::string names;
  for (std::size_t i = 0; i < std::min(kNamed, p.waiting.size()); ++i) names += (i ? ", " : "") + p.waiting[i];
  if (p.waiting.size() > kNamed) names += fmt::format(" and {} more", p.waiting.size() - kNamed);
  line += fmt::format(", waiting on {} ({})", names, format_duration(elapsed_s));
  if (p.retries > 0) line += fmt::format(", {} retr{}", p.retries, p.retries == 1 ? "y" : "ies");
  return util::terminal_safe(line);
}

std::string format_request_counts(const http::ExecutorStats& stats, std::uint64_t kept_items) {
  std::uint64_t done = 0, cancelled = 0, failed = 0;
  for (const auto& [outcome, n] : stats.outcomes) {
    if (outcome == http::to_string(http::Outcome::ok) || outcome == http::to_string(http::Outcome::truncated)) {
      done += n;
    } else if (outcome == http::to_string(http::Outcome::cancelled)) {
      cancelled += n;
    } else {
      failed += n;
    }
  }
  std::string line = fmt::format("Requests: {} done ({} from the cache)", done, stats.cache_hits);
  if (cancelled > 0) line += fmt::format(", {} cancelled", cancelled);
  if (failed > 0) line += fmt::format(", {} failed", failed);
  line += fmt::format(", {} retries", stats.retries);
  if (kept_items > 0) line += fmt::format("; {} items kept from before the resume", kept_items);
  return line;
}

std::string fit_columns(const std::string& text, std::size_t columns) {
  if (code_points(text) <= columns) return text;
  if (columns == 0) return "";
  std::string out;
  std::size_t pos = 0, taken = 0;
  while (pos < text.size() && taken + 1 < columns) {
    const std::size_t start = pos;
    util::decode_utf8(text, pos);
    out.append(text, start, pos - start);
    ++taken;
  }
  return out + "\u2026";
}

ProgressDisplay::ProgressDisplay(Progress mode, std::string label, std::FILE* out)
    : mode_(mode), label_(std::move(label)), out_(out), start_(std::chrono::steady_clock::now()) {
  if (mode_ == Progress::auto_) {
    const bool terminal = ::isatty(::fileno(out_)) != 0;
    const char* term = std::getenv("TERM");
    mode_ = terminal && !(term && std::string(term) == "dumb") ? Progress::bar : Progress::plain;
  }
}

bool ProgressDisplay::due() {
  if (mode_ == Progress::none) return false;
  const auto now = std::chrono::steady_clock::now();
  const auto interval = mode_ == Progress::bar ? std::chrono::milliseconds(100)
                                               : std::chrono::milliseconds(5000);
  if (drew_ && now - last_draw_ < interval) return false;
  last_draw_ = now;
  return true;
}

double ProgressDisplay::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressDisplay::restart_clock() { start_ = std::chrono::steady_clock::now(); }

void ProgressDisplay::update(const ProgressSnapshot& snapshot) {
  if (due()) draw(format_progress(snapshot, elapsed_s()), &snapshot);
}

void ProgressDisplay::update_status(const std::string& text) {
  if (due()) draw(util::terminal_safe(text), nullptr);
}

void ProgressDisplay::finish(const ProgressSnapshot& snapshot) {
  if (mode_ == Progress::none) return;
  draw(format_progress(snapshot, elapsed_s()), &snapshot);
  if (mode_ == Progress::bar) std::fputc('\n', out_);
  std::fflush(out_);
  drew_ = false;
  last_width_ = 0;
}

void ProgressDisplay::finish_status(const std::string& text) {
  if (mode_ == Progress::none) return;
  draw(util::terminal_safe(text), nullptr);
  if (mode_ == Progress::bar) std::fputc('\n', out_);
  std::fflush(out_);
  drew_ = false;
  last_width_ = 0;
}

void ProgressDisplay::draw(const std::string& text, const ProgressSnapshot* snapshot) {
  drew_ = true;
  const std::string label = util::terminal_safe(label_);
  if (mode_ != Progress::bar) {
    std::fprintf(out_, "%s %s\n", label.c_str(), text.c_str());
    std::fflush(out_);
    return;
  }
  // One column short of the width: a line that fills the last column wraps on some terminals,
  // and the next \r would then redraw below it.
  const std::size_t columns = std::max<std::size_t>(util::terminal_columns(out_), 2) - 1;
  std::string bar;
  if (snapshot != nullptr) {
    constexpr int kWidth = 24;
    const double share = snapshot->total ? static_cast<double>(snapshot->done) /
                                               static_cast<double>(snapshot->total)
                                         : 1.0;
    const int filled = std::clamp(static_cast<int>(share * kWidth), 0, kWidth);
    bar = "[" + std::string(static_cast<std::size_t>(filled), '#') +
          std::string(static_cast<std::size_t>(kWidth - filled), '.') + "]";
  }
  const std::string head = label + " ";
  std::string line;
  const bool colour = util::colour_enabled(out_) && !bar.empty() &&
                      code_points(head) + bar.size() + 1 <= columns;
  std::size_t width = 0;
  if (colour) {
    const std::string tail = fit_columns(" " + text, columns - code_points(head) - bar.size());
    width = code_points(head) + bar.size() + code_points(tail);
    line = head + "\033[36m" + bar + "\033[0m" + tail;
  } else {
    line = fit_columns(head + (bar.empty() ? "" : bar + " ") + text, columns);
    width = code_points(line);
  }
  // Blank what the previous, longer line left behind (no escape codes with NO_COLOR).
  if (width < last_width_) line.append(last_width_ - width, ' ');
  last_width_ = width;
  std::fprintf(out_, "\r%s", line.c_str());
  std::fflush(out_);
}

}  // namespace llmbench::run
