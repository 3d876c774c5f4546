#pragma once
// `--max-cost USD`: the spend gate of a session's executor (http/spend_gate.hpp). A request is
// sent only while
//     spent + in flight + its estimate <= cap,
// where `spent` is what this session's finished requests cost by their usage, `in flight` the
// estimates of those sent and not yet finished, and an estimate the plan's rule applied to the
// request itself: its prompt bytes / kBytesPerToken as input tokens and its max_tokens (or
// max_completion_tokens) as output tokens, at the model's price. The first request that does not
// fit stops the executor: the run ends `interrupted`, resumable, with stop_reason "max_cost".
//
// The cap is per session: a resumed run starts counting from zero (what the earlier sessions
// spent stays in the run's per-task cost). A finished request whose server reported no usage
// counts its estimate, unless it was refused (HTTP error, 429) or never connected. The model
// check's requests are not counted. The cap holds exactly for the output side (max_tokens is a
// bound); the input side holds while prompts run at most one token per kBytesPerToken bytes
// (English text; Cyrillic runs nearer two bytes a token).
//
// Threading: the executor's loop thread only (spent_usd() etc. after run() returns, or on it).

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/config/registry.hpp"
#include "llmbench/http/spend_gate.hpp"

namespace llmbench::run {

// Throws Error (exit 2) naming each model of `models` that --max-cost cannot bound: one without
// a price (never priced at 0), or a chat model whose params set no max_tokens (its output, and
// so its cost, would be unbounded), with what to set in which file.
void check_cost_cap_models(const std::vector<config::ResolvedModel*>& models);

class CostCap final : public http::SpendGate {
 public:
  // `models`: every model the session sends to (checked by check_cost_cap_models); they are
  // told apart by provider and API model name, as requests name them.
  CostCap(double cap_usd, const std::vector<config::ResolvedModel*>& models);

  double estimate_usd(const http::ApiRequest& request) const override;
  bool admit(double estimate_usd) override;
  void settle(double estimate_usd, const http::ApiRequest& request, const http::RequestRecord& record) override;

  double cap_usd() const { return cap_usd_; }
  double spent_usd() const { return spent_usd_; }
  double in_flight_usd() const { return in_flight_usd_; }
  // Whether a request was refused, and that request's estimate.
  bool stopped() const { return stopped_; }
  double refused_usd() const { return refused_usd_; }

  // The record's "cost_cap": {max_usd, spent_usd, stopped, next_request_usd (when stopped)}.
  nlohmann::json to_json() const;
  // "Stopped by --max-cost: spent $0.0123 of $0.0200; the next request (~$0.0100) would pass it."
  // or "Spent $0.0123 of the --max-cost $0.0200."
  std::string describe() const;

 private:
  const config::Price* price_of(const http::ApiRequest& request) const;

  double cap_usd_;
  std::map<std::pair<std::string, std::string>, config::Price> prices_;  // (provider, api model) -> price
  double spent_usd_ = 0;
  double in_flight_usd_ = 0;
  bool stopped_ = false;
  double refused_usd_ = 0;
};

}  // namespace llmbench::run
