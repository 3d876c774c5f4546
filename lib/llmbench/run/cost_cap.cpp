#include "llmbench/run/cost_cap.hpp"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/run/cost_estimate.hpp"

namespace llmbench::run {
namespace {

bool bounds_output(const config::ResolvedModel& model) {
  if (model.kind == config::ModelKind::embedding) return true;
  for (const char* key : {"max_completion_tokens", "max_tokens"}) {
    const auto it = model.params.find(key);
    if (it != model.params.end() && it->is_number() && it->get<double>() >= 0) return true;
  }
  return false;
}

// The request's own bound on completion tokens (the model's params are merged into it).
double max_output_tokens(const http::ApiRequest& request) {
  if (request.kind != http::ApiKind::chat || !request.params.is_object()) return 0;
  for (const char* key : {"max_completion_tokens", "max_tokens"}) {
    const auto it = request.params.find(key);
    if (it != request.params.end() && it->is_number()) return std::max(0.0, it->get<double>());
  }
  return 0;
}

}  // namespace

void check_cost_cap_models(const std::vector<config::ResolvedModel*>& models) {
  std::string problems;
  std::vector<std::string> named;
  for (const config::ResolvedModel* model : models) {
    if (std::find(named.begin(), named.end(), model->id) != named.end()) continue;
    std::string why;
    if (!model->price) {
      why = "has no price: set price: {input_per_mtok, output_per_mtok}";
    } else if (!bounds_output(*model)) {
      why = "sets no max_tokens, so its output is unbounded: set params: {max_tokens: N}";
    } else {
      continue;
    }
    named.push_back(model->id);
    problems += fmt::format("\n  {} ({}) {}", model->id, model->defined_at.empty() ? "no config entry" : model->defined_at, why);
  }
  if (!problems.empty()) {
    throw Error("--max-cost needs every model priced and bounded; it cannot bound:" + problems +
                    "\n(a model is never priced at 0; run without --max-cost to run it unbounded)",
                ExitCode::bad_input);
  }
}

CostCap::CostCap(double cap_usd, const std::vector<config::ResolvedModel*>& models) : cap_usd_(cap_usd) {
  for (const config::ResolvedModel* model : models) {
    if (model->price) prices_[{model->endpoint.provider, model->api_model}] = *model->price;
  }
}

const config::Price* CostCap::price_of(const http::ApiRequest& request) const {
  const auto it = prices_.find({request.endpoint.provider, request.model});
  return it == prices_.end() ? nullptr : &it->second;
}

double CostCap::estimate_usd(const http::ApiRequest& request) const {
  const config::Price* price = price_of(request);
  if (price == nullptr) return 0;  // check_cost_cap_models refused such a model up front
  std::size_t bytes = 0;
  for (const auto& message : request.messages) bytes += message.content.size();
  for (const auto& input : request.inputs) bytes += input.size();
  const double input_tokens = static_cast<double>(bytes) / kBytesPerToken;
  return (input_tokens * price->input_per_mtok + max_output_tokens(request) * price->output_per_mtok) / 1e6;
}

bool CostCap::admit(double estimate_usd) {
  if (stopped_ || spent_usd_ + in_flight_usd_ + estimate_usd > cap_usd_) {
    if (!stopped_) refused_usd_ = estimate_usd;
    stopped_ = true;
    return false;
  }
  in_flight_usd_ += estimate_usd;
  return true;
}

void CostCap::settle(double estimate_usd, const http::ApiRequest& request, const http::RequestRecord& record) {
  in_flight_usd_ = std::max(0.0, in_flight_usd_ - estimate_usd);
  const config::Price* price = price_of(request);
  if (!record.usage.known() || price == nullptr) {
    // Refused (4xx, 5xx, 429) or never connected: nothing was generated. Otherwise (an answer
    // without usage, a timeout, a cut-off transfer) it may have been billed without saying so.
    const bool unbilled = record.outcome == http::Outcome::http_status ||
                          record.outcome == http::Outcome::rate_limited || record.outcome == http::Outcome::connect;
    if (!unbilled) spent_usd_ += estimate_usd;
    return;
  }
  const double prompt = static_cast<double>(std::max<std::int64_t>(0, record.usage.prompt_tokens));
  const double completion = static_cast<double>(std::max<std::int64_t>(0, record.usage.completion_tokens));
  spent_usd_ += (prompt * price->input_per_mtok + completion * price->output_per_mtok) / 1e6;
}

nlohmann::json CostCap::to_json() const {
  nlohmann::json out = {{"max_usd", cap_usd_}, {"spent_usd", spent_usd_}, {"stopped", stopped_}};
  if (stopped_) out["next_request_usd"] = refused_usd_;
  return out;
}

std::string CostCap::describe() const {
  if (!stopped_) return fmt::format("Spent ${:.4f} of the --max-cost ${:.4f}.", spent_usd_, cap_usd_);
  return fmt::format("Stopped by --max-cost: spent ${:.4f} of ${:.4f}; the next request (~${:.4f}) would pass it.",
                     spent_usd_, cap_usd_, refused_usd_);
}

}  // namespace llmbench::run
