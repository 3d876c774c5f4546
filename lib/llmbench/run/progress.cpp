#include "llmbench/run/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "llmbench/util/terminal.hpp"

namespace llmbench::run {
namespace {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  auto s = static_cast<long>(std::lround(seconds));
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

}  // namespace

std::string format_progress(const ProgressSnapshot& snapshot, double elapsed_s) {
  const double rate = elapsed_s > 0 ? static_cast<double>(snapshot.done) / elapsed_s : 0;
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
  std::uint64_t errors = 0;
  std::string kinds;
  for (const auto& [kind, count] : snapshot.errors) {
    errors += count;
    kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", kind, count);
  }
  if (errors > 0) line += fmt::format(" | errors {} ({})", errors, kinds);
  for (std::size_t i = 0; i < snapshot.backing_off.size(); ++i) {
    const auto& wait = snapshot.backing_off[i];
    line += fmt::format("{}{} backing off {}", i == 0 ? " | " : ", ", wait.provider,
                        format_duration(std::ceil(wait.wait_s)));
  }
  return util::terminal_safe(line);
}

ProgressDisplay::ProgressDisplay(Progress mode, std::string label, std::FILE* out)
    : mode_(mode), label_(std::move(label)), out_(out), start_(std::chrono::steady_clock::now()) {
  if (mode_ == Progress::auto_) {
    const bool terminal = ::isatty(::fileno(out_)) != 0;
    const char* term = std::getenv("TERM");
    mode_ = terminal && !(term && std::string(term) == "dumb") ? Progress::bar : Progress::plain;
  }
}

void ProgressDisplay::update(const ProgressSnapshot& snapshot) {
  if (mode_ == Progress::none) return;
  const auto now = std::chrono::steady_clock::now();
  const auto interval = mode_ == Progress::bar ? std::chrono::milliseconds(100)
                                               : std::chrono::milliseconds(5000);
  if (drew_ && now - last_draw_ < interval) return;
  last_draw_ = now;
  draw(snapshot);
}

void ProgressDisplay::finish(const ProgressSnapshot& snapshot) {
  if (mode_ == Progress::none) return;
  draw(snapshot);
  if (mode_ == Progress::bar) std::fputc('\n', out_);
  std::fflush(out_);
}

void ProgressDisplay::draw(const ProgressSnapshot& snapshot) {
  drew_ = true;
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::string line = format_progress(snapshot, elapsed_s);
  if (mode_ == Progress::bar) {
    constexpr int kWidth = 24;
    const double share = snapshot.total ? static_cast<double>(snapshot.done) /
                                              static_cast<double>(snapshot.total)
                                        : 1.0;
    const int filled = static_cast<int>(share * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.append(static_cast<std::size_t>(kWidth - filled), '.');
    const bool colour = util::colour_enabled(out_);  // never into a pipe or a file, nor with NO_COLOR
    if (colour) {
      std::fprintf(out_, "\r\033[2K%s \033[36m[%s]\033[0m %s", label_.c_str(), bar.c_str(), line.c_str());
    } else {
      std::fprintf(out_, "\r%s [%s] %s    ", label_.c_str(), bar.c_str(), line.c_str());
    }
  } else {
    std::fprintf(out_, "%s %s\n", label_.c_str(), line.c_str());
  }
  std::fflush(out_);
}

}  // namespace llmbench::run
