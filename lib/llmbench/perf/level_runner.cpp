#include "llmbench/perf/level_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "llmbench/metrics/bootstrap.hpp"
#include "llmbench/perf/schedule.hpp"
#include "llmbench/run/request_fields.hpp"

namespace llmbench::perf {

using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kSaturationMinimum = 20;  // measured requests ended before the first check
constexpr std::size_t kSaturationEvery = 10;    // then a check every this many
constexpr double kSaturationRatio = 3;
constexpr double kSaturationGapMs = 500;

double ms_since(Clock::time_point start, Clock::time_point now) {
  return std::chrono::duration<double, std::milli>(now - start).count();
}

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return metrics::quantile_sorted(values, 0.5);
}

}  // namespace

bool saturated(const std::vector<RequestSample>& samples) {
  std::vector<const RequestSample*> ended;
  for (const RequestSample& s : samples) {
    if (!s.warmup && s.ok() && s.scheduled_ms && s.total_ttft_ms()) ended.push_back(&s);
  }
  if (ended.size() < kSaturationMinimum) return false;
  std::sort(ended.begin(), ended.end(),
            [](const RequestSample* a, const RequestSample* b) { return *a->scheduled_ms < *b->scheduled_ms; });
  const std::size_t quarter = ended.size() / 4;
  std::vector<double> first, last;
  for (std::size_t i = 0; i < quarter; ++i) {
    first.push_back(*ended[i]->total_ttft_ms());
    last.push_back(*ended[ended.size() - 1 - i]->total_ttft_ms());
  }
  const double early = median_of(std::move(first)), late = median_of(std::move(last));
  return late > kSaturationRatio * early && late - early > kSaturationGapMs;
}

struct LevelRunner::Level {
  LevelPlan plan;
  Clock::time_point start;
  std::optional<Clock::time_point> send_until;  // closed loop with duration_s
  std::int64_t total = 0;                        // requests to send; 0: until send_until
  std::int64_t next_seq = 0;
  std::size_t measured_ended = 0;
  bool stopping = false;  // saturated: nothing more is sent, pending requests are cancelled
  LevelResult result;
};

LevelRunner::LevelRunner(run::RunSession& session, const PerfOptions& options, const config::ResolvedModel& model,
                         const PromptSet& prompts, records::JournalWriter& log, std::string run_id)
    : session_(session), options_(options), model_(model), prompts_(prompts), log_(log), run_id_(std::move(run_id)) {}

std::string LevelRunner::request_id(const Level& level, std::int64_t seq) const {
  return fmt::format("{}-{}-{}", run_id_, level.plan.index, seq);
}

http::ApiRequest LevelRunner::request_for(const Level& level, std::int64_t seq) const {
  http::ApiRequest request = run::chat_request(model_, {{"user", prompts_.at(level.plan.index, seq).text}});
  request.stream = http::Stream::yes;
  request.params.update(length_params(options_));
  request.endpoint.headers.emplace_back("X-Request-Id", request_id(level, seq));
  return request;
}

void LevelRunner::on_done(Level& level, RequestSample sample) {
  const Prompt& prompt = prompts_.at(level.plan.index, sample.seq);
  if (!sample.input_tokens && sample.sent_ms) {
    sample.input_tokens = prompt.estimated_tokens;
    sample.input_tokens_from = "estimate";
  }
  run::ProgressSnapshot& progress = session_.progress();
  ++progress.done;
  if (!sample.ok() && !sample.cancelled()) ++progress.errors[sample.error_kind];
  if (sample.sent_ms) log_.append(log_line(sample));
  const bool measured = !sample.warmup && !sample.cancelled();
  level.result.samples.push_back(std::move(sample));
  session_.show_progress();
  if (measured && level.plan.rate && !level.stopping) {
    ++level.measured_ended;
    // Stopped early only while some request has not ended: a level that ran out is complete.
    const bool pending = level.total <= 0 || level.result.samples.size() < static_cast<std::size_t>(level.total);
    if (pending && level.measured_ended >= kSaturationMinimum && level.measured_ended % kSaturationEvery == 0 &&
        saturated(level.result.samples)) {
      level.stopping = true;
      level.result.stopped_early = "saturated";
      session_.executor(options_.seed).cancel_pending();
    }
  }
}

void LevelRunner::submit_next(Level& level) {
  http::Executor& executor = session_.executor(options_.seed);
  const Clock::time_point now = Clock::now();
  if (level.stopping || executor.stop_requested()) return;
  if (level.total > 0 ? level.next_seq >= level.total : now >= *level.send_until) return;
  const std::int64_t seq = level.next_seq++;
  const double start_ms = ms_since(level.start, now);
  executor.submit(request_for(level, seq), [this, &level, seq, start_ms](http::RequestRecord&& record) {
    RequestSample sample = sample_of(record, start_ms, false);
    sample.request_id = request_id(level, seq);
    sample.level = level.plan.index;
    sample.seq = seq;
    sample.warmup = seq < level.plan.warmup;
    on_done(level, std::move(sample));
    submit_next(level);
  });
}

void LevelRunner::submit_scheduled(Level& level) {
  http::Executor& executor = session_.executor(options_.seed);
  const std::vector<double> times = arrival_times_ms(*level.plan.rate, level.total, options_.arrival,
                                                     options_.burstiness, options_.seed + level.plan.index);
  for (std::int64_t seq = 0; seq < level.total; ++seq) {
    const double at_ms = times[static_cast<std::size_t>(seq)];
    const auto at = level.start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(at_ms));
    executor.submit_at(at, request_for(level, seq), [this, &level, seq, at_ms](http::RequestRecord&& record) {
      RequestSample sample = sample_of(record, at_ms, true);
      sample.request_id = request_id(level, seq);
      sample.level = level.plan.index;
      sample.seq = seq;
      sample.warmup = seq < level.plan.warmup;
      on_done(level, std::move(sample));
    });
  }
}

LevelResult LevelRunner::run(const LevelPlan& plan) {
  Level level;
  level.plan = plan;
  if (plan.rate && plan.duration_s) {
    level.total = plan.warmup + std::max<std::int64_t>(1, std::llround(*plan.rate * *plan.duration_s));
  } else if (!plan.duration_s) {
    level.total = plan.warmup + plan.requests;
  }
  session_.restart_progress(fmt::format("level {}", plan.index + 1));
  session_.progress().total = static_cast<std::uint64_t>(level.total);
  level.result.interrupted = session_.execute([&] {
    // A short lead: the schedule's first send is not already late when the loop starts.
    level.start = Clock::now() + std::chrono::milliseconds(plan.rate ? 5 : 0);
    if (plan.duration_s) {
      level.send_until = level.start + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(*plan.duration_s));
    }
    if (plan.rate) {
      submit_scheduled(level);
    } else {
      for (int i = 0; i < *plan.concurrency; ++i) submit_next(level);
    }
  });
  return std::move(level.result);
}

}  // namespace llmbench::perf
