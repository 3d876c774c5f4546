#include "support/perf_fixture.hpp"

#include <fstream>
#include <vector>

#include <fmt/format.h>

namespace llmbench::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// {mean, p50, p90, p95, p99, max} around `p50`.
json stats(double p50) {
  return {{"mean", p50 * 1.1}, {"p50", p50}, {"p90", p50 * 1.6}, {"p95", p50 * 1.9}, {"p99", p50 * 2.6}, {"max", p50 * 3.2}};
}

json level(std::size_t i, PerfMode mode) {
  const double load = mode == PerfMode::closed ? std::vector<double>{1, 8, 64}[i] : std::vector<double>{2, 5, 10}[i];
  json l = mode == PerfMode::closed ? json{{"concurrency", static_cast<int>(load)}} : json{{"rate", load}};
  const int errors = i == 2 ? 3 : 0;
  l.update({{"complete", !(mode == PerfMode::closed && i == 2)}, {"warmup", 2}, {"requests", 100}, {"ok", 100 - errors},
            {"errors", errors}, {"errors_by_kind", json::object()}, {"duration_s", 12.5 + static_cast<double>(i)},
            {"requests_per_s", 7.84 * load / 8}, {"output_tokens_per_s", 1003.5 * load / 8},
            {"peak_output_tokens_per_s", 1400 * load / 8}, {"achieved_concurrency", load * 0.97},
            {"input_tokens", {{"mean", 511.2}, {"counted_by", "usage"}}},
            {"output_tokens", {{"mean", 128.0}, {"counted_by", "usage"}}},
            {"ttft_ms", stats(120 + 40 * load)}, {"ttfo_ms", nullptr}, {"itl_ms", stats(24)},
            {"tpot_ms", stats(24.5)}, {"e2e_ms", stats(3200 + 60 * load)}});
  if (i == 2) l["errors_by_kind"] = {{"timeout", 2}, {mode == PerfMode::closed ? kHostileErrorKind : "http_status", 1}};
  if (mode == PerfMode::closed) {
    if (i == 0) l["tpot_ms"] = nullptr;
    return l;
  }
  if (i == 2) l["stopped_early"] = "saturated";
  l["verdict"] = std::vector<const char*>{"pass", "undecided", "fail"}[i];  // --find-max-rate's, as perf.cpp marks it
  l["queue_ms"] = stats(5 * load);
  l["service_ttft_ms"] = stats(110 + 40 * load);
  l["service_e2e_ms"] = stats(3100 + 60 * load);
  const int met = 97 - 20 * static_cast<int>(i);
  l["goodput_rps"] = met / (12.5 + static_cast<double>(i));
  l["slo_attainment"] = {{"met", met}, {"total", 100 - errors}, {"rate", met / (100.0 - errors)},
                         {"ci95", {{"low", met / (100.0 - errors) - 0.08}, {"high", std::min(1.0, met / (100.0 - errors) + 0.03)}}}};
  return l;
}

}  // namespace

json perf_record(const std::string& id, const std::string& model, PerfMode mode) {
  json perf = {{"model", model}, {"mode", mode == PerfMode::closed ? "closed" : "open"}, {"max_concurrency", nullptr},
               {"prompts", {{"source", "synthetic"}, {"input_tokens", 512}, {"output_tokens", 128}, {"output_control", "ignore_eos"}}},
               {"levels", json::array()}};
  for (std::size_t i = 0; i < 3; ++i) perf["levels"].push_back(level(i, mode));
  json flags = {{"model", model}, {"requests", 100}, {"warmup", 2}, {"input_tokens", 512}, {"output_tokens", 128}};
  if (mode == PerfMode::closed) {
    flags["concurrency"] = {1, 8, 64};
  } else {
    perf.update({{"arrival", "gamma"}, {"burstiness", 2.0}, {"max_concurrency", 64},
                 {"slo", {{"ttft_ms", 500}, {"tpot_ms", 50}}},
                 {"max_rate", {{"rate", 5.0}, {"target", 0.95}, {"decided_by", "wilson"}}}});
    flags.update({{"rate", {2, 5, 10}}, {"arrival", "gamma"}, {"burstiness", 2.0}, {"slo", "ttft=500ms,tpot=50ms"},
                  {"find_max_rate", true}});
  }
  return {{"id", id}, {"schema_version", 1}, {"kind", "perf"}, {"timestamp", "2025-03-12T09:00:00Z"},
          {"finished_at", "2025-03-12T09:05:00Z"}, {"status", "completed"}, {"llmbench_version", "0.1.0"},
          {"git", {{"branch", "main"}, {"commit", "3f2c1e9"}}}, {"flags", flags},
          {"request_log", fmt::format("runs/{}/requests.jsonl", id)}, {"perf", perf}};
}

void write_perf_log(const fs::path& dir, const json& record, std::size_t per_level) {
  const fs::path path = dir / record.at("request_log").get<std::string>();
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const bool open = record.at("perf").at("mode") == "open";
  for (std::size_t level = 0; level < record.at("perf").at("levels").size(); ++level) {
    for (std::size_t seq = 0; seq < per_level + 3; ++seq) {
      const bool warmup = seq < 2, failed = seq == per_level + 2;
      const double sent = 100.0 * static_cast<double>(seq);
      json line = {{"request_id", fmt::format("{}-{}-{}", record.at("id").get<std::string>(), level, seq)},
                   {"level", level}, {"seq", seq}, {"warmup", warmup}, {"sent_ms", sent + (open ? 5 : 0)},
                   {"ttft_ms", warmup ? 90000.0 : 100.0 + 10.0 * static_cast<double>(seq % 10)}, {"ttfo_ms", nullptr},
                   {"e2e_ms", 3000.0}, {"itl_ms", {20.0, 22.0, 24.0, 26.0}}, {"input_tokens", 512},
                   {"output_tokens", 5}, {"output_tokens_from", "usage"}, {"error_kind", nullptr}, {"error", nullptr}};
      if (open) line["scheduled_ms"] = sent;
      if (failed) {
        line.update({{"ttft_ms", nullptr}, {"e2e_ms", nullptr}, {"itl_ms", json::array()}, {"output_tokens", nullptr},
                     {"error_kind", "timeout"}, {"error", "no response in 120 s"}});
      }
      out << line.dump() << '\n';
    }
  }
}

void add_perf_fixture(const fs::path& dir) {
  const fs::path file = dir / "benchmark_runs.json";
  json runs = json::array();
  if (fs::exists(file)) runs = json::parse(std::ifstream(file));
  for (const json& record : {perf_record(kPerfClosedId, kHostilePerfModel, PerfMode::closed),
                             perf_record(kPerfOpenId, "sim-large", PerfMode::open)}) {
    write_perf_log(dir, record, 30);
    runs.push_back(record);
  }
  fs::create_directories(dir);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << runs.dump(2) << '\n';
}

}  // namespace llmbench::test
