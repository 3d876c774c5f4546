#include "llmbench/perf/options.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "llmbench/error.hpp"

namespace llmbench::perf {

using nlohmann::json;

std::string_view to_string(Arrival arrival) { return arrival == Arrival::gamma ? "gamma" : "poisson"; }

std::string_view to_string(OutputControl control) {
  return control == OutputControl::ignore_eos ? "ignore_eos" : "max_tokens";
}

std::optional<double> parse_duration_ms(std::string_view text) {
  double number = 0;
  const char* end = text.data() + text.size();
  const auto [rest, error] = std::from_chars(text.data(), end, number);
  if (error != std::errc() || rest == text.data() || !std::isfinite(number) || number <= 0) return std::nullopt;
  const std::string_view unit(rest, static_cast<std::size_t>(end - rest));
  if (unit == "ms") return number;
  if (unit == "s" || unit.empty()) return number * 1000;
  if (unit == "m" || unit == "min") return number * 60'000;
  return std::nullopt;
}

namespace {

std::vector<std::string> split_list(const std::string& text, const std::string& flag) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    parts.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  for (const std::string& part : parts) {
    if (part.empty()) throw InputError(flag, 0, fmt::format("\"{}\" has an empty element", text));
  }
  return parts;
}

}  // namespace

std::vector<int> parse_concurrency_list(const std::string& text, const std::string& flag) {
  std::vector<int> out;
  for (const std::string& part : split_list(text, flag)) {
    int value = 0;
    const auto [rest, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (error != std::errc() || rest != part.data() + part.size() || value < 1 || value > 4096) {
      throw InputError(flag, 0, fmt::format("\"{}\" is not a whole number from 1 to 4096", part));
    }
    out.push_back(value);
  }
  return out;
}

std::vector<double> parse_rate_list(const std::string& text, const std::string& flag) {
  std::vector<double> out;
  for (const std::string& part : split_list(text, flag)) {
    double value = 0;
    const auto [rest, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (error != std::errc() || rest != part.data() + part.size() || !std::isfinite(value) || value <= 0) {
      throw InputError(flag, 0, fmt::format("\"{}\" is not a number of requests/s above 0", part));
    }
    out.push_back(value);
  }
  return out;
}

Slo parse_slo(std::string_view text) {
  Slo slo;
  auto bad = [](const std::string& what) { return InputError("--slo", 0, what); };
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view part = text.substr(start, comma - start);
    start = comma + 1;
    const std::size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      throw bad(fmt::format("\"{}\" is not name=value (e.g. ttft=500ms,tpot=50ms,e2e=10s)", part));
    }
    const std::string_view name = part.substr(0, eq);
    const std::optional<double> ms = parse_duration_ms(part.substr(eq + 1));
    if (!ms) {
      throw bad(fmt::format("\"{}\": the value must be a positive time in ms or s (500ms, 2.5s)", part));
    }
    std::optional<double>* target = name == "ttft" ? &slo.ttft_ms
                                  : name == "tpot" ? &slo.tpot_ms
                                  : name == "e2e"  ? &slo.e2e_ms
                                                   : nullptr;
    if (target == nullptr) throw bad(fmt::format("\"{}\": unknown SLO \"{}\"; use ttft, tpot or e2e", part, name));
    if (*target) throw bad(fmt::format("\"{}\": {} is given twice", part, name));
    *target = *ms;
  }
  if (!slo.any()) throw bad("no SLO given (e.g. ttft=500ms,tpot=50ms,e2e=10s)");
  return slo;
}

json slo_json(const Slo& slo) {
  json out = json::object();
  if (slo.ttft_ms) out["ttft_ms"] = *slo.ttft_ms;
  if (slo.tpot_ms) out["tpot_ms"] = *slo.tpot_ms;
  if (slo.e2e_ms) out["e2e_ms"] = *slo.e2e_ms;
  return out;
}

namespace {

template <typename T>
json optional_json(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace

json options_json(const PerfOptions& o) {
  return {{"model", o.model},
          {"config", o.config},
          {"concurrency", o.concurrency_levels},
          {"rate", o.rates},
          {"arrival", to_string(o.arrival)},
          {"burstiness", o.burstiness},
          {"max_concurrency", optional_json(o.max_concurrency)},
          {"seed", o.seed},
          {"requests", optional_json(o.requests)},
          {"duration_s", optional_json(o.duration_s)},
          {"warmup", o.warmup},
          {"input_tokens", optional_json(o.input_tokens)},
          {"output_tokens", optional_json(o.output_tokens)},
          {"output_control", to_string(o.output_control)},
          {"dataset", o.dataset},
          {"tasks", o.tasks},
          {"max_tokens", optional_json(o.max_tokens)},
          {"slo", o.slo.any() ? slo_json(o.slo) : json(nullptr)},
          {"find_max_rate", o.find_max_rate},
          {"timeout_s", o.timeout_s},
          {"model_args", o.model_args},
          {"output_dir", o.output_dir}};
}

void validate(const PerfOptions& o) {
  auto bad = [](const std::string& flag, const std::string& what) { return InputError(flag, 0, what); };
  if (o.model.empty()) throw bad("--model", "required: the id of the model to load");
  const int loops = (o.concurrency_levels.empty() ? 0 : 1) + (o.rates.empty() ? 0 : 1);
  if (loops != 1 && !(o.find_max_rate && o.concurrency_levels.empty())) {
    throw bad("--concurrency", "give exactly one of --concurrency (closed loop) and --rate (open loop)");
  }
  if (o.requests.has_value() == o.duration_s.has_value()) {
    throw bad("--requests", "give exactly one of --requests N and --duration TIME per level");
  }
  if (o.max_concurrency && !o.open_loop()) throw bad("--max-concurrency", "applies to the open loop (--rate) only");
  if (o.burstiness != 1.0 && o.arrival != Arrival::gamma) throw bad("--burstiness", "needs --arrival gamma");
  const int sources = (o.dataset.empty() ? 0 : 1) + (o.tasks.empty() ? 0 : 1) + (o.input_tokens ? 1 : 0);
  if (sources > 1) throw bad("--input-tokens", "give at most one of --input-tokens, --dataset and --tasks");
  if (o.output_tokens && o.max_tokens) throw bad("--max-tokens", "--output-tokens already sets the output length");
  if (o.find_max_rate && !o.slo.any()) throw bad("--find-max-rate", "needs --slo (the objectives a rate must meet)");
  if (o.find_max_rate && o.rates.size() > 1) throw bad("--find-max-rate", "--rate gives the search's start: one rate");
  if (o.find_max_rate && !o.concurrency_levels.empty()) throw bad("--find-max-rate", "searches open-loop rates; drop --concurrency");
}

}  // namespace llmbench::perf
