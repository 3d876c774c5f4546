#include "llmbench/util/receive_time.hpp"

#include <sys/socket.h>
#include <time.h>

#include <array>
#include <chrono>
#include <cstring>

namespace llmbench::util {

void enable_receive_times(int socket) noexcept {
  const int on = 1;
  ::setsockopt(socket, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
}

std::optional<ReceiveStamp> peek_receive_time(int socket) noexcept {
  char byte = 0;
  iovec data{&byte, 1};
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(timespec))> control{};
  msghdr message{};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control.data();
  message.msg_controllen = control.size();
  if (::recvmsg(socket, &message, MSG_PEEK | MSG_DONTWAIT) <= 0) return std::nullopt;
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr; header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_TIMESTAMPNS) continue;
    timespec stamp{};
    std::memcpy(&stamp, CMSG_DATA(header), sizeof stamp);
    if (stamp.tv_sec == 0 && stamp.tv_nsec == 0) return std::nullopt;
    // The stamp is wall-clock time: carried over to the steady clock by their offset now.
    timespec wall{};
    ::clock_gettime(CLOCK_REALTIME, &wall);
    const auto now = std::chrono::steady_clock::now();
    const auto age = std::chrono::seconds(wall.tv_sec - stamp.tv_sec) + std::chrono::nanoseconds(wall.tv_nsec - stamp.tv_nsec);
    if (age < std::chrono::nanoseconds::zero()) return ReceiveStamp{now, now};  // the wall clock stepped back
    return ReceiveStamp{now - std::chrono::duration_cast<std::chrono::steady_clock::duration>(age), now};
  }
  return std::nullopt;
}

}  // namespace llmbench::util
