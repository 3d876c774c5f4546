#pragma once
// Starts the embedded simulator for models whose provider's base_url is `sim://`, so that a
// sweep or `models test` runs against it without anything else running.
//
// A sim:// URL may carry simulator settings as query parameters, e.g.
//   sim://?latency_ms=5&tokens_per_s=200&seed=7&rate_limit=0.1
// Known parameters: latency_ms, ttft_ms, tokens_per_s, seed, threads, api_key (a made-up key
// the simulator demands, to test the bad-key path; never a real key), and the fault shares
// rate_limit, server_error, bad_gateway_html, drop, truncate, stall, length (in [0,1]), retry_after_s,
// stall_s, first_attempt_only (true|false).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "llmbench/config/registry.hpp"
#include "llmbench/sim/simulator.hpp"

namespace llmbench::config {

inline bool is_sim_url(const std::string& base_url) { return base_url.rfind("sim://", 0) == 0; }

// The simulator options a sim:// URL asks for. Throws Error naming the bad parameter (never
// its value when the parameter is api_key) and the valid ones.
sim::SimOptions parse_sim_url(const std::string& base_url);

class EmbeddedSims {
 public:
  EmbeddedSims() = default;
  ~EmbeddedSims();  // stops every simulator it started
  EmbeddedSims(const EmbeddedSims&) = delete;
  EmbeddedSims& operator=(const EmbeddedSims&) = delete;

  // For each provider among `models` whose endpoint base_url is sim://, starts one simulator
  // serving that provider's models (by api_model, with their sim_accuracy) and points those
  // models' endpoints at it. Other models are left alone. Call once with every model the
  // command will use: a later call starts separate simulators. `answers` is the book the
  // simulators answer from (null: the shipped datasets, see load_default_answer_book).
  // Throws Error if one cannot start.
  void start(const std::vector<ResolvedModel*>& models,
             std::shared_ptr<const sim::AnswerBook> answers = nullptr);
  void start(std::vector<ResolvedModel>& models,
             std::shared_ptr<const sim::AnswerBook> answers = nullptr);

  // Stops every simulator started so far and lets them go (the destructor does the same).
  void stop();

  // The simulator serving `provider`, or null.
  const sim::Simulator* find(const std::string& provider) const;
  std::size_t size() const { return sims_.size(); }

 private:
  std::map<std::string, std::unique_ptr<sim::Simulator>> sims_;  // provider -> simulator
  std::vector<std::unique_ptr<sim::Simulator>> extra_;           // same provider, later start()
};

}  // namespace llmbench::config
