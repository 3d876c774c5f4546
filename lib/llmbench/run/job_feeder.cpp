#include "llmbench/run/job_feeder.hpp"

#include <algorithm>
#include <memory>
#include <utility>

namespace llmbench::run {
namespace {

struct Feeder {
  http::Executor& executor;
  NextJob next;
  bool stopped = false;  // a record came back cancelled, or no job is left

  // Submits the next job, if any; its completion submits the one after. After a stop was
  // requested no job is made: the executor would only cancel it.
  static void submit_next(const std::shared_ptr<Feeder>& self) {
    if (self->stopped || self->executor.stop_requested()) return;
    http::ApiRequest request;
    http::Executor::Callback done;
    if (!self->next(request, done)) {
      self->stopped = true;
      return;
    }
    self->executor.submit(std::move(request), [self, done = std::move(done)](http::RequestRecord&& record) {
      const bool cancelled = record.outcome == http::Outcome::cancelled;
      done(std::move(record));
      if (cancelled) self->stopped = true;
      submit_next(self);
    });
  }
};

// feed_jobs()'s state: a job that finishes inside start() (nothing left to do) frees its slot
// to the loop already running, so no call nests deeper than one job.
struct JobFeeder {
  http::Executor& executor;
  std::size_t window;
  StartJob start;
  std::size_t running = 0;
  bool exhausted = false, pumping = false;

  static void pump(const std::shared_ptr<JobFeeder>& self) {
    if (self->pumping) return;
    self->pumping = true;
    while (!self->exhausted && self->running < self->window && !self->executor.stop_requested()) {
      ++self->running;
      if (!self->start([self] {
            --self->running;
            pump(self);
          })) {
        --self->running;
        self->exhausted = true;
      }
    }
    self->pumping = false;
  }
};

}  // namespace

void feed_jobs(http::Executor& executor, std::size_t window, StartJob start) {
  JobFeeder::pump(std::make_shared<JobFeeder>(JobFeeder{executor, window, std::move(start)}));
}

void feed(http::Executor& executor, std::size_t window, NextJob next) {
  auto feeder = std::make_shared<Feeder>(Feeder{executor, std::move(next)});
  for (std::size_t i = 0; i < window && !feeder->stopped; ++i) Feeder::submit_next(feeder);
}

std::size_t feed_window(int concurrency) { return std::max<std::size_t>(64, 4 * static_cast<std::size_t>(std::max(concurrency, 1))); }

}  // namespace llmbench::run
