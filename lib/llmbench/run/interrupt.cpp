#include "llmbench/run/interrupt.hpp"

#include <unistd.h>

#include <atomic>

#include "llmbench/error.hpp"

namespace llmbench::run {
namespace {

std::atomic<http::Executor*> g_executor{nullptr};
std::atomic<int> g_interrupts{0};

extern "C" void on_interrupt(int) {
  const int n = ++g_interrupts;
  if (http::Executor* executor = g_executor.load()) executor->request_stop();
  if (n >= 2) {
    static const char kMessage[] = "\nllmbench: interrupted again; exiting now (what finished is kept)\n";
    (void)!::write(2, kMessage, sizeof kMessage - 1);
    ::_exit(static_cast<int>(ExitCode::interrupted));
  }
}

}  // namespace

InterruptGuard::InterruptGuard(http::Executor& executor) {
  g_interrupts = 0;
  g_executor = &executor;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, &old_int_);
  ::sigaction(SIGTERM, &action, &old_term_);
}

InterruptGuard::~InterruptGuard() {
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
  g_executor = nullptr;
}

bool InterruptGuard::interrupted() const { return g_interrupts.load() > 0; }

}  // namespace llmbench::run
