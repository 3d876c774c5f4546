#include "llmbench/util/epoll_wait.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <ctime>
#include <limits>

namespace llmbench::util {
namespace {

std::atomic<bool> g_have_epoll_pwait2{true};

}  // namespace

int epoll_wait_for(int epoll_fd, epoll_event* events, int max_events, std::optional<std::chrono::nanoseconds> timeout) {
  if (timeout && timeout->count() < 0) timeout = std::chrono::nanoseconds{0};
  if (g_have_epoll_pwait2.load(std::memory_order_relaxed)) {
    timespec wait{};
    if (timeout) {
      wait.tv_sec = static_cast<time_t>(timeout->count() / 1'000'000'000);
      wait.tv_nsec = static_cast<long>(timeout->count() % 1'000'000'000);
    }
    const int n = ::epoll_pwait2(epoll_fd, events, max_events, timeout ? &wait : nullptr, nullptr);
    if (n >= 0 || (errno != ENOSYS && errno != EPERM)) return n;
    g_have_epoll_pwait2.store(false, std::memory_order_relaxed);
  }
  int ms = -1;
  if (timeout) {
    const auto rounded = std::chrono::ceil<std::chrono::milliseconds>(*timeout).count();
    ms = static_cast<int>(std::min<long long>(rounded, std::numeric_limits<int>::max()));
  }
  return ::epoll_wait(epoll_fd, events, max_events, ms);
}

}  // namespace llmbench::util
