#pragma once
// When the kernel received a TCP socket's next unread bytes (SO_TIMESTAMPNS), on the steady
// clock. A streamed token is timed by this, not by when the executor's one thread got round to
// reading it: at 1,000 streams whose tokens fall due together, the last of a burst is read some
// 16 ms after it arrived (N events x ~16 us each), which would otherwise count as the server's.
//
//   - enable_receive_times: asks the kernel to stamp what the socket receives (best effort:
//     a socket that refuses keeps the reading time).
//   - peek_receive_time: the stamp of the first unread byte, without consuming it (MSG_PEEK),
//     and when it was peeked; nullopt when nothing is queued, the socket carries no stamp, or
//     the call fails.
//   - ReceiveStamp::serves: whether bytes a reader hands over at `now`, after the read the
//     stamp was peeked for, are timed by it. Only that read's bytes are the stamp's, and a
//     reader (libcurl) may read again, bytes that came after the peek, before it returns:
//     bytes handed over within kFresh of the peek count as the stamp's (a second read that
//     soon has little chance of new bytes), later ones are timed when read (never early).
//   Limits: one stamp serves all the bytes of the read, so of two chunks of one stream that
//   waited unread together (the reader later than the stream's gap between them), the second
//   is timed as the first; and the kernel merges segments queued in one socket, keeping the
//   later one's stamp.
//
// Not bound to libcurl: the calls take a plain descriptor. Thread-safe (no state).

#include <chrono>
#include <optional>

namespace llmbench::util {

struct ReceiveStamp {
  using Time = std::chrono::steady_clock::time_point;
  static constexpr std::chrono::microseconds kFresh{200};
  Time received;  // the kernel's receive time of the first byte unread at the peek
  Time peeked;
  bool serves(Time now) const { return now - peeked <= kFresh; }
};

void enable_receive_times(int socket) noexcept;
std::optional<ReceiveStamp> peek_receive_time(int socket) noexcept;

}  // namespace llmbench::util
