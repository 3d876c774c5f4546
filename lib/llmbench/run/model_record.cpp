#include "llmbench/run/model_record.hpp"

#include <fmt/format.h>

#include "llmbench/error.hpp"

namespace llmbench::run {

using nlohmann::json;

namespace {

json model_json(const config::ResolvedModel& m) {
  json price = nullptr;
  if (m.price) price = {{"input_per_mtok", m.price->input_per_mtok}, {"output_per_mtok", m.price->output_per_mtok}};
  return {{"id", m.id}, {"api_key_env", m.endpoint.api_key_env}, {"price", std::move(price)}};
}

config::ResolvedModel model_from_json(const json& j, config::Role role) {
  config::ResolvedModel m;
  m.role = role;
  m.id = j.at("id").get<std::string>();
  m.endpoint.api_key_env = j.at("api_key_env").get<std::string>();
  const json& price = j.at("price");
  if (!price.is_null()) {
    m.price = config::Price{price.at("input_per_mtok").get<double>(), price.at("output_per_mtok").get<double>()};
  }
  m.defined_at = "the run record";
  return m;
}

}  // namespace

json models_json(const ModelMatrix& models) {
  json out = json::object();
  for (config::Role role : config::kAllRoles) {
    json list = json::array();
    for (const auto& m : role_models(models, role)) list.push_back(model_json(m));
    out[std::string(config::to_string(role))] = std::move(list);
  }
  out["safety_judge"] = models.safety_judge ? model_json(*models.safety_judge) : json(nullptr);
  return out;
}

ModelMatrix models_from_json(const json& models, const std::string& where) {
  ModelMatrix out;
  try {
    for (config::Role role : config::kAllRoles) {
      for (const json& m : models.at(std::string(config::to_string(role)))) {
        role_models(out, role).push_back(model_from_json(m, role));
      }
    }
    const json& safety = models.at("safety_judge");
    if (!safety.is_null()) out.safety_judge = model_from_json(safety, config::Role::judge);
  } catch (const json::exception& e) {
    throw Error(fmt::format("{}: malformed \"models\" ({}); `llmbench run` writes it, do not edit it", where,
                            e.what()));
  }
  return out;
}

}  // namespace llmbench::run
