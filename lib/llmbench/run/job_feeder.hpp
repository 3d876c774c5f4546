#pragma once
// Jobs handed to the executor a window at a time. A tier with many items would otherwise
// queue every request (and its prompt) before the first is sent; fed, a sweep holds at most
// `window` requests queued or in flight, whatever the number of items.
//
// feed() submits the first `window` jobs; each completion then submits the next, so the
// executor sees the jobs in order. Threading: like Executor::submit(), call it before run()
// or on the loop thread; every later submit happens on the loop thread. Once a stop is
// requested (Executor::stop_requested) or a record comes back cancelled, nothing more is
// submitted: what is left is never sent and is done on --resume.

#include <cstddef>
#include <functional>

#include "llmbench/http/executor.hpp"
#include "llmbench/http/types.hpp"

namespace llmbench::run {

// Makes the next job: sets its request and completion and returns true, or returns false
// when there are no more jobs. Called on the thread that submits.
using NextJob = std::function<bool(http::ApiRequest& request, http::Executor::Callback& done)>;

void feed(http::Executor& executor, std::size_t window, NextJob next);

// Jobs of several requests each (an answer and the judgements of it), fed a window at a time:
// StartJob starts the next job and returns true, or returns false when there are none left.
// The job calls `finished` once when it has written its last record; a job that never does
// (it was cancelled) keeps its slot, so nothing more is started after a stop. `finished` may
// be called inside StartJob (a job with nothing left to do). Same threading as feed().
using StartJob = std::function<bool(std::function<void()> finished)>;

void feed_jobs(http::Executor& executor, std::size_t window, StartJob start);

// The window a sweep feeds with: a few requests queued per request in flight, so the executor
// never waits for work.
std::size_t feed_window(int concurrency);

}  // namespace llmbench::run
