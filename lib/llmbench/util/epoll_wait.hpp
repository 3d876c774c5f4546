#pragma once
// Waiting on an epoll set to the nanosecond where the kernel allows it.

#include <sys/epoll.h>

#include <chrono>
#include <optional>

namespace llmbench::util {

// epoll_wait for at most `timeout` (nullopt: until an event; a negative one counts as zero).
// With epoll_pwait2 (Linux 5.11) the timeout is kept to the nanosecond; where the kernel lacks it
// or a seccomp filter refuses it (ENOSYS, EPERM), epoll_wait is used from then on, the timeout
// rounded up to the millisecond, so a wait never ends before it is due. Returns what the call
// returned (errno set on -1).
int epoll_wait_for(int epoll_fd, epoll_event* events, int max_events, std::optional<std::chrono::nanoseconds> timeout);

}  // namespace llmbench::util
