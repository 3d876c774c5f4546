#include "llmbench/perf/level_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "llmbench/metrics/bootstrap.hpp"
#include "llmbench/metrics/ci.hpp"

namespace llmbench::perf {

using nlohmann::json;

namespace {

double round_to(double value, double unit) { return std::round(value / unit) * unit; }

}  // namespace

std::optional<Distribution> distribution(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  Distribution d;
  d.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  d.p50 = metrics::quantile_sorted(values, 0.50);
  d.p90 = metrics::quantile_sorted(values, 0.90);
  d.p95 = metrics::quantile_sorted(values, 0.95);
  d.p99 = metrics::quantile_sorted(values, 0.99);
  d.max = values.back();
  return d;
}

json distribution_json(const std::optional<Distribution>& d) {
  if (!d) return nullptr;
  auto ms = [](double v) { return round_to(v, 0.001); };
  return {{"mean", ms(d->mean)}, {"p50", ms(d->p50)}, {"p90", ms(d->p90)},
          {"p95", ms(d->p95)},   {"p99", ms(d->p99)}, {"max", ms(d->max)}};
}

std::optional<double> peak_rate_per_s(const std::vector<std::pair<double, double>>& events, double from_ms,
                                      double to_ms, double bucket_ms) {
  const auto full_buckets = static_cast<long long>(std::floor((to_ms - from_ms) / bucket_ms));
  if (!(bucket_ms > 0) || full_buckets < 1) return std::nullopt;
  std::vector<double> buckets(static_cast<std::size_t>(full_buckets), 0.0);
  for (const auto& [at_ms, count] : events) {
    const auto k = static_cast<long long>(std::floor((at_ms - from_ms) / bucket_ms));
    if (k >= 0 && k < full_buckets) buckets[static_cast<std::size_t>(k)] += count;
  }
  return *std::max_element(buckets.begin(), buckets.end()) * 1000.0 / bucket_ms;
}

double mean_overlap(const std::vector<std::pair<double, double>>& intervals, double from, double to) {
  if (!(to > from)) return 0;
  double covered = 0;
  for (const auto& [start, end] : intervals) covered += std::max(0.0, std::min(end, to) - std::max(start, from));
  return covered / (to - from);
}

bool meets(const RequestSample& s, const Slo& slo) {
  if (!s.ok()) return false;
  if (slo.ttft_ms && !(s.total_ttft_ms() && *s.total_ttft_ms() <= *slo.ttft_ms)) return false;
  if (slo.tpot_ms && s.tpot_ms && *s.tpot_ms > *slo.tpot_ms) return false;
  if (slo.e2e_ms && !(s.total_e2e_ms() && *s.total_e2e_ms() <= *slo.e2e_ms)) return false;
  return true;
}

namespace {

// The samples a level's figures count: sent in the measured part, not cancelled.
std::vector<const RequestSample*> measured(const std::vector<RequestSample>& samples) {
  std::vector<const RequestSample*> out;
  for (const RequestSample& s : samples) {
    if (!s.warmup && !s.cancelled()) out.push_back(&s);
  }
  return out;
}

// "usage" when every count came from usage, "chunks" when all were counted, else "mixed".
std::string counted_by(const std::vector<const RequestSample*>& ok) {
  std::size_t usage = 0;
  for (const RequestSample* s : ok) usage += s->output_tokens_from == "usage" ? 1 : 0;
  return usage == ok.size() ? "usage" : usage == 0 ? "chunks" : "mixed";
}

// The measured window: from the first measured send (scheduled send in the open loop) to the
// last measured end.
std::pair<double, double> window(const std::vector<const RequestSample*>& requests) {
  double from = std::numeric_limits<double>::infinity(), to = -from;
  for (const RequestSample* s : requests) {
    from = std::min(from, s->scheduled_ms.value_or(s->sent_ms.value_or(s->submitted_ms)));
    if (s->done_ms) to = std::max(to, *s->done_ms);
  }
  return requests.empty() || !(to > from) ? std::pair{0.0, 0.0} : std::pair{from, to};
}

void put_slo(json& out, const std::vector<const RequestSample*>& requests, const Slo& slo, double duration_s) {
  std::int64_t met = 0;
  for (const RequestSample* s : requests) met += meets(*s, slo) ? 1 : 0;
  const auto total = static_cast<std::int64_t>(requests.size());
  out["goodput_rps"] = duration_s > 0 ? json(round_to(static_cast<double>(met) / duration_s, 0.001)) : json(nullptr);
  json attainment = {{"met", met}, {"total", total}, {"rate", nullptr}, {"ci95", nullptr}};
  if (total > 0) attainment["rate"] = round_to(static_cast<double>(met) / static_cast<double>(total), 0.0001);
  if (const auto ci = metrics::wilson_interval(met, total)) {
    attainment["ci95"] = {{"low", round_to(ci->low, 0.0001)}, {"high", round_to(ci->high, 0.0001)}};
  }
  out["slo_attainment"] = attainment;
}

}  // namespace
}  // namespace llmbench::perf

namespace llmbench::perf {
namespace {

// Each ok request's output tokens, spread evenly over the arrival of its text chunks (a chunk
// may carry several tokens): (time since the level started, tokens).
std::vector<std::pair<double, double>> token_events(const std::vector<const RequestSample*>& ok) {
  std::vector<std::pair<double, double>> events;
  for (const RequestSample* s : ok) {
    if (!s->sent_ms || !s->ttft_ms || !s->output_tokens) continue;
    const double per_chunk = static_cast<double>(*s->output_tokens) / static_cast<double>(s->itl_ms.size() + 1);
    double at = *s->sent_ms + *s->ttft_ms;
    events.emplace_back(at, per_chunk);
    for (double gap : s->itl_ms) events.emplace_back(at += gap, per_chunk);
  }
  return events;
}

// The latency distributions: queue-inclusive in the open loop, with the service-only and queue
// figures beside them.
void put_latencies(json& out, const std::vector<const RequestSample*>& ok, bool open_loop) {
  std::vector<double> ttft, ttfo, itl, tpot, e2e, queue, service_ttft, service_e2e;
  for (const RequestSample* s : ok) {
    const double queued = s->queue_ms().value_or(0);
    if (s->ttft_ms) ttft.push_back(*s->ttft_ms + queued), service_ttft.push_back(*s->ttft_ms);
    if (s->ttfo_ms) ttfo.push_back(*s->ttfo_ms + queued);
    itl.insert(itl.end(), s->itl_ms.begin(), s->itl_ms.end());
    if (s->tpot_ms) tpot.push_back(*s->tpot_ms);
    if (s->e2e_ms) e2e.push_back(*s->e2e_ms + queued), service_e2e.push_back(*s->e2e_ms);
    if (s->queue_ms()) queue.push_back(*s->queue_ms());
  }
  out["ttft_ms"] = distribution_json(distribution(std::move(ttft)));
  out["ttfo_ms"] = distribution_json(distribution(std::move(ttfo)));
  out["itl_ms"] = distribution_json(distribution(std::move(itl)));
  out["tpot_ms"] = distribution_json(distribution(std::move(tpot)));
  out["e2e_ms"] = distribution_json(distribution(std::move(e2e)));
  if (open_loop) {
    out["queue_ms"] = distribution_json(distribution(std::move(queue)));
    out["service_ttft_ms"] = distribution_json(distribution(std::move(service_ttft)));
    out["service_e2e_ms"] = distribution_json(distribution(std::move(service_e2e)));
  }
}

json token_counts(const std::vector<const RequestSample*>& ok) {
  double input = 0, output = 0;
  std::size_t inputs = 0, outputs = 0, estimated = 0;
  for (const RequestSample* s : ok) {
    if (s->input_tokens) input += static_cast<double>(*s->input_tokens), ++inputs;
    estimated += s->input_tokens_from == "estimate" ? 1 : 0;
    if (s->output_tokens) output += static_cast<double>(*s->output_tokens), ++outputs;
  }
  auto mean = [](double sum, std::size_t n) { return n == 0 ? json(nullptr) : json(round_to(sum / n, 0.01)); };
  return {{"input_tokens", {{"mean", mean(input, inputs)}, {"counted_by", estimated > 0 ? "estimate" : "usage"}}},
          {"output_tokens", {{"mean", mean(output, outputs)}, {"counted_by", counted_by(ok)}}}};
}

}  // namespace

json level_figures(const std::vector<RequestSample>& samples, const LevelSetup& setup) {
  const std::vector<const RequestSample*> requests = measured(samples);
  std::vector<const RequestSample*> ok;
  std::map<std::string, std::int64_t> errors_by_kind;
  std::vector<std::pair<double, double>> busy;  // (sent, done) of every request sent
  for (const RequestSample* s : requests) {
    if (s->ok()) ok.push_back(s);
    else ++errors_by_kind[s->error_kind];
    if (s->sent_ms && s->done_ms) busy.emplace_back(*s->sent_ms, *s->done_ms);
  }
  const auto [from, to] = window(requests);
  const double duration_s = (to - from) / 1000;
  double output_tokens = 0;
  for (const RequestSample* s : ok) output_tokens += static_cast<double>(s->output_tokens.value_or(0));
  // A level with no measured time has no rate: null, never 0.
  auto per_s = [&](double n) { return duration_s > 0 ? json(round_to(n / duration_s, 0.001)) : json(nullptr); };
  const std::optional<double> peak = peak_rate_per_s(token_events(ok), from, to);
  json out = {{"warmup", setup.warmup},
              {"requests", requests.size()},
              {"ok", ok.size()},
              {"errors", requests.size() - ok.size()},
              {"errors_by_kind", errors_by_kind},
              {"duration_s", round_to(duration_s, 0.001)},
              {"requests_per_s", per_s(static_cast<double>(ok.size()))},
              {"output_tokens_per_s", per_s(output_tokens)},
              {"peak_output_tokens_per_s", peak ? json(round_to(*peak, 0.001)) : json(nullptr)},
              {"achieved_concurrency", duration_s > 0 ? json(round_to(mean_overlap(busy, from, to), 0.001)) : json(nullptr)}};
  out.update(token_counts(ok));
  put_latencies(out, ok, setup.open_loop);
  if (setup.slo.any()) put_slo(out, requests, setup.slo, duration_s);
  return out;
}

}  // namespace llmbench::perf
