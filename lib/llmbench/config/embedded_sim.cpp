#include "llmbench/config/embedded_sim.hpp"

#include <malloc.h>

#include <charconv>
#include <functional>

#include <spdlog/spdlog.h>

#include "llmbench/config/suggest.hpp"
#include "llmbench/error.hpp"

namespace llmbench::config {
namespace {

double to_number(const std::string& name, const std::string& value, double min, double max) {
  double number = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, number);
  if (ec != std::errc() || ptr != end || value.empty()) {
    throw Error("sim:// parameter " + name + " must be a number, got \"" + value + "\"");
  }
  if (number < min || number > max) {
    throw Error("sim:// parameter " + name + " must be between " + std::to_string(min) + " and " +
                std::to_string(max));
  }
  return number;
}

using Setter = std::function<void(sim::SimOptions&, const std::string&, const std::string&)>;

const std::map<std::string, Setter>& setters() {
  constexpr double kBig = 1e9;
  static const std::map<std::string, Setter> table = [] {
    std::map<std::string, Setter> t;
    auto number = [](double sim::SimOptions::*field, double min, double max) {
      return [field, min, max](sim::SimOptions& o, const std::string& k, const std::string& v) {
        o.*field = to_number(k, v, min, max);
      };
    };
    auto fault = [](double sim::FaultOptions::*field, double min, double max) {
      return [field, min, max](sim::SimOptions& o, const std::string& k, const std::string& v) {
        o.faults.*field = to_number(k, v, min, max);
      };
    };
    t["latency_ms"] = number(&sim::SimOptions::latency_ms, 0, kBig);
    t["ttft_ms"] = number(&sim::SimOptions::ttft_ms, 0, kBig);
    t["tokens_per_s"] = number(&sim::SimOptions::tokens_per_s, 0, kBig);
    t["seed"] = [](sim::SimOptions& o, const std::string& k, const std::string& v) {
      o.seed = static_cast<std::uint64_t>(to_number(k, v, 0, 1e18));
    };
    t["threads"] = [](sim::SimOptions& o, const std::string& k, const std::string& v) {
      o.threads = static_cast<int>(to_number(k, v, 1, 4096));
    };
    t["api_key"] = [](sim::SimOptions& o, const std::string&, const std::string& v) {
      o.api_key = v;
    };
    t["rate_limit"] = fault(&sim::FaultOptions::rate_limit, 0, 1);
    t["server_error"] = fault(&sim::FaultOptions::server_error, 0, 1);
    t["bad_gateway_html"] = fault(&sim::FaultOptions::bad_gateway_html, 0, 1);
    t["drop"] = fault(&sim::FaultOptions::drop, 0, 1);
    t["truncate"] = fault(&sim::FaultOptions::truncate, 0, 1);
    t["stall"] = fault(&sim::FaultOptions::stall, 0, 1);
    t["length"] = fault(&sim::FaultOptions::length, 0, 1);
    t["retry_after_s"] = fault(&sim::FaultOptions::retry_after_s, 0, 3600);
    t["stall_s"] = fault(&sim::FaultOptions::stall_s, 0, 3600);
    t["first_attempt_only"] = [](sim::SimOptions& o, const std::string& k, const std::string& v) {
      if (v != "true" && v != "false") {
        throw Error("sim:// parameter " + k + " must be true or false");
      }
      o.faults.first_attempt_only = v == "true";
    };
    return t;
  }();
  return table;
}

}  // namespace

sim::SimOptions parse_sim_url(const std::string& base_url) {
  sim::SimOptions options;
  const auto q = base_url.find('?');
  if (q == std::string::npos) return options;
  std::vector<std::string> known;
  for (const auto& [name, setter] : setters()) known.push_back(name);
  std::string query = base_url.substr(q + 1);
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    std::string pair = query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string name = pair.substr(0, eq);
    auto it = setters().find(name);
    if (it == setters().end()) {
      throw Error("unknown sim:// parameter \"" + name + "\"" + did_you_mean(name, known) +
                  "; known parameters: " + join(known));
    }
    if (eq == std::string::npos) throw Error("sim:// parameter " + name + " needs a value: " + name + "=...");
    it->second(options, name, pair.substr(eq + 1));
  }
  return options;
}

EmbeddedSims::~EmbeddedSims() { stop(); }

void EmbeddedSims::stop() {
  for (auto& sim : extra_) sim->stop();
  for (auto& [provider, sim] : sims_) sim->stop();
  extra_.clear();
  sims_.clear();
}

void EmbeddedSims::start(std::vector<ResolvedModel>& models,
                         std::shared_ptr<const sim::AnswerBook> answers) {
  std::vector<ResolvedModel*> pointers;
  for (auto& m : models) pointers.push_back(&m);
  start(pointers, std::move(answers));
}

void EmbeddedSims::start(const std::vector<ResolvedModel*>& models,
                         std::shared_ptr<const sim::AnswerBook> answers) {
  // provider -> (sim:// url, models); the first model's URL speaks for its provider.
  std::map<std::string, std::pair<std::string, std::vector<ResolvedModel*>>> groups;
  for (ResolvedModel* m : models) {
    if (!is_sim_url(m->endpoint.base_url)) continue;
    auto& group = groups[m->endpoint.provider];
    if (group.first.empty()) group.first = m->endpoint.base_url;
    group.second.push_back(m);
  }
  // The simulators' worker threads (one per connection) would each take a malloc arena of
  // their own (glibc makes up to 8 a core), and an arena keeps what was freed in it: some
  // 3 MiB of a sweep's peak RSS (benchmarks/memory) for nothing the run needs. Two serve.
  if (!groups.empty()) mallopt(M_ARENA_MAX, 2);
  for (auto& [provider, group] : groups) {
    sim::SimOptions options = parse_sim_url(group.first);
    options.answers = answers;
    options.keep_answers = false;  // nobody reads them, and they grow with every request
    for (const ResolvedModel* m : group.second) {
      bool seen = false;
      for (const auto& s : options.models) seen = seen || s.id == m->api_model;
      if (seen) continue;
      sim::SimModel model;
      model.id = m->api_model;
      if (m->sim_accuracy) model.accuracy = *m->sim_accuracy;
      options.models.push_back(model);
    }
    auto sim = std::make_unique<sim::Simulator>(std::move(options));
    sim->start();
    const std::string url = sim->base_url();
    spdlog::debug("embedded simulator for provider {} serves {} model(s) at {}", provider,
                  group.second.size(), url);
    for (ResolvedModel* m : group.second) {
      m->endpoint.cache_url = m->endpoint.base_url;
      m->endpoint.base_url = url;
    }
    if (sims_.count(provider) == 0) {
      sims_[provider] = std::move(sim);
    } else {
      extra_.push_back(std::move(sim));
    }
  }
}

const sim::Simulator* EmbeddedSims::find(const std::string& provider) const {
  auto it = sims_.find(provider);
  return it == sims_.end() ? nullptr : it->second.get();
}

}  // namespace llmbench::config
