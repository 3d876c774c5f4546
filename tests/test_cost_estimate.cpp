#include <catch2/catch.hpp>

#include "llmbench/run/cost_estimate.hpp"
#include "llmbench/tiers/tier.hpp"

using namespace llmbench;
using namespace llmbench::run;

namespace {

config::ResolvedModel model(const std::string& id, nlohmann::json params, std::optional<config::Price> price) {
  config::ResolvedModel m;
  m.id = id;
  m.params = std::move(params);
  m.price = price;
  return m;
}

}  // namespace

TEST_CASE("cost estimate: input at four bytes a token and output at max_tokens, per model over its roles",
          "[cost]") {
  ModelMatrix models;
  models.generation = {model("g", {{"max_tokens", 100}}, config::Price{2.0, 10.0})};
  models.judges = {model("g", {{"max_tokens", 100}}, config::Price{2.0, 10.0})};
  const std::vector<PlannedLoad> loads = {{config::Role::generation, "g", 10, 4000},
                                          {config::Role::judge, "g", 5, 2000}};
  const auto costs = estimate_costs(loads, models);
  REQUIRE(costs.size() == 1);
  CHECK(costs[0].requests == 15);
  CHECK(costs[0].input_tokens == Approx(1500));
  CHECK(*costs[0].max_output_tokens == Approx(1500));
  // 1,500 input tokens at $2/M + 1,500 output tokens at $10/M
  CHECK(*costs[0].usd == Approx(0.003 + 0.015));
  const std::string text = render_cost_estimate(costs);
  CHECK(text.find("$0.0180") != std::string::npos);
  CHECK(text.find("total") != std::string::npos);
}

TEST_CASE("cost estimate: no price or no output bound is said, never priced at zero", "[cost]") {
  ModelMatrix models;
  models.generation = {model("priced", {{"max_completion_tokens", 10}}, config::Price{1.0, 1.0}),
                       model("unbounded", nlohmann::json::object(), config::Price{1.0, 1.0}),
                       model("free", {{"max_tokens", 10}}, std::nullopt)};
  const std::vector<PlannedLoad> loads = {{config::Role::generation, "priced", 1, 400},
                                          {config::Role::generation, "unbounded", 1, 400},
                                          {config::Role::generation, "free", 1, 400}};
  const auto costs = estimate_costs(loads, models);
  REQUIRE(costs.size() == 3);
  CHECK(costs[0].usd.has_value());
  CHECK_FALSE(costs[1].usd.has_value());
  CHECK_FALSE(costs[2].usd.has_value());
  const std::string text = render_cost_estimate(costs);
  CHECK(text.find("unbounded") != std::string::npos);
  CHECK(text.find("no price") != std::string::npos);
  CHECK(text.find("(priced models only)") != std::string::npos);
  CHECK(render_cost_estimate(estimate_costs({loads[2]}, models)).empty());  // nothing priced: no estimate
}
