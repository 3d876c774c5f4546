// util::epoll_wait_for: a timed wait never ends before it is due, and a ready descriptor ends it
// at once. The executor's loop and the simulator's pacer both wait through it.
#include <catch2/catch.hpp>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>

#include "llmbench/util/epoll_wait.hpp"

using Clock = std::chrono::steady_clock;
using llmbench::util::epoll_wait_for;

TEST_CASE("epoll wait: a timed wait on nothing ready lasts its timeout, to the sub-millisecond, never less",
          "[util][epoll_wait]") {
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  REQUIRE(ep >= 0);
  epoll_event events[4];
  for (const auto timeout : {std::chrono::microseconds(300), std::chrono::microseconds(2500)}) {
    const auto start = Clock::now();
    CHECK(epoll_wait_for(ep, events, 4, timeout) == 0);
    CHECK(Clock::now() - start >= timeout);
  }
  CHECK(epoll_wait_for(ep, events, 4, std::chrono::nanoseconds(-5)) == 0);  // a past time: no wait
  ::close(ep);
}

TEST_CASE("epoll wait: a ready descriptor ends an untimed wait at once", "[util][epoll_wait]") {
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  const int ev = ::eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);
  REQUIRE((ep >= 0 && ev >= 0));
  epoll_event watch{};
  watch.events = EPOLLIN;
  watch.data.fd = ev;
  REQUIRE(::epoll_ctl(ep, EPOLL_CTL_ADD, ev, &watch) == 0);
  epoll_event events[4];
  REQUIRE(epoll_wait_for(ep, events, 4, std::nullopt) == 1);
  CHECK(events[0].data.fd == ev);
  ::close(ev);
  ::close(ep);
}
