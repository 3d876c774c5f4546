// The job feeder: jobs handed to the executor a window at a time, against the simulator over
// loopback.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "llmbench/http/executor.hpp"
#include "llmbench/run/job_feeder.hpp"
#include "llmbench/sim/simulator.hpp"

using namespace llmbench;

namespace {

http::ApiRequest slow_chat(const std::string& base_url, int index) {
  http::ApiRequest request;
  request.endpoint.provider = "sim";
  request.endpoint.base_url = base_url;
  request.endpoint.headers = {{"X-Sim-Latency-Ms", "300"}};
  request.model = "sim-feed";
  request.messages = {{"user", "job " + std::to_string(index)}};
  return request;
}

}  // namespace

TEST_CASE("job feeder: once a stop is requested no further job is made, though answers still arrive",
          "[job_feeder]") {
  sim::SimOptions sim_options;
  sim_options.models = {{"sim-feed", 0.7}};
  sim_options.threads = 8;
  sim::Simulator sim(sim_options);
  sim.start();
  http::ExecutorOptions options;
  options.concurrency = 2;
  options.retries = 0;
  options.timeout_s = 10;
  options.stop_grace_s = 5;  // the two in flight finish ok after the stop
  http::Executor executor(options);
  int made = 0, ok = 0;
  run::feed(executor, 2, [&](http::ApiRequest& request, http::Executor::Callback& done) {
    if (made == 10) return false;
    request = slow_chat(sim.base_url(), made++);
    done = [&](http::RequestRecord&& record) { ok += record.ok() ? 1 : 0; };
    return true;
  });
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    executor.request_stop();
  });
  executor.run();
  stopper.join();
  CHECK(executor.stop_requested());
  CHECK(ok == 2);
  CHECK(made == 2);  // the window; their completions made nothing more
}

TEST_CASE("job feeder: jobs of several requests each are started a window at a time, each after one "
          "finishes, and every job runs",
          "[job_feeder]") {
  sim::SimOptions sim_options;
  sim_options.models = {{"sim-feed", 0.7}};
  sim::Simulator sim(sim_options);
  sim.start();
  http::ExecutorOptions options;
  options.concurrency = 8;
  options.retries = 0;
  options.timeout_s = 10;
  http::Executor executor(options);
  const int jobs = 12, window = 3;
  int started = 0, running = 0, most_running = 0, answers = 0;
  run::feed_jobs(executor, window, [&](std::function<void()> finished) {
    if (started == jobs) return false;
    const int job = started++;
    if (job % 4 == 3) {  // a job with nothing left to do finishes at once
      finished();
      return true;
    }
    most_running = std::max(most_running, ++running);
    // Two requests, the second sent when the first is answered; the job ends with it.
    executor.submit(slow_chat(sim.base_url(), job), [&, job, finished](http::RequestRecord&& first) {
      answers += first.ok() ? 1 : 0;
      executor.submit(slow_chat(sim.base_url(), 100 + job), [&, finished](http::RequestRecord&& second) {
        answers += second.ok() ? 1 : 0;
        --running;
        finished();
      });
    });
    return true;
  });
  CHECK(started == window);
  executor.run();
  CHECK(started == jobs);
  CHECK(answers == 2 * 9);
  CHECK(most_running == window);
}
